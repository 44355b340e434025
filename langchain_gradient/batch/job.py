"""``submit_batch``: a LangChain chat model and many inputs -> one ``GradientBatchJob``.

Inputs become JSONL lines (see :mod:`.lines`) written to temporary files, split at
50,000 lines or 200 MB per file (§13.2), each uploaded and run as its own job; the
``GradientBatchJob`` stands for all of them. ``job.id`` joins the part ids, so
``GradientBatchJob.resume(job.id, model)`` works from another process. Line ``i``'s
``custom_id`` is ``str(i)``: results come back aligned with the inputs whatever order
the files list them in.

Example:
    >>> job = submit_batch(ChatGradient(model="openai-gpt-5-mini"),
    ...                    ["Is this spam? ...", "And this? ..."])  # doctest: +SKIP
    >>> job.wait(timeout=3600)  # doctest: +SKIP
    >>> [m.content for m in job.results()]  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable, RunnableBinding, RunnableSequence

from langchain_gradient._errors import GradientError
from langchain_gradient._polling import aemit_progress_event, emit_progress_event
from langchain_gradient.batch.client import (
    TERMINAL,
    GradientBatchClient,
    GradientBatchError,
)
from langchain_gradient.batch.lines import (
    anthropic_line,
    chat_body,
    endpoint_of,
    message_from_anthropic,
    message_from_openai,
    message_from_responses,
    openai_line,
    provider_of,
    usage_of_line,
    uses_responses,
)

MAX_LINES_PER_FILE = 50_000
MAX_BYTES_PER_FILE = 200 * 1024 * 1024
BATCH_STATUS_EVENT = "gradient_batch_status"
"""Custom event sent on every progress change while waiting: ``{"job_id", "status",
"counts", "elapsed"}``."""
_ID_PREFIX = "gbatch:"


class GradientBatchItemError(GradientError):
    """Stands in ``job.results()`` for an input that failed (never dropped, never moved).

    Example:
        >>> err = GradientBatchItemError("boom", index=3, status_code=500)
        >>> err.index, err.status_code
        (3, 500)
    """

    def __init__(
        self,
        message: str,
        *,
        index: int,
        status_code: int | None = None,
        code: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.index = index
        self.status_code = status_code
        self.code = code
        self.body = body

    def __repr__(self) -> str:
        return (
            f"GradientBatchItemError(index={self.index}, status_code={self.status_code}, "
            f"{str(self)!r})"
        )


@dataclass
class _Model:
    chat_model: Any
    kwargs: dict[str, Any]
    parser: Any = None


def _unwrap(model: Any) -> _Model:
    """The chat model, its bound kwargs and any structured-output parser of ``model``."""
    from langchain_gradient.chat_models import ChatGradient
    from langchain_gradient.responses import GradientResponses

    parser = None
    if isinstance(model, RunnableSequence):
        steps = model.steps
        if len(steps) != 2:
            raise ValueError(
                "submit_batch takes a ChatGradient or GradientResponses, model.bind_tools(...), "
                "model.bind(...) or "
                "model.with_structured_output(schema) (without include_raw)."
            )
        model, parser = steps
    kwargs: dict[str, Any] = {}
    while isinstance(model, RunnableBinding):
        kwargs = {**model.kwargs, **kwargs}
        model = model.bound
    if not isinstance(model, (ChatGradient, GradientResponses)):
        raise TypeError(
            "submit_batch needs a ChatGradient or GradientResponses (optionally bound), "
            f"got {type(model).__name__}."
        )
    return _Model(model, kwargs, parser)


def supported_models() -> list[str]:
    """Catalog chat models the Batch API takes (OpenAI and Anthropic, §13.2).

    Example:
        >>> any(m.startswith("anthropic-") for m in supported_models())
        True
    """
    from langchain_gradient.catalog.catalog import ModelCatalog

    catalog = ModelCatalog.from_snapshot()
    return sorted(m.id for m in catalog.models("chat") if provider_of(m.id) is not None)


def _check_model(model_id: str, chat_model: Any = None) -> str:
    provider = provider_of(model_id)
    if provider is None:
        raise ValueError(
            f"The Batch API does not take {model_id!r}: it runs OpenAI and Anthropic models "
            f"only. Models that work: {', '.join(supported_models())}."
        )
    if provider == "anthropic" and chat_model is not None and uses_responses(chat_model):
        openai = [m for m in supported_models() if provider_of(m) == "openai"]
        raise ValueError(
            f"GradientResponses lines go to the Batch API's /v1/responses endpoint, which it "
            f"takes for provider 'openai' only, so not for {model_id!r} (gradient-api.md "
            "§13.2). Use ChatGradient for Anthropic models (its lines become Anthropic "
            f"Message Batches params), or an OpenAI model: {', '.join(openai)}."
        )
    return provider


def _write_parts(spec: _Model, inputs: Iterable[Any], directory: Path) -> tuple[str, list[Path]]:
    """Build every line into files of at most 50,000 lines / 200 MB; return provider, paths."""
    chat_model = spec.chat_model
    url = endpoint_of(chat_model)
    provider = ""
    paths: list[Path] = []
    out = None
    lines = size = 0
    try:
        for index, item in enumerate(inputs):
            messages = chat_model._convert_input(item).to_messages()
            body = chat_body(chat_model, messages, spec.kwargs)
            if not provider:
                provider = _check_model(str(body["model"]), chat_model)
            line = (
                anthropic_line(str(index), body)
                if provider == "anthropic"
                else openai_line(str(index), body, url)
            )
            raw = json.dumps(line, separators=(",", ":")).encode() + b"\n"
            if out is None or lines >= MAX_LINES_PER_FILE or size + len(raw) > MAX_BYTES_PER_FILE:
                if out is not None:
                    out.close()
                paths.append(directory / f"part-{len(paths)}.jsonl")
                out = paths[-1].open("wb")
                lines = size = 0
            out.write(raw)
            lines += 1
            size += len(raw)
    finally:
        if out is not None:
            out.close()
    if not paths:
        raise ValueError("submit_batch needs at least one input.")
    return provider, paths


class GradientBatchJob:
    """One submitted batch, possibly several Batch API jobs; results aligned with inputs.

    Example:
        >>> job = GradientBatchJob.resume("gbatch:...", llm)  # doctest: +SKIP
        >>> job.status()  # doctest: +SKIP
        {'completed': 2}
    """

    def __init__(self, batch_ids: list[str], model: Any, client: GradientBatchClient) -> None:
        self.batch_ids = list(batch_ids)
        self._spec = _unwrap(model)
        self.client = client
        self._records: dict[str, dict[str, Any]] = {}
        self._counted: set[int] = set()

    @property
    def id(self) -> str:
        """One string that resumes every part: pass it to :meth:`resume`."""
        return _ID_PREFIX + ",".join(self.batch_ids)

    def __repr__(self) -> str:
        return f"GradientBatchJob(id={self.id!r}, parts={len(self.batch_ids)})"

    @classmethod
    def resume(cls, job_id: str, model: Any, **connection: Any) -> GradientBatchJob:
        """The job ``job_id`` (from :attr:`id`), e.g. after a process restart."""
        if not job_id.startswith(_ID_PREFIX) or len(job_id) <= len(_ID_PREFIX):
            raise ValueError(f"not a GradientBatchJob id: {job_id!r} (expected 'gbatch:...').")
        spec = _unwrap(model)
        client = _client_for(spec.chat_model, connection)
        return cls(job_id[len(_ID_PREFIX) :].split(","), model, client)

    # -- status ------------------------------------------------------------------------

    def refresh(self) -> list[dict[str, Any]]:
        """Fetch every part's record."""
        for batch_id in self.batch_ids:
            self._records[batch_id] = self.client.get(batch_id)
        return [self._records[b] for b in self.batch_ids]

    def status(self) -> dict[str, int]:
        """How many parts are in each state, e.g. ``{"in_progress": 1, "completed": 1}``."""
        counts: dict[str, int] = {}
        for record in self.refresh():
            counts[record["status"]] = counts.get(record["status"], 0) + 1
        return counts

    def request_counts(self) -> dict[str, int]:
        """Requests over all parts: ``{"total", "completed", "failed"}``."""
        totals = {"total": 0, "completed": 0, "failed": 0}
        for record in self._records.values() or self.refresh():
            for key in totals:
                totals[key] += int((record.get("request_counts") or {}).get(key) or 0)
        return totals

    @property
    def done(self) -> bool:
        return all(self._records.get(b, {}).get("status") in TERMINAL for b in self.batch_ids)

    def wait(self, timeout: float | None = None, *, config: Any = None) -> GradientBatchJob:
        """Poll until every part has ended; progress goes out as custom events."""
        deadline = None if timeout is None else self.client.clock.monotonic() + timeout
        for batch_id in self.batch_ids:
            left = None if deadline is None else max(0.0, deadline - self.client.clock.monotonic())
            self._records[batch_id] = self.client.wait(
                batch_id, timeout=left, on_progress=lambda r, t: self._report(r, t, config)
            )
        return self

    async def await_done(
        self, timeout: float | None = None, *, config: Any = None
    ) -> GradientBatchJob:
        """Async :meth:`wait`."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout

        async def report(record: dict[str, Any], elapsed: float) -> None:
            await aemit_progress_event(BATCH_STATUS_EVENT, self._event(record, elapsed), config)

        for batch_id in self.batch_ids:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            self._records[batch_id] = await self.client.await_batch(
                batch_id, timeout=left, on_progress=report
            )
        return self

    def _event(self, record: dict[str, Any], elapsed: float) -> dict[str, Any]:
        return {
            "job_id": self.id,
            "batch_id": record.get("batch_id"),
            "status": record.get("status"),
            "counts": record.get("request_counts") or {},
            "elapsed": elapsed,
        }

    def _report(self, record: dict[str, Any], elapsed: float, config: Any) -> None:
        emit_progress_event(BATCH_STATUS_EVENT, self._event(record, elapsed), config)

    def cancel(self) -> list[dict[str, Any]]:
        """Ask every unfinished part to cancel (finished parts are left as they are)."""
        out = []
        for record in self.refresh():
            if record["status"] in TERMINAL or record["status"] == "cancelling":
                out.append(record)
                continue
            out.append(self.client.cancel(record["batch_id"]))
        return out

    # -- results -----------------------------------------------------------------------

    def iter_results(
        self, *, raw: bool = False
    ) -> Iterator[tuple[int, AIMessage | Any | GradientBatchItemError]]:
        """``(input index, result)`` pairs as they stream in, file order (not input order).

        ``raw=True`` yields each successful result line as the provider wrote it (a dict)
        instead of building an ``AIMessage``: several times faster for huge jobs."""
        from langchain_gradient.callbacks import has_active_trackers

        model_id = str(self._spec.chat_model.model_name)
        count = has_active_trackers()
        for record in self.refresh():
            if record["status"] not in TERMINAL:
                raise GradientBatchError(
                    f"Batch {record['batch_id']} is still {record['status']}; wait() first.",
                    batch_id=record["batch_id"],
                )
            if record["status"] == "failed":
                raise GradientBatchError(
                    f"Batch {record['batch_id']} failed: {record.get('errors')}",
                    batch_id=record["batch_id"],
                )
            urls = self.client.result_urls(record["batch_id"])
            for kind in ("output_file_url", "error_file_url"):
                if urls.get(kind):
                    for line in self.client.iter_result_lines(urls[kind]):
                        index, value = self._read(line, model_id, raw)
                        if count:  # billed even when the answer does not parse
                            self._count_cost(index, line, model_id)
                        yield index, value

    def results(self, *, raw: bool = False) -> list[AIMessage | Any | GradientBatchItemError]:
        """One result per input, in input order: the ``AIMessage`` (or parsed structured
        output), or a :class:`GradientBatchItemError` where that input failed.

        ``raw=True``: the provider's result line (a dict) instead of an ``AIMessage``."""
        # One list filled in place (no index-to-result map beside it): 100,000 results
        # are held once, not twice.
        out: list[Any] = [_MISSING] * self.request_counts()["total"]
        for index, value in self.iter_results(raw=raw):
            if index >= len(out):
                out.extend([_MISSING] * (index + 1 - len(out)))
            out[index] = value
        for i, value in enumerate(out):
            if value is _MISSING:  # a falsy answer ({} or 0 parsed) is still an answer
                out[i] = GradientBatchItemError("no result was returned for this input", index=i)
        return out

    def _read(self, line: dict[str, Any], model_id: str, raw: bool) -> tuple[int, Any]:
        index = int(line["custom_id"])
        if "result" in line:  # Anthropic Message Batches
            result = line["result"]
            if result.get("type") != "succeeded":
                error = (result.get("error") or {}).get("error") or {}
                return index, GradientBatchItemError(
                    error.get("message") or f"request {result.get('type')}",
                    index=index,
                    code=error.get("type") or result.get("type"),
                    body=result,
                )
            if raw:
                return index, line
            return index, self._parse(index, message_from_anthropic(result["message"]))
        response = line.get("response")
        if line.get("error") or not response or response.get("status_code") != 200:
            error = line.get("error") or ((response or {}).get("body") or {}).get("error") or {}
            return index, GradientBatchItemError(
                error.get("message") or "the request failed",
                index=index,
                status_code=(response or {}).get("status_code"),
                code=error.get("code") or error.get("type"),
                body=line,
            )
        if raw:
            return index, line
        try:
            if uses_responses(self._spec.chat_model):
                message = message_from_responses(self._spec.chat_model, response["body"])
            else:
                message = message_from_openai(response["body"], model_id)
        except GradientError as exc:  # a 200 that is a failure, or an unreadable body
            return index, GradientBatchItemError(
                str(exc), index=index, status_code=200, code="malformed_response", body=line
            )
        return index, self._parse(index, message)

    def _count_cost(self, index: int, line: dict[str, Any], model_id: str) -> None:
        """Report a result's usage to the active cost trackers, at batch prices, once per
        input however often the results are read (lines without usage are not counted)."""
        from langchain_gradient.callbacks import report_batch_usage

        if index in self._counted:
            return
        model, usage = usage_of_line(line, model_id)
        if usage:
            self._counted.add(index)
            report_batch_usage(model, usage)

    def _parse(self, index: int, message: AIMessage) -> Any:
        parser = self._spec.parser
        if parser is None:
            return message
        try:
            return parser.invoke(message)
        except Exception as exc:
            return GradientBatchItemError(
                f"the answer did not parse as the schema: {exc}", index=index, body=message
            )


