"""The fal job client: submit to ``/v1/async-invoke``, poll until done, fetch the result.

:class:`FalJobClient` is usable on its own or through
:class:`~langchain_gradient.tools.fal.GradientFalTool`. Requests go through the openai
SDK's generic ``post``/``get`` on the shared client, so the key, endpoint, headers,
timeout and connection pool are the same as ``ChatGradient``'s.

Polling is exponential backoff with downward jitter (so completion is never noticed
later than the un-jittered schedule), honours ``Retry-After``, gives up after an overall
timeout, and rides out transient failures (connection errors, 408/409/429/5xx). Polls
are sent with the SDK's own retries off: the poll loop is the retry loop, so there is
one backoff, one clock and one timeout. Both documented routes and status spellings are
accepted (contract §9.6): ``/async-invoke/{id}/status`` first, falling back to
``/async-invoke/{id}`` when it is missing or lacks the output; ``COMPLETE`` or
``COMPLETED``; 200 or 202.

The poll logic is written once, as a generator that yields what it needs (a GET, a
sleep, a status report); :meth:`FalJobClient.wait_for_job` and
:meth:`FalJobClient.await_for_job` only carry those steps out.

Errors (all are :class:`~langchain_gradient.GradientError` and
``langchain_core.tools.ToolException``)::

    FalJobError                 carries request_id and model_id
    ├── FalJobFailedError       the job ended FAILED; .error is the server's message
    ├── FalJobTimeoutError      still running at the timeout (also a TimeoutError); resume
    │                           with wait_for_job(request_id)
    └── FalJobPollingError      polling kept failing; the job may still finish; resume

Example:
    >>> client = FalJobClient(api_key="...")  # doctest: +SKIP
    >>> job = client.run("fal-ai/flux/schnell", {"prompt": "a lighthouse"})  # doctest: +SKIP
    >>> job.output["images"][0]["url"]  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import ToolException
from pydantic import Field

from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientAPIError, GradientConnectionError, GradientError
from langchain_gradient._polling import (
    AGAIN,
    Clock,
    PollPolicy,
    PollReply,
    apoll,
    poll,
    retry_after_seconds,
)

QUEUED = "QUEUED"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"

_STATUS_ALIASES = {
    "COMPLETE": COMPLETED,  # the docs prose spelling
    "SUCCEEDED": COMPLETED,
    "SUCCESS": COMPLETED,
    "ERROR": FAILED,
    "FAILURE": FAILED,
    "CANCELLED": FAILED,
    "CANCELED": FAILED,
    "IN_QUEUE": QUEUED,
    "PENDING": QUEUED,
    "RUNNING": IN_PROGRESS,
    "PROCESSING": IN_PROGRESS,
}
_MISSING_ROUTE_STATUS = {404, 405}

StatusCallback = Callable[["FalJob", float], object]
"""Called with the job and the seconds since waiting began, on every status change.
In the async methods it may return an awaitable, which is awaited."""


@dataclass(frozen=True)
class FalJob:
    """One ``/v1/async-invoke`` job record, with the status normalised.

    ``status`` is ``QUEUED``, ``IN_PROGRESS``, ``COMPLETED`` or ``FAILED`` (``COMPLETE``
    and a few other spellings are mapped); an unknown value is kept as sent, upper-cased.

    Example:
        >>> job = FalJob.from_response({"request_id": "r1", "status": "COMPLETE",
        ...                             "output": {"images": []}})
        >>> job.status, job.is_completed
        ('COMPLETED', True)
    """

    request_id: str
    status: str
    model_id: str | None = None
    output: dict[str, Any] | None = None
    error: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED

    @property
    def is_failed(self) -> bool:
        return self.status == FAILED

    @property
    def is_terminal(self) -> bool:
        return self.is_completed or self.is_failed

    @classmethod
    def from_response(cls, data: object, *, request_id: str | None = None) -> FalJob:
        """Build a job from a response body; ``request_id`` fills in a missing id.

        A body without ``status`` counts as ``COMPLETED`` when it has an ``output``
        (a deployment that answered synchronously) and ``QUEUED`` otherwise.
        """
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object for a fal job, got {type(data).__name__}")
        rid = data.get("request_id") or request_id
        if not isinstance(rid, str) or not rid:
            raise ValueError("the fal job record has no request_id")
        output = data.get("output")
        raw_status = data.get("status")
        if isinstance(raw_status, str) and raw_status.strip():
            status = raw_status.strip().upper().replace(" ", "_").replace("-", "_")
            status = _STATUS_ALIASES.get(status, status)
        else:
            status = COMPLETED if output is not None else QUEUED
        error = data.get("error")
        if error is not None and not isinstance(error, str):
            error = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        return cls(
            request_id=rid,
            status=status,
            model_id=data.get("model_id") if isinstance(data.get("model_id"), str) else None,
            output=output if isinstance(output, dict) else None,
            error=error,
            created_at=data.get("created_at"),
            started_at=data.get("started_at"),
            completed_at=data.get("completed_at"),
            raw=data,
        )


class FalPollPolicy(PollPolicy):
    """How :class:`FalJobClient` polls: backoff schedule, jitter and limits (the package's
    one poller, :mod:`langchain_gradient._polling`).

    The n-th wait is ``min(max_interval, initial_interval * multiplier**n)``, shortened
    by up to ``jitter`` (a fraction), and never shorter than a server's ``Retry-After``
    (capped at ``max_retry_after``). With the defaults a 30 s job takes at most 15
    polls, and completion is never noticed more than ``max_interval`` (2.75 s) late:
    within 10% for any job of 27.5 s or more (see ``bench/fal_polling.py``).

    Example:
        >>> FalPollPolicy(timeout=60).delay(0, random=0.0)
        0.5
    """


class FalJobError(GradientError, ToolException):
    """A fal job did not produce a result. Carries ``request_id`` to look it up again.

    Example:
        >>> from langchain_gradient import GradientFalTool
        >>> tool = GradientFalTool(model_id="fal-ai/flux/schnell")  # doctest: +SKIP
        >>> try:  # doctest: +SKIP
        ...     tool.invoke({"prompt": "a lighthouse"})
        ... except FalJobError as err:
        ...     print("look it up later:", err.request_id)
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str,
        model_id: str | None = None,
        job: FalJob | None = None,
    ) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.model_id = model_id
        self.job = job


