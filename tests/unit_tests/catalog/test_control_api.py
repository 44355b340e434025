"""ModelCatalog reads /v2/gen-ai/models/catalog with a DigitalOcean API token (before the
pricing page), falls back with dates, and reads Inference Router presets the selector
can rank against direct models."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from langchain_gradient import ModelCatalog
from langchain_gradient.catalog.catalog import StaleFiguresWarning
from langchain_gradient.catalog.control_api import (
    API_CATALOG_SOURCE,
    ControlAPIError,
    load_router_presets,
    resolve_do_token,
)
from langchain_gradient.emulator import GradientEmulator
from langchain_gradient.selection import select_model
from langchain_gradient.selection.presets import ROUTER_ASSUMPTION


@pytest.fixture(scope="module")
def emulator() -> Iterator[GradientEmulator]:
    routers = {"support": {"chat": "llama3.3-70b-instruct", "reason": "openai-gpt-oss-120b"}}
    with GradientEmulator(routers=routers) as running:
        yield running


@pytest.fixture(autouse=True)
def no_token_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DIGITALOCEAN_API_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def load(emulator: GradientEmulator, **kwargs: object) -> ModelCatalog:
    return ModelCatalog.load(
        live=True,
        list_models=False,
        refresh=True,
        api_base=emulator.origin,
        pricing_url="http://127.0.0.1:9/unreachable",
        **kwargs,  # type: ignore[arg-type]
    )


def test_api_prices_come_first_with_their_date_and_source(emulator: GradientEmulator) -> None:
    catalog = load(emulator, do_token=emulator.control_token)
    snapshot = ModelCatalog.load()
    assert catalog.origin == "live_api"
    info = catalog["llama3.3-70b-instruct"]
    # The emulator serves the bundled figures, so the values agree; the source is the API.
    assert info.pricing.input_per_1m == snapshot["llama3.3-70b-instruct"].pricing.input_per_1m
    assert info.sources["pricing.input_per_1m"].source == API_CATALOG_SOURCE
    assert info.sources["context_window"].source == API_CATALOG_SOURCE
    assert catalog.figures_date == info.sources["pricing"].date
    assert {p.model_id for p in catalog.router_presets} >= {"router:default", "router:support"}


@pytest.mark.parametrize(
    "name", ["DIGITALOCEAN_API_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN"]
)
def test_the_token_is_read_from_the_environment(
    emulator: GradientEmulator, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, emulator.control_token)
    assert load(emulator).origin == "live_api"


def test_a_refused_token_falls_back_to_the_page_then_the_snapshot_with_dates(
    emulator: GradientEmulator,
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        catalog = load(emulator, do_token="dop_v1_wrong")
    messages = [str(w.message) for w in caught if issubclass(w.category, StaleFiguresWarning)]
    assert any("/v2/gen-ai/models/catalog" in m and "401" in m for m in messages)
    assert any("snapshot's figures dated" in m for m in messages)
    assert catalog.origin == "snapshot"
    assert catalog.figures_date == ModelCatalog.load().figures_date
    assert all("dop_v1_wrong" not in m for m in messages)


def test_without_a_token_nothing_asks_the_control_plane(emulator: GradientEmulator) -> None:
    assert resolve_do_token(None) is None
    emulator.request_log.clear()
    with pytest.warns(StaleFiguresWarning):
        load(emulator)
    assert emulator.request_log.records(path="/v2/gen-ai/models/catalog") == []
    with pytest.raises(ControlAPIError, match="DIGITALOCEAN_API_TOKEN"):
        load_router_presets(api_base=emulator.origin)


def test_router_presets_rank_against_direct_models_under_a_stated_assumption(
    emulator: GradientEmulator,
) -> None:
    catalog = load(emulator, do_token=emulator.control_token)
    decision = select_model(input_tokens=1000, catalog=catalog, routers=True, min_quality=0)
    ranked = {candidate.id: candidate for candidate in decision.ranked}
    support = ranked["router:support"]
    # Priced at its dearer model, rated at its weaker one.
    members = [catalog["llama3.3-70b-instruct"], catalog["openai-gpt-oss-120b"]]
    assert support.model.pricing.input_per_1m == max(m.pricing.input_per_1m or 0 for m in members)
    assert support.model.pricing.output_per_1m == max(m.pricing.output_per_1m or 0 for m in members)
    assert ROUTER_ASSUMPTION in decision.notes
    # Without routers=..., a router is never chosen by surprise.
    plain = select_model(input_tokens=1000, catalog=catalog, min_quality=0)
    assert not any(c.id.startswith("router:") for c in plain.ranked)
