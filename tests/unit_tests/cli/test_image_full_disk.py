"""``image --output`` on a full disk: no truncated file, and the retry is not blocked."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import Run
from tests.unit_tests.test_atomic_write import PNG, full_disk_after


def test_cli_image_on_a_full_disk_leaves_no_file_and_the_retry_works(
    run: Run, emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "fox.png"
    real_write = os.write
    with monkeypatch.context() as patch:
        full = full_disk_after(16)

        def write(fd: int, data: Any) -> int:
            # Only the image file is on the "full" disk; sockets and pipes keep working.
            if stat.S_ISREG(os.fstat(fd).st_mode) and fd > 2:
                return full(fd, data)
            return real_write(fd, data)

        patch.setattr(os, "write", write)
        result = run("image", "-p", "A fox", "--output", str(target))
    assert result.exit_code != 0
    assert "No space left" in result.output and "Nothing was written" in result.output
    assert list(out.iterdir()) == []
    again = run("image", "-p", "A fox", "--output", str(target))  # no --force needed
    assert again.exit_code == 0, again.output
    assert target.read_bytes().startswith(PNG[:8])


def test_fal_input_nested_too_deeply_is_a_usage_error_not_a_crash(run: Run) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    result = run("fal", "--model-id", "fal-ai/flux/schnell", "--input", deep)
    assert result.exit_code == 2
    assert "nested too deeply" in result.output and "Traceback" not in result.output
