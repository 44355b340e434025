"""docs/performance.md is generated from bench/results/*.json and matches them.

A page edited by hand, or results committed without regenerating it, fails here:
run ``python -m bench.report`` after a benchmark run.
"""

from __future__ import annotations

import copy

from bench import report


def test_committed_performance_page_matches_the_committed_results() -> None:
    assert report.DOC.read_text() == report.render(), (
        "docs/performance.md is out of date with bench/results/*.json: "
        "run `.venv/bin/python -m bench.report`"
    )


def test_page_shows_each_results_file_with_its_versions_and_verdicts() -> None:
    results = report.load_results()
    page = report.render(results)
    for name, result in results.items():
        assert f"`{name}`" in page
        packages = (result.get("machine") or {}).get("packages") or {}
        if packages.get("langchain-core"):
            assert f"langchain-core {packages['langchain-core']}" in page


def test_a_missed_target_in_the_results_shows_as_missed() -> None:
    results = copy.deepcopy(report.load_results())
    name = next(n for n, r in results.items() if r.get("check_details"))
    check = next(iter(results[name]["checks"]))
    results[name]["checks"][check] = False
    results[name]["passed"] = False
    row = next(
        line for line in report.render(results).splitlines() if f"| `{name}` | {check} |" in line
    )
    assert row.endswith("**MISSED** |")
