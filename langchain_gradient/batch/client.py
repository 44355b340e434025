"""``GradientBatchClient``: the Batch API routes (``gradient-api.md`` §13.2), one call each.

Requests to ``/v1/batches*`` go through the shared openai SDK client (key, endpoint,
headers, timeout, retries as ``ChatGradient``). The presigned upload and download URLs
are fetched with a plain HTTP client *without* the key (they carry their own signature),
streamed both ways: an upload reads the file in chunks, a download writes chunks to a
temporary file that appears under its final name only when complete
(:class:`~langchain_gradient.tools._files.AtomicFile`), or yields lines one by one.
Waiting is the package's one poller (:mod:`langchain_gradient._polling`).

Example:
    >>> client = GradientBatchClient(api_key="...")  # doctest: +SKIP
    >>> file_id = client.upload_file("requests.jsonl")  # doctest: +SKIP
    >>> job = client.create(file_id, provider="openai",
    ...                     endpoint="/v1/chat/completions", request_id="run-1")  # doctest: +SKIP
    >>> job = client.wait(job["batch_id"], timeout=3600)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, cast

from pydantic import Field

from langchain_gradient._connection import GradientConnection
from langchain_gradient._errors import GradientAPIError, GradientConnectionError, GradientError
from langchain_gradient._polling import (
    Clock,
    PollPolicy,
    PollReply,
    apoll,
    poll,
    retry_after_seconds,
)

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
ENDPOINTS = ("/v1/chat/completions", "/v1/responses")
_CHUNK = 1 << 20
_TRANSFER_TRIES = 3


def _shared_strings(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys, and short string values (model names, roles, finish
    reasons), are one shared string each across all lines, not one copy per line: 100,000
    results held in memory take about a fifth less."""
    return {
        sys.intern(key): sys.intern(value) if type(value) is str and len(value) <= 32 else value
        for key, value in pairs
    }


_DECODER = json.JSONDecoder(object_pairs_hook=_shared_strings)


class GradientBatchError(GradientError):
    """A batch job could not be created, run or read; ``batch_id`` names it when known.

    Example:
        >>> GradientBatchError("failed", batch_id="b1").batch_id
        'b1'
    """

    def __init__(self, message: str, *, batch_id: str | None = None) -> None:
        super().__init__(message)
        self.batch_id = batch_id


class GradientBatchTimeoutError(GradientBatchError, TimeoutError):
    """Still running when the wait ran out; the job goes on: wait again or resume by id.

    Example:
        >>> try:  # doctest: +SKIP
        ...     job.wait(timeout=60)
        ... except GradientBatchTimeoutError:
        ...     print("still running; resume later with", job.id)
    """


