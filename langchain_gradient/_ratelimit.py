"""Rate-limit headers -> one ``response_metadata["rate_limit"]`` shape, and the 429 wait.

Gradient answers with two header families (``gradient-api.md`` §1, §13.5):

* ``ratelimit-limit`` / ``ratelimit-remaining`` / ``ratelimit-reset`` (DigitalOcean's
  OpenAPI contract: the reset is a Unix epoch time) and ``retry-after`` (seconds) on a
  burst 429;
* ``x-ratelimit-{limit,remaining,reset}-{requests,tokens-per-minute,tokens-per-day}``.

:func:`parse_rate_limits` turns either into :class:`RateLimitInfo`::

    {"ratelimit": {"limit": 5000, "remaining": 4816, "reset_at": 1444931833.0},
     "requests": {...}, "tokens_per_minute": {...}, "tokens_per_day": {...},
     "retry_after": 2.0}

with only the parts the response carried. ``reset_at`` is always a Unix time: the
format of the ``x-ratelimit-reset-*`` values is not published, so an epoch time, a
number of seconds from now, or a duration such as ``"1m30s"`` / ``"250ms"`` are all read.

A 429 without ``Retry-After`` but with a reset header waits as DigitalOcean advises,
``max(reset - now, 1 s)`` plus 250-500 ms of jitter: :func:`advise_retry` (an httpx
response hook on the SDK clients we build) writes that wait as ``retry-after-ms``,
which the openai SDK's own retry loop honours. No second retry loop.

:func:`observe_rate_limits` collects what every response in a block reported; it is how
callers see the headers of calls that return no message (embeddings, tools).

Example:
    >>> info = parse_rate_limits({"ratelimit-limit": "250", "ratelimit-remaining": "249",
    ...                           "ratelimit-reset": "1444931833"})
    >>> info["ratelimit"]["remaining"]
    249
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypedDict, TypeVar

__all__ = [
    "RateLimitInfo",
    "RateLimitObserver",
    "RateLimitWindow",
    "add_rate_limits",
    "advise_retry",
    "advise_retry_async",
    "advised_wait",
    "observe_rate_limits",
    "parse_rate_limits",
]


class RateLimitWindow(TypedDict, total=False):
    """One quota: its limit, what remains, and when it resets (Unix seconds)."""

    limit: int
    remaining: int
    reset_at: float


class RateLimitInfo(TypedDict, total=False):
    """Every quota a response reported; parts the response did not carry are absent."""

    ratelimit: RateLimitWindow
    """``ratelimit-*``: the contract's per-token request quota."""
    requests: RateLimitWindow
    """``x-ratelimit-*-requests``."""
    tokens_per_minute: RateLimitWindow
    """``x-ratelimit-*-tokens-per-minute``."""
    tokens_per_day: RateLimitWindow
    """``x-ratelimit-*-tokens-per-day``."""
    retry_after: float
    """``retry-after`` (or ``retry-after-ms``) in seconds."""


_R = TypeVar("_R")

