"""Rate limits: the headers on every response and the 429s that follow from them.

Two header families (``gradient-api.md`` §1, §13.5):

* ``ratelimit-limit`` / ``-remaining`` / ``-reset`` on every response of every route
  (``/v1`` and ``/v2``, errors included), counted per bearer token over
  ``EmulatorConfig.rate_limit_window`` seconds. The reset is a Unix epoch time, as
  DigitalOcean's OpenAPI contract describes it. A 429 from this quota carries
  ``retry-after`` (the contract's burst 429).
* ``x-ratelimit-{limit,remaining,reset}-{requests,tokens-per-minute,tokens-per-day}`` on
  the inference (``/v1``) routes, per model access key: requests per minute
  (``requests_per_minute``), prompt tokens per minute and per day
  (``tokens_per_minute``, ``tokens_per_day``). DigitalOcean does not publish the format
  of their reset values; the emulator sends Unix epoch seconds like ``ratelimit-reset``.
  A 429 from these quotas carries only the headers, no ``retry-after`` (DigitalOcean's
  advice for that case is to wait until the reset, §13.5).

Every quota is a fixed window that starts with its first request. A request's tokens are
its prompt text counted with :func:`~.tokens.count_tokens` (chat ``messages``, Responses
and embeddings ``input``, ``prompt``); output tokens are not charged. A request refused
with 429 is not charged.

429s are sent only with ``enforce_rate_limit=True``; the default limits are generous,
so the headers are there without getting in the way.

Example:
    >>> from langchain_gradient.emulator.state import EmulatorConfig
    >>> counters = RateCounters()
    >>> headers = counters.admit(EmulatorConfig(), "k", "/v1/embeddings", {"input": ["hi"]})
    >>> headers["x-ratelimit-remaining-requests"]
    '9999'
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_gradient.emulator.errors import EmulatorHTTPError
from langchain_gradient.emulator.tokens import count_tokens

if TYPE_CHECKING:
    from aiohttp import web

    from langchain_gradient.emulator.http_common import RequestContext
    from langchain_gradient.emulator.state import EmulatorConfig, EmulatorState

MINUTE = 60.0
DAY = 86_400.0
_FAMILIES = ("requests", "tokens-per-minute", "tokens-per-day")


@dataclass
class _Window:
    start: float
    used: int = 0


class RateCounters:
    """Fixed-window counters per (token, quota); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], _Window] = {}

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()

    def _window(self, key: str, quota: str, length: float, now: float) -> _Window:
        window = self._windows.get((key, quota))
        if window is None or now - window.start >= length:
            window = self._windows[(key, quota)] = _Window(now)
        return window

    def admit(self, config: EmulatorConfig, key: str, path: str, body: Any) -> dict[str, str]:
        """Count one request of ``key``; its rate-limit headers, or a 429 (when enforced)."""
        now = time.time()
        inference = path.startswith("/v1/")
        tokens = request_tokens(body) if inference else 0
        quotas = [("ratelimit", config.rate_limit, config.rate_limit_window, 1)]
        if inference:
            quotas += [
                ("requests", config.requests_per_minute, MINUTE, 1),
                ("tokens-per-minute", config.tokens_per_minute, MINUTE, tokens),
                ("tokens-per-day", config.tokens_per_day, DAY, tokens),
            ]
        with self._lock:
            windows = [self._window(key, q, length, now) for q, _, length, _ in quotas]
            over = [
                quota[0]
                for quota, window in zip(quotas, windows, strict=True)
                if window.used + quota[3] > quota[1]
            ]
            refused = bool(over) and config.enforce_rate_limit
            if not refused:
                for quota, window in zip(quotas, windows, strict=True):
                    window.used += quota[3]
            headers = dict(_headers(quotas, windows))
        if refused:
            if "ratelimit" in over:
                reset = int(headers["ratelimit-reset"])
                headers["retry-after"] = str(max(1, math.ceil(reset - now)))
            raise EmulatorHTTPError(429, "API rate limit exceeded.", headers=headers)
        return headers


def _headers(
    quotas: list[tuple[str, int, float, int]], windows: list[_Window]
) -> Iterator[tuple[str, str]]:
    for (name, limit, length, _), window in zip(quotas, windows, strict=True):
        remaining = str(max(limit - window.used, 0))
        reset = str(math.ceil(window.start + length))
        if name == "ratelimit":
            yield from (
                ("ratelimit-limit", str(limit)),
                ("ratelimit-remaining", remaining),
                ("ratelimit-reset", reset),
            )
        else:
            yield from (
                (f"x-ratelimit-limit-{name}", str(limit)),
                (f"x-ratelimit-remaining-{name}", remaining),
                (f"x-ratelimit-reset-{name}", reset),
            )


def admit_request(
    state: EmulatorState, request: web.Request, context: RequestContext, body: Any
) -> dict[str, str]:
    """The gateway's step: count the request under its bearer token (the model access key
    the gateway authenticated, or the ``/v2`` token); its headers, or a 429."""
    key = context.api_key or _bearer(request.headers)
    return state.rate_counters.admit(state.config, key, request.path, body)


def _bearer(headers: Mapping[str, str]) -> str:
    value = headers.get("Authorization") or ""
    return value[7:].strip() if value[:7].lower() == "bearer " else ""


def fresh_headers(config: EmulatorConfig) -> dict[str, str]:
    """``ratelimit-*`` for a request that is not counted (a 401: no known key)."""
    reset = str(math.ceil(time.time() + config.rate_limit_window))
    limit = str(config.rate_limit)
    return {"ratelimit-limit": limit, "ratelimit-remaining": limit, "ratelimit-reset": reset}


def request_tokens(body: Any) -> int:
    """The prompt tokens a request is charged: the text of ``messages``, ``input`` and
    ``prompt``.

    Example:
        >>> request_tokens({"messages": [{"role": "user", "content": "Hello, world!"}]})
        6
    """
    if not isinstance(body, Mapping):
        return 0
    return sum(
        count_tokens(text)
        for name in ("messages", "input", "prompt")
        for text in _texts(body.get(name))
    )


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, Mapping):
        for name in ("content", "text"):
            yield from _texts(value.get(name))
