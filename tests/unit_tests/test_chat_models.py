"""ChatGradient over a mocked HTTP transport: what is sent, what comes back."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage

from langchain_gradient import ChatGradient
from tests.unit_tests import documented
from tests.unit_tests.fake_gradient import (
    TEST_KEY,
    FakeGradient,
    chunk,
    completion,
    json_reply,
    sse_reply,
    usage_chunk,
)


def _stream_all(llm: Any, prompt: Any = "hi", **kwargs: Any) -> AIMessageChunk:
    full: AIMessageChunk | None = None
    for part in llm.stream(prompt, **kwargs):
        full = part if full is None else full + part
    assert full is not None
    return full


async def _astream_all(llm: Any, prompt: Any = "hi", **kwargs: Any) -> AIMessageChunk:
    full: AIMessageChunk | None = None
    async for part in llm.astream(prompt, **kwargs):
        full = part if full is None else full + part
    assert full is not None
    return full


# ------------------------------------------------------------------------- requests


def test_default_request_is_minimal() -> None:
    fake = FakeGradient()
    fake.chat().invoke("hello")
    assert fake.bodies == [
        {"model": "llama3.3-70b-instruct", "messages": [{"role": "user", "content": "hello"}]}
    ]
    request = fake.requests[0]
    assert request.url.path == "/v1/chat/completions"
    assert request.headers["authorization"].startswith("Bearer ")


async def test_every_call_path_sends_the_gradient_key_as_bearer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Keys the openai SDK would pick up from the environment must never be sent instead.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env-key")
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-env-key")
    fake = FakeGradient(
        lambda body: (
            sse_reply([chunk({"content": "ok"})])
            if body.get("stream")
            else json_reply(completion("ok"))
        )
    )
    llm = fake.chat()
    llm.invoke("hi")
    _stream_all(llm)
    await llm.ainvoke("hi")
    await _astream_all(llm)
    assert [body.get("stream", False) for body in fake.bodies] == [False, True, False, True]
    for request in fake.requests:
        assert request.headers.get_list("authorization") == [f"Bearer {TEST_KEY}"]


def test_per_call_transport_arguments_are_not_sent_in_the_body() -> None:
    # create()'s extra_headers, extra_query and timeout configure the HTTP request.
    fake = FakeGradient()
    llm = fake.chat()
    llm.invoke("hi", extra_headers={"X-Trace": "t1"}, extra_query={"q": "1"}, timeout=30)
    llm.invoke("hi", extra_body={"reasoning": {"effort": "low"}}, temperature=0.3)
    first, second = fake.requests
    assert first.headers["x-trace"] == "t1"
    assert first.url.params["q"] == "1"
    assert first.extensions["timeout"]["read"] == 30
    assert fake.bodies[0] == {
        "model": "llama3.3-70b-instruct",
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert fake.bodies[1]["reasoning"] == {"effort": "low"}
    assert fake.bodies[1]["temperature"] == 0.3
    assert "x-trace" not in second.headers


def test_every_parameter_reaches_the_request() -> None:
    fake = FakeGradient()
    llm = fake.chat(
        model="openai-gpt-oss-120b",
        temperature=0.2,
        top_p=0.9,
        max_tokens=300,
        stop=["END"],
        n=1,
        seed=7,
        frequency_penalty=0.1,
        presence_penalty=0.2,
        logit_bias={"42": -1.0},
        logprobs=True,
        top_logprobs=2,
        reasoning_effort="low",
        reasoning={"effort": "high", "max_tokens": 1024},
        prompt_cache_retention="24h",
        user="u-1",
        extra_body={"guardrail": "strict"},
        model_kwargs={"custom_field": 1},
    )
    llm.invoke("hi")
    body = fake.bodies[0]
    assert body == {
        "model": "openai-gpt-oss-120b",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.2,
        "top_p": 0.9,
        "max_completion_tokens": 300,
        "stop": ["END"],
        "n": 1,
        "seed": 7,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.2,
        "logit_bias": {"42": -1.0},
        "logprobs": True,
        "top_logprobs": 2,
        "reasoning_effort": "low",
        "reasoning": {"effort": "high", "max_tokens": 1024},
        "prompt_cache_retention": "24h",
        "user": "u-1",
        "guardrail": "strict",
        "custom_field": 1,
    }
    assert "max_tokens" not in body


@pytest.mark.parametrize(
    ("field", "alias", "value"),
    [
        ("model_name", "model", "alibaba-qwen3-32b"),
        ("max_completion_tokens", "max_tokens", 64),
        ("stop", "stop_sequences", ["x"]),
        ("streaming", "stream", True),
    ],
)
def test_field_name_and_alias_both_work(field: str, alias: str, value: Any) -> None:
    fake = FakeGradient()
    assert getattr(fake.chat(**{field: value}), field) == value
    assert getattr(fake.chat(**{alias: value}), field) == value


@pytest.mark.parametrize(
    ("limit", "wire_name"),
    [
        (1, "max_tokens"),
        (255, "max_tokens"),
        (256, "max_completion_tokens"),
        (4096, "max_completion_tokens"),
    ],
)
def test_token_limit_wire_name_follows_the_contract_minimum(limit: int, wire_name: str) -> None:
    """DigitalOcean's contract: max_completion_tokens >= 256, max_tokens >= 0."""
    fake = FakeGradient()
    fake.chat(max_tokens=limit).invoke("hi")
    fake.chat().invoke("hi", max_completion_tokens=limit)
    for body in fake.bodies:
        assert body[wire_name] == limit
        other = {"max_tokens", "max_completion_tokens"} - {wire_name}
        assert not other & body.keys()


