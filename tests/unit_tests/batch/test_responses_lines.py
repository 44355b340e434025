"""GradientResponses as the batch model: /v1/responses lines built by its own request builder."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage

from langchain_gradient.batch import submit_batch
from langchain_gradient.emulator.contract import check_request
from tests.unit_tests.batch.helpers import (
    ANTHROPIC,
    Sum,
    client,
    get_weather,
    responses_llm,
    results,
    uploaded_lines,
)


def test_lines_go_to_v1_responses_with_exactly_what_invoke_sends(emu: Any) -> None:
    model = responses_llm(emu, temperature=0.2, max_tokens=300, instructions="Be brief.")
    model = model.bind_tools([get_weather], tool_choice="get_weather")
    direct = model.invoke("Weather in Paris?")
    sent = emu.request_log.last("/v1/responses").body
    job = submit_batch(model, ["Weather in Paris?"], client=client(emu))
    (line,) = uploaded_lines(emu)
    assert line == {"custom_id": "0", "method": "POST", "url": "/v1/responses", "body": sent}
    assert check_request("POST", "/v1/responses", line["body"], strict=True) is None
    assert client(emu).get(job.batch_ids[0])["endpoint"] == "/v1/responses"
    (answer,) = results(job)
    assert isinstance(answer, AIMessage)
    assert [(c["name"], c["args"]) for c in answer.tool_calls] == [
        (c["name"], c["args"]) for c in direct.tool_calls
    ]
    assert answer.usage_metadata and answer.usage_metadata["input_tokens"] > 0
    assert answer.response_metadata["model_name"] == direct.response_metadata["model_name"]


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_structured_output_comes_back_parsed(emu: Any, method: str) -> None:
    model = responses_llm(emu).with_structured_output(Sum, method=method)  # type: ignore[arg-type]
    expected = model.invoke("What is 3 + 4?")
    sent = emu.request_log.last("/v1/responses").body
    out = results(submit_batch(model, ["What is 3 + 4?", "What is 3 + 4?"], client=client(emu)))
    assert out == [expected, expected] and isinstance(out[0], Sum)
    assert [line["body"] for line in uploaded_lines(emu)] == [sent, sent]


def test_bound_parameters_are_carried(emu: Any) -> None:
    model = responses_llm(emu).bind(temperature=0.0, max_output_tokens=512, stop=["END"])
    model.invoke("hi")
    sent = emu.request_log.last("/v1/responses").body
    submit_batch(model, ["hi"], client=client(emu))
    (line,) = uploaded_lines(emu)
    assert line["body"] == sent
    assert line["body"]["temperature"] == 0.0 and line["body"]["max_output_tokens"] == 512


def test_anthropic_model_is_refused_before_any_upload(emu: Any) -> None:
    with pytest.raises(ValueError, match=r"provider 'openai' only.*Use ChatGradient"):
        submit_batch(responses_llm(emu, ANTHROPIC), ["hi"], client=client(emu))
    assert emu.request_log.records("/v1/batches/files") == []


def test_a_failed_response_body_is_an_item_error_in_place(emu: Any) -> None:
    from langchain_gradient.batch import GradientBatchItemError, GradientBatchJob

    model = responses_llm(emu)
    job = GradientBatchJob(["unused"], model, client(emu))
    line = {
        "custom_id": "3",
        "response": {"status_code": 200, "body": {"status": "failed", "error": {"message": "x"}}},
    }
    index, item = job._read(line, model.model_name, raw=False)
    assert index == 3 and isinstance(item, GradientBatchItemError) and item.index == 3


def test_a_falsy_parsed_answer_stays_in_place(emu: Any) -> None:
    schema = {"title": "Sum", "type": "object", "properties": {"value": {"type": "integer"}}}
    model = responses_llm(emu).with_structured_output(schema)
    expected = model.invoke("What is 1 + 1?")
    assert results(submit_batch(model, ["What is 1 + 1?"], client=client(emu))) == [expected]