class GradientBatchClient(GradientConnection):
    """Create, upload, run, watch, cancel and read DigitalOcean Batch API jobs.

    Example:
        >>> client = GradientBatchClient(api_key="...")  # doctest: +SKIP
        >>> [b["batch_id"] for b in client.list(limit=5)["data"]]  # doctest: +SKIP
    """

    poll_policy: PollPolicy = Field(
        default_factory=lambda: PollPolicy(initial_interval=1.0, max_interval=30.0, timeout=86_400)
    )
    """Backoff for :meth:`wait`; the default polls for up to the 24 h completion window."""
    clock: Clock = Field(default_factory=Clock, exclude=True, repr=False)

    # -- /v1/batches routes ------------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None, **options: Any) -> Any:
        import httpx2

        try:
            client = self.root_client
            if method == "GET":
                response = client.get(path, cast_to=httpx2.Response, options=cast(Any, options))
            else:
                response = client.post(
                    path, body=body or {}, cast_to=httpx2.Response, options=cast(Any, options)
                )
        except Exception as exc:
            raise self._translate_error(exc) from exc
        return response.json()

    def create_file(self, file_name: str = "batch_requests.jsonl") -> dict[str, Any]:
        """``POST /v1/batches/files``: ``{file_id, upload_url, expires_at}``."""
        if not file_name.lower().endswith(".jsonl"):
            raise ValueError(f"file_name must end with .jsonl, got {file_name!r}")
        result: dict[str, Any] = self._call("POST", "/batches/files", {"file_name": file_name})
        return result

    def upload(self, upload_url: str, path: str | os.PathLike[str]) -> None:
        """PUT the file at ``path`` to a presigned URL, streamed; connection cuts are retried."""
        import httpx2

        size = Path(path).stat().st_size
        for attempt in range(1, _TRANSFER_TRIES + 1):
            try:
                with open(path, "rb") as source, httpx2.Client(timeout=None) as http:
                    response = http.put(
                        upload_url,
                        content=iter(lambda: source.read(_CHUNK), b""),
                        headers={"Content-Length": str(size)},
                    )
            except httpx2.TransportError as exc:
                if attempt == _TRANSFER_TRIES:
                    raise GradientConnectionError(f"Upload failed: {exc}") from exc
                continue
            if response.status_code >= 400:
                raise _storage_error("Upload", response)
            return

    def upload_file(self, path: str | os.PathLike[str]) -> str:
        """Create a file intent and upload ``path``; returns the ``file_id``.

        An upload URL that expired before the upload (they last about 15 minutes) is
        replaced by a new file intent once, as the contract advises.
        """
        name = Path(path).name if str(path).lower().endswith(".jsonl") else "batch.jsonl"
        for attempt in (1, 2):
            intent = self.create_file(name)
            try:
                self.upload(intent["upload_url"], path)
            except GradientAPIError as exc:
                if attempt == 1 and exc.status_code == 403:
                    continue  # an expired presigned URL: ask for a new one
                raise
            return str(intent["file_id"])
        raise AssertionError("unreachable")

    def create(
        self,
        file_id: str,
        *,
        provider: str,
        request_id: str,
        endpoint: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``POST /v1/batches``. The same ``request_id`` returns the existing job."""
        body = create_body(file_id, provider, request_id, endpoint, metadata)
        result: dict[str, Any] = self._call("POST", "/batches", body)
        return result

    def get(self, batch_id: str) -> dict[str, Any]:
        """``GET /v1/batches/{batch_id}``."""
        result: dict[str, Any] = self._call("GET", f"/batches/{_quote(batch_id)}")
        return result

    def list(
        self, *, limit: int = 20, after: str | None = None, status: str | None = None
    ) -> dict[str, Any]:
        """``GET /v1/batches``: ``{data, first_id, last_id, has_more}``, newest first."""
        query = {k: v for k, v in {"limit": limit, "after": after, "status": status}.items() if v}
        result: dict[str, Any] = self._call("GET", "/batches", params=query)
        return result

    def find_by_request_id(self, request_ids: Collection[str]) -> dict[str, dict[str, Any]]:
        """The jobs created with these ``request_id`` s: ``{request_id: record}``.

        Pages through :meth:`list` (newest first) until every id is found or the list
        ends; used to resubmit without uploading the file again.

        Example:
            >>> client.find_by_request_id(["labels-v1-0"])  # doctest: +SKIP
            {'labels-v1-0': {'batch_id': '...', 'status': 'completed', ...}}
        """
        wanted = set(request_ids)
        found: dict[str, dict[str, Any]] = {}
        after: str | None = None
        while wanted - set(found):
            page = self.list(limit=100, after=after)
            for record in page.get("data") or []:
                key = record.get("request_id")
                if key in wanted and key not in found:
                    found[key] = record
            after = page.get("last_id")
            if not page.get("has_more") or not after:
                break
        return found

    def cancel(self, batch_id: str) -> dict[str, Any]:
        """``POST /v1/batches/{batch_id}/cancel`` (409 once the job has ended)."""
        result: dict[str, Any] = self._call("POST", f"/batches/{_quote(batch_id)}/cancel")
        return result

    def result_urls(self, batch_id: str) -> dict[str, Any]:
        """``GET /v1/batches/{batch_id}/results``: presigned output and error file URLs."""
        result: dict[str, Any] = self._call("GET", f"/batches/{_quote(batch_id)}/results")
        return result

    # -- results -----------------------------------------------------------------------

    def iter_result_lines(self, url: str) -> Iterator[dict[str, Any]]:
        """The JSON lines of a result file, streamed (never the whole file in memory).

        A cut connection is retried from the start of the file, skipping the lines
        already yielded (each line is yielded once); after the last try it raises
        :class:`~langchain_gradient.GradientConnectionError`. A line cut in half is
        never yielded.
        """
        import httpx2

        done = 0
        for attempt in range(1, _TRANSFER_TRIES + 1):
            seen = 0
            try:
                with httpx2.Client(timeout=None) as http, http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise _storage_error("Download", response)
                    for raw in response.iter_lines():
                        if not raw.strip():
                            continue
                        seen += 1
                        if seen > done:
                            done = seen
                            yield _DECODER.decode(raw)
                return
            except httpx2.TransportError as exc:
                if attempt == _TRANSFER_TRIES:
                    raise GradientConnectionError(f"Download cut off: {exc}") from exc

    def download(self, url: str, directory: str | os.PathLike[str], *, stem: str) -> Path:
        """Stream a result file into ``directory``; it appears only once complete.

        Retries a cut connection from the start; a failed download leaves no file.
        """
        import httpx2

        from langchain_gradient.tools._files import AtomicFile

        for attempt in range(1, _TRANSFER_TRIES + 1):
            try:
                with (
                    httpx2.Client(timeout=None) as http,
                    http.stream("GET", url) as response,
                ):
                    if response.status_code >= 400:
                        response.read()
                        raise _storage_error("Download", response)
                    with AtomicFile(directory, stem=stem, extension=".jsonl") as target:
                        for chunk in response.iter_bytes(_CHUNK):
                            target.write(chunk)
                    assert target.path is not None
                    return target.path
            except httpx2.TransportError as exc:
                if attempt == _TRANSFER_TRIES:
                    raise GradientConnectionError(f"Download cut off: {exc}") from exc
        raise AssertionError("unreachable")

    # -- waiting -----------------------------------------------------------------------

    def wait(
        self,
        batch_id: str,
        *,
        timeout: float | None = None,
        on_progress: Callable[[dict[str, Any], float], object] | None = None,
    ) -> dict[str, Any]:
        """Poll until the job ends (any terminal state); return its record.

        Raises :class:`GradientBatchTimeoutError` when ``timeout`` runs out first.
        """
        result: dict[str, Any] = poll(
            _BatchTarget(self, batch_id),
            self.poll_policy,
            clock=self.clock,
            timeout=timeout,
            on_progress=on_progress,
        )
        return result

    async def await_batch(
        self,
        batch_id: str,
        *,
        timeout: float | None = None,
        on_progress: Callable[[dict[str, Any], float], object] | None = None,
    ) -> dict[str, Any]:
        """Async :meth:`wait`."""
        result: dict[str, Any] = await apoll(
            _BatchTarget(self, batch_id),
            self.poll_policy,
            clock=self.clock,
            timeout=timeout,
            on_progress=on_progress,
        )
        return result

    def _fetch_record(self, batch_id: str) -> PollReply[dict[str, Any]]:
        import httpx2

        try:
            response = self.root_client.get(
                f"/batches/{_quote(batch_id)}", cast_to=httpx2.Response, options={"max_retries": 0}
            )
        except Exception as exc:
            translated = self._translate_error(exc)
            headers = getattr(getattr(exc, "response", None), "headers", None)
            return PollReply(error=translated, retry_after=retry_after_seconds(headers))
        return PollReply(value=response.json(), retry_after=retry_after_seconds(response.headers))

    # -- async twins (the transfers run in a worker thread) ------------------------------

    async def aupload_file(self, path: str | os.PathLike[str]) -> str:
        """Async :meth:`upload_file`."""
        return await asyncio.to_thread(self.upload_file, path)

    async def acreate(self, file_id: str, **kwargs: Any) -> dict[str, Any]:
        """Async :meth:`create`."""
        return await asyncio.to_thread(lambda: self.create(file_id, **kwargs))

    async def aget(self, batch_id: str) -> dict[str, Any]:
        """Async :meth:`get`."""
        return await asyncio.to_thread(self.get, batch_id)

    async def acancel(self, batch_id: str) -> dict[str, Any]:
        """Async :meth:`cancel`."""
        return await asyncio.to_thread(self.cancel, batch_id)


class _BatchTarget:
    """What polling a batch job means for :mod:`langchain_gradient._polling`."""

    def __init__(self, client: GradientBatchClient, batch_id: str) -> None:
        self.client = client
        self.batch_id = batch_id

    def fetch(self) -> PollReply[dict[str, Any]]:
        return self.client._fetch_record(self.batch_id)

    async def afetch(self) -> PollReply[dict[str, Any]]:
        return await asyncio.to_thread(self.client._fetch_record, self.batch_id)

    def progress_key(self, record: dict[str, Any]) -> object:
        counts = record.get("request_counts") or {}
        return (record.get("status"), counts.get("completed"), counts.get("failed"))

    def settle(self, record: dict[str, Any]) -> Any:
        return record if record.get("status") in TERMINAL else None

    def recover(self, error: BaseException) -> bool:
        return False

    def polling_error(self, failures: int, error: BaseException) -> BaseException:
        return GradientBatchError(
            f"Polling batch {self.batch_id} failed {failures} times in a row ({error}). "
            "The job goes on: wait again later.",
            batch_id=self.batch_id,
        )

    def timeout_error(self, last: dict[str, Any] | None, waited: float) -> BaseException:
        status = (last or {}).get("status", "unknown")
        return GradientBatchTimeoutError(
            f"Batch {self.batch_id} is still {status} after {waited:.0f} s; it goes on. "
            "Wait again, or resume it by id later.",
            batch_id=self.batch_id,
        )


def create_body(
    file_id: str,
    provider: str,
    request_id: str,
    endpoint: str | None,
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """The ``POST /v1/batches`` body, checked before sending (the contract's rules).

    Example:
        >>> create_body("f", "anthropic", "r", None, None)["completion_window"]
        '24h'
    """
    if provider not in ("openai", "anthropic"):
        raise ValueError(f"provider must be 'openai' or 'anthropic', got {provider!r}")
    if provider == "openai" and endpoint not in ENDPOINTS:
        raise ValueError(f"provider 'openai' needs endpoint in {ENDPOINTS}, got {endpoint!r}")
    if provider == "anthropic" and endpoint is not None:
        raise ValueError("provider 'anthropic' takes no endpoint; leave it out")
    if not request_id:
        raise ValueError("request_id is required (an idempotency key of your choice)")
    body: dict[str, Any] = {
        "file_id": file_id,
        "provider": provider,
        "completion_window": "24h",
        "request_id": request_id,
    }
    if endpoint is not None:
        body["endpoint"] = endpoint
    if metadata:
        body["metadata"] = {str(k): str(v) for k, v in metadata.items()}
    return body


def _quote(batch_id: str) -> str:
    from urllib.parse import quote

    if not batch_id or not batch_id.strip():
        raise ValueError("batch_id is empty")
    return quote(batch_id, safe="")


def _storage_error(what: str, response: Any) -> GradientAPIError:
    """A refusal from a presigned URL as a clear error; S3-style XML bodies are read
    (``body`` is ``{"code", "message"}`` then), so an expired URL says so."""
    text = response.text[:2000]
    code = _xml_field(text, "Code")
    message = _xml_field(text, "Message")
    detail = f"{code}: {message}" if code else text[:300]
    hint = ""
    if response.status_code == 403:
        expired = "expired" in (message or text).lower()
        hint = (
            " (the presigned URL has expired: they last about 15 minutes; ask for a new one)"
            if expired
            else " (the URL may have expired or been altered; ask for a new one)"
        )
    return GradientAPIError(
        f"{what} to the presigned URL answered HTTP {response.status_code}: {detail}{hint}",
        status_code=response.status_code,
        body={"code": code, "message": message} if code else text[:300],
    )


def _xml_field(text: str, name: str) -> str | None:
    import re

    match = re.search(rf"<{name}>([^<]*)</{name}>", text)
    return match.group(1) if match else None
