"""At 80 columns no table splits an id, a date or a price, and setup lines paste whole.

Each test renders through the real entry point with ``COLUMNS=80`` (what a piped
run or a narrow terminal gets) and checks every value the ``--json`` form gives
appears whole on its row, and that no line is wider than the terminal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.cells import cell_len

import langchain_gradient.emulator as emulator_package
from langchain_gradient.cli._output import Column, format_usd, plan_columns
from langchain_gradient.cli.demo import short_media
from tests.unit_tests.cli.conftest import Run


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def assert_fits(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


def row_of(text: str, model_id: str) -> str:
    """The table line that starts with ``model_id`` (whole, not split)."""
    rows = [line for line in text.splitlines() if line.split(" ", 1)[0] == model_id]
    assert rows, f"{model_id!r} is not whole on any line"
    return rows[0]


def test_pricing_keeps_every_id_price_and_date_whole(run: Run) -> None:
    data = json.loads(run("pricing", "--json").stdout)
    result = run("pricing")
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    for model in data["models"]:
        row = row_of(result.stdout, model["id"])
        if model["date"]:
            assert model["date"] in row
        for name in ("input_per_1m", "output_per_1m", "cache_read_per_1m"):
            if name in model["pricing"]:
                assert format_usd(model["pricing"][name]) in row.split()
    # what did not fit is named, not silently cut
    assert "Hidden at 80 columns: source (see --json)." in result.stdout


def test_wider_terminal_shows_the_source_column(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    result = run("pricing")
    assert "Hidden at" not in result.stdout
    assert "do_pricing_2025_11" in result.stdout


def test_models_keeps_ids_and_prices_whole(run: Run, emulator: Any) -> None:
    data = json.loads(run("models", "--json").stdout)
    result = run("models")
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)
    for model in data:
        row = row_of(result.stdout, model["id"])
        price = model["pricing"].get("input_per_1m")
        if price is not None:
            assert format_usd(price) in row.split()


def test_demo_cost_table_keeps_ids_and_costs_whole(run: Run) -> None:
    steps = ("--only", "agent", "--only", "fal")
    data = json.loads(run("demo", *steps, "--json").stdout)
    result = run("demo", *steps)
    assert result.exit_code == 0, result.output
    table = result.stdout.split("What this demo cost", 1)[1]
    assert_fits(table)
    for row in data["costs"]:
        line = row_of(table, row["model"])
        assert format_usd(row["cost_usd"]) in line.split()
        assert str(row["input_tokens"]) in line.split()
        if row["media"]:  # a fal job's megapixels, on its row, in the table's short unit
            assert short_media(row["media"]) in line
    assert any(row["media"] for row in data["costs"])


def test_emulator_setup_lines_paste_whole(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # narrower than the lines themselves

    def fake_serve(port: int, host: str, **kwargs: Any) -> None:
        kwargs["announce"]("http://emulator.internal.example:43210/v1")

    monkeypatch.setattr(emulator_package, "serve", fake_serve)
    result = run("emulator", "--key", "k-long-emulator-key-123456")
    exports = [line for line in result.stderr.splitlines() if "export" in line]
    assert exports == [
        "export INFERENCE_ENDPOINT=http://emulator.internal.example:43210/v1",
        "export MODEL_ACCESS_KEY=k-long-emulator-key-123456",
        "export DIGITALOCEAN_API_BASE=http://emulator.internal.example:43210",
        "export DIGITALOCEAN_TOKEN=emulator-control-token",
    ]


def test_plan_shrinks_text_then_elides_then_hides() -> None:
    columns = [
        Column("id"),
        Column("note", kind="text"),
        Column("src", kind="elide", drop=1),
    ]
    rows = [["model-a", "a few words here", "a-long-source-name"]]
    shown, widths = plan_columns(columns, rows, 80)
    assert shown == [0, 1, 2] and widths == [7, 16, 18]
    shown, widths = plan_columns(columns, rows, 30)
    assert shown == [0, 1, 2] and widths[0] == 7 and widths[1] == 5  # "words"
    shown, widths = plan_columns(columns, rows, 20)
    assert shown == [0, 1] and widths[0] == 7
