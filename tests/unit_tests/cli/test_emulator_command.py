"""``emulator`` through the entry point: options reach ``serve``, the URL is announced."""

from __future__ import annotations

import json
from typing import Any

import pytest

import langchain_gradient.emulator as emulator_package
from tests.unit_tests.cli.conftest import Run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace ``serve`` with one that announces a URL and returns at once."""
    calls: dict[str, Any] = {}

    def fake_serve(port: int, host: str, **kwargs: Any) -> None:
        calls.update(port=port, host=host, **kwargs)
        kwargs["announce"](f"http://{host}:{port or 43210}/v1")

    monkeypatch.setattr(emulator_package, "serve", fake_serve)
    return calls


def test_options_reach_serve_and_the_url_is_the_first_line(
    run: Run, served: dict[str, Any]
) -> None:
    result = run(
        "emulator",
        "--port",
        "8080",
        "--key",
        "k-123456",
        "--quirks",
        "--error-format",
        "openai",
        "--responses-stream",
        "chunk",
        "--clock-speed",
        "5",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "http://127.0.0.1:8080/v1"
    assert "MODEL_ACCESS_KEY=k-123456" in result.stderr
    assert served["port"] == 8080 and served["quirks"] is True
    assert served["error_format"] == "openai" and served["responses_stream_format"] == "chunk"
    assert served["clock_speed"] == 5.0
    assert list(served["keys"]) == ["k-123456"]


def test_json_is_one_line(run: Run, served: dict[str, Any]) -> None:
    result = run("emulator", "--json")
    info = json.loads(result.stdout.splitlines()[0])
    assert info["base_url"] == "http://127.0.0.1:43210/v1"
    assert info["control_plane"] == "http://127.0.0.1:43210"
    assert served["keys"] is None  # the emulator's default key


@pytest.mark.parametrize("args", [["--port", "-1"], ["--error-format", "xml"]])
def test_bad_arguments(run: Run, served: dict[str, Any], args: list[str]) -> None:
    result = run("emulator", *args)
    assert result.exit_code == 2
    assert not served


def test_knowledge_base_option_reaches_serve(
    run: Run, served: dict[str, Any], tmp_path: Any
) -> None:
    (tmp_path / "a.md").write_text("Refunds within 30 days.", encoding="utf-8")
    result = run("emulator", "--knowledge-base", f"handbook={tmp_path}")
    assert result.exit_code == 0, result.output
    assert served["knowledge_bases"] == {"handbook": str(tmp_path)}


@pytest.mark.parametrize("value", ["handbook", "=x", "handbook=/no/such/folder"])
def test_bad_knowledge_base_option(run: Run, served: dict[str, Any], value: str) -> None:
    result = run("emulator", "--knowledge-base", value)
    assert result.exit_code == 2
    assert "--knowledge-base" in result.output
    assert not served


def test_serve_builds_the_knowledge_bases_with_their_name_as_id(tmp_path: Any) -> None:
    from langchain_gradient import GradientKnowledgeBaseRetriever
    from langchain_gradient.emulator import runtime

    (tmp_path / "refunds.md").write_text("Refunds within 30 days.", encoding="utf-8")
    found: list[Any] = []

    class Stop(Exception):
        pass

    def announce(base_url: str) -> None:
        retriever = GradientKnowledgeBaseRetriever(
            knowledge_base_id="handbook",
            api_token="emulator-control-token",
            endpoint=base_url.removesuffix("/v1"),
        )
        found.extend(retriever.invoke("refunds"))
        raise Stop  # before serve() waits forever

    with pytest.raises(Stop):
        runtime.serve(0, announce=announce, knowledge_bases={"handbook": str(tmp_path)})
    assert found[0].metadata["filename"] == "refunds.md"


def test_knowledge_base_option_says_how_to_point_the_retriever(
    run: Run, served: dict[str, Any], tmp_path: Any
) -> None:
    result = run("emulator", "--knowledge-base", f"handbook={tmp_path}")
    assert "GRADIENT_KBASS_ENDPOINT=http://127.0.0.1:43210" in result.stderr
