"""The Batch API (``gradient-api.md`` §13.2; the contract's ``/v1/batches*`` routes).

``POST /v1/batches/files`` answers ``201 {file_id, upload_url, expires_at}``; the
``upload_url`` is a presigned ``PUT`` URL served by this emulator under
``/batch-storage/`` (the contract's example is a Spaces/S3 presigned URL with
``X-Amz-Expires=900``: valid 15 minutes, on the emulator clock; an expired or tampered
URL answers as S3 does: ``403`` with an XML ``<Error>`` body, code ``AccessDenied``
"Request has expired" or ``SignatureDoesNotMatch``; :class:`StorageError`). The upload
is streamed to disk, never held in memory. ``POST /v1/batches`` (201; ``request_id``
makes it idempotent: the same key returns the existing job), ``GET
/v1/batches`` (newest first, ``after``/``limit``/``status``), ``GET
/v1/batches/{id}``, ``GET /v1/batches/{id}/results`` (412 until the job ends; then
presigned download URLs) and ``POST /v1/batches/{id}/cancel`` (409 while
``validating`` or once terminal). Unknown ids, and other keys' jobs, answer 404.

A job moves ``validating -> in_progress -> finalizing -> completed`` on the emulator
clock (:attr:`BatchControls.durations`), or ``failed`` (a malformed line, see
:mod:`.batch_lines`), ``expired`` (still running ``completion_window`` after creation;
move the clock with ``emu.clock.advance``), ``cancelling -> cancelled``. Every line is
answered by the scripted model, so results are checkable; tests make chosen lines fail
on the server with :attr:`BatchControls.fail_custom_ids`, and keep a job running with
:attr:`BatchControls.stall`; :attr:`BatchControls.cut_uploads` and
:attr:`BatchControls.cut_downloads` drop the connection half-way through a transfer.

Example:
    >>> controls = batch_controls(EmulatorState())
    >>> controls.durations = (0.0, 0.0, 0.0)  # finish as fast as the lines run
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.batch_lines import (
    OPENAI_ENDPOINTS,
    LineError,
    LineRequest,
    answer,
    check_line,
    failed_line,
    renamed,
    unrun_line,
)
from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.http_common import (
    RouteAdder,
    body_of,
    context_of,
    dumps,
    json_response,
    state_of,
)
from langchain_gradient.emulator.keys import KeyPolicy
from langchain_gradient.emulator.state import EmulatorState

STATES = (
    "validating",
    "in_progress",
    "finalizing",
    "completed",
    "failed",
    "expired",
    "cancelling",
    "cancelled",
)
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024
UPLOAD_URL_SECONDS = 900.0
DOWNLOAD_URL_SECONDS = 3600.0
WINDOW_SECONDS = {"24h": 24 * 3600.0}
MAX_ERRORS_LISTED = 100
CHUNK_LINES = 2000
_TICK = 0.01
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


@dataclass
class BatchControls:
    """What tests set on the emulator's Batch API (see :func:`batch_controls`)."""

    durations: tuple[float, float, float] = (1.0, 2.0, 1.0)
    """Minimum emulated seconds spent validating, in progress and finalizing."""
    fail_custom_ids: set[str] = field(default_factory=set)
    """Lines with these ``custom_id`` s fail on the server (500) and land in the error file."""
    fail_message: str = "The model failed to process this request."
    stall: bool = False
    """Jobs stop before their first line and stay ``in_progress`` (to cancel or expire)."""
    cut_uploads: int = 0
    """The next N presigned uploads lose their connection half-way through the body (what
    was received is dropped; the file stays not uploaded)."""
    cut_downloads: int = 0
    """The next N result downloads lose their connection after half the file."""


@dataclass
class StoredFile:
    file_id: str
    owner: str | None
    path: Path
    upload_expires: float
    uploaded: bool = False
    size: int = 0


@dataclass
class Batch:
    record: dict[str, Any]
    owner: str | None
    input_path: Path
    output_path: Path
    error_path: Path
    cancel_requested: bool = False
    discarded: bool = False
    task: asyncio.Task[None] | None = None


