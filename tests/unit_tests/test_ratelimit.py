"""Rate-limit headers in response_metadata (one shape) and DigitalOcean's 429 wait."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest
from langchain_core.messages import AIMessageChunk
from openai import OpenAI, RateLimitError

from langchain_gradient import (
    ChatGradient,
    GradientEmbeddings,
    GradientResponses,
    observe_rate_limits,
)
from langchain_gradient._errors import GradientRateLimitError
from langchain_gradient._ratelimit import (
    advise_retry,
    advised_wait,
    parse_rate_limits,
    parse_reset,
)
from langchain_gradient.emulator import Fault
from langchain_gradient.emulator.runtime import GradientEmulator


def test_both_header_families_parse_into_one_shape() -> None:
    headers = httpx2.Headers(
        {
            "RateLimit-Limit": "5000",
            "ratelimit-remaining": "4816",
            "ratelimit-reset": "1444931833",
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-limit-tokens-per-day": "100000",
            "retry-after": "2",
        }
    )
    info = parse_rate_limits(headers)
    assert info["ratelimit"] == {"limit": 5000, "remaining": 4816, "reset_at": 1444931833.0}
    assert info["requests"]["limit"] == 60 and info["requests"]["remaining"] == 59
    assert 0 < info["requests"]["reset_at"] - time.time() <= 1.1
    assert info["tokens_per_day"] == {"limit": 100000}
    assert "tokens_per_minute" not in info
    assert info["retry_after"] == 2.0
    assert parse_rate_limits({}) == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1700000000", 1700000000.0), ("30", 130.0), ("1m30s", 190.0), ("250ms", 100.25)],
)
def test_reset_values_in_every_format_become_unix_times(value: str, expected: float) -> None:
    assert parse_reset(value, now=100.0) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["soon", "1x", ""])
def test_unreadable_reset_values_are_dropped(value: str) -> None:
    assert parse_reset(value, now=100.0) is None


def test_advised_wait_prefers_retry_after_then_the_spent_quotas_reset() -> None:
    assert advised_wait({"retry_after": 7.0, "requests": {"remaining": 0, "reset_at": 50.0}}) == 7
    spent = {
        "requests": {"remaining": 0, "reset_at": 110.0},
        "tokens_per_minute": {"remaining": 500, "reset_at": 105.0},
    }
    assert 10.25 <= advised_wait(spent, now=100.0) <= 10.5  # type: ignore[arg-type, operator]
    soon = {"requests": {"remaining": 0, "reset_at": 100.2}}
    assert 1.25 <= advised_wait(soon, now=100.0) <= 1.5  # type: ignore[arg-type, operator]
    assert advised_wait({"ratelimit": {"limit": 5}}) is None


def _sdk_client(handler: Any) -> OpenAI:
    transport = httpx2.MockTransport(handler)
    http = httpx2.Client(transport=transport, event_hooks={"response": [advise_retry]})
    return OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=2)


def test_a_reset_only_429_waits_until_the_reset_through_the_sdk_retry() -> None:
    times: list[float] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        times.append(time.monotonic())
        if len(times) == 1:
            reset = str(time.time() + 0.5)  # the rule still waits at least 1 s (+ jitter)
            headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": reset}
            return httpx2.Response(429, json={"message": "slow down"}, headers=headers)
        return httpx2.Response(200, json={"object": "list", "data": []})

    _sdk_client(handler).models.list()
    assert len(times) == 2
    assert times[1] - times[0] >= 1.25  # the SDK's own backoff would be 0.375-0.5 s


def test_a_429_with_retry_after_is_left_to_the_sdk() -> None:
    response = httpx2.Response(429, headers={"retry-after": "3", "ratelimit-reset": "1"})
    advise_retry(response)
    assert "retry-after-ms" not in response.headers


def test_a_quota_that_resets_in_an_hour_is_not_retried_blindly(
    gradient_emulator: GradientEmulator,
) -> None:
    # A 429 with ratelimit-remaining 0 and the hour's reset, no Retry-After: DigitalOcean's
    # rule says wait until the reset, beyond what the SDK will wait, so it raises at once.
    gradient_emulator.inject(Fault.status(429), times=1, path="/v1/chat/completions")
    llm = ChatGradient(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, max_retries=2
    )
    with pytest.raises(GradientRateLimitError) as info:
        llm.invoke("hi")
    assert isinstance(info.value.__cause__, RateLimitError)
    assert len(gradient_emulator.request_log.records("/v1/chat/completions")) == 1


def _chat_rate_limit(message: Any) -> dict[str, Any]:
    info = message.response_metadata["rate_limit"]
    assert set(info) >= {"ratelimit", "requests", "tokens_per_minute", "tokens_per_day"}
    assert info["requests"]["limit"] == 10_000
    assert info["ratelimit"]["reset_at"] > time.time()
    return info  # type: ignore[no-any-return]


@pytest.mark.parametrize("cls", [ChatGradient, GradientResponses])
async def test_chat_and_responses_carry_rate_limits_invoke_and_stream(
    gradient_emulator: GradientEmulator, cls: Any
) -> None:
    llm = cls(api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url)
    first = _chat_rate_limit(llm.invoke("hi"))
    second = _chat_rate_limit(await llm.ainvoke("hi"))
    assert first["requests"]["remaining"] - second["requests"]["remaining"] == 1
    for chunks in ([c for c in llm.stream("hi")], [c async for c in llm.astream("hi")]):
        whole = chunks[0]
        for chunk in chunks[1:]:
            whole += chunk
        assert isinstance(whole, AIMessageChunk)
        _chat_rate_limit(whole)
        assert sum("rate_limit" in c.response_metadata for c in chunks) == 1  # not repeated


async def test_embeddings_rate_limits_are_seen_through_observe(
    gradient_emulator: GradientEmulator,
) -> None:
    embeddings = GradientEmbeddings(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, chunk_size=1
    )
    with observe_rate_limits() as seen:
        embeddings.embed_documents(["a", "b"])
        await embeddings.aembed_documents(["c"])
    assert seen.responses == 3
    assert seen.latest["tokens_per_minute"]["limit"] == 10_000_000
    with observe_rate_limits() as outside:
        pass
    assert outside.latest == {} and seen.responses == 3  # the block ended: nothing more


def test_the_image_tool_artifact_carries_rate_limits(gradient_emulator: GradientEmulator) -> None:
    from langchain_gradient import GradientImageTool

    tool = GradientImageTool(api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url)
    call = {"name": tool.name, "args": {"prompt": "a red apple"}, "id": "c1", "type": "tool_call"}
    message = tool.invoke(call)
    assert message.artifact["rate_limit"]["requests"]["limit"] == 10_000