def test_per_call_overrides_reach_the_request() -> None:
    fake = FakeGradient()
    llm = fake.chat(temperature=0.5, max_tokens=10)
    llm.invoke("hi", stop=["STOP"], temperature=0.0, max_tokens=20, model="deepseek-v3.2")
    body = fake.bodies[0]
    assert body["stop"] == ["STOP"]
    assert body["temperature"] == 0.0
    assert body["max_tokens"] == 20  # below 256: the contract only allows it as max_tokens
    assert "max_completion_tokens" not in body
    assert body["model"] == "deepseek-v3.2"


def test_bind_overrides_reach_the_request_and_unknown_keys_go_in_the_body() -> None:
    fake = FakeGradient()
    fake.chat().bind(temperature=1.0, top_k=5).invoke("hi")
    assert fake.bodies[0]["temperature"] == 1.0
    assert fake.bodies[0]["top_k"] == 5


def test_unknown_constructor_argument_warns_and_is_sent() -> None:
    fake = FakeGradient()
    with pytest.warns(UserWarning, match="top_k"):
        llm = fake.chat(top_k=3)
    assert llm.model_kwargs == {"top_k": 3}
    llm.invoke("hi")
    assert fake.bodies[0]["top_k"] == 3


def test_field_inside_model_kwargs_is_refused() -> None:
    with pytest.raises(ValueError, match="temperature"):
        ChatGradient(api_key="k", model_kwargs={"temperature": 0.1})


def test_stream_options_only_when_streaming() -> None:
    fake = FakeGradient(
        json_reply(completion("a")), sse_reply([chunk({"content": "b"}, finish_reason="stop")])
    )
    llm = fake.chat(stream_options={"include_usage": True})
    llm.invoke("hi")
    _stream_all(llm)
    assert "stream_options" not in fake.bodies[0] and "stream" not in fake.bodies[0]
    assert fake.bodies[1]["stream"] is True
    assert fake.bodies[1]["stream_options"] == {"include_usage": True}


