"""``chat`` against the emulator: streaming, JSON, the Responses API, caching, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import WRONG_KEY, Run, assert_clean_failure


def test_streams_the_answer_then_usage_and_cost(run: Run, emulator: Any) -> None:
    result = run("chat", "--prompt", "What is 2 + 3?", "--model", "llama3.3-70b-instruct")
    assert result.exit_code == 0, result.output
    assert "2 + 3 = 5" in result.stdout
    assert "usage: input" in result.stderr and "cost $" in result.stderr
    body = emulator.request_log.last("/v1/chat/completions").body
    assert body["stream"] is True


def test_json_has_content_usage_and_cost(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "What is 2 + 3?", "-m", "llama3.3-70b-instruct", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["content"] == "2 + 3 = 5."
    assert data["api"] == "chat.completions"
    assert data["usage"]["input_tokens"] > 0
    assert data["cost_usd"] > 0


def test_system_temperature_and_max_tokens_reach_the_request(run: Run, emulator: Any) -> None:
    result = run(
        "chat",
        "-p",
        "Hi",
        "-s",
        "Be brief.",
        "--temperature",
        "0.2",
        "--max-tokens",
        "64",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = emulator.request_log.last("/v1/chat/completions").body
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 64
    assert body["model"] == "openai-gpt-oss-120b"  # the seed skill's default


def test_prompt_dash_reads_stdin(run: Run, emulator: Any) -> None:
    result = run("chat", "--prompt", "-", "--json", input="What is 6 * 7?\n")
    assert json.loads(result.stdout)["content"] == "6 * 7 = 42."


def test_responses_api_with_cache_sends_store(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "What is 2 + 3?", "--responses-api", "--cache", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["api"] == "responses"
    assert "5" in data["content"]
    body = emulator.request_log.last("/v1/responses").body
    assert body["store"] is True


def test_cache_marks_anthropic_prompts(run: Run, emulator: Any) -> None:
    model = "anthropic-claude-4.6-sonnet"
    result = run("chat", "-p", "Hello", "-s", "You are terse.", "-m", model, "--cache", "--json")
    assert result.exit_code == 0, result.output
    body = emulator.request_log.last("/v1/chat/completions").body
    assert "cache_control" in json.dumps(body["messages"])


def test_cache_sets_retention_for_openai_models(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "Hello", "-m", "openai-gpt-4o", "--cache", "--json")
    assert result.exit_code == 0, result.output
    body = emulator.request_log.last("/v1/chat/completions").body
    assert body["prompt_cache_retention"] == "24h"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["chat"], "Missing option '--prompt'"),
        (["chat", "-p", "hi", "--temperature", "3"], "--temperature"),
        (["chat", "-p", "hi", "--max-tokens", "0"], "--max-tokens"),
        (["chat", "-p", "   "], "the prompt is empty"),
    ],
)
def test_bad_arguments_are_usage_errors(
    run: Run, emulator: Any, args: list[str], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(emulator.request_log) == 0


def test_unknown_model_is_a_clear_error(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "hi", "-m", "llama3.3-70b-instruc")
    assert_clean_failure(result, "llama3.3-70b-instruc")


def test_missing_key(run: Run) -> None:
    result = run("chat", "-p", "hi")
    assert_clean_failure(result, "No Gradient model access key found", "MODEL_ACCESS_KEY")
    assert "validation error" not in result.stderr  # pydantic's wrapper is peeled off


def test_wrong_key_401_never_prints_the_key(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_ACCESS_KEY", WRONG_KEY)
    result = run("chat", "-p", "hi")
    assert_clean_failure(result, "401")
    debug = run("--debug", "chat", "-p", "hi")
    assert "Traceback" in debug.stderr
    assert WRONG_KEY not in result.output + debug.output


def test_responses_api_streams_too(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "What is 2 + 3?", "--responses-api")
    assert result.exit_code == 0, result.output
    assert "5" in result.stdout
    assert "usage: input" in result.stderr
    assert emulator.request_log.last("/v1/responses").body["stream"] is True


def test_no_stream_prints_the_whole_answer(run: Run, emulator: Any) -> None:
    result = run("chat", "-p", "What is 2 + 3?", "-m", "llama3.3-70b-instruct", "--no-stream")
    assert result.stdout.strip() == "2 + 3 = 5."
    assert "stream" not in emulator.request_log.last("/v1/chat/completions").body
