"""`langchain-gradient batch`: submit, status, wait, results, cancel, list over the emulator."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from langchain_gradient.emulator.batches import batch_controls, batch_store
from tests.unit_tests.cli.conftest import Run, assert_clean_failure
from tests.unit_tests.cli.test_console_script import SCRIPT, _env, emulator_running

MODEL = "openai-gpt-4o-mini"
ANTHROPIC = "anthropic-claude-4.5-haiku"


@pytest.fixture
def emu(emulator: Any) -> Any:
    batch_controls(emulator.state).durations = (0.0, 0.0, 0.0)
    return emulator


def write(path: Path, *values: Any) -> Path:
    path.write_text("".join(json.dumps(v) + "\n" for v in values))
    return path


def submit(run: Run, *args: str) -> str:
    result = run("batch", "submit", *args, "--json")
    assert result.exit_code == 0, result.output
    job_id: str = json.loads(result.stdout)["id"]
    return job_id


def uploaded(emu: Any) -> list[dict[str, Any]]:
    files = batch_store(emu.state).files.values()
    return [json.loads(x) for f in files for x in f.path.read_text().splitlines()]


def test_prompts_round_trip_in_input_order_with_errors_in_place(
    run: Run, emu: Any, tmp_path: Path
) -> None:
    prompts = [f"What is {i} + 1?" for i in range(12)]
    source = write(tmp_path / "in.jsonl", *prompts[:6], *({"prompt": p} for p in prompts[6:]))
    batch_controls(emu.state).fail_custom_ids = {"4"}
    job_id = submit(run, str(source), "-m", MODEL, "--system", "Be brief.")
    assert job_id.startswith("gbatch:")
    lines = uploaded(emu)
    assert [x["body"]["messages"][0] for x in lines] == [
        {"role": "system", "content": "Be brief."}
    ] * 12
    assert run("batch", "wait", job_id, "--timeout", "60").exit_code == 0
    result = run("batch", "results", job_id)
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["custom_id"] for x in out] == [str(i) for i in range(12)]
    assert out[4]["error"]["status_code"] == 500 and "content" not in out[4]
    for i, line in enumerate(out):
        if i != 4:
            assert str(i + 1) in line["content"] and line["usage"]["output_tokens"] > 0


def test_results_to_a_file_are_atomic_and_raw_keeps_provider_lines(
    run: Run, emu: Any, tmp_path: Path
) -> None:
    job_id = submit(run, str(write(tmp_path / "in.jsonl", "hi", "there")), "-m", MODEL)
    run("batch", "wait", job_id)
    target = tmp_path / "out" / "answers.jsonl"
    target.parent.mkdir()
    result = run("batch", "results", job_id, "-o", str(target), "--raw")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    raw = [json.loads(x) for x in target.read_text().splitlines()]
    assert [x["response"]["status_code"] for x in raw] == [200, 200]
    assert sorted(p.name for p in target.parent.iterdir()) == ["answers.jsonl"]


def test_ready_anthropic_lines_keep_their_custom_ids(run: Run, emu: Any, tmp_path: Path) -> None:
    lines = [
        {
            "custom_id": f"doc-{name}",
            "params": {
                "model": ANTHROPIC,
                "max_tokens": 64,
                "messages": [{"role": "user", "content": f"What is {n} + 1?"}],
            },
        }
        for name, n in (("b", 2), ("a", 5))
    ]
    job_id = submit(run, str(write(tmp_path / "in.jsonl", *lines)))
    assert uploaded(emu) == lines
    run("batch", "wait", job_id)
    out = [json.loads(x) for x in run("batch", "results", job_id).stdout.splitlines()]
    by_id = {x["custom_id"]: x for x in out}
    assert set(by_id) == {"doc-a", "doc-b"}
    assert "3" in by_id["doc-b"]["content"] and "6" in by_id["doc-a"]["content"]


def test_ready_openai_lines_and_idempotent_request_id(run: Run, emu: Any, tmp_path: Path) -> None:
    line = {
        "custom_id": "0",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
    }
    source = str(write(tmp_path / "in.jsonl", line))
    first = submit(run, source, "--request-id", "run-7")
    again = submit(run, source, "--request-id", "run-7")
    assert first == again
    assert len(emu.request_log.records("/v1/batches")) == 2
    listed = run("batch", "list", "--json")
    assert [r["batch_id"] for r in json.loads(listed.stdout)] == [first.removeprefix("gbatch:")]


def test_status_and_cancel_and_list_tables_fit_80_columns(
    run: Run, emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    batch_controls(emu.state).stall = True
    job_id = submit(run, str(write(tmp_path / "in.jsonl", "a", "b", "c")), "-m", MODEL)
    status = json.loads(run("batch", "status", job_id, "--json").stdout)
    assert status["requests"]["total"] == 3
    cancelled = run("batch", "cancel", job_id)
    assert cancelled.exit_code == 0, cancelled.output
    assert "cancel" in cancelled.stdout
    assert run("batch", "wait", job_id, "--timeout", "30").exit_code == 0
    states = json.loads(run("batch", "status", job_id, "--json").stdout)["states"]
    assert states == {"cancelled": 1}
    out = [json.loads(x) for x in run("batch", "results", job_id).stdout.splitlines()]
    assert [x["error"]["code"] for x in out] == ["batch_cancelled"] * 3
    table = run("batch", "list").stdout
    assert "cancelled" in table and max(len(x) for x in table.splitlines()) <= 80


def test_results_before_the_end_say_to_wait(run: Run, emu: Any, tmp_path: Path) -> None:
    batch_controls(emu.state).stall = True
    job_id = submit(run, str(write(tmp_path / "in.jsonl", "a")), "-m", MODEL)
    result = run("batch", "results", job_id, "-o", str(tmp_path / "r.jsonl"))
    assert_clean_failure(result, "still in_progress", "batch wait")
    assert not (tmp_path / "r.jsonl").exists()


def test_wait_times_out_with_a_hint(run: Run, emu: Any, tmp_path: Path) -> None:
    batch_controls(emu.state).stall = True
    job_id = submit(run, str(write(tmp_path / "in.jsonl", "a")), "-m", MODEL)
    result = run("batch", "wait", job_id, "--timeout", "1")
    assert_clean_failure(result, "still in_progress", f"batch wait {job_id}")
    assert "in_progress 1 | requests 0/1 done" in result.stderr


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, ["-m", MODEL], "no such file"),
        ('"ok"\n{"prompt": \n', ["-m", MODEL], "line 2: not valid JSON"),
        ('"ok"\n', ["-m", "llama3.3-70b-instruct"], "does not take 'llama3.3-70b-instruct'"),
        ('"ok"\n', ["-m", "openai-gpt-99"], "openai-gpt-4o-mini"),
        ('"ok"\n', [], "-m/--model is required"),
        ('"ok"\n{"custom_id": "1", "params": {"model": "x"}}\n', ["-m", MODEL], "line 2"),
        ('{"custom_id": "1", "method": "GET", "url": "/v1/x", "body": {}}\n', [], "line 1"),
        ("\n\n", ["-m", MODEL], "no lines"),
    ],
)
def test_bad_input_fails_before_any_upload(
    run: Run, emu: Any, tmp_path: Path, content: str | None, args: list[str], message: str
) -> None:
    source = tmp_path / "in.jsonl"
    if content is not None:
        source.write_text(content)
    result = run("batch", "submit", str(source), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert emu.request_log.records("/v1/batches/files") == []


def test_unknown_job_id_is_one_line(run: Run, emu: Any) -> None:
    assert_clean_failure(run("batch", "status", "gbatch:nope"), "404")


def test_the_console_script_submits_waits_and_reads(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", "What is 20 + 1?", {"prompt": "What is 30 + 1?"})
    with emulator_running("--port", "0", "--key", "subprocess-key-123") as base_url:
        env = _env(MODEL_ACCESS_KEY="subprocess-key-123", INFERENCE_ENDPOINT=base_url)

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run(
                [SCRIPT or "", "batch", *args], capture_output=True, text=True, timeout=120, env=env
            )
            assert done.returncode == 0, done.stderr
            return done

        job_id = cli("submit", str(source), "-m", MODEL).stdout.strip()
        cli("wait", job_id, "--timeout", "60")
        out = [json.loads(x) for x in cli("results", job_id).stdout.splitlines()]
    assert ["21" in out[0]["content"], "31" in out[1]["content"]] == [True, True]


def test_wait_line_ticks_on_a_terminal_and_ends_with_the_total_time(
    run: Run, emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`wait` shows the job on the CLI's one live line: the time moves between polls."""
    from langchain_gradient.cli._output import RedactingStream
    from tests.unit_tests.cli.test_progress import frames

    batch_controls(emu.state).durations = (0.5, 0.5, 0.2)
    job_id = submit(run, str(write(tmp_path / "in.jsonl", "What is 1 + 1?")), "-m", MODEL)
    monkeypatch.setattr(RedactingStream, "isatty", lambda self: True)
    result = run("batch", "wait", job_id, "--timeout", "60")
    assert result.exit_code == 0, result.output
    seen = frames(result.stderr)
    times = [t for _, t in seen]
    assert len(seen) >= 3 and times == sorted(times) and times[-1] > times[0], result.stderr
    assert re.search(r"completed 1 \| requests 1/1 done, 0 failed \d+\.\ds\n", result.stderr)


