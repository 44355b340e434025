"""Writing generated media to disk: atomically, under safe names, never over an existing file.

Every file is written by the package's one atomic writer
(:mod:`langchain_gradient._atomic_write`): a hidden temporary file in the target
directory, then *claimed* under its final name without ever replacing one. A failed or
cut-off write leaves nothing behind: the temporary file is removed. Names are built
only from a slug of the prompt, a short content hash and a known extension, so no
prompt can steer a path outside the output directory.

Example:
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> path = write_file_atomically(out, b"data", stem="../../etc/passwd", extension=".bin")
    >>> path.parent == Path(out).resolve(), path.name.startswith("etc-passwd-")
    (True, True)
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Annotated

from pydantic import AfterValidator

from langchain_gradient._atomic_write import AtomicWriter

MAX_SLUG_CHARS = 40
_MAX_CLAIM_ATTEMPTS = 1000
_SLUG_DROP = re.compile(r"[^a-z0-9]+")

MIME_EXTENSIONS: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/aac": ".aac",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
}
"""The only extensions a written file can get (anything else is ``.bin``)."""


def check_output_dir(path: Path) -> Path:
    """Refuse, when a tool is built, an ``output_dir`` that exists but is not a directory.

    Example:
        >>> check_output_dir(Path("."))
        PosixPath('.')
    """
    if path.exists() and not path.is_dir():
        raise ValueError(
            f"output_dir {str(path)!r} is a file, not a directory; pass a directory "
            "(it is created if missing)."
        )
    return path


OutputDir = Annotated[Path, AfterValidator(check_output_dir)]
"""A tool's ``output_dir`` field type: a path that is a directory or does not exist yet."""


def slugify(text: str, *, fallback: str = "file", max_chars: int = MAX_SLUG_CHARS) -> str:
    """Lowercase ASCII letters, digits and single dashes only; never empty.

    Example:
        >>> slugify("A cat, on the moon! ../..")
        'a-cat-on-the-moon'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:max_chars].rstrip("-")
    return slug or fallback


def extension_for(mime_type: str | None, *, url: str | None = None) -> str:
    """The file extension for a MIME type (or, failing that, a URL's known suffix).

    Example:
        >>> extension_for("image/jpeg"), extension_for(None, url="https://x/a.WAV?t=1")
        ('.jpg', '.wav')
    """
    if mime_type:
        known = MIME_EXTENSIONS.get(mime_type.split(";")[0].strip().lower())
        if known:
            return known
    if url:
        suffix = Path(url.split("?")[0].split("#")[0]).suffix.lower()
        if suffix in set(MIME_EXTENSIONS.values()) | {".jpeg"}:
            return ".jpg" if suffix == ".jpeg" else suffix
    return ".bin"


def sniff_image_mime(data: bytes, default: str = "image/png") -> str:
    """The MIME type of image bytes from their magic number, else ``default``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return default


class AtomicFile:
    """A file that appears under its final name only once complete, and never replaces one.

    The final name is ``<slug(stem)>-<first 10 hex of the content's SHA-256><extension>``;
    if that name is taken, ``-2``, ``-3``, ... is appended. Use it as a context manager
    and write chunks to the object it returns; leaving the block with an exception
    removes the temporary file. The writing itself is the package's one atomic writer,
    :class:`~langchain_gradient._atomic_write.AtomicWriter` (fsync, mode 0644 less the
    umask, link-or-nothing).

    Example:
        >>> import tempfile
        >>> with AtomicFile(tempfile.mkdtemp(), stem="a song", extension=".mp3") as f:
        ...     f.write(b"ID3...")
        >>> f.path.name
        'a-song-7ec73ef951.mp3'
    """

    def __init__(self, directory: str | os.PathLike[str], *, stem: str, extension: str) -> None:
        self.directory = Path(directory).resolve()
        self.slug = slugify(stem)
        self.extension = extension if re.fullmatch(r"\.[a-z0-9]{1,5}", extension) else ".bin"
        self._hash = hashlib.sha256()
        self._writer = AtomicWriter(self.directory)
        self.size = 0
        self.path: Path | None = None
        """The final path, set once the file has been claimed."""

    def __enter__(self) -> AtomicFile:
        self._writer.__enter__()
        return self

    def write(self, chunk: bytes) -> None:
        """Append ``chunk`` to the temporary file."""
        self._writer.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.path = self._claim()
        finally:
            self._writer.__exit__(exc_type, exc, tb)

    def _claim(self) -> Path:
        base = f"{self.slug}-{self._hash.hexdigest()[:10]}"
        for attempt in range(1, _MAX_CLAIM_ATTEMPTS + 1):
            name = base + (f"-{attempt}" if attempt > 1 else "") + self.extension
            final = self.directory / name
            if final.parent != self.directory:  # unreachable with a slug; kept as a guard
                raise ValueError(f"refusing to write outside {self.directory}")
            try:
                self._writer.publish(final)
            except FileExistsError:
                continue
            return final
        raise FileExistsError(f"no free name for {base}{self.extension} in {self.directory}")


def write_file_atomically(
    directory: str | os.PathLike[str], data: bytes, *, stem: str, extension: str
) -> Path:
    """Write ``data`` to a new file in ``directory`` named after ``stem``; return its path.

    Example:
        >>> import tempfile
        >>> write_file_atomically(tempfile.mkdtemp(), b"x", stem="cat", extension=".png").name
        'cat-2d711642b7.png'
    """
    with AtomicFile(directory, stem=stem, extension=extension) as target:
        target.write(data)
    assert target.path is not None
    return target.path


@contextmanager
def all_or_nothing() -> Iterator[list[Path]]:
    """Collect the paths written in the block; if it fails (or is cancelled), remove them.

    A call that writes several files either leaves all of them or none.

    Example:
        >>> import tempfile
        >>> out = tempfile.mkdtemp()
        >>> try:
        ...     with all_or_nothing() as written:
        ...         written.append(write_file_atomically(out, b"1", stem="a", extension=".png"))
        ...         raise OSError("disk full")
        ... except OSError:
        ...     pass
        >>> os.listdir(out)
        []
    """
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
