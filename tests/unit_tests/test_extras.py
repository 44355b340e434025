"""The base install: entry points that need an extra say which one in one line.

Decision (see the commit): click, Rich and aiohttp stay extras; the console script
exits 1 with ``pip install 'langchain-gradient[cli]'``, the emulator raises
ModuleNotFoundError naming ``[emulator]``, and the pytest plugin never breaks a test
run that lacks aiohttp. Each test blocks the module in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def run_python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


@pytest.mark.parametrize("blocked", ["click", "rich"])
def test_console_script_without_the_cli_extra_says_which_extra(blocked: str) -> None:
    done = run_python(
        f"""
        import sys
        sys.modules[{blocked!r}] = None
        sys.argv = ["langchain-gradient", "--help"]
        from langchain_gradient.cli import main
        main()
        """
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: The langchain-gradient command needs {blocked}: "
        "pip install 'langchain-gradient[cli]'"
    ]


def test_emulator_without_aiohttp_names_the_extra() -> None:
    done = run_python(
        """
        import sys
        sys.modules["aiohttp"] = None
        import langchain_gradient
        from langchain_gradient.emulator import GradientEmulator
        """
    )
    assert done.returncode == 1
    assert (
        "ModuleNotFoundError: The Gradient emulator needs aiohttp: "
        "pip install 'langchain-gradient[emulator]'" in done.stderr
    )


def test_cli_emulator_command_without_aiohttp_is_one_line_and_exit_1() -> None:
    done = run_python(
        """
        import sys
        sys.modules["aiohttp"] = None
        sys.argv = ["langchain-gradient", "emulator"]
        from langchain_gradient.cli import main
        main()
        """
    )
    assert done.returncode == 1
    assert "pip install 'langchain-gradient[emulator]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_pytest_plugin_without_aiohttp_does_not_break_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "def test_plain():\n    assert True\n\n"
        "def test_uses_emulator(gradient_emulator):\n    assert False\n"
    )
    done = run_python(
        """
        import sys
        sys.modules["aiohttp"] = None
        import pytest
        sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-rs", "test_user.py"]))
        """,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    assert "pip install 'langchain-gradient[emulator]'" in done.stdout
