"""``select``: ranked candidates with estimated cost, and every rejection with its reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import WRONG_KEY, Run, assert_clean_failure


def test_json_ranks_by_cost_and_gives_every_rejection_reason(run: Run) -> None:
    result = run(
        "select", "--prompt", "Summarize this contract", "--tools", "--max-cost", "0.001", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    costs = [c["estimated_cost"] for c in data["ranked"]]
    assert data["chosen"] == data["ranked"][0]["id"]
    assert costs and all(cost <= 0.001 for cost in costs)
    assert "estimated $" in data["rejected"]["anthropic-claude-opus-4.5"]
    assert "kind is 'embedding'" in data["rejected"]["bge-m3"]


def test_people_output_has_both_tables(run: Run) -> None:
    result = run("select", "--input-tokens", "2000", "--min-context", "100000", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "(chosen)" in result.stdout
    assert "rejected because" in result.stdout
    assert "context window" in result.stdout


def test_nothing_fits_warns(run: Run) -> None:
    result = run("select", "--input-tokens", "10", "--max-cost", "0", "--json")
    data = json.loads(result.stdout)
    assert data["chosen"] is None and data["ranked"] == []
    assert run("select", "--input-tokens", "10", "--max-cost", "0").stderr.count("no model fits")


def test_live_only_uses_this_keys_listing(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_gradient.emulator import KeyPolicy

    emulator.add_key("scoped-key-123456", KeyPolicy(models=["llama3.3-70b-instruct"]))
    monkeypatch.setenv("MODEL_ACCESS_KEY", "scoped-key-123456")
    data = json.loads(run("select", "--input-tokens", "100", "--live", "--json").stdout)
    assert data["chosen"] == "llama3.3-70b-instruct"
    assert "openai-gpt-oss-120b" in data["rejected"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one of"),
        (["--prompt", "x", "--input-tokens", "3"], "exactly one of"),
        (["--input-tokens", "-1"], "--input-tokens"),
        (["--input-tokens", "1", "--tier", "huge"], "--tier"),
    ],
)
def test_bad_arguments(run: Run, args: list[str], message: str) -> None:
    result = run("select", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_live_needs_a_key_and_a_valid_one(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODEL_ACCESS_KEY")
    assert_clean_failure(run("select", "--input-tokens", "1", "--live"), "MODEL_ACCESS_KEY")
    monkeypatch.setenv("MODEL_ACCESS_KEY", WRONG_KEY)
    result = run("select", "--input-tokens", "1", "--live", "--debug")
    assert result.exit_code == 1 and "401" in result.stderr
    assert WRONG_KEY not in result.output


def test_stale_prices_are_said_once(run: Run) -> None:
    import datetime as dt

    from langchain_gradient.catalog.snapshot import load_snapshot
    from langchain_gradient.selection import selector

    selector._stale_warned.clear()  # as in a new process: the warning is due
    figures = dt.date.fromisoformat(str(load_snapshot().figures_date))
    stale = (dt.datetime.now(dt.timezone.utc).date() - figures).days > 60
    for _ in range(2):  # the second run in this process has no warning, only the note
        result = run("select", "--input-tokens", "100", "--top", "1")
        assert result.exit_code == 0, result.output
        said = " ".join(result.stderr.split())
        assert said.count("days old") == (1 if stale else 0), result.stderr


def test_structured_output_counts_tool_calling_and_shows_the_method(run: Run) -> None:
    wanted = ("--allow", "anthropic-claude-4.5-haiku", "--allow", "llama3.3-70b-instruct")
    data = json.loads(
        run("select", "--input-tokens", "100", "--structured-output", *wanted, "--json").stdout
    )
    assert data["rejected"] == {} or all("allow list" in r for r in data["rejected"].values())
    methods = {c["id"]: c["structured_output_method"] for c in data["ranked"]}
    assert methods == {
        "anthropic-claude-4.5-haiku": "function_calling",
        "llama3.3-70b-instruct": "function_calling",
    }
    people = run("select", "--input-tokens", "100", "--structured-output", *wanted)
    assert "method" in people.stdout and "function_calling" in people.stdout
