"""``fal`` against the emulator: jobs with a live status line, --no-wait, status, result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import WRONG_KEY, Run, assert_clean_failure

FLUX = "fal-ai/flux/schnell"


def test_image_job_shows_each_status_and_downloads(run: Run, emulator: Any, tmp_path: Path) -> None:
    emulator.config.default_job_duration = (0.6, 1.2)  # long enough to see each status
    result = run("fal", "--model-id", FLUX, "--prompt", "A lighthouse", "--output", "media")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    statuses = [s for s in ("QUEUED", "IN_PROGRESS", "COMPLETED") if any(s in x for x in lines)]
    assert statuses == ["QUEUED", "IN_PROGRESS", "COMPLETED"]
    files = list((tmp_path / "media").iterdir())
    assert len(files) == 1 and files[0].name.startswith("a-lighthouse")
    assert files[0].name in result.stdout


def test_speech_job_json(run: Run, emulator: Any) -> None:
    model = "fal-ai/elevenlabs/tts/multilingual-v2"
    result = run("fal", "--model-id", model, "--text", "Hello there", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "COMPLETED" and data["kind"] == "speech"
    assert data["usage"] == {"characters": len("Hello there")}
    assert data["cost_usd"] > 0
    assert data["files"] and data["files"][0]["url"].startswith("http://127.0.0.1")
    assert result.stderr == ""  # no progress lines in --json mode
    body = emulator.request_log.last("/v1/async-invoke").body
    assert body["input"] == {"text": "Hello there"}


def test_input_json_passes_extra_fields(run: Run, emulator: Any) -> None:
    raw = '{"prompt": "A city", "num_images": 2, "seed": 7}'
    result = run("fal", "--model-id", FLUX, "--input", raw, "--json")
    assert result.exit_code == 0, result.output
    body = emulator.request_log.last("/v1/async-invoke").body
    assert body["input"] == {"prompt": "A city", "num_images": 2, "seed": 7}
    assert len(json.loads(result.stdout)["files"]) == 2


def test_no_wait_then_status_then_result(run: Run, emulator: Any, tmp_path: Path) -> None:
    submitted = run("fal", "--model-id", FLUX, "--prompt", "A boat", "--no-wait", "--json")
    assert submitted.exit_code == 0, submitted.output
    job = json.loads(submitted.stdout)
    assert job["status"] == "QUEUED"
    status = json.loads(run("fal", "status", job["request_id"], "--json").stdout)
    assert status["request_id"] == job["request_id"]
    assert status["status"] in ("QUEUED", "IN_PROGRESS", "COMPLETED")
    result = run("fal", "result", job["request_id"], "--wait", "--output", "out", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "COMPLETED"
    assert len(list((tmp_path / "out").iterdir())) == 1


def test_result_of_an_unfinished_job_says_so(run: Run, emulator: Any) -> None:
    emulator.plan_jobs("NEVER")
    job = json.loads(run("fal", "--model-id", FLUX, "--prompt", "x", "--no-wait", "--json").stdout)
    result = run("fal", "result", job["request_id"])
    assert result.exit_code == 0
    assert "not finished" in result.stdout


def test_failed_job_is_an_error(run: Run, emulator: Any) -> None:
    emulator.plan_jobs("FAILED", error="NSFW content detected")
    result = run("fal", "--model-id", FLUX, "--prompt", "x")
    assert_clean_failure(result, "NSFW content detected")


def test_timeout_says_how_to_resume(run: Run, emulator: Any) -> None:
    emulator.plan_jobs("NEVER")
    result = run("fal", "--model-id", FLUX, "--prompt", "x", "--timeout", "1")
    assert_clean_failure(result, "fal result", "--wait")


def test_unknown_request_id(run: Run, emulator: Any) -> None:
    assert_clean_failure(run("fal", "status", "no-such-job"), "no-such-job")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prompt", "x"], "-m/--model is required"),
        (["--model-id", FLUX], "exactly one of"),
        (["--model-id", FLUX, "--prompt", "x", "--text", "y"], "exactly one of"),
        (["--model-id", FLUX, "--input", "{not json"], "not valid JSON"),
        (["--model-id", FLUX, "--input", "[1, 2]"], "JSON object"),
        (["--model-id", "fal-ai/mystery", "--prompt", "x"], "Cannot tell what"),
    ],
)
def test_bad_arguments(run: Run, emulator: Any, args: list[str], message: str) -> None:
    result = run("fal", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(emulator.request_log) == 0


def test_wrong_key_401(run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_ACCESS_KEY", WRONG_KEY)
    result = run("fal", "--model-id", FLUX, "--prompt", "x", "--debug")
    assert result.exit_code == 1
    assert "401" in result.stderr
    assert WRONG_KEY not in result.output


def test_missing_key(run: Run) -> None:
    assert_clean_failure(run("fal", "--model-id", FLUX, "--prompt", "x"), "MODEL_ACCESS_KEY")
    assert_clean_failure(run("fal", "status", "some-id"), "MODEL_ACCESS_KEY")
