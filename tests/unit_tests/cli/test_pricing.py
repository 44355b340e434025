"""``pricing``: no key needed, a 24 h cache, a dated snapshot fallback, always labelled."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.unit_tests.cli.conftest import Run

FIXTURES = Path(__file__).parents[1] / "catalog" / "fixtures"


@pytest.fixture
def pricing_url() -> Iterator[str]:
    """DigitalOcean's pricing page (the catalog's saved copy) served on loopback."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(FIXTURES))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pricing_page.md"
    finally:
        server.shutdown()
        server.server_close()


def test_live_page_then_cache(run: Run, pricing_url: str) -> None:
    first = json.loads(run("pricing", "--pricing-url", pricing_url, "--json").stdout)
    assert first["origin"] == "live"
    assert first["age_days"] == 0
    gpt = {m["id"]: m for m in first["models"]}["openai-gpt-oss-120b"]
    assert gpt["source"] == "do_pricing_page_live"
    assert gpt["pricing"]["input_per_1m"] > 0
    second = json.loads(run("pricing", "--pricing-url", pricing_url, "--json").stdout)
    assert second["origin"] == "cache"
    fresh = json.loads(run("pricing", "--pricing-url", pricing_url, "--no-cache", "--json").stdout)
    assert fresh["origin"] == "live"


def test_filter_and_table(run: Run, pricing_url: str) -> None:
    result = run("pricing", "--model", "gpt-oss", "--pricing-url", pricing_url)
    assert result.exit_code == 0, result.output
    assert "openai-gpt-oss-120b" in result.stdout
    assert "llama" not in result.stdout
    assert "fetched just now" in result.stdout


def test_unreachable_page_falls_back_to_the_dated_snapshot(run: Run) -> None:
    result = run("pricing", "--pricing-url", "http://127.0.0.1:9/pricing", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["origin"] == "snapshot"
    assert data["figures_date"] and data["age_days"] >= 0
    assert any("Could not refresh" in w for w in data["warnings"])
    people = run(
        "pricing", "--pricing-url", "http://127.0.0.1:9/pricing", "--model", "llama", "--refresh"
    )
    assert "bundled snapshot" in people.stdout
    assert "Warning: Could not refresh" in people.stderr


def test_an_offline_run_warns_once_then_stays_quiet_until_refresh(run: Run) -> None:
    offline = ("pricing", "--pricing-url", "http://127.0.0.1:9/pricing", "--model", "llama")
    first = run(*offline)
    assert first.exit_code == 0 and "Warning: Could not refresh" in first.stderr
    second = run(*offline)
    assert second.exit_code == 0, second.output
    assert second.stderr == ""  # the failure is remembered: no request, no warning
    assert "bundled snapshot" in second.stdout
    assert "--refresh tries now" in " ".join(second.stdout.split())
    data = json.loads(run(*offline, "--json").stdout)
    assert data["warnings"] == [] and "ConnectError" in data["live_failure"]
    forced = run(*offline, "--refresh")
    assert "Warning: Could not refresh" in forced.stderr
    assert "--refresh" in run("pricing", "--help").stdout


def test_no_match_warns(run: Run) -> None:
    result = run("pricing", "--model", "no-such-model-xyz", "--pricing-url", "http://127.0.0.1:9/p")
    assert result.exit_code == 0
    assert "no priced model matches" in result.stderr
