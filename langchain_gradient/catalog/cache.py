"""A small JSON cache in the user's cache directory, written atomically.

Where: ``$LANGCHAIN_GRADIENT_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/langchain-gradient``,
else ``~/.cache/langchain-gradient``. Each entry is one JSON file holding the data and
the time it was saved; a write goes through the package's atomic writer
(:mod:`langchain_gradient._atomic_write`: a temporary file in the same directory, fsync,
then ``os.replace`` over the old one), so a reader never sees half a file.

Example:
    >>> write_cache("example", {"a": 1})  # doctest: +SKIP
    >>> read_cache("example").data  # doctest: +SKIP
    {'a': 1}
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "LANGCHAIN_GRADIENT_CACHE_DIR"
CACHE_MAX_AGE_SECONDS = 24 * 3600


def cache_dir() -> Path:
    """The directory cache files live in (not created until something is written)."""
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "langchain-gradient"


@dataclass(frozen=True)
class CacheEntry:
    """Cached data and when it was saved (seconds since the epoch)."""

    data: dict[str, Any]
    saved_at: float

    @property
    def age_seconds(self) -> float:
        return max(0.0, time.time() - self.saved_at)

    def is_fresh(self, max_age_seconds: float = CACHE_MAX_AGE_SECONDS) -> bool:
        return self.age_seconds < max_age_seconds


def _path(name: str) -> Path:
    return cache_dir() / f"{name}.json"


def read_cache(name: str) -> CacheEntry | None:
    """The entry called ``name``, or ``None`` if it is missing or unreadable."""
    try:
        raw = json.loads(_path(name).read_text(encoding="utf-8"))
        return CacheEntry(data=dict(raw["data"]), saved_at=float(raw["saved_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cache(name: str, data: dict[str, Any]) -> Path:
    """Save ``data`` as the entry ``name``, atomically; return the file's path."""
    from langchain_gradient._atomic_write import write_atomically

    path = _path(name)
    payload = json.dumps({"saved_at": time.time(), "data": data}, sort_keys=True)
    write_atomically(path, payload, overwrite=True)
    return path
