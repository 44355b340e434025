"""One atomic writer for every file the package writes (issue 15).

Full disk (a write that raises ENOSPC half-way), Ctrl-C, a permission error: nothing
partial under the final name, no temporary file left, and a retry succeeds. Every output
file gets the same mode, 0o644 less the umask.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from langchain_gradient._atomic_write import AtomicWriter, output_file_mode, write_atomically

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def full_disk_after(limit: int) -> Callable[[int, Any], int]:
    """An ``os.write`` that accepts ``limit`` bytes in total, then raises ENOSPC."""
    real = os.write
    written = 0

    def write(fd: int, data: Any) -> int:
        nonlocal written
        room = limit - written
        if room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        done = real(fd, bytes(data)[:room])
        written += done
        return done

    return write


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_full_disk_leaves_nothing_and_a_retry_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "fox.png"
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full_disk_after(10))
        with pytest.raises(OSError) as caught:
            write_atomically(target, PNG)
    assert caught.value.errno == errno.ENOSPC
    assert _names(tmp_path) == []  # no truncated fox.png, no temporary file
    write_atomically(target, PNG)  # nothing stale blocks the retry
    assert target.read_bytes() == PNG


def test_ctrl_c_mid_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), AtomicWriter(tmp_path) as out:
        out.write(b"half of it")
        raise KeyboardInterrupt
    assert _names(tmp_path) == []


def test_a_failing_publish_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "link", denied)
    monkeypatch.setattr(os, "open", denied)  # the O_EXCL fallback is refused too
    with pytest.raises(PermissionError):
        write_atomically(tmp_path / "a.png", PNG)
    assert _names(tmp_path) == []


def test_an_unwritable_folder_raises_before_anything_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def denied(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(PermissionError):
        write_atomically(tmp_path / "a.png", PNG)
    assert _names(tmp_path) == []


def test_an_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "keep.json"
    target.write_text("precious")
    with pytest.raises(FileExistsError):
        write_atomically(target, "new")
    assert target.read_text() == "precious"
    assert _names(tmp_path) == ["keep.json"]
    write_atomically(target, "new", overwrite=True)
    assert target.read_text() == "new"


def test_every_output_file_gets_0644_less_the_umask(
    tmp_path: Path, umask_027: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_gradient._connection import GradientConnection
    from langchain_gradient.catalog.cache import write_cache
    from langchain_gradient.cli.image import write_image
    from langchain_gradient.tools._download import fetch_to_dir
    from langchain_gradient.tools._files import write_file_atomically

    assert output_file_mode() == 0o640
    image_tool_file = write_file_atomically(tmp_path, PNG, stem="a cat", extension=".png")
    connection = GradientConnection(
        api_key="sk-do-test",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx2.Client(
            transport=httpx2.MockTransport(
                lambda request: httpx2.Response(
                    200, content=PNG, headers={"content-type": "image/png"}
                )
            )
        ),
    )
    fal_file = fetch_to_dir(connection, "http://files.test/a.png", tmp_path, stem="fal").path
    cli_file = tmp_path / "cli.png"
    write_image(cli_file, PNG, force=False)
    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path / "cache"))
    cache_file = write_cache("models", {"a": 1})
    modes = {
        name: stat.S_IMODE(path.stat().st_mode)
        for name, path in {
            "image tool": image_tool_file,
            "fal download": fal_file,
            "cli --output": cli_file,
            "catalog cache": cache_file,
        }.items()
    }
    assert modes == dict.fromkeys(modes, 0o640), modes
