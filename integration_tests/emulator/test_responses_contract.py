"""/v1/responses over HTTP: output items, usage, store/previous_response_id, both stream formats."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def stream_payloads(http: Any, body: dict[str, Any]) -> list[Any]:
    response = http.post("/v1/responses", json={**body, "stream": True})
    assert response.status_code == 200
    payloads = []
    for block in response.text.split("\n\n"):
        if block.strip():
            assert block.startswith("data: ") and "\n" not in block
            data = block[6:]
            payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


def test_reasoning_item_comes_first_then_message(client) -> None:
    response = client.responses.create(
        model="openai-gpt-oss-20b", input="What is the capital of France?", max_output_tokens=500
    )
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].content[0].type == "reasoning_text"
    assert response.output[1].content[0].type == "output_text"
    assert response.output_text == response.output[1].content[0].text
    usage = response.usage
    assert usage.output_tokens_details.reasoning_tokens > 0
    assert usage.input_tokens_details.cached_tokens == 0
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens


def test_plain_model_has_only_a_message(client) -> None:
    response = client.responses.create(
        model="llama3.3-70b-instruct", input="Hello", instructions="Be brief."
    )
    assert [item.type for item in response.output] == ["message"]
    assert response.status == "completed" and response.instructions == "Be brief."


def test_function_call_items_then_result_answer(client) -> None:
    first = client.responses.create(
        model="llama3.3-70b-instruct", input="What is the weather in Madrid?", tools=[WEATHER]
    )
    call = next(item for item in first.output if item.type == "function_call")
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "Madrid"}
    second = client.responses.create(
        model="llama3.3-70b-instruct",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "Sunny, 25 C"}],
        tools=[WEATHER],
    )
    assert "Sunny, 25 C" in second.output_text and "get_weather" in second.output_text
    assert second.previous_response_id == first.id


def test_previous_response_id_continues_the_conversation(client) -> None:
    first = client.responses.create(
        model="llama3.3-70b-instruct", input="Remember the word 'turnip'."
    )
    second = client.responses.create(
        model="llama3.3-70b-instruct", input="Hello again", previous_response_id=first.id
    )
    assert second.usage.input_tokens > first.usage.input_tokens + first.usage.output_tokens


def test_unknown_previous_response_id_is_404(client) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(
            model="llama3.3-70b-instruct", input="x", previous_response_id="resp_missing"
        )
    assert "previous" in caught.value.body["message"].lower()


def test_store_false_is_not_retrievable(client) -> None:
    stored = client.responses.create(model="llama3.3-70b-instruct", input="Hi")
    assert client.responses.retrieve(stored.id).id == stored.id
    unstored = client.responses.create(model="llama3.3-70b-instruct", input="Hi", store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(unstored.id)
    client.responses.delete(stored.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(stored.id)


def test_max_output_tokens_marks_incomplete(client) -> None:
    response = client.responses.create(
        model="llama3.3-70b-instruct", input="Describe the sea", max_output_tokens=4
    )
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 4


def test_structured_output_via_text_format(client) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "integer"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    response = client.responses.create(
        model="llama3.3-70b-instruct",
        input="What is 40 + 2?",
        text={"format": {"type": "json_schema", "name": "sum", "schema": schema}},
    )
    assert json.loads(response.output_text) == {"answer": 40}


def test_openai_cache_retention_reports_cached_tokens(client) -> None:
    kwargs = {
        "model": "openai-gpt-5",
        "input": "Summarise this. " * 400,
        "extra_body": {"prompt_cache_retention": "in_memory"},
    }
    client.responses.create(**kwargs)
    again = client.responses.create(**kwargs)
    assert again.usage.input_tokens_details.cached_tokens == again.usage.input_tokens


def test_events_stream_format_with_openai_sdk(gradient_emulator, client) -> None:
    gradient_emulator.config.responses_stream_format = "events"
    with client.responses.stream(
        model="openai-gpt-oss-20b", input="What is the weather in Paris?", tools=[WEATHER]
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert (
        "response.reasoning_text.delta" in kinds
        and "response.function_call_arguments.delta" in kinds
    )
    assert [item.type for item in final.output] == ["reasoning", "function_call"]
    assert json.loads(final.output[1].arguments) == {"city": "Paris"}


def test_events_stream_text_deltas_rebuild_the_text(gradient_emulator, http) -> None:
    gradient_emulator.config.responses_stream_format = "events"
    payloads = stream_payloads(http, {"model": "llama3.3-70b-instruct", "input": "Hello"})
    assert "[DONE]" not in payloads
    numbers = [p["sequence_number"] for p in payloads]
    assert numbers == list(range(len(numbers)))
    text = "".join(p["delta"] for p in payloads if p["type"] == "response.output_text.delta")
    completed = payloads[-1]
    assert completed["type"] == "response.completed"
    assert completed["response"]["output"][0]["content"][0]["text"] == text
    assert completed["response"]["usage"]["output_tokens"] > 0


def test_chunk_stream_format(gradient_emulator, http) -> None:
    assert gradient_emulator.config.responses_stream_format == "chunk"  # the default
    payloads = stream_payloads(http, {"model": "openai-gpt-oss-20b", "input": "Hello"})
    assert payloads[-1] == "[DONE]"
    chunks = payloads[:-1]
    assert all(chunk["object"] == "response.chunk" for chunk in chunks)
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert deltas[0] == {"role": "assistant"}
    assert any("reasoning_content" in d for d in deltas) and any("content" in d for d in deltas)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["input_tokens"] > 0


def test_responses_validation(http) -> None:
    response = http.post("/v1/responses", json={"model": "llama3.3-70b-instruct", "input": 42})
    assert (
        response.status_code == 400
        and "input must be array or string" in response.json()["message"]
    )
    response = http.post("/v1/responses", json={"model": "bge-m3", "input": "x"})
    assert response.status_code == 400 and "embedding model" in response.json()["message"]
