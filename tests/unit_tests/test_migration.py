"""Every constructor argument of DigitalOcean's langchain-gradient 1.0.0 works the same here.

1.0.0's ChatGradient accepted: api_key, model_name (alias model), frequency_penalty,
logit_bias, logprobs, max_completion_tokens, max_tokens, metadata, n, presence_penalty,
stop (alias stop_sequences), streaming (alias stream), stream_options, temperature,
top_logprobs, top_p, user, timeout, max_retries, and read DIGITALOCEAN_INFERENCE_KEY.
1.0.0 accepted ``metadata`` but never sent it (its request builder does not read
it; checked in digitalocean/langchain-gradient v1.0.0 chat_models.py); neither do we.
enable_rate_limiting / max_requests_per_minute / retry_config are in no release of it
(only in an example file of an unreleased commit); ours are our own arguments.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.rate_limiters import InMemoryRateLimiter

from langchain_gradient import ChatGradient
from langchain_gradient._settings import KEY_ENV_VARS
from tests.unit_tests.fake_gradient import FakeGradient, chunk, sse_reply

# argument -> (value, what 1.0.0 sent in the request body for it)
SENT_AS: dict[str, tuple[Any, dict[str, Any]]] = {
    "model_name": ("mistral-3-14B", {"model": "mistral-3-14B"}),
    "model": ("mistral-3-14B", {"model": "mistral-3-14B"}),
    "frequency_penalty": (0.5, {"frequency_penalty": 0.5}),
    "logit_bias": ({"1234": -100.0}, {"logit_bias": {"1234": -100.0}}),
    "logprobs": (True, {"logprobs": True}),
    "max_completion_tokens": (256, {"max_completion_tokens": 256}),
    # 1.0.0 sent max_tokens; the service calls it deprecated in favour of this field.
    "max_tokens": (256, {"max_completion_tokens": 256}),
    "n": (1, {"n": 1}),
    "presence_penalty": (0.3, {"presence_penalty": 0.3}),
    "stop": (["\n\n"], {"stop": ["\n\n"]}),
    "stop_sequences": (["\n\n"], {"stop": ["\n\n"]}),
    "temperature": (0.7, {"temperature": 0.7}),
    "top_logprobs": (3, {"top_logprobs": 3}),
    "top_p": (0.95, {"top_p": 0.95}),
    "user": ("langchain-gradient", {"user": "langchain-gradient"}),
}


@pytest.mark.parametrize("argument", sorted(SENT_AS))
def test_request_arguments_keep_their_meaning(argument: str) -> None:
    value, expected = SENT_AS[argument]
    fake = FakeGradient()
    fake.chat(**{argument: value}).invoke("hi")
    for key, sent in expected.items():
        assert fake.bodies[0][key] == sent


@pytest.mark.parametrize("argument", ["streaming", "stream"])
def test_streaming_makes_invoke_stream(argument: str) -> None:
    fake = FakeGradient(sse_reply([chunk({"content": "a"}), chunk({"content": "b"})]))
    assert fake.chat(**{argument: True}).invoke("hi").content == "ab"
    assert fake.bodies[0]["stream"] is True


def test_stream_options_only_on_streaming_requests() -> None:
    fake = FakeGradient()
    llm = fake.chat(stream_options={"include_usage": True})
    llm.invoke("hi")
    list(llm.stream("hi"))
    assert "stream_options" not in fake.bodies[0]
    assert fake.bodies[1]["stream_options"] == {"include_usage": True}


def test_stream_options_can_turn_usage_off_as_before() -> None:
    fake = FakeGradient()
    list(fake.chat(stream_options={"include_usage": False}).stream("hi"))
    assert fake.bodies[0]["stream_options"] == {"include_usage": False}


def test_timeout_and_max_retries_configure_the_sdk_client() -> None:
    llm = ChatGradient(api_key="k", timeout=120, max_retries=5)
    assert llm.root_client.timeout == 120
    assert llm.root_client.max_retries == 5


def test_api_key_argument() -> None:
    llm = ChatGradient(api_key="do-key")
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "do-key"


def test_digitalocean_inference_key_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGITALOCEAN_INFERENCE_KEY", "do-env-key")
    fake = FakeGradient()
    llm = fake.chat(api_key=None)
    assert llm.key_source == "DIGITALOCEAN_INFERENCE_KEY"
    llm.invoke("hi")
    assert fake.requests[0].headers["authorization"] == "Bearer do-env-key"


def test_metadata_is_accepted_and_not_sent_like_1_0_0() -> None:
    fake = FakeGradient()
    fake.chat(metadata={"team": "search"}).invoke("hi")
    assert "metadata" not in fake.bodies[0]


def test_default_model_is_unchanged() -> None:
    assert ChatGradient(api_key="k").model_name == "llama3.3-70b-instruct"


def test_rate_limiting_arguments_build_a_rate_limiter() -> None:
    llm = ChatGradient(api_key="k", enable_rate_limiting=True, max_requests_per_minute=30)
    assert isinstance(llm.rate_limiter, InMemoryRateLimiter)
    assert llm.rate_limiter.requests_per_second == pytest.approx(0.5)
    assert ChatGradient(api_key="k").rate_limiter is None


@pytest.mark.parametrize("bad", [0, -10])
def test_non_positive_rate_limit_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="max_requests_per_minute must be positive"):
        ChatGradient(api_key="k", enable_rate_limiting=True, max_requests_per_minute=bad)


def test_rate_limiter_is_consulted_per_request() -> None:
    fake = FakeGradient()
    llm = fake.chat(enable_rate_limiting=True, max_requests_per_minute=6000)
    calls: list[bool] = []
    limiter = llm.rate_limiter
    assert limiter is not None
    original = limiter.acquire

    def counting_acquire(*, blocking: bool = True) -> bool:
        calls.append(blocking)
        return original(blocking=blocking)

    object.__setattr__(limiter, "acquire", counting_acquire)
    llm.invoke("a")
    llm.invoke("b")
    assert len(calls) == 2


class _RetryConfig:
    max_retries = 5
    initial_delay = 2.0


@pytest.mark.parametrize("config", [_RetryConfig(), {"max_retries": 5}])
def test_retry_config_sets_max_retries(config: Any) -> None:
    llm = ChatGradient(api_key="k", retry_config=config)
    assert llm.max_retries == 5
    assert llm.root_client.max_retries == 5


def test_explicit_max_retries_wins_over_retry_config() -> None:
    assert (
        ChatGradient(api_key="k", retry_config={"max_retries": 5}, max_retries=1).max_retries == 1
    )
