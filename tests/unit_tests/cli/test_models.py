"""``models`` against the emulator: live ids merged with the catalog, per key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit_tests.cli.conftest import WRONG_KEY, Run, assert_clean_failure


def test_json_lists_live_models_with_catalog_facts(run: Run, emulator: Any) -> None:
    result = run("models", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    llama = rows["llama3.3-70b-instruct"]
    assert llama["available"] is True
    assert llama["context_window"] and llama["pricing"]["input_per_1m"] > 0
    assert "tools" in llama["capabilities"]


def test_filter_is_a_case_insensitive_substring(run: Run, emulator: Any) -> None:
    rows = json.loads(run("models", "--filter", "LLAMA", "--json").stdout)
    assert rows and all("llama" in row["id"].lower() for row in rows)


def test_scoped_key_marks_catalog_models_it_cannot_use(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_gradient.emulator import KeyPolicy

    emulator.add_key("scoped-key-123456", KeyPolicy(models=["llama3.3-70b-instruct"]))
    monkeypatch.setenv("MODEL_ACCESS_KEY", "scoped-key-123456")
    rows = {row["id"]: row for row in json.loads(run("models", "--json").stdout)}
    assert rows["llama3.3-70b-instruct"]["available"] is True
    assert rows["openai-gpt-oss-120b"]["available"] is False
    usable = json.loads(run("models", "--available", "--json").stdout)
    assert [row["id"] for row in usable] == ["llama3.3-70b-instruct"]
    table = run("models", "--filter", "gpt-oss-120b")
    assert "openai-gpt-oss-120b" in table.stdout
    row = next(line for line in table.stdout.splitlines() if "openai-gpt-oss-120b" in line)
    assert row.split()[-1] == "no"


def test_table_for_people(run: Run, emulator: Any) -> None:
    result = run("models", "--filter", "llama3.3")
    assert result.exit_code == 0, result.output
    assert "llama3.3-70b-instruct" in result.stdout
    assert "$0.65 / $0.65" in result.stdout
    assert emulator.api_key not in result.output


def test_missing_key_names_every_variable(run: Run) -> None:
    result = run("models")
    assert_clean_failure(result, "MODEL_ACCESS_KEY", "GRADIENT_API_KEY")


def test_wrong_key_is_a_401_and_the_key_is_never_printed(
    run: Run, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_ACCESS_KEY", WRONG_KEY)
    result = run("models")
    assert_clean_failure(result, "401", "MODEL_ACCESS_KEY")
    debug = run("models", "--debug")
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr
    assert WRONG_KEY not in result.output + debug.output
