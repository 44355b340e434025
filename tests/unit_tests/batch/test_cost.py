"""Batch results are counted at batch prices; while no source states them, as unknown."""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import httpx2
import pytest

from langchain_gradient import ModelCatalog, estimate_cost, get_gradient_callback
from langchain_gradient.batch import submit_batch
from langchain_gradient.callbacks import UnknownCostWarning
from langchain_gradient.catalog.batch_pricing import (
    UNKNOWN_BATCH_PRICE,
    batch_price_source,
    load_batch_prices,
)
from langchain_gradient.catalog.models import Pricing
from langchain_gradient.emulator.contract import check_response
from tests.unit_tests.batch.helpers import OPENAI, Sum, client, llm, responses_llm

USAGE = {"input_tokens": 1_000_000, "output_tokens": 2_000_000, "total_tokens": 3_000_000}


def test_no_snapshot_model_has_a_batch_price_and_the_source_says_why() -> None:
    catalog = ModelCatalog.load()
    assert all(info.batch_pricing is None for info in catalog)
    source = batch_price_source(catalog[OPENAI])
    assert source is UNKNOWN_BATCH_PRICE and "§13.2" in source.source
    assert "publishes no discount" in (source.note or "")


def test_estimate_cost_of_a_batch_request_is_unknown_never_the_real_time_price() -> None:
    realtime = estimate_cost(OPENAI, USAGE)
    batch = estimate_cost(OPENAI, USAGE, batch=True)
    assert realtime.total_usd is not None
    assert batch.total_usd is None and not batch.known
    assert "no batch price known" in batch.notes[0] and "real-time prices are not" in batch.notes[0]
    assert batch.total_input_tokens == 1_000_000 and batch.output_tokens == 2_000_000


def test_estimate_cost_uses_the_batch_price_when_one_is_known() -> None:
    info = replace(
        ModelCatalog.load()[OPENAI], batch_pricing=Pricing(input_per_1m=0.1, output_per_1m=0.3)
    )
    assert estimate_cost(info, USAGE, batch=True).total_usd == pytest.approx(0.1 + 2 * 0.3)
    assert estimate_cost(info, USAGE).total_usd != pytest.approx(0.7)  # real time unchanged


def card(model_id: str) -> dict[str, Any]:
    """A catalog card shaped as the contract's ``genai_get_model_catalog_card`` says,
    with made-up figures (no source states DigitalOcean's batch prices)."""
    variant = {"currency": "USD", "label": "Standard", "tier": "MODEL_PRICING_TIER_STANDARD"}
    return {
        "data": {
            "model_id": model_id,
            "pricing_detail": {
                "variants": [
                    {
                        **variant,
                        "mode": "MODEL_BILLING_MODE_INTERACTIVE",
                        "prices": {"input_price_per_million": 9, "output_price_per_million": 9},
                    },
                    {
                        **variant,
                        "tier": "MODEL_PRICING_TIER_FAST_MODE",
                        "mode": "MODEL_BILLING_MODE_BATCH",
                        "prices": {"input_price_per_million": 7, "output_price_per_million": 7},
                    },
                    {
                        **variant,
                        "mode": "MODEL_BILLING_MODE_BATCH",
                        "prices": {"input_price_per_million": 0.5, "output_price_per_million": 2},
                    },
                ]
            },
        }
    }


def test_load_batch_prices_reads_the_cards_batch_variant() -> None:
    seen: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.url.path)
        assert request.headers["authorization"] == "Bearer dop_v1_test"
        return httpx2.Response(200, json=card(request.url.params["model_id"]))

    body = card(OPENAI)
    assert check_response("GET", f"/v2/gen-ai/models/catalog/{OPENAI}", 200, body) is None
    with httpx2.Client(transport=httpx2.MockTransport(answer)) as http:
        catalog = load_batch_prices(
            ModelCatalog.load(),
            [OPENAI],
            do_token="dop_v1_test",
            api_base="http://do",
            http_client=http,
        )
    assert seen == [f"/v2/gen-ai/models/catalog/{OPENAI}"]
    info = catalog[OPENAI]
    assert info.batch_pricing == Pricing(input_per_1m=0.5, output_per_1m=2.0)
    assert batch_price_source(info).source == "do_catalog_api_live"
    assert estimate_cost(OPENAI, USAGE, catalog=catalog, batch=True).total_usd == 4.5


def test_load_batch_prices_over_the_emulator_finds_none(gradient_emulator: Any) -> None:
    catalog = load_batch_prices(
        ModelCatalog.load(),
        [OPENAI],
        do_token=gradient_emulator.control_token,
        api_base=gradient_emulator.origin,
    )
    assert catalog[OPENAI].batch_pricing is None  # the emulator invents no batch price


def test_callback_counts_batch_results_as_unknown_cost_with_one_warning(emu: Any) -> None:
    job = submit_batch(llm(emu), ["What is 1 + 1?", "What is 2 + 2?"], client=client(emu))
    job.wait(timeout=60)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with get_gradient_callback() as cb:
            out = job.results()
            job.results()  # read twice: counted once
    unknown = [w for w in caught if issubclass(w.category, UnknownCostWarning)]
    assert len(unknown) == 1 and "Batch cost" in str(unknown[0].message)
    totals = cb.per_model[OPENAI]
    assert totals.requests == totals.batch_requests == 2
    assert cb.cost_partial and cb.unpriced_models == [OPENAI] and cb.total_cost == 0.0
    assert cb.prompt_tokens == sum(m.usage_metadata["input_tokens"] for m in out)
    assert cb.completion_tokens == sum(m.usage_metadata["output_tokens"] for m in out)


def test_callback_prices_batch_results_with_batch_prices(emu: Any) -> None:
    base = ModelCatalog.load()
    priced = replace(base[OPENAI], batch_pricing=Pricing(input_per_1m=1.0, output_per_1m=4.0))
    catalog = ModelCatalog(
        {**{m.id: m for m in base}, OPENAI: priced}, figures_date=base.figures_date
    )
    model = responses_llm(emu).with_structured_output(Sum)
    expected = model.invoke("What is 1 + 1?")
    job = submit_batch(model, ["What is 1 + 1?"], client=client(emu)).wait(timeout=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownCostWarning)
        with get_gradient_callback(catalog=catalog) as cb:
            (parsed,) = job.results()
    assert parsed == expected and isinstance(parsed, Sum)
    assert not cb.cost_partial and cb.per_model[OPENAI].batch_requests == 1
    expected = (cb.prompt_tokens * 1.0 + cb.completion_tokens * 4.0) / 1_000_000
    assert cb.prompt_tokens > 0 and cb.total_cost == pytest.approx(expected)


def test_no_tracker_no_cost_work_and_no_warning(emu: Any) -> None:
    job = submit_batch(llm(emu), ["a"], client=client(emu)).wait(timeout=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownCostWarning)
        job.results()


def test_load_batch_prices_needs_a_do_token(monkeypatch: Any) -> None:
    from langchain_gradient.catalog.control_api import TOKEN_ENV_VARS, ControlAPIError

    for name in TOKEN_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ControlAPIError, match="batch prices needs a DigitalOcean API token"):
        load_batch_prices(ModelCatalog.load(), [OPENAI])
