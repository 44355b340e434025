"""The one way this package writes a file: all of it under its final name, or nothing.

Every output (generated images and media, ``langchain-gradient image --output``, the
catalog cache, batch results) goes through :class:`AtomicWriter`:

1. a hidden temporary file is created *in the target folder* (so the final step is a
   rename within one filesystem, never a copy);
2. the data is written with ``os.write`` until every byte is down (a full disk raises
   ``OSError(ENOSPC)`` here), then ``fsync``-ed, and given the mode every output file
   gets, ``0o644`` less the process umask (:func:`output_file_mode`);
3. it is *published*: ``os.replace`` when overwriting is allowed, otherwise
   ``os.link``, which fails instead of replacing an existing file (``O_EXCL`` create
   plus ``os.replace`` where a filesystem has no hard links); the folder is then
   ``fsync``-ed so the new name survives a crash.

On any failure (full disk, ``KeyboardInterrupt``, a permission error, an existing
target) the temporary file is removed and the final name is untouched, so nothing
partial is left behind and no stale file blocks a retry.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "out.json"
    >>> write_atomically(target, '{"ok": true}').read_text()
    '{"ok": true}'
    >>> try:
    ...     write_atomically(target, "again")
    ... except FileExistsError:
    ...     print("kept")
    kept
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from pathlib import Path
from types import TracebackType

OUTPUT_MODE = 0o644
"""The mode of every file this package writes, before the umask is applied."""
TEMP_PREFIX = ".lcg-"
TEMP_SUFFIX = ".part"
_UMASK_LOCK = threading.Lock()
_UMASK_LINE = re.compile(r"^Umask:\s*([0-7]+)$", re.MULTILINE)


def output_file_mode() -> int:
    """``0o644`` less the current umask: the mode every written file gets.

    Example:
        >>> output_file_mode() & 0o600
        384
    """
    return OUTPUT_MODE & ~_current_umask()


def _current_umask() -> int:
    try:  # Linux: read it without changing it (os.umask is process-wide)
        status = Path("/proc/self/status").read_text(encoding="ascii")
        match = _UMASK_LINE.search(status)
        if match:
            return int(match.group(1), 8)
    except OSError:
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


class AtomicWriter:
    """A temporary file in ``directory`` that becomes a real file only via :meth:`publish`.

    Use it as a context manager; write with :meth:`write`, then call :meth:`publish`
    (inside the block) with the final path. Leaving the block, published or not, with or
    without an exception, removes the temporary name.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> with AtomicWriter(folder) as out:
        ...     out.write(b"chunk 1, ")
        ...     out.write(b"chunk 2")
        ...     path = out.publish(folder / "data.bin")
        >>> path.read_bytes(), sorted(p.name for p in folder.iterdir())
        (b'chunk 1, chunk 2', ['data.bin'])
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.size = 0
        self._fd: int | None = None
        self._temp: Path | None = None

    def __enter__(self) -> AtomicWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        self._fd, self._temp = fd, Path(temp)
        return self

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data``; raises ``OSError`` (e.g. ``ENOSPC``) if the disk is full."""
        if self._fd is None:
            raise RuntimeError("use AtomicWriter as a context manager, before publish()")
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
            self.size += written

    def publish(self, final: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Make the written bytes appear as ``final`` (in the same folder), durably.

        Without ``overwrite`` an existing ``final`` raises ``FileExistsError`` and is
        left as it was; :meth:`publish` may then be called again with another name.
        """
        if self._temp is None:
            raise RuntimeError("publish() needs an open AtomicWriter")
        target = Path(final)
        if target.parent.resolve() != self.directory.resolve():
            raise ValueError(f"{target} is not in {self.directory}")
        self._seal()
        if overwrite:
            os.replace(self._temp, target)
        else:
            _link_exclusively(self._temp, target)
        _fsync_directory(self.directory)
        return target

    def _seal(self) -> None:
        """Flush to disk and set the output mode, once (before the first publish)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
            os.fchmod(fd, output_file_mode())
        finally:
            os.close(fd)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self._temp is not None:
            # Published by link (or not at all): the temporary name goes either way.
            with contextlib.suppress(OSError):
                self._temp.unlink(missing_ok=True)


def write_atomically(
    path: str | os.PathLike[str], data: bytes | str, *, overwrite: bool = False
) -> Path:
    """Write ``data`` (``str`` as UTF-8) to ``path`` all at once or not at all.

    Without ``overwrite`` an existing file raises ``FileExistsError`` and is kept.
    Missing parent folders are created. Returns ``path``.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "sub" / "result.jsonl"
        >>> write_atomically(target, b'{"id": 1}\\n').name
        'result.jsonl'
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with AtomicWriter(target.parent) as out:
        out.write(payload)
        return out.publish(target, overwrite=overwrite)


def _link_exclusively(temp: Path, final: Path) -> None:
    try:
        os.link(temp, final)  # atomic, and fails if `final` exists
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this filesystem: claim the name with O_EXCL, then fill it.
        fd = os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, output_file_mode())
        os.close(fd)
        os.replace(temp, final)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