class BatchStore:
    """Files, jobs and presigned-URL signing for one emulator state."""

    def __init__(self) -> None:
        self.controls = BatchControls()
        self._tmp = tempfile.TemporaryDirectory(prefix="gradient-emulator-batches-")
        self.root = Path(self._tmp.name)
        self.secret = os.urandom(32)
        self.files: dict[str, StoredFile] = {}
        self.batches: dict[str, Batch] = {}
        self.by_request_id: dict[tuple[str | None, str], str] = {}
        self.objects: dict[str, Path] = {}
        """Downloadable object name -> path (output and error files)."""

    def clear(self) -> None:
        """Stop every job (workers leave at their next step); the temporary directory goes
        when the store is collected. Safe to call from any thread."""
        for batch in list(self.batches.values()):
            batch.discarded = True

    def sign(self, method: str, name: str, date: str, seconds: str) -> str:
        message = f"{method}\n{name}\n{date}\n{seconds}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def presigned_url(
        self, origin: str, method: str, name: str, signed_at: float, seconds: float
    ) -> str:
        """An S3-style presigned URL: ``X-Amz-Date`` + ``X-Amz-Expires`` seconds."""
        date = datetime.fromtimestamp(signed_at, tz=timezone.utc).strftime(_AMZ_DATE)
        signature = self.sign(method, name, date, str(int(seconds)))
        return (
            f"{origin}/batch-storage/{name}?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Date={date}&X-Amz-Expires={int(seconds)}&X-Amz-Signature={signature}"
        )


def batch_store(state: EmulatorState) -> BatchStore:
    """The Batch API store of ``state``: created on first use, dropped by ``state.reset()``."""
    store: BatchStore | None = state.__dict__.get("batches")
    if store is None:
        store = state.__dict__.setdefault("batches", BatchStore())
    return store


def batch_controls(state: EmulatorState) -> BatchControls:
    """The test controls of ``state``'s Batch API: durations, failing lines, stalling.

    Example:
        >>> controls = batch_controls(EmulatorState())
        >>> controls.fail_custom_ids = {"17"}
    """
    return batch_store(state).controls


def _store_of(request: web.Request) -> BatchStore:
    return batch_store(state_of(request))


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _owner(request: web.Request) -> str | None:
    return context_of(request).api_key


# ---------------------------------------------------------------------- files


async def handle_create_file(request: web.Request) -> web.Response:
    """``POST /v1/batches/files``: a file intent with a presigned upload URL."""
    body = body_of(request)
    name = body.get("file_name")
    if not isinstance(name, str) or len(name) < 7 or not name.lower().endswith(".jsonl"):
        raise EmulatorHTTPError(
            422, "file_name is required and must end with '.jsonl'.", param="file_name"
        )
    store = _store_of(request)
    clock = state_of(request).clock
    file_id = str(uuid.uuid4())
    now = clock.now()
    expires = now + UPLOAD_URL_SECONDS
    store.files[file_id] = StoredFile(
        file_id, _owner(request), store.root / f"{file_id}.jsonl", expires
    )
    url = store.presigned_url(
        _origin(request), "PUT", f"uploads/{file_id}.jsonl", now, UPLOAD_URL_SECONDS
    )
    return json_response(
        {"file_id": file_id, "upload_url": url, "expires_at": _iso(expires)}, status=201
    )


