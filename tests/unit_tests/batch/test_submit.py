"""submit_batch end to end over the emulator: lines, splitting, alignment, resume, faults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from langchain_gradient.batch import (
    GradientBatchClient,
    GradientBatchItemError,
    asubmit_batch,
    submit_batch,
)
from langchain_gradient.batch import job as job_module
from langchain_gradient.batch.lines import chat_body
from langchain_gradient.emulator import Fault
from langchain_gradient.emulator.batches import batch_controls
from langchain_gradient.emulator.contract import check_request
from tests.unit_tests.batch.helpers import (
    ANTHROPIC,
    OPENAI,
    Sum,
    client,
    get_weather,
    llm,
    results,
    uploaded_lines,
)


def content(line: dict[str, Any]) -> str:
    return str(line["response"]["body"]["choices"][0]["message"]["content"])


def test_lines_carry_exactly_what_invoke_sends(emu: Any) -> None:
    model = llm(emu, temperature=0.2).bind_tools([get_weather], tool_choice="get_weather")
    model.invoke("Weather in Paris?")
    sent = emu.request_log.last("/v1/chat/completions").body
    submit_batch(model, ["Weather in Paris?"], client=client(emu))
    (line,) = uploaded_lines(emu)
    assert line["body"] == sent
    assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
    assert check_request("POST", "/v1/chat/completions", line["body"], strict=True) is None


def test_bound_tools_and_structured_output_are_carried_through(emu: Any) -> None:
    tools = results(
        submit_batch(llm(emu).bind_tools([get_weather]), ["Weather in Oslo?"], client=client(emu))
    )
    assert isinstance(tools[0], AIMessage) and tools[0].tool_calls[0]["name"] == "get_weather"
    model = llm(emu).with_structured_output(Sum)
    structured = results(submit_batch(model, ["What is 3 + 4?"], client=client(emu)))
    assert structured == [model.invoke("What is 3 + 4?")]
    assert isinstance(structured[0], Sum)


def test_anthropic_lines_follow_message_batches_and_the_contract(emu: Any) -> None:
    model = llm(emu, ANTHROPIC, max_tokens=300, prompt_cache="5m").bind_tools([get_weather])
    job = submit_batch(
        model, [[("system", "Be brief."), ("human", "What is 2 + 2?")]], client=client(emu)
    )
    (line,) = uploaded_lines(emu)
    assert set(line) == {"custom_id", "params"}
    params = line["params"]
    assert check_request("POST", "/v1/messages", params, strict=True) is None
    assert params["max_tokens"] == 300 and params["tools"][0]["input_schema"]["type"] == "object"
    assert params["system"][0]["text"] == "Be brief."
    (answer,) = results(job)
    assert isinstance(answer, AIMessage) and answer.usage_metadata["output_tokens"] > 0


def test_unsupported_model_fails_before_any_upload(emu: Any) -> None:
    with pytest.raises(ValueError, match=r"OpenAI and Anthropic models only.*openai-gpt"):
        submit_batch(llm(emu, "llama3.3-70b-instruct"), ["hi"], client=client(emu))
    assert emu.request_log.records("/v1/batches/files") == []


def test_100k_prompts_two_jobs_aligned_with_failures_in_place(emu: Any, monkeypatch: Any) -> None:
    # 100,000 inputs split into two 50,000-line jobs. Prompts repeat with period 997 (a
    # prime, so any shift between parts or inside one shows) to keep the run lean.
    batch_controls(emu.state).fail_custom_ids = {"7", "50001", "99999"}
    prompts = [f"What is {i % 997} + 1?" for i in range(100_000)]
    job = submit_batch(llm(emu), prompts, client=client(emu), request_id="big")
    assert len(job.batch_ids) == 2
    out = results(job, raw=True)  # lines, not AIMessages: lean (AIMessages tested above)
    counts = [client(emu).get(b)["request_counts"]["total"] for b in job.batch_ids]
    assert counts == [50_000, 50_000]
    assert len(out) == 100_000
    for i in (7, 50_001, 99_999):
        assert isinstance(out[i], GradientBatchItemError) and out[i].index == i
    for i, line in enumerate(out):
        if not isinstance(line, GradientBatchItemError):
            assert line["custom_id"] == str(i) and str(i % 997 + 1) in content(line), i
    assert sum(isinstance(x, GradientBatchItemError) for x in out) == 3


def test_splits_on_bytes_too(emu: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(job_module, "MAX_BYTES_PER_FILE", 600)
    job = submit_batch(llm(emu), [f"What is {i} + 1?" for i in range(6)], client=client(emu))
    assert len(job.batch_ids) > 1
    assert [m.content for m in results(job)] == [m.content for m in results(job)]
    assert all(str(i + 1) in m.content for i, m in enumerate(results(job)))


def test_resubmit_with_the_same_request_id_creates_no_job_and_no_upload(
    emu: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(job_module, "MAX_LINES_PER_FILE", 2)  # three parts
    prompts = [f"What is {i} + 1?" for i in range(5)]
    first = submit_batch(llm(emu), prompts, client=client(emu), request_id="same")
    uploads = len(emu.request_log.records("/v1/batches/files"))
    again = submit_batch(llm(emu), prompts, client=client(emu), request_id="same")
    assert again.id == first.id and len(first.batch_ids) == 3
    assert len(client(emu).list()["data"]) == 3
    assert len(emu.request_log.records("/v1/batches/files")) == uploads == 3  # no new upload
    assert len(emu.request_log.records("/v1/batches", method="POST")) == 3
    assert [str(i + 1) in m.content for i, m in enumerate(results(again))] == [True] * 5


def test_resume_by_id_in_a_new_process(emu: Any, tmp_path: Path) -> None:
    job = submit_batch(llm(emu), [f"What is {i} + 5?" for i in range(4)], client=client(emu))
    script = f"""
