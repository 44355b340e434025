"""Emulator rate limits: headers on every route, quotas per key, 429s that follow from them."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from langchain_gradient.emulator.runtime import GradientEmulator

FAMILY = [
    f"x-ratelimit-{part}-{quota}"
    for quota in ("requests", "tokens-per-minute", "tokens-per-day")
    for part in ("limit", "remaining", "reset")
]
RATELIMIT = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]


def _call(emu: GradientEmulator, method: str, path: str, **kwargs: Any) -> httpx2.Response:
    headers = kwargs.pop("headers", {"Authorization": f"Bearer {emu.api_key}"})
    return httpx2.request(method, emu.origin + path, headers=headers, timeout=10, **kwargs)


def _embed(emu: GradientEmulator, texts: list[str]) -> httpx2.Response:
    body = {"model": "qwen3-embedding-0.6b", "input": texts}
    return _call(emu, "POST", "/v1/embeddings", json=body)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/v1/models", {}, 200),
        ("POST", "/v1/embeddings", {"json": {"model": "qwen3-embedding-0.6b", "input": "x"}}, 200),
        (
            "POST",
            "/v1/chat/completions",
            {"json": {"model": "nope", "messages": [{"role": "user", "content": "hi"}]}},
            404,
        ),
        ("POST", "/v1/chat/completions", {"content": b"{not json"}, 400),
        ("GET", "/v1/models", {"headers": {"Authorization": "Bearer wrong"}}, 401),
        ("GET", "/v2/gen-ai/models/api_keys", {}, 401),
        ("GET", "/nowhere", {}, 404),
    ],
)
def test_every_response_carries_ratelimit_headers(
    gradient_emulator: GradientEmulator, method: str, path: str, kwargs: Any, status: int
) -> None:
    response = _call(gradient_emulator, method, path, **kwargs)
    assert response.status_code == status
    for name in RATELIMIT:
        assert int(response.headers[name]) >= 0, name
    assert int(response.headers["ratelimit-reset"]) > time.time()  # a Unix epoch time


def test_v2_routes_are_counted_under_their_token(gradient_emulator: GradientEmulator) -> None:
    auth = {"Authorization": f"Bearer {gradient_emulator.control_token}"}
    first = _call(gradient_emulator, "GET", "/v2/gen-ai/models/api_keys", headers=auth)
    second = _call(gradient_emulator, "GET", "/v2/gen-ai/models/api_keys", headers=auth)
    assert first.status_code == second.status_code == 200
    remaining = [int(r.headers["ratelimit-remaining"]) for r in (first, second)]
    assert remaining[0] - remaining[1] == 1
    assert "x-ratelimit-limit-requests" not in first.headers  # inference quotas only on /v1


def test_inference_responses_carry_the_quota_family(gradient_emulator: GradientEmulator) -> None:
    first = _embed(gradient_emulator, ["hello world"])
    second = _embed(gradient_emulator, ["hello world"])
    for name in FAMILY:
        assert name in first.headers, name
    requests = [int(r.headers["x-ratelimit-remaining-requests"]) for r in (first, second)]
    tokens = [int(r.headers["x-ratelimit-remaining-tokens-per-minute"]) for r in (first, second)]
    assert requests[0] - requests[1] == 1
    assert tokens[0] - tokens[1] == 4  # "hello world": 2 + 2 tokens


def test_requests_per_minute_gives_a_429_with_only_reset_headers(
    gradient_emulator: GradientEmulator,
) -> None:
    gradient_emulator.config.enforce_rate_limit = True
    gradient_emulator.config.requests_per_minute = 2
    statuses = [_embed(gradient_emulator, ["a"]).status_code for _ in range(2)]
    refused = _embed(gradient_emulator, ["a"])
    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert "retry-after" not in refused.headers
    assert refused.headers["x-ratelimit-remaining-requests"] == "0"
    assert 55 <= int(refused.headers["x-ratelimit-reset-requests"]) - time.time() <= 61


def test_tokens_per_minute_refuses_a_request_over_the_quota_uncharged(
    gradient_emulator: GradientEmulator,
) -> None:
    gradient_emulator.config.enforce_rate_limit = True
    gradient_emulator.config.tokens_per_minute = 10
    refused = _embed(gradient_emulator, ["one two three four five six seven eight nine ten x"])
    accepted = _embed(gradient_emulator, ["short"])
    assert refused.status_code == 429 and accepted.status_code == 200
    assert accepted.headers["x-ratelimit-remaining-tokens-per-minute"] == "8"


def test_the_hourly_quota_answers_429_with_retry_after(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.config.enforce_rate_limit = True
    gradient_emulator.config.rate_limit = 1
    assert _call(gradient_emulator, "GET", "/v1/models").status_code == 200
    refused = _call(gradient_emulator, "GET", "/v1/models")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_limits_are_not_enforced_by_default(gradient_emulator: GradientEmulator) -> None:
    gradient_emulator.config.requests_per_minute = 1
    assert [_embed(gradient_emulator, ["a"]).status_code for _ in range(3)] == [200] * 3