def test_ready_lines_split_into_parts_and_come_back_as_one_job(
    run: Run, emu: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_gradient.batch import job as job_module

    monkeypatch.setattr(job_module, "MAX_LINES_PER_FILE", 2)
    lines = [
        {
            "custom_id": str(i),
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {
                "model": MODEL,
                "messages": [{"role": "user", "content": f"What is {i} + 1?"}],
            },
        }
        for i in (4, 0, 3, 1, 2)
    ]
    submitted = json.loads(
        run("batch", "submit", str(write(tmp_path / "in.jsonl", *lines)), "--json").stdout
    )
    assert len(submitted["batch_ids"]) == 3 and submitted["lines"] == 5
    assert run("batch", "wait", submitted["id"]).exit_code == 0
    out = [json.loads(x) for x in run("batch", "results", submitted["id"]).stdout.splitlines()]
    assert [x["custom_id"] for x in out] == ["0", "1", "2", "3", "4"]
    assert all(str(i + 1) in x["content"] for i, x in enumerate(out))


def test_sparse_numeric_custom_ids_get_no_invented_lines(
    run: Run, emu: Any, tmp_path: Path
) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
    lines = [
        {"custom_id": i, "method": "POST", "url": "/v1/chat/completions", "body": body}
        for i in ("10", "5")
    ]
    job_id = submit(run, str(write(tmp_path / "in.jsonl", *lines)))
    run("batch", "wait", job_id)
    out = [json.loads(x) for x in run("batch", "results", job_id).stdout.splitlines()]
    assert [x["custom_id"] for x in out] == ["5", "10"] and "error" not in out[0]
