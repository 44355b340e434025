"""A failed live fetch is remembered for a while: offline runs fall back quietly.

Issue 18, item 5: every offline ``pricing`` run used to print the same multi-line
ConnectError warning, because a failure was never remembered.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import pytest

from langchain_gradient.catalog.catalog import (
    FAILED_FETCH_RETRY_SECONDS,
    StaleFiguresWarning,
)

from .test_catalog import FakeDO, age_cache, load, page_with


def failure_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("*-failed.json"))


def test_a_failure_warns_once_then_later_loads_fall_back_without_a_request(
    isolated_env: Path,
) -> None:
    first = FakeDO(fail=True)
    with pytest.warns(StaleFiguresWarning, match="network is down"):
        catalog = load(first)
    assert first.requests and catalog.live_failure is None  # tried now, and said so
    [memo] = [p for p in failure_files(isolated_env) if p.name.startswith("pricing-")]
    raw = json.loads(memo.read_text())
    assert "ConnectError" in raw["data"]["error"] and raw["saved_at"] <= time.time()
    assert not list(isolated_env.glob(".lcg-*"))  # written atomically: no temp file left

    again = FakeDO(fail=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # quiet: no second warning
        catalog = load(again)
    assert again.requests == []  # neither the pricing page nor /v1/models was tried
    assert catalog.origin == "snapshot"
    assert catalog.live_failure is not None and "network is down" in catalog.live_failure
    assert "min ago" in catalog.live_failure
    assert catalog["llama3.3-70b-instruct"].pricing.input_per_1m == 0.65


def test_refresh_forces_a_try_and_success_forgets_the_failure(isolated_env: Path) -> None:
    with pytest.warns(StaleFiguresWarning):
        load(FakeDO(fail=True))
    with pytest.warns(StaleFiguresWarning):
        load(FakeDO(fail=True), refresh=True)  # tried (and failed) again
    online = FakeDO(page=page_with("$0.70 per 1M tokens"))
    catalog = load(online, refresh=True)
    assert online.requests and catalog.origin == "live" and catalog.live_failure is None
    assert failure_files(isolated_env) == []
    assert catalog["llama3.3-70b-instruct"].pricing.input_per_1m == 0.70


def test_the_memory_expires(isolated_env: Path) -> None:
    with pytest.warns(StaleFiguresWarning):
        load(FakeDO(fail=True))
    for path in failure_files(isolated_env):
        raw = json.loads(path.read_text())
        raw["saved_at"] = time.time() - FAILED_FETCH_RETRY_SECONDS - 1
        path.write_text(json.dumps(raw))
    later = FakeDO(page=page_with("$0.70 per 1M tokens"))
    catalog = load(later)
    assert later.requests and catalog.origin == "live"


def test_a_remembered_failure_keeps_serving_the_stale_cache_quietly(isolated_env: Path) -> None:
    load(FakeDO(page=page_with("$0.70 per 1M tokens")))
    age_cache(isolated_env, days=2)
    with pytest.warns(StaleFiguresWarning, match="using cached figures"):
        load(FakeDO(fail=True))
    quiet = FakeDO(fail=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        catalog = load(quiet)
    assert quiet.requests == [] and catalog.origin == "cache"
    assert catalog.live_failure is not None
    assert catalog["llama3.3-70b-instruct"].pricing.input_per_1m == 0.70
