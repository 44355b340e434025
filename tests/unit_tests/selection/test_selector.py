"""select_model: hard constraints with reasons, cost arithmetic, ranking, Pareto front."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from langchain_core.messages import HumanMessage

from langchain_gradient.selection import Requirements, StaleCatalogWarning, select_model
from langchain_gradient.selection.estimate import estimate_input_tokens, max_input_tokens

from .fakes import model_info

TODAY = dt.date(2026, 11, 21)


def catalog() -> list:
    return [
        model_info("tiny", 0.05, 0.10, tier="small", tools=True),
        model_info("mid", 0.30, 0.60, tier="medium", tools=True, structured_output=True),
        model_info(
            "big", 2.00, 8.00, tier="large", tools=True, structured_output=True, vision=True
        ),
        model_info("pricey-same", 3.00, 9.00, tier="medium", tools=True),
        model_info("embed", 0.01, 0.0, kind="embedding"),
        model_info("no-price", None, None, tier="large", tools=True),
        model_info("short", 0.01, 0.01, tier="small", context_window=4096),
    ]


def test_every_model_is_either_ranked_or_rejected_with_a_reason() -> None:
    decision = select_model(
        input_tokens=1000, catalog=catalog(), require=Requirements(structured_output=True)
    )
    ranked = {c.id for c in decision.ranked}
    assert ranked | set(decision.rejected) == {m.id for m in catalog()}
    assert not ranked & set(decision.rejected)
    assert decision.rejected["tiny"] == (
        "lacks structured_output (neither forced tool calling nor JSON-schema output)"
    )
    assert decision.rejected["embed"] == "kind is 'embedding', not 'chat'"
    assert decision.rejected["no-price"].startswith("lacks structured_output")
    assert decision.chosen == "mid"


def test_unknown_price_is_rejected_not_treated_as_free() -> None:
    decision = select_model(input_tokens=10, catalog=[model_info("no-price", None, None)])
    assert decision.chosen is None
    assert "price unknown" in decision.rejected["no-price"]


def test_cost_is_input_times_price_plus_output_times_price_plus_cache_terms() -> None:
    info = model_info("cached", 1.0, 4.0, cache_read=0.1, cache_write=1.25)
    decision = select_model(
        input_tokens=10_000,
        expected_output_tokens=1_000,
        cached_input_tokens=6_000,
        cache_write_tokens=2_000,
        catalog=[info],
    )
    # fresh 2,000 x $1 + read 6,000 x $0.10 + write 2,000 x $1.25 + out 1,000 x $4, per 1M
    expected = (2_000 * 1.0 + 6_000 * 0.1 + 2_000 * 1.25 + 1_000 * 4.0) / 1e6
    assert decision.ranked[0].estimated_cost == pytest.approx(expected)


def test_over_budget_models_are_rejected_with_the_figures() -> None:
    decision = select_model(
        input_tokens=100_000,
        expected_output_tokens=4_000,
        catalog=catalog(),
        max_cost_per_request=0.01,
        require=Requirements(tools=True),
    )
    # big: 100k x $2 + 4k x $8, per 1M = $0.232 > $0.01
    assert decision.rejected["big"] == "estimated $0.232000 > max_cost_per_request $0.010000"
    assert decision.chosen == "tiny"


def test_context_window_and_output_limits_are_hard_constraints() -> None:
    decision = select_model(input_tokens=5000, expected_output_tokens=100, catalog=catalog())
    assert "exceed context window 4096" in decision.rejected["short"]
    decision = select_model(
        input_tokens=10, catalog=catalog(), require=Requirements(min_context=100_000)
    )
    assert decision.rejected["short"] == "context window 4096 < required 100000"
    decision = select_model(input_tokens=10, expected_output_tokens=5000, catalog=catalog())
    assert decision.rejected["tiny"] == "max output 4096 < expected output 5000"


def test_ranked_is_cheapest_first_and_pareto_drops_dominated_models() -> None:
    decision = select_model(input_tokens=1000, catalog=catalog(), require=Requirements(tools=True))
    assert [c.id for c in decision.ranked] == ["tiny", "mid", "big", "pricey-same"]
    assert [c.id for c in decision.pareto] == ["tiny", "mid", "big"]
    pricey = decision.ranked[-1]
    assert not pricey.pareto and pricey.dominated_by == "big"
    assert any("dominated by big" in line for line in pricey.reasons)


def test_preferred_tier_and_min_quality_choose_up_the_front() -> None:
    decision = select_model(
        input_tokens=1000,
        catalog=catalog(),
        preferred_tier="large",
        require=Requirements(tools=True),
    )
    assert decision.chosen == "big"
    decision = select_model(
        input_tokens=1000, catalog=catalog(), min_quality=0.5, require=Requirements(tools=True)
    )
    assert decision.chosen == "mid"
    decision = select_model(input_tokens=1000, catalog=catalog(), preferred_tier="frontier")
    assert decision.chosen == "short"
    assert "tier preference ignored" in decision.notes[0]


def test_quality_overrides_replace_the_prior() -> None:
    decision = select_model(
        input_tokens=1000,
        catalog=catalog(),
        min_quality=0.7,
        quality_overrides={"mid": 0.8},
        require=Requirements(tools=True),
    )
    assert decision.chosen == "mid"
    assert decision.ranked[0].quality_source == "override"
    with pytest.raises(ValueError, match="must be in"):
        select_model(input_tokens=1, catalog=catalog(), quality_overrides={"mid": 2.0})


def test_allow_deny_status_and_liveness() -> None:
    models = [
        *catalog(),
        model_info("old", 0.001, 0.001, status="deprecated"),
        model_info("gone", 0.001, 0.001, status="retired"),
    ]
    decision = select_model(
        input_tokens=10,
        catalog=models,
        deny=["short"],
        allow=["tiny", "short", "typo-model", "old", "gone"],
    )
    assert decision.rejected["short"] == "denied by the deny list"
    assert decision.rejected["mid"] == "not in the allow list"
    assert decision.rejected["typo-model"] == "not in the catalog"
    assert decision.rejected["gone"] == "retired"
    assert decision.chosen == "old"  # deprecated, but named in allow
    decision = select_model(input_tokens=10, catalog=models)
    assert decision.rejected["old"].startswith("deprecated")
    live = [
        model_info("a", 0.1, 0.1, live=True),
        model_info("b", 0.01, 0.01, live=False),
        model_info("c", 0.001, 0.001),
    ]
    decision = select_model(input_tokens=10, catalog=live, live_only=True)
    assert decision.chosen == "a"
    assert "not listed" in decision.rejected["b"]
    assert "liveness unknown" in decision.rejected["c"]


def test_router_ids_need_allow_and_a_vouched_record() -> None:
    decision = select_model(input_tokens=10, catalog=catalog(), allow=["router:my-route"])
    assert "vouch" in decision.rejected["router:my-route"]
    vouched = model_info("router:my-route", 0.5, 0.5, tools=True)
    decision = select_model(input_tokens=10, catalog=catalog(), vouched_models=[vouched])
    assert "router:my-route" not in {c.id for c in decision.ranked}  # not without `allow`
    decision = select_model(
        input_tokens=10,
        catalog=catalog(),
        vouched_models=[vouched],
        allow=["router:my-route", "big"],
        require=Requirements(tools=True),
    )
    assert decision.chosen == "router:my-route"


def test_images_in_messages_require_vision() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    messages = [HumanMessage(content=[{"type": "text", "text": "what is this?"}, image])]
    decision = select_model(messages, catalog=catalog())
    assert decision.requirements.vision
    assert decision.chosen == "big"


def test_messages_or_input_tokens_not_both() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        select_model("hi", input_tokens=3, catalog=catalog())
    with pytest.raises(ValueError, match="exactly one"):
        select_model(catalog=catalog())


def test_stale_figures_warn_and_fresh_ones_do_not() -> None:
    old = [model_info("a", 1, 1, priced_on="2026-08-01")]
    with pytest.warns(StaleCatalogWarning, match="112 days old"):
        decision = select_model(input_tokens=1, catalog=old, today=TODAY)
    assert decision.figures_date == dt.date(2026, 8, 1)
    fresh = [model_info("a", 1, 1, priced_on="2026-11-01")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        select_model(input_tokens=1, catalog=fresh, today=TODAY)
        select_model(input_tokens=1, catalog=old, today=TODAY, stale_after_days=200)


def test_token_estimate_is_documented_arithmetic() -> None:
    # 40 chars -> 10 tokens, + 4 per message, + 3 priming
    assert estimate_input_tokens("x" * 40) == 17
    # upper bound: bytes (é is 2 bytes) + 8 per message + 16
    assert max_input_tokens("é" * 10) == 20 + 8 + 16
    assert max_input_tokens("x" * 40) >= estimate_input_tokens("x" * 40)


def test_decision_as_dict_is_json_ready() -> None:
    import json

    decision = select_model(input_tokens=10, catalog=catalog())
    data = json.loads(json.dumps(decision.as_dict()))
    assert data["chosen"] == decision.chosen
    assert set(data["rejected"]) == set(decision.rejected)


def test_the_bundled_catalog_is_the_default_and_its_age_is_checked() -> None:
    from langchain_gradient.catalog.catalog import ModelCatalog

    bundled = ModelCatalog.load()
    assert bundled.figures_date is not None
    figures = dt.date.fromisoformat(bundled.figures_date)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decision = select_model(
            input_tokens=2000,
            require=Requirements(tools=True, structured_output=True),
            today=figures,
        )
    assert decision.chosen is not None and decision.figures_date == figures
    chosen = bundled.get(decision.chosen)
    assert chosen is not None and chosen.capabilities.tools
    assert decision.ranked[0].structured_output_method is not None
    assert len(decision.ranked) + len(decision.rejected) == len(bundled)
    with pytest.warns(StaleCatalogWarning):
        select_model(input_tokens=1, today=figures + dt.timedelta(days=61))
