"""``emulator --log`` prints one line per request without the key; ``--stream-delay``
reaches the running server (streamed events are spaced by it)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from openai import OpenAI

import langchain_gradient.emulator as emulator_package
from langchain_gradient.emulator import runtime
from langchain_gradient.emulator.__main__ import main as module_main
from tests.unit_tests.cli.conftest import Run

KEY = "sk-do-log-test-key-9f8e7d6c5b4a"
LINE = re.compile(r"^(GET|POST) (/v1/\S+) (\S+) (\d{3}) (\d+)ms$")


@pytest.fixture
def traffic(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The real ``serve``; once it announces its URL, one listing, one stream, a 401, stop."""
    seen: dict[str, Any] = {}

    def serve_then_call(port: int, host: str, **kwargs: Any) -> None:
        announce = kwargs["announce"]

        def call(base_url: str) -> None:
            announce(base_url)
            client = OpenAI(base_url=base_url, api_key=KEY, max_retries=0)
            client.models.list()
            started = time.monotonic()
            stream = client.chat.completions.create(
                model="llama3.3-70b-instruct",
                messages=[{"role": "user", "content": "Tell me about lighthouses."}],
                stream=True,
            )
            seen["chunks"] = sum(1 for _ in stream)
            seen["stream_seconds"] = time.monotonic() - started
            try:
                OpenAI(base_url=base_url, api_key="wrong-key-000000", max_retries=0).models.list()
            except Exception as error:  # the 401 is expected
                seen["error"] = type(error).__name__
            raise KeyboardInterrupt  # serve() stops cleanly on Ctrl-C

        runtime.serve(port, host, **{**kwargs, "announce": call})

    monkeypatch.setattr(emulator_package, "serve", serve_then_call)
    return seen


def test_log_prints_one_line_per_request_without_the_key(run: Run, traffic: dict[str, Any]) -> None:
    result = run("emulator", "--key", KEY, "--log")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if LINE.match(line)]
    parsed = [LINE.match(line).groups() for line in lines]  # type: ignore[union-attr]
    assert [(m, p, model, status) for m, p, model, status, _ms in parsed] == [
        ("GET", "/v1/models", "-", "200"),
        ("POST", "/v1/chat/completions", "llama3.3-70b-instruct", "200"),
        ("GET", "/v1/models", "-", "401"),
    ]
    # the export lines show the key on purpose (to paste); the request lines never do
    request_lines = result.stderr.split("DIGITALOCEAN_TOKEN=emulator-control-token\n", 1)[1]
    assert request_lines.splitlines() == lines
    assert KEY not in request_lines and "wrong-key-000000" not in result.output
    assert "Bearer" not in result.stderr


def test_without_log_no_request_lines(run: Run, traffic: dict[str, Any]) -> None:
    result = run("emulator", "--key", KEY)
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stderr.splitlines() if LINE.match(line)]


def test_stream_delay_reaches_the_server(run: Run, traffic: dict[str, Any]) -> None:
    result = run("emulator", "--key", KEY, "--stream-delay", "0.05", "--log")
    assert result.exit_code == 0, result.output
    gaps = traffic["chunks"] - 1
    assert gaps >= 3
    assert traffic["stream_seconds"] >= 0.05 * gaps * 0.9
    # the log line of a stream counts until its last event, delays included
    stream_ms = next(
        int(m.group(5))
        for line in result.stderr.splitlines()
        if (m := LINE.match(line)) and m.group(2) == "/v1/chat/completions"
    )
    assert stream_ms >= 50 * gaps * 0.9


def test_stream_delay_option_is_passed_to_serve(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, Any] = {}

    def fake_serve(port: int, host: str, **kwargs: Any) -> None:
        calls.update(kwargs)
        kwargs["announce"](f"http://{host}:4321/v1")

    monkeypatch.setattr(emulator_package, "serve", fake_serve)
    assert run("emulator", "--stream-delay", "0.2").exit_code == 0
    assert calls["stream_event_delay"] == 0.2 and calls["on_request"] is None
    assert run("emulator", "--stream-delay", "-1").exit_code == 2


def test_python_dash_m_takes_the_same_options(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, Any] = {}
    monkeypatch.setattr(runtime, "serve", lambda port, host, **kw: calls.update(kw))
    assert module_main(["--stream-delay", "0.1", "--log"]) == 0
    assert calls["stream_event_delay"] == 0.1 and callable(calls["on_request"])
