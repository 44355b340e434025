"""`langchain-gradient models` lists models with one stdlib GET, without importing openai;
anything but a 200 goes through the SDK (its retries and our error messages)."""

from __future__ import annotations

import os
import subprocess
import sys

from langchain_gradient._connection import GradientConnection
from langchain_gradient.cli._plain_get import get_json
from langchain_gradient.emulator import GradientEmulator


def test_get_json_returns_the_body_on_200_and_sends_the_key(
    gradient_emulator: GradientEmulator,
) -> None:
    connection = GradientConnection(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url
    )
    page = get_json(connection, "/models")
    assert isinstance(page, dict) and any(m["id"] for m in page["data"])
    (record,) = gradient_emulator.request_log.records("/v1/models")
    assert record.status == 200


def test_get_json_gives_none_on_an_error_status_or_no_server(
    gradient_emulator: GradientEmulator,
) -> None:
    wrong = GradientConnection(api_key="wrong-key", base_url=gradient_emulator.base_url)
    assert get_json(wrong, "/models") is None
    nowhere = GradientConnection(api_key="k", base_url="http://127.0.0.1:9", timeout=2)
    assert get_json(nowhere, "/models") is None


def test_models_json_does_not_import_openai(gradient_emulator: GradientEmulator) -> None:
    code = (
        "import sys\nfrom langchain_gradient.cli import main\n"
        f"sys.argv = ['langchain-gradient', '--base-url', {gradient_emulator.base_url!r},"
        " 'models', '--json']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "assert 'openai' not in sys.modules, 'openai was imported'\n"
    )
    env = {**os.environ, "MODEL_ACCESS_KEY": gradient_emulator.api_key}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert '"id"' in run.stdout
