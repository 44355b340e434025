"""A key given anywhere but ``api_key`` never reaches a body, a trace, a repr or dumps,
and a key a server echoes is gone from the whole exception chain (issue 15).

Complements ``test_secrets.py`` (repr, dumps, pickle, logs, callbacks per class).
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

import httpx2
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.load import dumps

from langchain_gradient import (
    ChatGradient,
    GradientAuthenticationError,
    GradientEmbeddings,
    GradientFalTool,
    GradientImageTool,
    GradientResponses,
    KeyInWrongPlaceError,
)
from langchain_gradient._secrets import is_key_like
from tests.unit_tests.fake_gradient import TEST_KEY, FakeGradient, auto_reply
from tests.unit_tests.test_secrets import CASES, IDS, _echoing_transport

OTHER_KEY = "sk-do-other-secret-55aa"

KEY_SPELLINGS = [
    "apikey",
    "apiKey",
    "ApiKey",
    "API_KEY",
    "api-key",
    "x-api-key",
    "X-Api-Key",
    "x_api_key",
    "openai_api_key",
    "anthropic_api_key",
    "do_api_key",
    "inference_key",
    "inferenceKey",
    "digitalocean_inference_key",
    "DIGITALOCEAN_INFERENCE_KEY",
    "gradient_model_access_key",
    "access_key",
    "accessKey",
    "secret_key",
    "client_secret",
    "private_key",
    "authorization",
    "Authorization",
    "auth",
    "auth_token",
    "bearer",
    "bearer_token",
    "Bearer",
    "access_token",
    "digitalocean_token",
    "do_token",
    "token",
    "key",
    "password",
    "credentials",
]
ORDINARY_NAMES = [
    "max_tokens",
    "max_completion_tokens",
    "max_output_tokens",
    "top_k",
    "top_p",
    "temperature",
    "prompt_cache_key",
    "idempotency_key",
    "cache_key",
    "tokenizer",
    "stop",
    "seed",
    "logit_bias",
    "top_logprobs",
    "reasoning_effort",
    "user",
    "metadata",
    "response_format",
    "keywords",
    "monkey",
    "stream_options",
    "parallel_tool_calls",
]


@pytest.mark.parametrize("name", KEY_SPELLINGS)
def test_realistic_key_spellings_are_recognised(name: str) -> None:
    assert is_key_like(name)


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_ordinary_request_fields_are_not(name: str) -> None:
    assert not is_key_like(name)


@pytest.mark.parametrize("cls", [ChatGradient, GradientResponses])
@pytest.mark.parametrize("name", KEY_SPELLINGS)
def test_constructor_refuses_every_spelling(cls: type[Any], name: str) -> None:
    with pytest.raises(KeyInWrongPlaceError, match="api_key=") as caught:
        cls(api_key=TEST_KEY, **{name: OTHER_KEY})
    assert repr(name) in str(caught.value)
    assert OTHER_KEY not in str(caught.value) + repr(caught.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda **kw: GradientEmbeddings(**kw),
        lambda **kw: GradientImageTool(**kw),
        lambda **kw: GradientFalTool(model_id="fal-ai/flux/schnell", **kw),
    ],
    ids=["embeddings", "image-tool", "fal-tool"],
)
@pytest.mark.parametrize("name", ["apikey", "inference_key", "authorization"])
def test_other_classes_refuse_a_key_under_another_name(build: Any, name: str) -> None:
    # Before: silently ignored, so the object ran with another key than the user meant.
    with pytest.raises(KeyInWrongPlaceError, match=name):
        build(api_key=TEST_KEY, **{name: OTHER_KEY})


@pytest.mark.parametrize("where", ["model_kwargs", "extra_body"])
@pytest.mark.parametrize("cls", [ChatGradient, GradientResponses])
def test_constructor_containers_refuse_a_key(where: str, cls: type[Any]) -> None:
    with pytest.raises(KeyInWrongPlaceError, match=where):
        cls(api_key=TEST_KEY, **{where: {"api_key": OTHER_KEY}})


def test_default_headers_refuse_an_authorization_header() -> None:
    with pytest.raises(KeyInWrongPlaceError, match="default_headers"):
        ChatGradient(api_key=TEST_KEY, default_headers={"Authorization": f"Bearer {OTHER_KEY}"})
    ChatGradient(api_key=TEST_KEY, default_headers={"X-Trace": "1"})  # ordinary ones are fine


class _Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.events: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.events.append(("start", serialized, kwargs))

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.events.append(("error", str(error), kwargs))


PER_CALL = [
    {"api_key": OTHER_KEY},
    {"apikey": OTHER_KEY},
    {"openai_api_key": OTHER_KEY},
    {"authorization": f"Bearer {OTHER_KEY}"},
    {"model_kwargs": {"inference_key": OTHER_KEY}},
    {"extra_body": {"x-api-key": OTHER_KEY}},
    {"extra_headers": {"Authorization": f"Bearer {OTHER_KEY}"}},
]


@pytest.mark.parametrize("kwargs", PER_CALL, ids=lambda kw: next(iter(kw)))
@pytest.mark.parametrize("path", ["invoke", "stream", "batch"])
def test_a_per_call_key_is_refused_before_any_trace_or_request(
    kwargs: dict[str, Any], path: str
) -> None:
    fake = FakeGradient(auto_reply("ok"))
    recorder = _Recorder()
    llm = fake.chat(callbacks=[recorder])
    with pytest.raises(KeyInWrongPlaceError, match="api_key="):
        if path == "invoke":
            llm.invoke("hi", **kwargs)
        elif path == "stream":
            list(llm.stream("hi", **kwargs))
        else:
            llm.batch(["hi"], **kwargs)
    assert fake.requests == []  # nothing was sent
    assert OTHER_KEY not in json.dumps(recorder.events, default=repr)


async def test_a_per_call_key_is_refused_on_the_async_paths() -> None:
    fake = FakeGradient(auto_reply("ok"))
    llm = fake.chat()
    with pytest.raises(KeyInWrongPlaceError):
        await llm.ainvoke("hi", api_key=OTHER_KEY)
    with pytest.raises(KeyInWrongPlaceError):
        async for _ in llm.astream("hi", apiKey=OTHER_KEY):
            pass
    assert fake.requests == []


@pytest.mark.parametrize("cls", [ChatGradient, GradientResponses])
def test_bind_refuses_a_key_at_once(cls: type[Any]) -> None:
    llm = cls(api_key=TEST_KEY)
    with pytest.raises(KeyInWrongPlaceError, match="bind"):
        llm.bind(api_key=OTHER_KEY)
    with pytest.raises(KeyInWrongPlaceError):
        llm.bind(extra_body={"authorization": OTHER_KEY})
    bound = llm.bind(temperature=0, max_tokens=5, top_k=3)  # ordinary names still bind
    assert OTHER_KEY not in repr(bound) + dumps(bound)


def test_ordinary_per_call_arguments_still_reach_the_body() -> None:
    fake = FakeGradient(auto_reply("ok"))
    fake.chat().invoke("hi", top_k=3, prompt_cache_key="tenant", max_tokens=7)
    assert fake.bodies[0]["top_k"] == 3
    assert fake.bodies[0]["prompt_cache_key"] == "tenant"


# -- the whole exception chain -----------------------------------------------------------------


def _chain_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_traceback_of_an_echoed_key_is_clean_down_the_chain(
    case: Any, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sync_transport, async_transport = _echoing_transport(401)
    extra = {"output_dir": tmp_path} if "Tool" in case.name else {}
    obj = case.build(
        api_key=TEST_KEY,
        base_url="http://127.0.0.1:9/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=sync_transport),
        http_async_client=httpx2.AsyncClient(transport=async_transport),
        **extra,
    )
    with pytest.raises(GradientAuthenticationError) as caught:
        case.call(obj)
    text = _chain_text(caught.value)
    assert "bad key" in text  # the server's words are kept
    assert TEST_KEY not in text
    cause = caught.value.__cause__
    assert cause is not None  # the SDK error is still chained, for debugging
    assert TEST_KEY not in repr(vars(cause)) + str(getattr(cause, "body", ""))
    response = getattr(cause, "response", None)
    if response is not None:
        assert TEST_KEY not in response.text
    with caplog.at_level(logging.ERROR):
        try:
            raise caught.value
        except GradientAuthenticationError:
            logging.getLogger("app").exception("call failed")
    assert "call failed" in caplog.text and TEST_KEY not in caplog.text
