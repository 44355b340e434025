"""Whether a cascade ladder can pay for its checks: the selector's verdict before a ladder
is built, and bench/router_eval failing when a ladder offered as saving does not."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from langchain_gradient.selection import select_model
from langchain_gradient.selection.presets import ladder_viability

from .fakes import model_info

ROOT = Path(__file__).parents[3]


def test_the_break_even_escalation_rate_follows_the_price_ratio() -> None:
    verdict = ladder_viability(0.15, 2.50)
    assert verdict.saves and verdict.cost_ratio == pytest.approx(0.06)
    assert verdict.break_even_escalation_rate == pytest.approx(0.94)
    # A judge as dear as the cheap call doubles the cheap side.
    assert ladder_viability(0.15, 2.50, check_cost=0.15).cost_ratio == pytest.approx(0.12)


def test_a_ladder_that_cannot_save_says_so() -> None:
    close = ladder_viability(0.63, 0.65)
    assert not close.saves and close.reason.startswith("no saving possible")
    busy = ladder_viability(0.198, 0.65, escalation_rate=0.35, check_cost=0.2)
    assert not busy.saves and busy.expected_saving is not None and busy.expected_saving < 0.05
    with pytest.raises(ValueError, match="escalation_rate"):
        ladder_viability(1.0, 2.0, escalation_rate=1.5)


def test_the_selector_explains_a_ladder_before_it_is_built() -> None:
    catalog = [model_info("small", 0.2, 0.2), model_info("big", 0.65, 0.65)]
    decision = select_model(input_tokens=1000, catalog=catalog, min_quality=0)
    verdict = decision.ladder_viability("small", "big", escalation_rate=0.35, check_cost=0.0003)
    assert not verdict.saves and "no saving possible" in verdict.reason
    assert decision.ladder_viability("small", "big").saves
    with pytest.raises(ValueError, match="nope"):
        decision.ladder_viability("small", "nope")


@pytest.fixture
def router_eval(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.syspath_prepend(str(ROOT))
    sys.modules.pop("bench.router_eval", None)
    import bench.router_eval as module

    monkeypatch.setattr(module, "RESULTS", tmp_path / "router_eval.json")
    return module


def test_router_eval_marks_the_llama_ladder_as_not_saving(router_eval: Any) -> None:
    report = router_eval.main(["--tasks", "100"])
    by_key = {entry["key"]: entry for entry in report["scenarios"]}
    assert by_key["A"]["saves"] and by_key["A"]["claims_saving"]
    assert not by_key["B"]["saves"] and not by_key["B"]["claims_saving"]
    assert by_key["B"]["viability"]["reason"].startswith("no saving possible")
    assert report["not_saving"] == ["B"] and report["passed"] is True


def test_router_eval_fails_when_a_claimed_saving_is_missing(
    router_eval: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    claimed = tuple(dataclasses.replace(s, claims_saving=True) for s in router_eval.SCENARIOS)
    monkeypatch.setattr(router_eval, "SCENARIOS", claimed)
    report = router_eval.main(["--tasks", "100"])
    assert report["claimed_but_not_saving"] == ["B"]
    assert report["passed"] is False