_FAMILIES = {
    "requests": "requests",
    "tokens_per_minute": "tokens-per-minute",
    "tokens_per_day": "tokens-per-day",
}
_EPOCH_FLOOR = 1_000_000_000  # a reset above this is a Unix time, below it seconds from now
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _integer(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


def parse_reset(value: str | None, now: float | None = None) -> float | None:
    """A reset header value -> Unix seconds; ``None`` when it cannot be read.

    Example:
        >>> parse_reset("1444931833")
        1444931833.0
        >>> parse_reset("1m30s", now=100.0)
        190.0
        >>> parse_reset("2.5", now=100.0)
        102.5
    """
    if value is None:
        return None
    text = value.strip().lower()
    now = time.time() if now is None else now
    try:
        number = float(text)
    except ValueError:
        pieces = _DURATION.findall(text)
        if not pieces or "".join(a + b for a, b in pieces) != text:
            return None
        return now + sum(float(amount) * _UNITS[unit] for amount, unit in pieces)
    return number if number >= _EPOCH_FLOOR else now + number


def _window(limit: str | None, remaining: str | None, reset: str | None) -> RateLimitWindow:
    window = RateLimitWindow()
    if (value := _integer(limit)) is not None:
        window["limit"] = value
    if (value := _integer(remaining)) is not None:
        window["remaining"] = value
    if (moment := parse_reset(reset)) is not None:
        window["reset_at"] = moment
    return window


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return float(value) / divisor
            except ValueError:
                continue
    return None


def parse_rate_limits(headers: Mapping[str, str] | Any) -> RateLimitInfo:
    """The rate-limit headers of a response, in the one shape (see the module docstring).

    ``headers`` is any case-insensitive mapping (``httpx`` headers) or a plain dict with
    lower-case names. A response without rate-limit headers gives ``{}``.

    Example:
        >>> parse_rate_limits({"x-ratelimit-limit-requests": "60",
        ...                    "x-ratelimit-remaining-requests": "0"})["requests"]
        {'limit': 60, 'remaining': 0}
    """
    get = headers.get
    info = RateLimitInfo()
    window = _window(get("ratelimit-limit"), get("ratelimit-remaining"), get("ratelimit-reset"))
    if window:
        info["ratelimit"] = window
    for key, suffix in _FAMILIES.items():
        window = _window(
            get(f"x-ratelimit-limit-{suffix}"),
            get(f"x-ratelimit-remaining-{suffix}"),
            get(f"x-ratelimit-reset-{suffix}"),
        )
        if window:
            info[key] = window  # type: ignore[literal-required]
    retry = _retry_after(headers)
    if retry is not None:
        info["retry_after"] = retry
    return info


def _quota(info: RateLimitInfo, key: str) -> RateLimitWindow:
    window = info.get(key)
    return window if isinstance(window, dict) else RateLimitWindow()  # type: ignore[return-value]


def advised_wait(info: RateLimitInfo, now: float | None = None) -> float | None:
    """DigitalOcean's wait after a 429 (§13.5): ``Retry-After`` if given, else
    ``max(reset - now, 1 s)`` for the exhausted quota plus 250-500 ms jitter.

    ``None`` when the response carried neither (the SDK's backoff applies).

    Example:
        >>> 1.25 <= advised_wait({"requests": {"remaining": 0, "reset_at": 0.0}}, now=5.0) <= 1.5
        True
    """
    if "retry_after" in info:
        return float(info["retry_after"])
    windows: list[RateLimitWindow] = [
        window
        for key in ("requests", "tokens_per_minute", "tokens_per_day", "ratelimit")
        if "reset_at" in (window := _quota(info, key))
    ]
    spent = [w["reset_at"] for w in windows if w.get("remaining", 0) <= 0]
    reset = max(spent) if spent else min((w["reset_at"] for w in windows), default=None)
    if reset is None:
        return None
    now = time.time() if now is None else now
    return max(reset - now, 1.0) + random.uniform(0.25, 0.5)


def advise_retry(response: Any) -> None:
    """httpx response hook: give a 429 without ``Retry-After`` DigitalOcean's wait.

    Writes ``retry-after-ms`` (which the openai SDK's retry loop reads) when the 429
    carries only reset headers; other responses are left alone. Every response is also
    reported to :func:`observe_rate_limits` blocks.
    """
    headers = response.headers
    observers = _OBSERVERS.get()
    if response.status_code != 429 and not observers and _BUDGET.get() is None:
        return
    info = parse_rate_limits(headers)
    for observer in observers:
        observer.add(info)
    budget = _BUDGET.get()
    if budget is not None and info:
        budget.observe(info)
    if response.status_code == 429 and "retry_after" not in info:
        wait = advised_wait(info)
        if wait is not None:
            headers["retry-after-ms"] = str(int(wait * 1000))


async def advise_retry_async(response: Any) -> None:
    """The async twin of :func:`advise_retry` (httpx async clients need a coroutine)."""
    advise_retry(response)


def add_rate_limits(result: _R, headers: Mapping[str, str] | Any) -> _R:
    """Put ``headers``' rate limits in every message of ``result`` (a ``ChatResult``) as
    ``response_metadata["rate_limit"]``; nothing is added when there are none.

    ``headers`` may also be an already parsed :class:`RateLimitInfo`.
    """
    info = headers if _is_info(headers) else parse_rate_limits(headers)
    if info:
        for generation in result.generations:  # type: ignore[attr-defined]
            generation.message.response_metadata["rate_limit"] = dict(info)
    return result


def _is_info(value: Any) -> bool:
    return isinstance(value, dict) and all(key in RateLimitInfo.__annotations__ for key in value)


class RateLimitObserver:
    """What the responses inside one :func:`observe_rate_limits` block reported."""

    def __init__(self) -> None:
        self.latest: RateLimitInfo = RateLimitInfo()
        """The last non-empty report (``{}`` while none came)."""
        self.responses = 0
        """How many responses with rate-limit headers were seen."""

    def add(self, info: RateLimitInfo) -> None:
        if info:
            self.latest = info
            self.responses += 1


_OBSERVERS: ContextVar[tuple[RateLimitObserver, ...]] = ContextVar(
    "gradient_rate_limit_observers", default=()
)


@contextmanager
def observe_rate_limits() -> Iterator[RateLimitObserver]:
    """Collect the rate-limit headers of every Gradient response sent inside the block.

    Works for sync calls and for async calls awaited inside the block (tasks started
    in it inherit it). Only clients the package builds are observed, not a client
    passed as ``http_client``.

    Example:
        >>> with observe_rate_limits() as seen:  # doctest: +SKIP
        ...     GradientEmbeddings().embed_documents(["a"])
        >>> seen.latest["ratelimit"]["remaining"]  # doctest: +SKIP
        4999
    """
    observer = RateLimitObserver()
    token = _OBSERVERS.set((*_OBSERVERS.get(), observer))
    try:
        yield observer
    finally:
        _OBSERVERS.reset(token)


class Budget(Protocol):
    """A shared rate budget (``langchain_gradient.ray.RateBudget``): drawn from before
    every HTTP attempt, SDK retries included, and told every response's rate limits."""

    def acquire(self, tokens: int) -> None: ...

    async def aacquire(self, tokens: int) -> None: ...

    def observe(self, info: RateLimitInfo) -> None: ...


_BUDGET: ContextVar[Budget | None] = ContextVar("gradient_rate_budget", default=None)


@contextmanager
def use_budget(budget: Budget | None) -> Iterator[None]:
    """Draw every request sent inside the block from ``budget`` (clients the package builds).

    Example:
        >>> with use_budget(None):  # no budget: requests go as they come
        ...     pass
    """
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def estimate_request_tokens(request: Any) -> int:
    """A request's token estimate for a tokens-per-minute budget: its body bytes / 4."""
    try:
        return max(1, len(request.content) // 4)
    except Exception:  # a streamed upload: count it as one token
        return 1


def draw_budget(request: Any) -> None:
    """httpx request hook: wait for the active budget (if any) before sending."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.acquire(estimate_request_tokens(request))


async def adraw_budget(request: Any) -> None:
    """The async twin of :func:`draw_budget`."""
    budget = _BUDGET.get()
    if budget is not None:
        await budget.aacquire(estimate_request_tokens(request))