import warnings; warnings.simplefilter("ignore")
from langchain_gradient import ChatGradient, GradientBatchJob
llm = ChatGradient(model={OPENAI!r}, api_key={emu.api_key!r}, base_url={emu.base_url!r})
job = GradientBatchJob.resume({job.id!r}, llm)
fast = job.client.poll_policy.model_copy(update={{"initial_interval": 0.05}})
job.client = job.client.model_copy(update={{"poll_policy": fast}})
print([m.content for m in job.wait(timeout=60).results()])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answers = eval(done.stdout)  # a printed list of strings
    assert [str(i + 5) in a for i, a in enumerate(answers)] == [True] * 4


def test_cancel(emu: Any) -> None:
    batch_controls(emu.state).stall = True
    job = submit_batch(llm(emu), ["a", "b"], client=client(emu))
    client(emu).wait  # noqa: B018
    job.client.poll_policy  # noqa: B018
    for _ in range(200):
        if job.status() == {"in_progress": 1}:
            break
    job.cancel()
    out = results(job)
    assert job.status() == {"cancelled": 1}
    assert all(isinstance(x, GradientBatchItemError) and x.code == "batch_cancelled" for x in out)


def test_expired(emu: Any) -> None:
    batch_controls(emu.state).stall = True
    job = submit_batch(llm(emu), ["a"], client=client(emu))
    emu.clock.advance(25 * 3600)
    (item,) = results(job)
    assert job.status() == {"expired": 1} and item.code == "batch_expired"


async def test_async_submit_and_await(emu: Any) -> None:
    job = await asubmit_batch(llm(emu), ["What is 1 + 1?"], client=client(emu))
    await job.await_done(timeout=60)
    assert "2" in results(job)[0].content


# ------------------------------------------------------------------ faults