class FalJobFailedError(FalJobError):
    """The job ended ``FAILED``; ``error`` holds the server's message.

    Example:
        >>> try:  # doctest: +SKIP
        ...     client.wait_for_job(request_id)
        ... except FalJobFailedError as err:
        ...     print(err.request_id, err.job.error)
    """

    def __init__(self, job: FalJob) -> None:
        self.error = job.error or "no error message was given"
        super().__init__(
            f"fal job {job.request_id} ({job.model_id or 'unknown model'}) failed: {self.error}",
            request_id=job.request_id,
            model_id=job.model_id,
            job=job,
        )


class FalJobTimeoutError(FalJobError, TimeoutError):
    """The job was still running when the timeout ran out. It may still finish: pass
    ``request_id`` to :meth:`FalJobClient.wait_for_job` to resume waiting.

    Example:
        >>> try:  # doctest: +SKIP
        ...     tool.invoke({"prompt": "a long symphony"})
        ... except FalJobTimeoutError as err:
        ...     content, artifact = tool.resume(err.request_id)
    """

    def __init__(
        self, *, request_id: str, model_id: str | None, last_status: str | None, waited: float
    ) -> None:
        self.last_status = last_status
        self.waited = waited
        super().__init__(
            f"fal job {request_id} is still {last_status or 'unknown'} after {waited:.0f} s. "
            f"It may still finish: resume with wait_for_job({request_id!r}), or raise "
            "the timeout.",
            request_id=request_id,
            model_id=model_id,
        )


