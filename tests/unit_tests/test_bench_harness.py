"""The benchmark harness's arithmetic: the order clients run in and how ratios are formed.

A wrong order or a ratio of pooled means would bias every published figure, so these
pin the two properties the figures rely on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench._harness import ROOT, interleave, round_ratios, spread


def test_interleave_alternates_call_by_call_and_rotates_each_round() -> None:
    order: list[str] = []
    clients = {name: (lambda name=name: order.append(name) or name) for name in "abc"}
    samples = interleave(clients, rounds=3, calls=2)
    assert "".join(order) == "abcabc" + "bcabca" + "cabcab"
    assert samples["b"] == [["b", "b"]] * 3


def test_round_ratios_is_the_median_of_per_round_ratios_not_a_ratio_of_totals() -> None:
    # Round 3 ran on a machine ten times slower: a ratio of totals would be dominated by
    # it (46 / 41.1 = 1.12); the per-round ratios are 1.1, 1.2, 1.0 -> median 1.1.
    samples = {"sdk": [1.0, 0.1, 40.0], "client": [1.1, 0.12, 40.0]}
    assert round_ratios(samples, "client", "sdk") == pytest.approx(1.1)


def test_spread_reports_median_and_deciles_scaled() -> None:
    figures = spread([0.001 * v for v in range(1, 12)], scale=1000)
    assert figures == {"median": 6.0, "p10": 2.0, "p90": 10.0, "n": 11}


# --- targets: a miss fails `python -m bench` ---------------------------------------


def test_checks_record_value_limit_and_verdict() -> None:
    from bench._harness import Checks, missed_targets

    checks = Checks("demo")
    assert checks.at_most("wall", 0.9, 1.0) and not checks.at_least("rps", 10, 1000)
    result = checks.result()
    assert result["passed"] is False
    assert missed_targets(result) == ["rps (10 >= 1000.0)"]


def test_missed_targets_reads_every_verdict_convention() -> None:
    from bench._harness import missed_targets

    assert missed_targets({"passed": True}) == []
    assert missed_targets({"meets_target": False}) == ["passed=false"]
    assert missed_targets({"rows": [{"statement": "import x", "passed": False}]}) == ["import x"]
    assert missed_targets(0) == [] and missed_targets(1) == ["exit code 1"]


def test_bench_main_exits_nonzero_naming_the_missed_target(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys
    import types

    import bench.__main__ as runner
    from bench._harness import Checks

    def impossible() -> dict[str, object]:
        checks = Checks("impossible")
        checks.at_most("seconds", 0.5, 0.0)  # nothing takes no time at all
        return checks.result()

    def possible() -> dict[str, object]:
        checks = Checks("possible")
        checks.at_most("seconds", 0.5, 1.0)
        return checks.result()

    for name, main in (("impossible", impossible), ("possible", possible)):
        module = types.ModuleType(f"bench.{name}")
        module.main = main  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"bench.{name}", module)
    monkeypatch.setattr(runner, "benchmark_modules", lambda: ["impossible", "possible"])
    assert runner.main(["possible"]) == 0
    assert runner.main([]) == 1
    out = capsys.readouterr().out
    assert "MISSED target(s) in bench.impossible: seconds (0.5 <= 0.0)" in out
    assert "bench.possible:" not in out


def test_python_m_bench_fails_on_an_impossible_target_of_a_real_module(tmp_path: Path) -> None:
    """`make bench` is `python -m bench`: a real module run with a target nothing can
    meet (BENCH_TARGETS) must exit non-zero and say which target it missed."""
    env = {
        **os.environ,
        "BENCH_TARGETS": json.dumps({"responses_state.ratio": 0.0}),
        "BENCH_RESULTS_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench", "responses_state"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "MISSED target(s) in bench.responses_state: ratio (" in run.stdout
    written = json.loads((tmp_path / "responses_state.json").read_text())
    assert written["checks"] == {"ratio": False}
    assert written["machine"]["packages"]["langchain-core"]


def test_compile_sources_leaves_bytecode_an_import_can_use(tmp_path: Path) -> None:
    """Import timings read .pyc files even where PYTHONDONTWRITEBYTECODE is set."""
    import importlib.util

    from bench._harness import compile_sources

    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "mod.py"
    source.write_text("VALUE = 1\n")
    compile_sources(tmp_path / "pkg")
    assert Path(importlib.util.cache_from_source(str(source))).is_file()
