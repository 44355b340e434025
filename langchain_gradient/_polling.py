"""The one job poller of the package: fal jobs and Batch API jobs both wait through it.

:func:`poll` and :func:`apoll` repeat a *fetch* until a *target* says the job is done,
with exponential backoff and downward jitter (completion is never noticed later than the
un-jittered schedule), ``Retry-After`` honoured (never polled sooner than the server
asks, capped), an overall timeout, and transient failures ridden out (connection errors,
408/409/425/429 and 5xx) up to ``max_consecutive_errors`` in a row. Each change of the
target's progress key is reported to ``on_progress`` (how callers emit LangChain custom
events; see :func:`emit_progress_event`).

The loop is written once, as a generator that yields what it needs (a fetch, a sleep, a
progress report); :func:`poll` and :func:`apoll` only carry those steps out, so the sync
and async paths cannot drift apart.

A :class:`PollTarget` supplies the job-specific parts: how to fetch once, what "done" and
"failed" mean, which errors to raise on timeout or repeated failure.

Example:
    >>> policy = PollPolicy(timeout=60)
    >>> policy.delay(0, random=0.0), policy.delay(10, random=0.0)
    (0.5, 2.75)
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import inspect
import random as _random
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from langchain_gradient._errors import GradientAPIError, GradientConnectionError

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

TRANSIENT_STATUS = frozenset({408, 409, 425, 429})

AGAIN: Any = object()
"""Returned by :meth:`PollTarget.settle` to fetch again at once, without sleeping."""

ProgressCallback = Callable[[Any, float], object]
"""Called with the latest value and the seconds since waiting began, on every progress
change. In :func:`apoll` it may return an awaitable, which is awaited."""


class PollPolicy(BaseModel):
    """How a job is polled: backoff schedule, jitter and limits.

    The n-th wait is ``min(max_interval, initial_interval * multiplier**n)``, shortened
    by up to ``jitter`` (a fraction), and never shorter than a server's ``Retry-After``
    (capped at ``max_retry_after``).

    Example:
        >>> PollPolicy(jitter=0.0).delay(1, random=0.5)
        0.7
    """

    model_config = ConfigDict(frozen=True)

    initial_interval: float = Field(default=0.5, gt=0)
    multiplier: float = Field(default=1.4, ge=1)
    max_interval: float = Field(default=2.75, gt=0)
    jitter: float = Field(default=0.05, ge=0, lt=1)
    timeout: float = Field(default=600.0, gt=0)
    """Seconds to wait in one call before the target's timeout error."""
    max_retry_after: float = Field(default=60.0, ge=0)
    max_consecutive_errors: int = Field(default=10, ge=0)
    """Transient poll failures in a row before the target's polling error."""

    def delay(self, attempt: int, *, random: float, retry_after: float | None = None) -> float:
        """Seconds to wait before poll number ``attempt + 1`` (``random`` in [0, 1))."""
        base = min(self.max_interval, self.initial_interval * self.multiplier**attempt)
        wait = base * (1.0 - self.jitter * random)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


@dataclass(frozen=True)
class PollReply(Generic[T]):
    """What one fetch produced: a value, or the (translated) error, plus any Retry-After."""

    value: T | None = None
    error: BaseException | None = None
    retry_after: float | None = None


class PollTarget(Protocol[T]):
    """The job-specific half of polling (the loop is :func:`poll` / :func:`apoll`)."""

    def fetch(self) -> PollReply[T]:
        """One status request; errors are returned in the reply, not raised."""

    async def afetch(self) -> PollReply[T]:
        """Async :meth:`fetch`."""

    def progress_key(self, value: T) -> object:
        """What counts as progress: a report is sent each time this changes."""

    def settle(self, value: T) -> Any:
        """The final result when ``value`` is done; ``None`` to keep polling; :data:`AGAIN`
        to fetch again at once. Raises when the job ended in failure."""

    def recover(self, error: BaseException) -> bool:
        """True to fetch again at once after ``error`` (e.g. a fallback route was chosen)."""

    def polling_error(self, failures: int, error: BaseException) -> BaseException:
        """The error to raise after ``failures`` transient failures in a row."""

    def timeout_error(self, last: T | None, waited: float) -> BaseException:
        """The error to raise when the timeout runs out; ``last`` is the latest value."""


@dataclass(frozen=True)
class Clock:
    """The time functions polling uses; tests and benchmarks pass a simulated clock."""

    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    random: Callable[[], float] = _random.random


@dataclass(frozen=True)
class _Fetch:
    pass


@dataclass(frozen=True)
class _Sleep:
    seconds: float


@dataclass(frozen=True)
class _Report:
    value: Any
    elapsed: float


_Step = _Fetch | _Sleep | _Report


