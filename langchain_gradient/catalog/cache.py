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
import math
import os
import time
import warnings
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


MAX_CACHE_FILE_BYTES = 16 * 1024**2
"""A cache file larger than this is ignored (the real ones are a few kilobytes)."""


def read_cache(name: str) -> CacheEntry | None:
    """The entry called ``name``, or ``None`` if it is missing or unusable.

    The file is only ever parsed as JSON (nothing in it is executed or imported). A file
    that is corrupted, oversized or of the wrong shape is ignored with a
    :class:`CorruptCacheWarning`; the caller then fetches again or uses the snapshot.
    """
    path = _path(name)
    try:
        if path.stat().st_size > MAX_CACHE_FILE_BYTES:
            raise ValueError(f"larger than {MAX_CACHE_FILE_BYTES} bytes")
        raw = json.loads(path.read_text(encoding="utf-8"))
        saved_at = float(raw["saved_at"])
        if not math.isfinite(saved_at) or not isinstance(raw["data"], dict):
            raise ValueError("not a cache entry")
        return CacheEntry(data=dict(raw["data"]), saved_at=saved_at)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        warn_corrupt_cache(path, exc)
        return None


class CorruptCacheWarning(UserWarning):
    """A catalog cache file could not be used; it was ignored (the data is fetched again,
    or the bundled snapshot is used).

    Example:
        >>> import warnings
        >>> warnings.simplefilter("error", CorruptCacheWarning)  # doctest: +SKIP
    """


def warn_corrupt_cache(path: Path, reason: object) -> None:
    """Say that ``path`` was ignored and why (the fix: delete it, or let a refresh rewrite it)."""
    warnings.warn(
        f"Ignoring the catalog cache file {path} ({reason}); it is corrupted or was not "
        "written by langchain-gradient. Fresh figures are fetched, or the bundled snapshot "
        "is used. Delete the file to silence this.",
        CorruptCacheWarning,
        stacklevel=4,
    )


def write_cache(name: str, data: dict[str, Any]) -> Path:
    """Save ``data`` as the entry ``name``, atomically; return the file's path."""
    from langchain_gradient._atomic_write import write_atomically

    path = _path(name)
    payload = json.dumps({"saved_at": time.time(), "data": data}, sort_keys=True)
    write_atomically(path, payload, overwrite=True)
    return path
