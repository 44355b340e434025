"""The installed console script, run as a real process: emulator, then a client of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = shutil.which("langchain-gradient", path=str(Path(sys.executable).parent))


def _env(**extra: str) -> dict[str, str]:
    drop = (
        "MODEL_ACCESS_KEY",
        "GRADIENT_MODEL_ACCESS_KEY",
        "DIGITALOCEAN_INFERENCE_KEY",
        "GRADIENT_API_KEY",
        "INFERENCE_ENDPOINT",
        "GRADIENT_INFERENCE_ENDPOINT",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, **extra}


@contextmanager
def emulator_running(*args: str) -> Iterator[str]:
    """``langchain-gradient emulator ARGS`` in the background; yields its first stdout line."""
    assert SCRIPT, "the langchain-gradient console script is not installed"
    process = subprocess.Popen(
        [SCRIPT, "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def emulator_process() -> Iterator[str]:
    """The emulator as a process on a free port, accepting one key; yields its base URL."""
    with emulator_running("--port", "0", "--key", "subprocess-key-123") as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1"), base_url
        yield base_url


def test_models_json_through_the_console_script(emulator_process: str) -> None:
    done = subprocess.run(
        [SCRIPT or "", "--base-url", emulator_process, "models", "--filter", "llama", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(MODEL_ACCESS_KEY="subprocess-key-123"),
    )
    assert done.returncode == 0, done.stderr
    ids = [row["id"] for row in json.loads(done.stdout)]
    assert "llama3.3-70b-instruct" in ids
    assert "subprocess-key-123" not in done.stdout + done.stderr


def test_chat_401_through_the_console_script(emulator_process: str) -> None:
    done = subprocess.run(
        [SCRIPT or "", "--base-url", emulator_process, "chat", "-p", "hi", "--debug"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(MODEL_ACCESS_KEY="sk-do-wrong-key-987654"),
    )
    assert done.returncode == 1
    assert "401" in done.stderr and "Traceback" in done.stderr
    assert "sk-do-wrong-key-987654" not in done.stdout + done.stderr


def test_missing_key_through_the_console_script() -> None:
    done = subprocess.run(
        [SCRIPT or "", "models"], capture_output=True, text=True, timeout=60, env=_env()
    )
    assert done.returncode == 1
    assert "MODEL_ACCESS_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_emulator_json_line_and_control_plane() -> None:
    """`emulator --json` prints one JSON line; `keys` works against its control plane."""
    with emulator_running("--json") as line:
        info = json.loads(line)
        env = _env(
            DIGITALOCEAN_TOKEN=info["control_token"], DIGITALOCEAN_API_BASE=info["control_plane"]
        )
        done = subprocess.run(
            [SCRIPT or "", "keys", "list", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_emulator_rejects_a_bad_port() -> None:
    done = subprocess.run(
        [SCRIPT or "", "emulator", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    assert done.returncode == 2
    assert "--port" in done.stderr