_MISSING: Any = object()


def _client_for(chat_model: Any, connection: dict[str, Any]) -> GradientBatchClient:
    if connection:
        return GradientBatchClient(**connection)
    return GradientBatchClient(
        api_key=chat_model.api_key,
        base_url=chat_model.base_url,
        default_headers=chat_model.default_headers,
    )


def submit_batch(
    model: Runnable[Any, Any],
    inputs: Iterable[Any],
    *,
    request_id: str | None = None,
    metadata: dict[str, str] | None = None,
    client: GradientBatchClient | None = None,
) -> GradientBatchJob:
    """Submit ``inputs`` (anything ``invoke`` takes) to the Batch API as one job.

    ``model`` is a ``ChatGradient`` or a ``GradientResponses`` (OpenAI models; lines go
    to ``/v1/responses``), optionally with ``bind_tools``, ``bind(...)`` or
    ``with_structured_output``. ``request_id`` makes the submission idempotent: the same
    inputs with the same key return the existing jobs (part ``n`` uses
    ``f"{request_id}-{n}"``), found with :meth:`GradientBatchClient.find_by_request_id`
    before anything is uploaded, so a resubmission uploads nothing and creates nothing.
    Raises ``ValueError`` before uploading anything when the model is not one the Batch
    API takes.

    Example:
        >>> job = submit_batch(llm.with_structured_output(Label), texts,
        ...                    request_id="labels-v1")  # doctest: +SKIP
    """
    spec = _unwrap(model)
    _check_model(str(spec.chat_model.model_name), spec.chat_model)
    client = client or _client_for(spec.chat_model, {})
    key = request_id or str(uuid.uuid4())
    with tempfile.TemporaryDirectory(prefix="gradient-batch-") as tmp:
        provider, paths = _write_parts(spec, inputs, Path(tmp))
        endpoint = endpoint_of(spec.chat_model) if provider == "openai" else None
        keys = [f"{key}-{part}" for part in range(len(paths))]
        # A resubmission finds its jobs first: no second upload, no second job.
        existing = client.find_by_request_id(keys) if request_id else {}
        batch_ids = []
        for part_key, path in zip(keys, paths, strict=True):
            record = existing.get(part_key)
            if record is None:
                file_id = client.upload_file(path)
                record = client.create(
                    file_id,
                    provider=provider,
                    endpoint=endpoint,
                    request_id=part_key,
                    metadata=metadata,
                )
            batch_ids.append(record["batch_id"])
            os.unlink(path)
    return GradientBatchJob(batch_ids, model, client)


async def asubmit_batch(
    model: Runnable[Any, Any],
    inputs: Iterable[Any],
    *,
    request_id: str | None = None,
    metadata: dict[str, str] | None = None,
    client: GradientBatchClient | None = None,
) -> GradientBatchJob:
    """Async :func:`submit_batch` (building and uploading run in a worker thread).

    Example:
        >>> job = await asubmit_batch(llm, prompts, request_id="run-1")  # doctest: +SKIP
        >>> await job.await_done(timeout=3600)  # doctest: +SKIP
    """
    return await asyncio.to_thread(
        lambda: submit_batch(model, inputs, request_id=request_id, metadata=metadata, client=client)
    )