def test_stream_usage_false_sends_no_stream_options() -> None:
    fake = FakeGradient(sse_reply([chunk({"content": "b"}, finish_reason="stop")]))
    _stream_all(fake.chat(stream_usage=False))
    assert "stream_options" not in fake.bodies[0]


def test_streaming_true_makes_invoke_stream() -> None:
    fake = FakeGradient(sse_reply([chunk({"content": "hel"}), chunk({"content": "lo"})]))
    message = fake.chat(streaming=True).invoke("hi")
    assert message.content == "hello"
    assert fake.bodies[0]["stream"] is True


# ------------------------------------------------------------------------ responses


def test_documented_llama_response_with_empty_id_and_role() -> None:
    fake = FakeGradient(json_reply(documented.LLAMA_RESPONSE))
    message = fake.chat().invoke("What is the capital of France?")
    assert isinstance(message, AIMessage)
    assert message.content == "The capital of France is Paris."
    assert message.usage_metadata == {"input_tokens": 43, "output_tokens": 8, "total_tokens": 51}
    metadata = message.response_metadata
    assert metadata["model_name"] == "llama3.3-70b-instruct"
    assert metadata["model_provider"] == "gradient"
    assert metadata["finish_reason"] == "stop"
    assert "id" not in metadata  # empty id is not reported as an id
    assert metadata["token_usage"] == documented.LLAMA_RESPONSE["usage"]


def test_documented_reasoning_content_lands_in_additional_kwargs() -> None:
    fake = FakeGradient(json_reply(documented.ANTHROPIC_REASONING_RESPONSE))
    message = fake.chat(model="anthropic-claude-opus-4.5").invoke("27 * 453?")
    expected = documented.ANTHROPIC_REASONING_RESPONSE["choices"][0]["message"]
    assert message.additional_kwargs["reasoning_content"] == expected["reasoning_content"]
    assert message.content == expected["content"]
    assert message.usage_metadata is None  # the example elides usage


def test_reasoning_becomes_standard_blocks_with_output_version_v1() -> None:
    fake = FakeGradient(json_reply(documented.ANTHROPIC_REASONING_RESPONSE))
    message = fake.chat(model="anthropic-claude-opus-4.5", output_version="v1").invoke("q")
    assert isinstance(message.content, list)
    kinds = [block["type"] for block in message.content]  # type: ignore[index]
    assert kinds == ["reasoning", "text"]
    assert message.content[0]["reasoning"].startswith("I need to calculate")  # type: ignore[index]


@pytest.mark.parametrize(
    ("model", "usage", "expected"),
    [
        (
            "anthropic-claude-4.5-sonnet",
            documented.ANTHROPIC_CACHE_WRITE_USAGE,
            {
                "input_tokens": 1057,
                "output_tokens": 100,
                "total_tokens": 1157,
                "input_token_details": {
                    "cache_creation": 1043,
                    "ephemeral_5m_input_tokens": 1043,
                },
            },
        ),
        (
            "anthropic-claude-4.5-sonnet",
            documented.ANTHROPIC_CACHE_READ_USAGE,
            {
                "input_tokens": 1057,
                "output_tokens": 100,
                "total_tokens": 1157,
                "input_token_details": {"cache_read": 1043},
            },
        ),
        (
            "gpt-4o-mini",
            documented.OPENAI_CACHE_RESPONSE["usage"],
            {
                "input_tokens": 1200,
                "output_tokens": 35,
                "total_tokens": 1235,
                "input_token_details": {
                    "cache_creation": 1200,
                    "ephemeral_1h_input_tokens": 1200,
                },
            },
        ),
        (
            "gpt-4o-mini",
            documented.OPENAI_CACHE_READ_USAGE,
            {
                "input_tokens": 1200,
                "output_tokens": 34,
                "total_tokens": 1234,
                "input_token_details": {"cache_read": 1200},
            },
        ),
    ],
)
def test_documented_cache_usage_per_provider(
    model: str, usage: dict[str, Any], expected: dict[str, Any]
) -> None:
    fake = FakeGradient(json_reply(completion("x", model=model, usage=usage)))
    message = fake.chat(model=model).invoke("hi")
    assert message.usage_metadata == expected