class StorageError(Exception):
    """An S3-style refusal from the presigned storage routes (answered as S3 answers).

    The contract's ``upload_url`` example is a DigitalOcean Spaces (S3-compatible)
    presigned URL; S3 refuses a bad presigned request with an XML ``<Error>`` body:
    ``403 AccessDenied`` "Request has expired" once ``X-Amz-Date`` + ``X-Amz-Expires`` has
    passed, ``403 SignatureDoesNotMatch`` for a tampered URL, ``404 NoSuchKey`` (Amazon S3
    User Guide, "Download and upload objects with presigned URLs" and "Error responses").
    """

    def __init__(self, status: int, code: str, message: str, **fields: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields

    def response(self) -> web.Response:
        from xml.sax.saxutils import escape

        parts = [f"<Code>{self.code}</Code>", f"<Message>{escape(self.message)}</Message>"]
        parts += [f"<{k}>{escape(v)}</{k}>" for k, v in self.fields.items()]
        parts.append(f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId>")
        body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>"
        return web.Response(status=self.status, text=body, content_type="application/xml")


def _check_signature(request: web.Request, method: str, name: str) -> None:
    store = _store_of(request)
    date = request.query.get("X-Amz-Date", "")
    seconds = request.query.get("X-Amz-Expires", "")
    given = request.query.get("X-Amz-Signature", "")
    if not hmac.compare_digest(given, store.sign(method, name, date, seconds)):
        raise StorageError(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    signed = datetime.strptime(date, _AMZ_DATE).replace(tzinfo=timezone.utc).timestamp()
    now = state_of(request).clock.now()
    if now > signed + int(seconds):
        raise StorageError(
            403,
            "AccessDenied",
            "Request has expired",
            **{
                "X-Amz-Expires": seconds,
                "Expires": _iso(signed + int(seconds)) or "",
                "ServerTime": _iso(now) or "",
            },
        )


def _no_such_key() -> StorageError:
    return StorageError(404, "NoSuchKey", "The specified key does not exist.")


async def handle_upload(request: web.Request) -> web.Response:
    """``PUT /batch-storage/uploads/{file}.jsonl``: the presigned upload, streamed to disk."""
    name = f"uploads/{request.match_info['name']}"
    try:
        _check_signature(request, "PUT", name)
    except StorageError as error:
        return error.response()
    store = _store_of(request)
    file_id = request.match_info["name"].removesuffix(".jsonl")
    stored = store.files.get(file_id)
    if stored is None:
        return _no_such_key().response()
    partial = stored.path.with_suffix(".part")
    size = 0
    cut = _take(store.controls, "cut_uploads")
    expected = int(request.headers.get("Content-Length") or 0)
    try:
        with partial.open("wb") as out:
            async for chunk in request.content.iter_chunked(1 << 16):
                out.write(chunk)
                size += len(chunk)
                if cut and size >= expected // 2:
                    _cut(request)
                    raise ConnectionResetError("upload cut by BatchControls.cut_uploads")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(stored.path)
    stored.uploaded, stored.size = True, size
    digest = hashlib.md5(str(size).encode()).hexdigest()  # an ETag-like token, not a checksum
    return web.Response(status=200, headers={"ETag": f'"{digest}"'})


def _take(controls: BatchControls, name: str) -> bool:
    """Use up one of the ``cut_uploads`` / ``cut_downloads`` counters, if any is left."""
    left = int(getattr(controls, name))
    if left > 0:
        setattr(controls, name, left - 1)
    return left > 0


def _cut(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.close()


handle_upload.streams_body = True  # type: ignore[attr-defined]


async def handle_download(request: web.Request) -> web.StreamResponse:
    """``GET /batch-storage/results/{name}``: an output or error file, streamed."""
    name = f"results/{request.match_info['name']}"
    try:
        _check_signature(request, "GET", name)
    except StorageError as error:
        return error.response()
    store = _store_of(request)
    path = store.objects.get(name)
    if path is None or not path.exists():
        return _no_such_key().response()
    if not _take(store.controls, "cut_downloads"):
        return web.FileResponse(path, headers={"Content-Type": "application/jsonl"})
    size = path.stat().st_size
    response = web.StreamResponse(
        status=200, headers={"Content-Type": "application/jsonl", "Content-Length": str(size)}
    )
    await response.prepare(request)
    with path.open("rb") as source:  # half the file, then the connection drops
        await response.write(source.read(max(1, size // 2)))
    _cut(request)
    return response


# ---------------------------------------------------------------------- jobs


def _find(request: web.Request) -> Batch:
    batch = _store_of(request).batches.get(request.match_info["batch_id"])
    if batch is None or batch.owner != _owner(request):
        raise EmulatorHTTPError(404, "The resource you requested could not be found.")
    return batch


def _create_checks(body: dict[str, Any]) -> tuple[str, str, str | None, str, str]:
    for name in ("file_id", "provider", "completion_window", "request_id"):
        if body.get(name) in (None, ""):
            raise bad_request(f"{name} is required.", name)
    provider = body["provider"]
    if provider not in ("openai", "anthropic"):
        raise bad_request("provider must be one of ['openai', 'anthropic'].", "provider")
    window = body["completion_window"]
    if window not in WINDOW_SECONDS:
        raise bad_request("completion_window must be one of ['24h'].", "completion_window")
    endpoint = body.get("endpoint")
    if provider == "openai" and endpoint not in OPENAI_ENDPOINTS:
        raise bad_request(
            "endpoint is required when provider is 'openai' and must be one of "
            f"{list(OPENAI_ENDPOINTS)}.",
            "endpoint",
        )
    if provider == "anthropic" and endpoint is not None:
        raise bad_request("endpoint must be omitted when provider is 'anthropic'.", "endpoint")
    metadata = body.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        raise bad_request("metadata must be an object with string values.", "metadata")
    for name in ("file_id", "request_id"):
        if not isinstance(body[name], str):
            raise bad_request(f"{name} must be a string.", name)
    return body["file_id"], provider, endpoint, window, body["request_id"]


async def handle_create(request: web.Request) -> web.Response:
    """``POST /v1/batches``."""
    body = body_of(request)
    file_id, provider, endpoint, window, request_id = _create_checks(body)
    store = _store_of(request)
    owner = _owner(request)
    existing = store.by_request_id.get((owner, request_id))
    if existing is not None:  # the contract: a retry returns the existing job
        found = store.batches[existing].record
        return json_response(found, status=201)
    stored = store.files.get(file_id)
    if stored is None or stored.owner != owner:
        raise EmulatorHTTPError(404, f"File '{file_id}' not found.", param="file_id")
    if not stored.uploaded:
        raise bad_request(
            f"File '{file_id}' has not been uploaded; PUT it to its upload_url first.", "file_id"
        )
    state = state_of(request)
    now = state.clock.now()
    batch_id = str(uuid.uuid4())
    record: dict[str, Any] = {
        "batch_id": batch_id,
        "status": "validating",
        "provider": provider,
        "completion_window": window,
        "input_file_id": file_id,
        "output_file_id": None,
        "error_file_id": None,
        "request_counts": {"total": 0, "completed": 0, "failed": 0},
        "request_id": request_id,
        "metadata": body.get("metadata"),
        "errors": None,
        "created_at": _iso(now),
        "in_progress_at": None,
        "finalizing_at": None,
        "completed_at": None,
        "expires_at": _iso(now + WINDOW_SECONDS[window]),
        "cancelled_at": None,
        "failed_at": None,
    }
    if endpoint is not None:
        record["endpoint"] = endpoint
    batch = Batch(
        record,
        owner,
        stored.path,
        store.root / f"{batch_id}-output.jsonl",
        store.root / f"{batch_id}-errors.jsonl",
    )
    store.batches[batch_id] = batch
    store.by_request_id[(owner, request_id)] = batch_id
    context = context_of(request)
    line_context = type(context)(api_key=context.api_key, policy=context.policy or KeyPolicy())
    batch.task = asyncio.get_running_loop().create_task(
        _run(state, store, batch, LineRequest(request.app, line_context), now)
    )
    return json_response(record, status=201)


async def handle_list(request: web.Request) -> web.Response:
    """``GET /v1/batches``: newest first, ``after`` cursor, ``limit`` 1-100, ``status`` filter."""
    try:
        limit = int(request.query.get("limit", "20"))
    except ValueError:
        raise bad_request("limit must be an integer between 1 and 100.", "limit") from None
    if not 1 <= limit <= 100:
        raise bad_request("limit must be an integer between 1 and 100.", "limit")
    status = request.query.get("status")
    if status is not None and status not in STATES:
        raise bad_request(f"status must be one of {list(STATES)}.", "status")
    owner = _owner(request)
    mine = [b.record for b in reversed(_store_of(request).batches.values()) if b.owner == owner]
    if status is not None:
        mine = [r for r in mine if r["status"] == status]
    after = request.query.get("after")
    if after:
        ids = [r["batch_id"] for r in mine]
        mine = mine[ids.index(after) + 1 :] if after in ids else []
    page = mine[:limit]
    return json_response(
        {
            "object": "list",
            "data": page,
            "first_id": page[0]["batch_id"] if page else None,
            "last_id": page[-1]["batch_id"] if page else None,
            "has_more": len(mine) > limit,
        }
    )


async def handle_get(request: web.Request) -> web.Response:
    """``GET /v1/batches/{batch_id}``."""
    return json_response(_find(request).record)


async def handle_results(request: web.Request) -> web.Response:
    """``GET /v1/batches/{batch_id}/results``: 412 until the job ends, then download URLs."""
    batch = _find(request)
    record = batch.record
    if record["status"] not in TERMINAL:
        raise EmulatorHTTPError(
            412,
            "Results are not yet available. Poll batch status and retry.",
            code="precondition_failed",
        )
    store = _store_of(request)
    now = state_of(request).clock.now()
    expires = now + DOWNLOAD_URL_SECONDS
    urls: dict[str, str | None] = {}
    for kind in ("output", "error"):
        file_id = record[f"{kind}_file_id"]
        name = f"results/{file_id}.jsonl"
        urls[kind] = (
            store.presigned_url(_origin(request), "GET", name, now, DOWNLOAD_URL_SECONDS)
            if file_id
            else None
        )
    available = any(urls.values())
    return json_response(
        {
            "batch_id": record["batch_id"],
            "result_available": available,
            "output_file_url": urls["output"],
            "error_file_url": urls["error"],
            "expires_at": _iso(expires) if available else None,
        }
    )


async def handle_cancel(request: web.Request) -> web.Response:
    """``POST /v1/batches/{batch_id}/cancel``."""
    batch = _find(request)
    status = batch.record["status"]
    if status in TERMINAL or status == "validating":
        why = "it is already " + status if status in TERMINAL else "it is still validating"
        raise EmulatorHTTPError(409, f"The batch cannot be cancelled: {why}.")
    if status != "cancelling":
        batch.cancel_requested = True
        batch.record["status"] = "cancelling"
    return json_response(batch.record)


# ---------------------------------------------------------------------- the worker


async def _wait_until(state: EmulatorState, when: float, batch: Batch) -> None:
    """Sleep until the emulator clock reaches ``when`` (or a cancel/expiry cuts it short)."""
    while state.clock.now() < when and not batch.cancel_requested and not _expired(state, batch):
        if batch.discarded:
            raise asyncio.CancelledError
        await asyncio.sleep(_TICK)


def _expired(state: EmulatorState, batch: Batch) -> bool:
    expires = datetime.fromisoformat(batch.record["expires_at"].replace("Z", "+00:00"))
    return state.clock.now() >= expires.timestamp()


async def _run(
    state: EmulatorState, store: BatchStore, batch: Batch, line_request: LineRequest, start: float
) -> None:
    record = batch.record
    controls = store.controls
    validating, running, finalizing = controls.durations
    loop = asyncio.get_running_loop()
    provider, endpoint = record["provider"], record.get("endpoint")
    lines, errors = await loop.run_in_executor(
        None, _validate, batch.input_path, provider, endpoint
    )
    await _wait_until(state, start + validating, batch)
    if errors:
        record.update(status="failed", failed_at=_iso(state.clock.now()), errors=errors)
        return
    record["request_counts"]["total"] = len(lines)
    record.update(status="in_progress", in_progress_at=_iso(state.clock.now()))
    progress_start = state.clock.now()
    with batch.output_path.open("wb") as out, batch.error_path.open("wb") as err:
        done = 0
        memo: dict[bytes, tuple[bool, dict[str, Any]]] = {}
        while done < len(lines):
            if batch.cancel_requested or _expired(state, batch):
                break
            if batch.discarded:
                return
            if controls.stall:
                await asyncio.sleep(_TICK)
                continue
            chunk = lines[done : done + CHUNK_LINES]
            ok, failed = await loop.run_in_executor(
                None, _answer_chunk, chunk, line_request, record, out, err, controls, memo
            )
            record["request_counts"]["completed"] += ok
            record["request_counts"]["failed"] += failed
            done += len(chunk)
        if done < len(lines):
            why = "cancelled" if batch.cancel_requested else "expired"
            for custom_id, _ in lines[done:]:
                err.write(dumps(unrun_line(provider, custom_id, why)) + b"\n")
        else:
            await _wait_until(state, progress_start + running, batch)
    if batch.cancel_requested:
        outcome = "cancelled"
    elif record["status"] == "in_progress" and _expired(state, batch) and done < len(lines):
        outcome = "expired"
    else:
        record.update(status="finalizing", finalizing_at=_iso(state.clock.now()))
        await _wait_until(state, state.clock.now() + finalizing, batch)
        outcome = "cancelled" if batch.cancel_requested else "completed"
    _publish(store, batch)
    now = _iso(state.clock.now())
    if outcome == "completed":
        record.update(status="completed", completed_at=now)
    elif outcome == "cancelled":
        record.update(status="cancelled", cancelled_at=now)
    else:
        record.update(status="expired")


def _publish(store: BatchStore, batch: Batch) -> None:
    """Give the output and error files ids and download names (an empty file gets none)."""
    for kind, path in (("output", batch.output_path), ("error", batch.error_path)):
        if path.exists() and path.stat().st_size > 0:
            file_id = str(uuid.uuid4())
            store.objects[f"results/{file_id}.jsonl"] = path
            batch.record[f"{kind}_file_id"] = file_id


def _validate(
    path: Path, provider: str, endpoint: str | None
) -> tuple[list[tuple[str, Any]], list[dict[str, Any]] | None]:
    """Every line checked; ``(lines, None)`` or ``([], errors)`` naming the bad lines."""
    errors: list[dict[str, Any]] = []
    lines: list[tuple[str, Any]] = []
    seen: set[str] = set()
    if path.stat().st_size > MAX_BYTES:
        return [], [
            {
                "code": "invalid_input_file",
                "message": "The file is larger than 200 MB.",
                "line": None,
            }
        ]
    with path.open("rb") as source:
        for number, raw in enumerate(source, start=1):
            if not raw.strip():
                continue
            try:
                custom_id, request_body = check_line(raw, provider, endpoint)
                if custom_id in seen:
                    raise LineError(f"duplicate custom_id {custom_id!r}.")
            except LineError as error:
                if len(errors) < MAX_ERRORS_LISTED:
                    errors.append(
                        {
                            "code": "invalid_input_file",
                            "message": f"Line {number}: {error}",
                            "line": number,
                        }
                    )
                continue
            seen.add(custom_id)
            lines.append((custom_id, request_body))
    if not errors and not lines:
        errors.append(
            {"code": "invalid_input_file", "message": "The file has no requests.", "line": None}
        )
    if len(lines) > MAX_LINES:
        errors.append(
            {
                "code": "invalid_input_file",
                "message": f"The file has {len(lines)} requests; at most {MAX_LINES} are allowed.",
                "line": None,
            }
        )
    return ([], errors) if errors else (lines, None)


def _answer_chunk(
    chunk: list[tuple[str, Any]],
    line_request: LineRequest,
    record: dict[str, Any],
    out: Any,
    err: Any,
    controls: BatchControls,
    memo: dict[bytes, tuple[bool, dict[str, Any]]],
) -> tuple[int, int]:
    provider, endpoint = record["provider"], record.get("endpoint")
    ok = failed = 0
    fail_ids = controls.fail_custom_ids
    for custom_id, request_body in chunk:
        if custom_id in fail_ids:
            succeeded, line = False, failed_line(provider, custom_id, 500, controls.fail_message)
        else:
            # The scripted model is deterministic: a request seen before in this chunk
            # gets the same answer (with its own ids), without running it again.
            key = dumps(request_body)
            cached = memo.get(key)
            if cached is None:
                cached = memo[key] = answer(line_request, provider, endpoint, "", request_body)
            succeeded, line = cached[0], renamed(cached[1], custom_id)
        (out if succeeded else err).write(dumps(line) + b"\n")
        ok += succeeded
        failed += not succeeded
    return ok, failed


def add_routes(add: RouteAdder) -> None:
    add("POST", "/v1/batches/files", handle_create_file)
    add("POST", "/v1/batches", handle_create)
    add("GET", "/v1/batches", handle_list)
    add("GET", "/v1/batches/{batch_id}", handle_get)
    add("GET", "/v1/batches/{batch_id}/results", handle_results)
    add("POST", "/v1/batches/{batch_id}/cancel", handle_cancel)
    add("PUT", "/batch-storage/uploads/{name}", handle_upload)
    add("GET", "/batch-storage/results/{name}", handle_download)