def _plan(
    target: PollTarget[T],
    policy: PollPolicy,
    clock: Clock,
    timeout: float | None,
    first: T | None,
) -> Generator[_Step, PollReply[T], Any]:
    start = clock.monotonic()
    deadline = start + (policy.timeout if timeout is None else timeout)
    value = first
    last_key: object = _NOTHING
    attempt = errors = 0
    fetch_now = first is None
    while True:
        retry_after: float | None = None
        if fetch_now:
            reply = yield _Fetch()
            value, retry_after = reply.value, reply.retry_after
            if reply.error is not None:
                if target.recover(reply.error):
                    continue
                if not is_transient(reply.error):
                    raise reply.error
                errors += 1
                if errors > policy.max_consecutive_errors:
                    raise target.polling_error(errors, reply.error) from reply.error
            else:
                errors = 0
        fetch_now = True
        if value is not None:
            key = target.progress_key(value)
            if key != last_key:
                last_key = key
                yield _Report(value, clock.monotonic() - start)
            outcome = target.settle(value)
            if outcome is AGAIN:
                continue
            if outcome is not None:
                return outcome
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            raise target.timeout_error(value, clock.monotonic() - start)
        wait = policy.delay(attempt, random=clock.random(), retry_after=retry_after)
        attempt += 1
        yield _Sleep(min(wait, remaining))


_NOTHING = object()


def poll(
    target: PollTarget[T],
    policy: PollPolicy,
    *,
    clock: Clock | None = None,
    timeout: float | None = None,
    first: T | None = None,
    on_progress: ProgressCallback | None = None,
) -> Any:
    """Poll ``target`` until it settles; return what :meth:`PollTarget.settle` returned.

    ``first`` is a value already in hand (a submit's answer); without it the first
    fetch is immediate, which is how a timed-out wait is resumed.

    Example:
        >>> poll(target, PollPolicy(timeout=30), on_progress=print)  # doctest: +SKIP
    """
    clock = clock or Clock()
    plan = _plan(target, policy, clock, timeout, first)
    reply: PollReply[T] | None = None
    while True:
        try:
            step = plan.send(reply) if reply is not None else next(plan)
        except StopIteration as done:
            return done.value
        reply = PollReply()
        if isinstance(step, _Fetch):
            reply = target.fetch()
        elif isinstance(step, _Sleep):
            clock.sleep(step.seconds)
        elif on_progress is not None:
            on_progress(step.value, step.elapsed)


async def apoll(
    target: PollTarget[T],
    policy: PollPolicy,
    *,
    clock: Clock | None = None,
    timeout: float | None = None,
    first: T | None = None,
    on_progress: ProgressCallback | None = None,
) -> Any:
    """Async :func:`poll`. Cancelling the task stops polling at once."""
    clock = clock or Clock()
    plan = _plan(target, policy, clock, timeout, first)
    reply: PollReply[T] | None = None
    while True:
        try:
            step = plan.send(reply) if reply is not None else next(plan)
        except StopIteration as done:
            return done.value
        reply = PollReply()
        if isinstance(step, _Fetch):
            reply = await target.afetch()
        elif isinstance(step, _Sleep):
            await clock.async_sleep(step.seconds)
        elif on_progress is not None:
            outcome = on_progress(step.value, step.elapsed)
            if inspect.isawaitable(outcome):
                await outcome


def is_transient(exc: BaseException) -> bool:
    """A failure worth polling through: connection errors, 408/409/425/429 and 5xx.

    Example:
        >>> is_transient(GradientConnectionError("reset"))
        True
    """
    if isinstance(exc, GradientConnectionError):
        return True
    if isinstance(exc, GradientAPIError) and exc.status_code is not None:
        return exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500
    return False


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date).

    Example:
        >>> retry_after_seconds({"retry-after": "2"})
        2.0
    """
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def emit_progress_event(name: str, data: Mapping[str, Any], config: Any = None) -> None:
    """Send a progress report as a LangChain custom event, where someone can hear it.

    Dispatched to the callbacks of ``config`` (or of the runnable this runs inside) as
    ``on_custom_event``, visible in ``astream_events``; and written to LangGraph's
    ``stream_mode="custom"`` as ``{"event": name, **data}`` inside a graph. Outside any
    run there is no parent to attach an event to, and nothing is sent.

    Example:
        >>> emit_progress_event("gradient_batch_status", {"status": "in_progress"})
    """
    from langchain_core.callbacks.manager import dispatch_custom_event

    with contextlib.suppress(RuntimeError):  # no parent run: called outside a runnable
        dispatch_custom_event(name, dict(data), config=config)
    write_to_graph_stream(name, data)


async def aemit_progress_event(name: str, data: Mapping[str, Any], config: Any = None) -> None:
    """Async :func:`emit_progress_event`."""
    from langchain_core.callbacks.manager import adispatch_custom_event

    with contextlib.suppress(RuntimeError):
        await adispatch_custom_event(name, dict(data), config=config)
    write_to_graph_stream(name, data)


def write_to_graph_stream(name: str, data: Mapping[str, Any]) -> None:
    """``{"event": name, **data}`` to ``stream_mode="custom"``, if inside a LangGraph run."""
    try:
        from langgraph.config import get_stream_writer
    except ImportError:  # LangGraph is optional
        return
    try:
        writer = get_stream_writer()
    except (RuntimeError, KeyError):  # not inside a graph
        return
    writer({"event": name, **data})