def test_documented_openai_cache_response_as_a_whole() -> None:
    fake = FakeGradient(json_reply(documented.OPENAI_CACHE_RESPONSE))
    message = fake.chat(model="gpt-4o-mini", prompt_cache_retention="24h").invoke("summarize")
    assert message.content.startswith("Artificial intelligence")  # type: ignore[union-attr]
    assert message.response_metadata["id"] == "chatcmpl-xyz789"
    assert message.id == "chatcmpl-xyz789"
    assert fake.bodies[0]["prompt_cache_retention"] == "24h"


def test_missing_cache_fields_and_extra_null_keys_are_tolerated() -> None:
    body = completion("fine")
    body.update({"service_tier": None, "system_fingerprint": "fp_1", "unknown": None})
    body["choices"][0]["message"].update({"audio": None, "refusal": None, "role": ""})
    message = FakeGradient(json_reply(body)).chat().invoke("hi")
    assert message.content == "fine"
    assert message.response_metadata["system_fingerprint"] == "fp_1"
    assert "input_token_details" not in (message.usage_metadata or {})


def test_n_greater_than_one_returns_every_choice() -> None:
    body = completion("first")
    second = {**body["choices"][0], "index": 1, "message": {"role": "", "content": "second"}}
    body["choices"].append(second)
    fake = FakeGradient(json_reply(body))
    result = fake.chat(n=2).generate([[HumanMessage("hi")]])
    assert [g.text for g in result.generations[0]] == ["first", "second"]
    assert fake.bodies[0]["n"] == 2


def test_router_model_reports_the_selected_route() -> None:
    reply = json_reply(
        completion("hi", model="llama3.3-70b-instruct"),
        headers={"x-model-router-selected-route": "cheap-and-fast"},
    )
    message = FakeGradient(reply).chat(model="router:my-router").invoke("hi")
    assert message.response_metadata["selected_route"] == "cheap-and-fast"
    assert message.response_metadata["model_name"] == "llama3.3-70b-instruct"


def test_200_without_choices_raises_instead_of_returning_text() -> None:
    from langchain_gradient import GradientAPIError

    fake = FakeGradient(json_reply({"error": {"message": "model overloaded"}}))
    with pytest.raises(GradientAPIError, match="model overloaded"):
        fake.chat().invoke("hi")


# ------------------------------------------------------------------------ streaming


