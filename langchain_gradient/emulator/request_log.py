"""What clients sent: one :class:`RequestRecord` per request, key redacted.

:meth:`RequestLog.add_listener` hears about each request once it is answered (a stream:
once its last event is sent); :func:`log_line` is the one-line form ``langchain-gradient
emulator --log`` prints (no header, query or body, so never a key).

Example:
    >>> log = RequestLog()
    >>> log.append(RequestRecord("POST", "/v1/chat/completions", {"model": "m"}, {}, 200, 0.0))
    >>> log.last().body["model"]
    'm'
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

REDACTED = "[redacted]"
Listener = Callable[["RequestRecord", float], object]
"""Called with a finished request and its duration in seconds (from the server's thread)."""
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key"})


@dataclass
class RequestRecord:
    """One request: method, path, parsed JSON body (or None), headers, status, timing.

    ``headers`` are lower-cased with ``authorization`` / ``x-api-key`` redacted; the
    redaction runs when they are first read, which keeps logging off the hot path.
    """

    method: str
    path: str
    body: Any
    raw_headers: Mapping[str, str] = field(repr=False)
    status: int
    started_at: float
    finished_at: float | None = None
    fault: str | None = None
    """The injected fault applied to this request, e.g. ``"status:429"``."""
    raw_query: Mapping[str, str] = field(default_factory=dict, repr=False)
    _headers: dict[str, str] | None = field(default=None, init=False, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = redact_headers(self.raw_headers)
            self.raw_headers = {}
        return self._headers

    @property
    def query(self) -> dict[str, str]:
        return dict(self.raw_query)

    @property
    def model(self) -> str | None:
        if isinstance(self.body, dict):
            value = self.body.get("model") or self.body.get("model_id")
            return value if isinstance(value, str) else None
        return None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased headers with the key-bearing ones replaced by ``[redacted]``."""
    return {
        name.lower(): (REDACTED if name.lower() in SECRET_HEADERS else value)
        for name, value in headers.items()
    }


class RequestLog:
    """A bounded, thread-safe list of :class:`RequestRecord` (newest last)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._cleared_at = 0.0
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(record, seconds)`` for every request from now on, once it is
        answered; it runs on the server's thread, so keep it short."""
        self._listeners.append(listener)

    def completed(self, record: RequestRecord | None) -> None:
        """Tell the listeners that ``record``'s request is answered (the server calls it)."""
        if record is None or not self._listeners:
            return
        seconds = time.time() - record.started_at
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a listener must not fail a request
                listener(record, seconds)

    def append(self, record: RequestRecord) -> None:
        """Add ``record``, unless its request started before the last :meth:`clear`
        (a slow request from an earlier test must not show up in the next one)."""
        with self._lock:
            if record.started_at >= self._cleared_at:
                self._records.append(record)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._cleared_at = time.time()

    def records(self, path: str | None = None, method: str | None = None) -> list[RequestRecord]:
        """Records, optionally only those for ``path`` (exact) and ``method``."""
        with self._lock:
            items = list(self._records)
        return [
            record
            for record in items
            if (path is None or record.path == path) and (method is None or record.method == method)
        ]

    def last(self, path: str | None = None) -> RequestRecord:
        """The newest record (for ``path``); raises ``LookupError`` if there is none."""
        found = self.records(path)
        if not found:
            raise LookupError(f"no request recorded for {path or 'any path'}")
        return found[-1]

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        return self.records()[index]


def log_line(record: RequestRecord, seconds: float) -> str:
    """``METHOD PATH MODEL STATUS MSms``: one request, without any header, query or body.

    Example:
        >>> record = RequestRecord("POST", "/v1/chat/completions", {"model": "m"}, {}, 200, 0.0)
        >>> log_line(record, 0.0123)
        'POST /v1/chat/completions m 200 12ms'
    """
    fault = f" fault={record.fault}" if record.fault else ""
    model = record.model or "-"
    return f"{record.method} {record.path} {model} {record.status} {seconds * 1000:.0f}ms{fault}"