def test_expired_upload_url_gets_a_new_intent(emu: Any, monkeypatch: Any) -> None:
    batches = client(emu)
    original = batches.create_file

    def stale(name: str = "x.jsonl") -> dict[str, Any]:
        intent = original(name)
        emu.clock.advance(901)  # the URL expires before the upload
        return intent

    calls = iter([stale, original])
    monkeypatch.setattr(
        GradientBatchClient, "create_file", lambda self, n="x.jsonl": next(calls)(n)
    )
    job = submit_batch(llm(emu), ["What is 2 + 2?"], client=batches)
    assert "4" in results(job)[0].content
    assert len(emu.request_log.records("/v1/batches/files")) == 2


def test_network_cut_during_upload_is_retried(emu: Any) -> None:
    emu.inject(Fault.disconnect(), times=1, path="/batch-storage/uploads/*")
    job = submit_batch(llm(emu), ["What is 2 + 3?"], client=client(emu))
    assert "5" in results(job)[0].content


def test_network_cut_during_download_leaves_no_file_and_retry_works(
    emu: Any, tmp_path: Path
) -> None:
    batches = client(emu)
    job = submit_batch(llm(emu), ["What is 2 + 3?"], client=batches).wait(timeout=60)
    url = batches.result_urls(job.batch_ids[0])["output_file_url"]
    emu.inject(Fault.disconnect(), times=3, path="/batch-storage/results/*")
    with pytest.raises(Exception, match="cut off"):
        batches.download(url, tmp_path, stem="out")
    assert list(tmp_path.iterdir()) == []
    path = batches.download(url, tmp_path, stem="out")
    assert (
        "5" in json.loads(path.read_text())["response"]["body"]["choices"][0]["message"]["content"]
    )
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_5xx_while_polling_are_ridden_out(emu: Any, status: int) -> None:
    batch_controls(emu.state).durations = (0.0, 0.3, 0.0)
    job = submit_batch(llm(emu), ["What is 2 + 3?"], client=client(emu))
    emu.inject(Fault.status(status, retry_after=0), times=3, path=f"/v1/batches/{job.batch_ids[0]}")
    assert "5" in results(job)[0].content
    polled = [r.status for r in emu.request_log.records(f"/v1/batches/{job.batch_ids[0]}")]
    assert polled[:3] == [status] * 3 and polled[-1] == 200


def test_progress_is_a_custom_event(emu: Any) -> None:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.runnables import RunnableLambda

    seen: list[Any] = []

    class Listen(BaseCallbackHandler):
        def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
            seen.append((name, data["status"]))

    job = submit_batch(llm(emu), ["a"], client=client(emu))
    RunnableLambda(lambda _: job.wait(timeout=60)).invoke(None, {"callbacks": [Listen()]})
    assert ("gradient_batch_status", "completed") in seen


def test_chat_body_is_the_invoke_payload_without_local_options(emu: Any) -> None:
    model = llm(emu)
    body = chat_body(
        model, model._convert_input("hi").to_messages(), {"ls_structured_output_format": {}}
    )
    assert body == {"model": OPENAI, "messages": [{"role": "user", "content": "hi"}]}


def test_an_input_without_a_result_line_is_an_item_error_in_its_place(
    emu: Any, monkeypatch: Any
) -> None:
    """A result file that leaves an input out never shifts the others into its place."""
    job = submit_batch(llm(emu), [f"What is {i} + 1?" for i in range(5)], client=client(emu))
    job.wait()
    read = GradientBatchClient.iter_result_lines

    def without_the_third(self: GradientBatchClient, url: str) -> Any:
        return (line for line in read(self, url) if line["custom_id"] != "2")

    monkeypatch.setattr(GradientBatchClient, "iter_result_lines", without_the_third)
    out = results(job)
    assert isinstance(out[2], GradientBatchItemError) and out[2].index == 2
    assert "no result was returned" in str(out[2])
    assert [str(i + 1) in str(out[i].content) for i in (0, 1, 3, 4)] == [True] * 4