def test_stream_yields_tokens_reasoning_and_usage() -> None:
    events = [
        chunk({"role": "", "content": ""}),
        chunk({"reasoning_content": "think "}),
        chunk({"reasoning_content": "hard"}),
        chunk({"content": "Par"}),
        chunk({"content": "is"}),
        chunk({}, finish_reason="stop"),
        usage_chunk({"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14}),
    ]
    fake = FakeGradient(sse_reply(events))
    parts = list(fake.chat().stream("capital?"))
    assert [p.content for p in parts if p.content] == ["Par", "is"]
    full = parts[0]
    for part in parts[1:]:
        full = full + part
    assert full.content == "Paris"
    assert full.additional_kwargs["reasoning_content"] == "think hard"
    assert full.usage_metadata == {"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}
    assert full.response_metadata["finish_reason"] == "stop"
    assert full.response_metadata["model_name"] == "llama3.3-70b-instruct"
    assert full.response_metadata["model_provider"] == "gradient"


def test_documented_probe_stream_with_tool_call_deltas() -> None:
    fake = FakeGradient(sse_reply(documented.probe_stream()))
    full = _stream_all(fake.chat(model="openai-gpt-oss-20b"), "weather in Boston?")
    assert full.tool_calls == [
        {"name": "get_weather", "args": {"location": "Boston"}, "id": "call_w", "type": "tool_call"}
    ]
    assert full.additional_kwargs["reasoning_content"] == "The user wants weather; call the tool."
    assert full.usage_metadata == {
        "input_tokens": 30,
        "output_tokens": 12,
        "total_tokens": 42,
        "output_token_details": {"reasoning": 9},
    }
    assert full.response_metadata["finish_reason"] == "tool_calls"


def test_streamed_anthropic_cache_usage_uses_the_provider_rule() -> None:
    model = "anthropic-claude-4.5-sonnet"
    events = [
        chunk({"content": "ok"}, model=model, finish_reason="stop"),
        usage_chunk(documented.ANTHROPIC_CACHE_READ_USAGE, model=model),
    ]
    full = _stream_all(FakeGradient(sse_reply(events)).chat(model=model))
    assert full.usage_metadata is not None
    assert full.usage_metadata["input_tokens"] == 1057
    assert full.usage_metadata["input_token_details"] == {"cache_read": 1043}


def test_stream_reports_router_route_once() -> None:
    events = [chunk({"content": "a"}), chunk({"content": "b"}, finish_reason="stop")]
    reply = sse_reply(events, headers={"x-model-router-selected-route": "r1"})
    full = _stream_all(FakeGradient(reply).chat(model="router:x"))
    assert full.response_metadata["selected_route"] == "r1"
    assert full.response_metadata["model_name"] == "llama3.3-70b-instruct"


def test_stream_and_invoke_build_the_same_request() -> None:
    fake = FakeGradient(json_reply(completion("a")), sse_reply([chunk({"content": "a"})]))
    llm = fake.chat(temperature=0.3, max_tokens=9)
    messages = [SystemMessage("be brief"), HumanMessage("hi")]
    llm.invoke(messages, stop=["x"])
    _stream_all(llm, messages, stop=["x"])
    streamed = {k: v for k, v in fake.bodies[1].items() if k not in ("stream", "stream_options")}
    assert streamed == fake.bodies[0]


# ---------------------------------------------------------------------------- async


async def test_ainvoke_uses_the_async_client() -> None:
    fake = FakeGradient(json_reply(documented.LLAMA_RESPONSE))
    llm = fake.chat(temperature=0.1)
    message = await llm.ainvoke("hi", max_tokens=5)
    assert message.content == "The capital of France is Paris."
    assert fake.bodies[0]["max_tokens"] == 5


async def test_astream_matches_stream() -> None:
    fake = FakeGradient(sse_reply(documented.probe_stream()))
    full = await _astream_all(fake.chat(model="openai-gpt-oss-20b"))
    assert full.tool_calls[0]["args"] == {"location": "Boston"}
    assert full.usage_metadata is not None and full.usage_metadata["total_tokens"] == 42
    assert fake.bodies[0]["stream_options"] == {"include_usage": True}


async def test_abatch_sends_one_request_per_input() -> None:
    fake = FakeGradient(json_reply(completion("x")))
    results = await fake.chat().abatch(["a", "b", "c"])
    assert [r.content for r in results] == ["x", "x", "x"]
    assert sorted(b["messages"][0]["content"] for b in fake.bodies) == ["a", "b", "c"]


def test_batch_sends_one_request_per_input() -> None:
    fake = FakeGradient(json_reply(completion("x")))
    assert len(fake.chat().batch(["a", "b"])) == 2
    assert len(fake.bodies) == 2


# --------------------------------------------------------------- clients, tracing


def test_one_cached_client_per_configuration() -> None:
    a = ChatGradient(api_key="k1", base_url="http://127.0.0.1:9")
    b = ChatGradient(api_key="k1", base_url="http://127.0.0.1:9", model="deepseek-v3.2")
    c = ChatGradient(api_key="k2", base_url="http://127.0.0.1:9")
    assert a.root_client is b.root_client
    assert a.root_client is a.root_client
    assert a.root_client is not c.root_client


def test_langsmith_params() -> None:
    llm = ChatGradient(api_key="k", model="deepseek-v3.2", temperature=0.4, max_tokens=50)
    params = llm._get_ls_params(stop=["x"])
    assert params == {
        "ls_provider": "gradient",
        "ls_model_name": "deepseek-v3.2",
        "ls_model_type": "chat",
        "ls_temperature": 0.4,
        "ls_max_tokens": 50,
        "ls_stop": ["x"],
    }
    assert llm._get_ls_params(model="other")["ls_model_name"] == "other"


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_dumpd_load_round_trip_without_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.load import dumpd, load

    llm = ChatGradient(api_key="secret-xyz", model="deepseek-v3.2", temperature=0.1)
    dumped = dumpd(llm)
    assert "secret-xyz" not in str(dumped)
    assert dumped["kwargs"]["api_key"] == {"lc": 1, "type": "secret", "id": ["MODEL_ACCESS_KEY"]}
    restored = load(
        dumped,
        secrets_map={"MODEL_ACCESS_KEY": "secret-xyz"},
        valid_namespaces=["langchain_gradient"],
        allowed_objects=[ChatGradient],
    )
    assert isinstance(restored, ChatGradient)
    assert restored.model_name == "deepseek-v3.2"
    assert restored.temperature == 0.1
    assert restored.api_key is not None
    assert restored.api_key.get_secret_value() == "secret-xyz"
    monkeypatch.setenv("MODEL_ACCESS_KEY", "from-env")
    from_env = load(
        dumped,
        secrets_from_env=True,
        valid_namespaces=["langchain_gradient"],
        allowed_objects=[ChatGradient],
    )
    assert from_env.api_key.get_secret_value() == "from-env"


def test_stream_usage_can_be_turned_off_per_call() -> None:
    fake = FakeGradient()
    list(fake.chat().stream("hi", stream_usage=False))
    assert "stream_options" not in fake.bodies[0]
    assert "stream_usage" not in fake.bodies[0]


def test_streamed_reasoning_becomes_standard_blocks_with_output_version_v1() -> None:
    events = [
        chunk({"reasoning_content": "think"}),
        chunk({"content": "Paris"}, finish_reason="stop"),
    ]
    fake = FakeGradient(sse_reply(events))
    full = _stream_all(fake.chat(output_version="v1"))
    blocks = [b for b in full.content if isinstance(b, dict)]
    assert [b["type"] for b in blocks] == ["reasoning", "text"]
    assert blocks[0]["reasoning"] == "think"
    assert blocks[1]["text"] == "Paris"


def test_empty_stop_list_sends_no_stop_and_clears_a_default_per_call() -> None:
    fake = FakeGradient()
    fake.chat(stop=[]).invoke("hi")
    fake.chat(stop=["x"]).invoke("hi", stop=[])
    assert "stop" not in fake.bodies[0]
    assert "stop" not in fake.bodies[1]


def test_stopping_a_stream_early_closes_the_connection() -> None:
    import json

    import httpx2

    closed: list[bool] = []

    class Body(httpx2.SyncByteStream):
        def __iter__(self) -> Any:
            for n in range(100):
                event = chunk({"content": f"t{n} "})
                yield f"data: {json.dumps(event)}\n\n".encode()

        def close(self) -> None:
            closed.append(True)

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=Body())

    llm = ChatGradient(
        api_key="k",
        base_url="http://127.0.0.1:9",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    stream = llm.stream("hi")
    assert next(stream).content == "t0 "
    stream.close()
    assert closed == [True]


def test_n_above_one_cannot_stream_and_says_so_before_any_request() -> None:
    fake = FakeGradient()
    with pytest.raises(ValueError, match="n must be 1 when streaming"):
        fake.chat(n=2, streaming=True)
    with pytest.raises(ValueError, match="cannot be streamed"):
        list(fake.chat(n=3).stream("hi"))
    assert fake.bodies == []
