"""/v1/chat/completions over HTTP: shapes, streaming order, validation, tools, caching, quirks."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

MODEL = "llama3.3-70b-instruct"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a location.",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["location", "unit", "days"],
        },
    },
}


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def sse_events(http: Any, body: dict[str, Any]) -> list[Any]:
    """POST a streaming request; return parsed data payloads (and the '[DONE]' marker)."""
    response = http.post("/v1/chat/completions", json={**body, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events: list[Any] = []
    for block in response.text.split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        assert len(lines) == 1 and lines[0].startswith("data: "), block  # single-line events
        payload = lines[0][len("data: ") :]
        events.append(payload if payload == "[DONE]" else json.loads(payload))
    return events


def test_non_streaming_shape(client) -> None:
    completion = client.chat.completions.with_raw_response.create(
        model=MODEL, messages=user("Hello")
    )
    body = completion.http_response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["logprobs"] is None
    message = choice["message"]
    assert message["role"] == "assistant" and message["content"]
    assert message["reasoning_content"] is None and message["refusal"] is None
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["cache_read_input_tokens"] == 0 and usage["cache_created_input_tokens"] == 0
    assert usage["cache_creation"] == {
        "ephemeral_5m_input_tokens": 0,
        "ephemeral_1h_input_tokens": 0,
    }


def test_same_request_same_answer(client) -> None:
    first = client.chat.completions.create(model=MODEL, messages=user("Tell me about octopuses"))
    second = client.chat.completions.create(model=MODEL, messages=user("Tell me about octopuses"))
    assert first.choices[0].message.content == second.choices[0].message.content
    assert "octopuses" in first.choices[0].message.content


def test_stream_with_usage_ends_with_usage_chunk_then_done(http) -> None:
    events = sse_events(
        http, {"model": MODEL, "messages": user("Hello"), "stream_options": {"include_usage": True}}
    )
    assert events[-1] == "[DONE]"
    usage_chunk = events[-2]
    assert usage_chunk["choices"] == [] and usage_chunk["usage"]["completion_tokens"] > 0
    chunks = events[:-2]
    assert all(chunk["usage"] is None for chunk in chunks)
    assert len({chunk["id"] for chunk in events[:-1]}) == 1
    assert len({chunk["created"] for chunk in events[:-1]}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all("role" not in chunk["choices"][0]["delta"] for chunk in chunks[1:])
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert text.startswith("Hello!")


def test_stream_without_usage_has_no_usage_key(http) -> None:
    events = sse_events(http, {"model": MODEL, "messages": user("Hello")})
    assert events[-1] == "[DONE]"
    assert all("usage" not in event for event in events[:-1])
    # the real service sends a choices: [] chunk even without include_usage (§13.6)
    assert events[-2]["choices"] == []


def test_stream_options_without_stream_is_400(client) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=MODEL, messages=user("Hi"), stream_options={"include_usage": True}
        )
    assert caught.value.body["message"] == "Stream options can only be defined when `stream=True`"


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"temperature": 2.5}, "temperature must be smaller than or equal to 2 (rule: maximum)"),
        ({"temperature": "hot"}, "temperature must be number or null (rule: type)"),
        (
            {"max_completion_tokens": 255},
            "max_completion_tokens must be bigger than or equal to 256",
        ),
        ({"n": 0}, "n must be bigger than or equal to 1 (rule: minimum)"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop must contain less than or equal to 4 items"),
        ({"tool_choice": "auto"}, "tool_choice is only allowed when tools are specified"),
        ({"response_format": {"type": "yaml"}}, "response_format.type"),
        ({"reasoning_effort": "extreme"}, "reasoning_effort must be one of"),
        ({"messages": []}, "messages must contain at least 1 items (rule: minItems)"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "role must be one of"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "no tool_call_id"),
    ],
)
def test_validation_errors_say_what_to_fix(http, extra, fragment) -> None:
    response = http.post(
        "/v1/chat/completions", json={"model": MODEL, "messages": user("Hi"), **extra}
    )
    assert response.status_code == 400
    assert fragment in response.json()["message"]


def test_max_completion_tokens_truncates_with_length(client) -> None:
    # the contract's minimum for max_completion_tokens is 256; max_tokens takes any limit
    completion = client.chat.completions.create(
        model=MODEL, messages=user("Describe the ocean"), max_tokens=5
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 5
    full = client.chat.completions.create(model=MODEL, messages=user("Describe the ocean"))
    assert full.choices[0].message.content.startswith(completion.choices[0].message.content)


def test_deprecated_max_tokens_also_truncates(client) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=user("Hello"), max_tokens=3)
    assert completion.choices[0].finish_reason == "length"


def test_stop_sequence_cuts_the_answer(client) -> None:
    full = (
        client.chat.completions.create(model=MODEL, messages=user("Hello"))
        .choices[0]
        .message.content
    )
    assert "help you" in full
    cut = client.chat.completions.create(model=MODEL, messages=user("Hello"), stop=["you"])
    assert cut.choices[0].message.content == full[: full.index("you")]
    assert cut.choices[0].finish_reason == "stop"


def test_n_choices(client) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=user("Hello"), n=3)
    assert [choice.index for choice in completion.choices] == [0, 1, 2]
    single = client.chat.completions.create(model=MODEL, messages=user("Hello"))
    assert completion.usage.completion_tokens == 3 * single.usage.completion_tokens


def test_auto_tool_call_arguments_validate_against_schema(client) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=user("What's the weather in Lisbon in fahrenheit for the next 3 days?"),
        tools=[WEATHER_TOOL],
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.id.startswith("call_")
    assert json.loads(call.function.arguments) == {
        "location": "Lisbon",
        "unit": "fahrenheit",
        "days": 3,
    }


def test_auto_answers_in_text_when_no_tool_fits(client) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=user("Hello there"), tools=[WEATHER_TOOL]
    )
    assert completion.choices[0].message.tool_calls is None
    assert completion.choices[0].message.content


def test_required_and_named_tool_choice_force_a_call(client) -> None:
    other = {
        "type": "function",
        "function": {
            "name": "lookup_stock",
            "parameters": {
                "type": "object",
                "properties": {"ticker": {"type": "string"}},
                "required": ["ticker"],
            },
        },
    }
    required = client.chat.completions.create(
        model=MODEL, messages=user("Hello"), tools=[WEATHER_TOOL, other], tool_choice="required"
    )
    assert required.choices[0].message.tool_calls
    named = client.chat.completions.create(
        model=MODEL,
        messages=user("What's the weather?"),
        tools=[WEATHER_TOOL, other],
        tool_choice={"type": "function", "function": {"name": "lookup_stock"}},
    )
    assert [c.function.name for c in named.choices[0].message.tool_calls] == ["lookup_stock"]
    none = client.chat.completions.create(
        model=MODEL,
        messages=user("What's the weather in Rome?"),
        tools=[WEATHER_TOOL],
        tool_choice="none",
    )
    assert none.choices[0].message.tool_calls is None


def test_named_tool_choice_must_exist(client) -> None:
    with pytest.raises(openai.BadRequestError, match="not in tools"):
        client.chat.completions.create(
            model=MODEL,
            messages=user("Hi"),
            tools=[WEATHER_TOOL],
            tool_choice={"type": "function", "function": {"name": "missing"}},
        )


def test_answer_after_tool_result_mentions_it(client) -> None:
    messages = [
        *user("What's the weather in Oslo?"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location": "Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Snowing, -4 C"},
    ]
    completion = client.chat.completions.create(
        model=MODEL, messages=messages, tools=[WEATHER_TOOL]
    )
    message = completion.choices[0].message
    assert message.tool_calls is None
    assert "get_weather" in message.content and "Snowing, -4 C" in message.content


def test_tool_call_stream_deltas_follow_openai_order(http) -> None:
    events = sse_events(
        http,
        {
            "model": "openai-gpt-oss-20b",
            "messages": user("Weather in Lisbon in celsius for 2 days?"),
            "tools": [WEATHER_TOOL],
            "stream_options": {"include_usage": True},
        },
    )
    deltas = [e["choices"][0]["delta"] for e in events[:-2]]
    kinds = []
    for delta in deltas:
        kinds.extend(
            k for k in ("role", "reasoning_content", "content", "tool_calls") if delta.get(k)
        )
    first_tool = kinds.index("tool_calls")
    assert kinds[0] == "role" and "reasoning_content" in kinds[:first_tool]
    tool_deltas = [d["tool_calls"][0] for d in deltas if d.get("tool_calls")]
    start = tool_deltas[0]
    assert start["index"] == 0 and start["id"].startswith("call_") and start["type"] == "function"
    assert start["function"] == {"name": "get_weather", "arguments": ""}
    assert all(
        set(d) == {"index", "function"} and set(d["function"]) == {"arguments"}
        for d in tool_deltas[1:]
    )
    arguments = json.loads("".join(d["function"]["arguments"] for d in tool_deltas[1:]))
    assert arguments == {"location": "Lisbon", "unit": "celsius", "days": 2}
    finish = events[-3]["choices"][0]
    assert finish["finish_reason"] == "tool_calls" and finish["delta"] == {}
    assert events[-2]["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0


def test_reasoning_models_return_reasoning_content(client) -> None:
    completion = client.chat.completions.create(
        model="openai-gpt-oss-120b", messages=user("What is 6 x 7?")
    )
    message = completion.choices[0].message
    assert message.reasoning_content and message.content == "6 x 7 = 42."
    assert completion.usage.completion_tokens_details.reasoning_tokens > 0
    plain = client.chat.completions.create(model=MODEL, messages=user("What is 6 x 7?"))
    assert getattr(plain.choices[0].message, "reasoning_content", None) is None


def test_anthropic_reasons_only_when_asked(client) -> None:
    model = "anthropic-claude-4.5-sonnet"
    silent = client.chat.completions.create(model=model, messages=user("Hi"))
    assert getattr(silent.choices[0].message, "reasoning_content", None) is None
    thinking = client.chat.completions.create(
        model=model,
        messages=user("Hi"),
        max_completion_tokens=1000,
        extra_body={"reasoning": {"effort": "high", "max_tokens": 5}},
    )
    assert thinking.choices[0].message.reasoning_content
    assert thinking.usage.completion_tokens_details.reasoning_tokens == 5
    effort = client.chat.completions.create(
        model=model, messages=user("Hi"), reasoning_effort="low"
    )
    assert effort.choices[0].message.reasoning_content


def test_json_schema_response_format_validates(client) -> None:
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "year": {"type": "integer", "minimum": 1900},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "rating": {"type": "number", "maximum": 5},
            "kind": {"enum": ["movie", "series"]},
        },
        "required": ["title", "year", "tags", "rating", "kind"],
        "additionalProperties": False,
    }
    completion = client.chat.completions.create(
        model=MODEL,
        messages=user("Describe the series 'Dark' from 2017"),
        response_format={"type": "json_schema", "json_schema": {"name": "show", "schema": schema}},
    )
    value = json.loads(completion.choices[0].message.content)
    assert value["title"] == "Dark" and value["year"] == 2017 and value["kind"] == "series"
    assert len(value["tags"]) >= 2 and value["rating"] <= 5
    assert set(value) == set(schema["properties"])


def test_json_object_uses_keys_named_in_the_prompt(client) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=user("Tell me a joke. Reply as JSON with 'setup' and 'punchline' keys."),
        response_format={"type": "json_object"},
    )
    assert set(json.loads(completion.choices[0].message.content)) == {"setup", "punchline"}


def test_anthropic_cache_control_write_then_read(client) -> None:
    long_text = "Background document sentence. " * 300
    messages = [
        {
            "role": "system",
            "content": [
                {
                    "type": "text",
                    "text": long_text,
                    "cache_control": {"type": "ephemeral", "ttl": "1h"},
                }
            ],
        },
        *user("Summarise it"),
    ]
    first = client.chat.completions.create(model="anthropic-claude-haiku-4.5", messages=messages)
    second = client.chat.completions.create(model="anthropic-claude-haiku-4.5", messages=messages)
    created = first.usage.cache_created_input_tokens
    assert created > 1000 and first.usage.cache_read_input_tokens == 0
    assert first.usage.cache_creation["ephemeral_1h_input_tokens"] == created
    assert (
        second.usage.cache_read_input_tokens == created
        and second.usage.cache_created_input_tokens == 0
    )
    # Anthropic rule: prompt_tokens excludes cache reads and writes.
    assert first.usage.prompt_tokens == second.usage.prompt_tokens < 20
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens


def test_anthropic_cache_expires_after_ttl(gradient_emulator, client) -> None:
    messages = [
        {
            "role": "user",
            "content": {
                "type": "text",
                "text": "cache me " * 50,
                "cache_control": {"type": "ephemeral"},
            },
        }
    ]
    client.chat.completions.create(model="anthropic-claude-haiku-4.5", messages=messages)
    gradient_emulator.clock.advance(301)
    again = client.chat.completions.create(model="anthropic-claude-haiku-4.5", messages=messages)
    assert again.usage.cache_read_input_tokens == 0 and again.usage.cache_created_input_tokens > 0


def test_cache_is_per_key(make_gradient_emulator) -> None:
    from openai import OpenAI

    from langchain_gradient.emulator import KeyPolicy

    emu = make_gradient_emulator(keys={"a": KeyPolicy(), "b": KeyPolicy()})
    messages = [
        {
            "role": "user",
            "content": {
                "type": "text",
                "text": "shared " * 40,
                "cache_control": {"type": "ephemeral"},
            },
        }
    ]
    for key in ("a", "b"):
        usage = (
            OpenAI(base_url=emu.base_url, api_key=key)
            .chat.completions.create(model="anthropic-claude-haiku-4.5", messages=messages)
            .usage
        )
        assert usage.cache_read_input_tokens == 0


def test_openai_prompt_cache_retention(client) -> None:
    messages = [{"role": "system", "content": "You summarise text. " * 300}, *user("Summarise")]
    kwargs = {
        "model": "openai-gpt-4o-mini",
        "messages": messages,
        "extra_body": {"prompt_cache_retention": "24h"},
    }
    first = client.chat.completions.create(**kwargs)
    second = client.chat.completions.create(**kwargs)
    assert first.usage.prompt_tokens >= 1024
    assert first.usage.cache_created_input_tokens == first.usage.prompt_tokens
    assert first.usage.cache_creation["ephemeral_1h_input_tokens"] == first.usage.prompt_tokens
    # OpenAI rule: prompt_tokens includes the cached tokens.
    assert second.usage.cache_read_input_tokens == second.usage.prompt_tokens
    short = client.chat.completions.create(
        model="openai-gpt-4o-mini",
        messages=user("short"),
        extra_body={"prompt_cache_retention": "24h"},
    )
    assert short.usage.cache_created_input_tokens == 0  # below 1024 tokens


def test_open_models_do_not_cache(client) -> None:
    messages = [
        {
            "role": "user",
            "content": {"type": "text", "text": "x " * 50, "cache_control": {"type": "ephemeral"}},
        }
    ]
    client.chat.completions.create(model=MODEL, messages=messages)
    again = client.chat.completions.create(model=MODEL, messages=messages)
    assert again.usage.cache_read_input_tokens == 0 and again.usage.cache_created_input_tokens == 0


def test_quirks_mode_reproduces_the_docs_example(gradient_emulator, http) -> None:
    gradient_emulator.config.quirks = True
    body = http.post("/v1/chat/completions", json={"model": MODEL, "messages": user("Hi")}).json()
    assert body["id"] == "" and body["choices"][0]["message"]["role"] == ""
    assert body["service_tier"] is None and body["choices"][0]["message"]["audio"] is None
    assert "cache_read_input_tokens" not in body["usage"]
    events = sse_events(http, {"model": MODEL, "messages": user("Hi")})
    assert events[0]["id"] == "" and events[0]["choices"][0]["delta"]["role"] == ""


def test_openai_sdk_tolerates_quirks(gradient_emulator, client) -> None:
    gradient_emulator.config.quirks = True
    completion = client.chat.completions.create(model=MODEL, messages=user("Hi"))
    assert completion.choices[0].message.content


def test_content_part_forms_are_accepted(client) -> None:
    for content in (
        {"type": "text", "text": "Hello"},
        ["Hello", {"type": "text", "text": "again"}],
        [
            {"type": "text", "text": "Look"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
        ],
    ):
        completion = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": content}]
        )
        assert completion.choices[0].message.content


def test_max_completion_tokens_above_the_model_limit_is_400_when_enforced(
    make_gradient_emulator,
) -> None:
    from openai import OpenAI

    from langchain_gradient.emulator.models import EmulatedModel, ModelTable

    tiny = ModelTable([EmulatedModel("tiny-chat", "chat", max_output_tokens=300)])
    lenient = make_gradient_emulator(models=tiny)  # the default: limits are not enforced
    client = OpenAI(base_url=lenient.base_url, api_key=lenient.api_key, max_retries=0)
    completion = client.chat.completions.create(
        model="tiny-chat", messages=user("Hi"), max_completion_tokens=500
    )
    assert completion.choices[0].message.content
    emu = make_gradient_emulator(models=tiny, enforce_max_output_tokens=True)
    client = OpenAI(base_url=emu.base_url, api_key=emu.api_key, max_retries=0)
    with pytest.raises(openai.BadRequestError, match="at most 300 output tokens"):
        client.chat.completions.create(
            model="tiny-chat", messages=user("Hi"), max_completion_tokens=301
        )
    assert client.chat.completions.create(
        model="tiny-chat", messages=user("Hi"), max_completion_tokens=300
    ).choices
    with pytest.raises(openai.BadRequestError, match="max_output_tokens is too large"):
        client.responses.create(model="tiny-chat", input="Hi", max_output_tokens=500)


def test_401_also_carries_ratelimit_headers(http) -> None:
    response = http.get("/v1/models", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and "ratelimit-limit" in response.headers


def test_configured_router_routes(make_gradient_emulator) -> None:
    from openai import OpenAI

    emu = make_gradient_emulator(routers={"cheap": {"only": "openai-gpt-oss-20b"}})
    client = OpenAI(base_url=emu.base_url, api_key=emu.api_key)
    raw = client.chat.completions.with_raw_response.create(
        model="router:cheap", messages=user("Hi")
    )
    assert raw.headers["x-model-router-selected-route"] == "only"
    assert raw.parse().model == "openai-gpt-oss-20b"


def test_stream_with_n_choices_streams_each_index(http) -> None:
    events = sse_events(http, {"model": MODEL, "messages": user("Hello"), "n": 2})
    events = [e for e in events if e == "[DONE]" or e["choices"]]
    indexes = {e["choices"][0]["index"] for e in events[:-1]}
    assert indexes == {0, 1}
    finishes = [e["choices"][0] for e in events[:-1] if e["choices"][0]["finish_reason"]]
    assert [f["index"] for f in finishes] == [0, 1]


def test_stream_event_delay_paces_the_stream(gradient_emulator, http) -> None:
    import time

    gradient_emulator.config.stream_event_delay = 0.02
    started = time.monotonic()
    events = sse_events(http, {"model": MODEL, "messages": user("Hello")})
    assert time.monotonic() - started >= 0.02 * (len(events) - 2)


def test_a_streamed_request_is_logged_before_its_first_event(
    client: Any, gradient_emulator: Any
) -> None:
    # A client that has read a stream to its end may check the log at once; the record
    # must already be there, so it is written when the response headers go out.
    stream = client.chat.completions.create(
        model=MODEL, messages=user("Say something long."), stream=True
    )
    with stream:
        first = next(iter(stream))
        record = gradient_emulator.request_log.last("/v1/chat/completions")
        assert record.body["stream"] is True
        assert record.status == 200
        assert first.choices or first.usage is not None