class FalJobPollingError(FalJobError):
    """Polling failed too many times in a row (the cause is ``__cause__``). The job may
    still finish: resume with :meth:`FalJobClient.wait_for_job`.

    Example:
        >>> try:  # doctest: +SKIP
        ...     client.wait_for_job(request_id)
        ... except FalJobPollingError as err:
        ...     print("job may still run:", err.request_id, "cause:", err.__cause__)
    """


_Reply = PollReply[FalJob]


class FalJobClient(GradientConnection):
    """Submit, poll and fetch fal jobs on Gradient (``/v1/async-invoke``).

    Key and endpoint resolve exactly as for ``ChatGradient``. ``sleep``,
    ``async_sleep``, ``clock`` and ``random`` can be replaced (tests and the polling
    benchmark run on a simulated clock).

    Example:
        >>> client = FalJobClient(api_key="...")  # doctest: +SKIP
        >>> job = client.submit("fal-ai/elevenlabs/tts/multilingual-v2",
        ...                     {"text": "Hi"})  # doctest: +SKIP
        >>> done = client.wait_for_job(job.request_id, timeout=120)  # doctest: +SKIP
    """

    poll_policy: FalPollPolicy = Field(default_factory=FalPollPolicy)
    sleep: Callable[[float], None] = Field(default=time.sleep, exclude=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = Field(
        default=asyncio.sleep, exclude=True, repr=False
    )
    clock: Callable[[], float] = Field(default=time.monotonic, exclude=True, repr=False)
    random: Callable[[], float] = Field(default=random.random, exclude=True, repr=False)

    # -- single requests -------------------------------------------------------------

    def submit(
        self,
        model_id: str,
        input: Mapping[str, Any],
        *,
        tags: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    ) -> FalJob:
        """Start a job; returns its first record (usually ``QUEUED``).

        The submit uses the connection's ``max_retries`` like every other request. The
        API takes no idempotency key, so a retry after a reply was lost could start a
        second (billed) job; pass ``max_retries=0`` to rule that out.
        """
        import httpx2

        body = _submit_body(model_id, input, tags)
        try:
            response = self.root_client.post("/async-invoke", body=body, cast_to=httpx2.Response)
        except Exception as exc:
            raise self._translate_error(exc, model=model_id) from exc
        return _job_from_http(response, model_id=model_id)

    async def asubmit(
        self,
        model_id: str,
        input: Mapping[str, Any],
        *,
        tags: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    ) -> FalJob:
        """Async :meth:`submit`."""
        import httpx2

        body = _submit_body(model_id, input, tags)
        try:
            response = await self.root_async_client.post(
                "/async-invoke", body=body, cast_to=httpx2.Response
            )
        except Exception as exc:
            raise self._translate_error(exc, model=model_id) from exc
        return _job_from_http(response, model_id=model_id)

    def get_status(self, request_id: str) -> FalJob:
        """One ``GET /async-invoke/{id}/status`` (no retries, no waiting)."""
        return self._raise_or_job(self._fetch(_status_path(request_id), request_id))

    def get_result(self, request_id: str) -> FalJob:
        """One ``GET /async-invoke/{id}``: the full record, with ``output`` when done."""
        return self._raise_or_job(self._fetch(_result_path(request_id), request_id))

    async def aget_status(self, request_id: str) -> FalJob:
        """Async :meth:`get_status`."""
        return self._raise_or_job(await self._afetch(_status_path(request_id), request_id))

    async def aget_result(self, request_id: str) -> FalJob:
        """Async :meth:`get_result`."""
        return self._raise_or_job(await self._afetch(_result_path(request_id), request_id))

    # -- waiting ---------------------------------------------------------------------

    def wait_for_job(
        self,
        request_id: str,
        *,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        first: FalJob | None = None,
    ) -> FalJob:
        """Poll until the job completes; return the record with its ``output``.

        ``first`` is a record already in hand (from :meth:`submit`); without it the
        first poll is immediate, which is how a timed-out job is resumed.
        Raises :class:`FalJobFailedError`, :class:`FalJobTimeoutError` or
        :class:`FalJobPollingError`.
        """
        result: FalJob = poll(
            _FalTarget(self, request_id, first),
            self.poll_policy,
            clock=self._poll_clock,
            timeout=timeout,
            first=first,
            on_progress=on_status,
        )
        return result

    async def await_for_job(
        self,
        request_id: str,
        *,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
        first: FalJob | None = None,
    ) -> FalJob:
        """Async :meth:`wait_for_job`. Cancelling the task stops polling at once."""
        result: FalJob = await apoll(
            _FalTarget(self, request_id, first),
            self.poll_policy,
            clock=self._poll_clock,
            timeout=timeout,
            first=first,
            on_progress=on_status,
        )
        return result

    def run(
        self,
        model_id: str,
        input: Mapping[str, Any],
        *,
        tags: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
    ) -> FalJob:
        """:meth:`submit` then :meth:`wait_for_job`."""
        job = self.submit(model_id, input, tags=tags)
        return self.wait_for_job(job.request_id, timeout=timeout, on_status=on_status, first=job)

    async def arun(
        self,
        model_id: str,
        input: Mapping[str, Any],
        *,
        tags: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
        timeout: float | None = None,
        on_status: StatusCallback | None = None,
    ) -> FalJob:
        """Async :meth:`run`."""
        job = await self.asubmit(model_id, input, tags=tags)
        return await self.await_for_job(
            job.request_id, timeout=timeout, on_status=on_status, first=job
        )

    @property
    def _poll_clock(self) -> Clock:
        return Clock(
            sleep=self.sleep,
            async_sleep=self.async_sleep,
            monotonic=self.clock,
            random=self.random,
        )

    # -- transport ---------------------------------------------------------------------

    def _fetch(self, path: str, request_id: str) -> _Reply:
        import httpx2

        try:
            response = self.root_client.get(
                path, cast_to=httpx2.Response, options={"max_retries": 0}
            )
        except Exception as exc:
            return self._failure(exc)
        return _reply_from_http(response, request_id)

    async def _afetch(self, path: str, request_id: str) -> _Reply:
        import httpx2

        try:
            response = await self.root_async_client.get(
                path, cast_to=httpx2.Response, options={"max_retries": 0}
            )
        except Exception as exc:
            return self._failure(exc)
        return _reply_from_http(response, request_id)

    def _failure(self, exc: Exception) -> _Reply:
        translated = self._translate_error(exc)
        if translated is not exc:
            translated.__cause__ = exc
        headers = getattr(getattr(exc, "response", None), "headers", None)
        return _Reply(error=translated, retry_after=retry_after_seconds(headers))

    @staticmethod
    def _raise_or_job(reply: _Reply) -> FalJob:
        if reply.error is not None:
            raise reply.error
        assert reply.value is not None
        return reply.value


class _FalTarget:
    """What polling a fal job means (the loop itself is :func:`langchain_gradient._polling.poll`).

    Starts on ``/status``; falls back to the full record when the deployment has no
    ``/status`` route or its status record lacks the output.
    """

    def __init__(self, client: FalJobClient, request_id: str, first: FalJob | None) -> None:
        self.client = client
        self.request_id = request_id
        self.path = _status_path(request_id)
        self.result_path = _result_path(request_id)
        self.model_id = first.model_id if first is not None else None

    def fetch(self) -> _Reply:
        return self.client._fetch(self.path, self.request_id)

    async def afetch(self) -> _Reply:
        return await self.client._afetch(self.path, self.request_id)

    def progress_key(self, job: FalJob) -> object:
        self.model_id = job.model_id or self.model_id
        return job.status

    def settle(self, job: FalJob) -> Any:
        if job.is_failed:
            raise FalJobFailedError(job)
        if not job.is_completed:
            return None
        if job.output is None and self.path != self.result_path:
            self.path = self.result_path  # /status may omit the output
            return AGAIN
        return job

    def recover(self, error: BaseException) -> bool:
        if self.path != self.result_path and _is_missing_route(error):
            self.path = self.result_path  # a deployment without /status
            return True
        return False

    def polling_error(self, failures: int, error: BaseException) -> BaseException:
        return FalJobPollingError(
            f"Polling fal job {self.request_id} failed {failures} times in a row "
            f"({error}). The job may still finish: resume with "
            f"wait_for_job({self.request_id!r}).",
            request_id=self.request_id,
            model_id=self.model_id,
        )

    def timeout_error(self, last: FalJob | None, waited: float) -> BaseException:
        return FalJobTimeoutError(
            request_id=self.request_id,
            model_id=self.model_id,
            last_status=last.status if last is not None else None,
            waited=waited,
        )


def _status_path(request_id: str) -> str:
    return f"/async-invoke/{_quote(request_id)}/status"


def _result_path(request_id: str) -> str:
    return f"/async-invoke/{_quote(request_id)}"


def _quote(request_id: str) -> str:
    from urllib.parse import quote

    if not request_id or not request_id.strip():
        raise ValueError("request_id is empty")
    return quote(request_id, safe="")


def _submit_body(
    model_id: str,
    input: Mapping[str, Any],
    tags: Mapping[str, str] | Sequence[Mapping[str, str]] | None,
) -> dict[str, Any]:
    if not model_id or not model_id.strip():
        raise ValueError("model_id is empty; pass a fal model id such as 'fal-ai/flux/schnell'")
    body: dict[str, Any] = {"model_id": model_id, "input": dict(input)}
    if tags:
        body["tags"] = normalize_tags(tags)
    return body


def normalize_tags(
    tags: Mapping[str, str] | Sequence[Mapping[str, str]],
) -> list[dict[str, str]]:
    """Tags as the API wants them, ``[{"key", "value"}]``, from a dict or that list.

    Example:
        >>> normalize_tags({"type": "test"})
        [{'key': 'type', 'value': 'test'}]
    """
    if isinstance(tags, Mapping):
        return [{"key": str(k), "value": str(v)} for k, v in tags.items()]
    out = []
    for tag in tags:
        if not isinstance(tag, Mapping) or "key" not in tag:
            raise ValueError(f"each tag must be {{'key': ..., 'value': ...}}, got {tag!r}")
        out.append({"key": str(tag["key"]), "value": str(tag.get("value", ""))})
    return out


def _job_from_http(response: Any, *, model_id: str) -> FalJob:
    try:
        job = FalJob.from_response(response.json())
    except ValueError as exc:
        raise GradientAPIError(
            f"/async-invoke answered {response.status_code} without a job record ({exc}).",
            status_code=response.status_code,
        ) from exc
    if job.model_id is None:
        job = dataclasses.replace(job, model_id=model_id)
    return job


def _reply_from_http(response: Any, request_id: str) -> _Reply:
    retry_after = retry_after_seconds(response.headers)
    try:
        return _Reply(
            value=FalJob.from_response(response.json(), request_id=request_id),
            retry_after=retry_after,
        )
    except ValueError as exc:  # also JSON decode errors; e.g. a proxy's HTML page
        return _Reply(
            error=GradientConnectionError(
                f"Unreadable answer while polling fal job {request_id} "
                f"(HTTP {response.status_code}): {exc}"
            ),
            retry_after=retry_after,
        )


def _is_missing_route(exc: BaseException) -> bool:
    return isinstance(exc, GradientAPIError) and exc.status_code in _MISSING_ROUTE_STATUS
