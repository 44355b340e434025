"""A corrupted or hostile catalog cache file falls back with a warning (issue 15):
never a crash, never anything executed; the catalog is the bundled snapshot's."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import httpx2
import pytest

from langchain_gradient import ModelCatalog
from langchain_gradient.catalog.cache import CorruptCacheWarning
from langchain_gradient.catalog.catalog import _cache_name

PRICING_URL = "http://pricing.test/page.md"


def _offline() -> httpx2.Client:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("offline", request=request)

    return httpx2.Client(transport=httpx2.MockTransport(refuse))


def _entry(data: Any) -> str:
    return json.dumps({"saved_at": time.time(), "data": data})  # fresh: would be used as is


MARKER = "/tmp/langchain-gradient-hostile-cache-ran"
HOSTILE = {
    "not-json": "{not json",
    "binary": b"\x80\x04\x95 pickle-ish bytes \x00\xff",
    "a-list": "[1, 2, 3]",
    "data-a-string": json.dumps({"saved_at": time.time(), "data": "x"}),
    "saved-at-nan": '{"saved_at": NaN, "data": {}}',
    "deep": "[" * 100_000 + "]" * 100_000,
    "prices-a-string": _entry({"fetched_at": "2026-01-01", "url": "u", "prices": "oops"}),
    "fetched-at-int": _entry({"fetched_at": 5, "url": "u", "prices": {}}),
    "price-a-string": _entry(
        {
            "fetched_at": "2026-01-01",
            "url": "u",
            "prices": {"llama3.3-70b-instruct": {"input_per_1m": "free"}},
        }
    ),
    "negative-price": _entry(
        {
            "fetched_at": "2026-01-01",
            "url": "u",
            "prices": {"llama3.3-70b-instruct": {"input_per_1m": -1}},
        }
    ),
    "code-in-a-field": _entry(
        {
            "fetched_at": f"__import__('os').system('touch {MARKER}')",
            "url": "u",
            "prices": {
                "llama3.3-70b-instruct": {
                    "input_per_1m": f"__import__('os').system('touch {MARKER}')"
                }
            },
        }
    ),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_bad_cache_file_falls_back_to_the_snapshot_with_a_warning(
    content: str | bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"{_cache_name('pricing', PRICING_URL)}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        catalog = ModelCatalog.load(
            live=True, list_models=False, pricing_url=PRICING_URL, http_client=_offline()
        )
    snapshot = ModelCatalog.from_snapshot()
    model = "llama3.3-70b-instruct"
    assert catalog[model].pricing == snapshot[model].pricing
    assert catalog.origin == "snapshot"
    messages = [str(w.message) for w in caught]
    assert any("nothing is cached" in m or "snapshot" in m for m in messages), messages
    assert any(issubclass(w.category, CorruptCacheWarning) for w in caught), messages
    assert not Path(MARKER).exists()


def test_a_good_cache_file_is_still_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGCHAIN_GRADIENT_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"{_cache_name('pricing', PRICING_URL)}.json"
    prices = {"llama3.3-70b-instruct": {"input_per_1m": 0.11, "output_per_1m": None}}
    path.write_text(
        _entry({"fetched_at": "2026-11-30T00:00:00", "url": PRICING_URL, "prices": prices})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorruptCacheWarning)
        catalog = ModelCatalog.load(
            live=True, list_models=False, pricing_url=PRICING_URL, http_client=_offline()
        )
    assert catalog.origin == "cache"
    assert catalog["llama3.3-70b-instruct"].pricing.input_per_1m == 0.11
