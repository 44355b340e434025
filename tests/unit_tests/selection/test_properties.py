"""Property tests: the selector's and router's promises hold for any catalog and request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_gradient.catalog.models import ModelInfo, Pricing
from langchain_gradient.selection import (
    BudgetExceededError,
    DifficultyTriage,
    GradientRouter,
    JudgeCheck,
    Requirements,
    RunBudget,
    StaleCatalogWarning,
    select_model,
    selector,
)
from langchain_gradient.selection.estimate import max_input_tokens

from .fakes import ScriptedChatModel, model_info, reply

CAPABILITIES = ("tools", "tool_choice", "structured_output", "vision", "reasoning")
prices_up_to_60 = st.floats(min_value=0.01, max_value=60.0)
prices = st.one_of(st.none(), prices_up_to_60)


@st.composite
def models(draw: st.DrawFn, model_id: str) -> ModelInfo:
    price_in = draw(prices)
    return model_info(
        model_id,
        price_in,
        None if price_in is None else draw(st.floats(min_value=0.01, max_value=120.0)),
        tier=draw(st.sampled_from([None, "small", "medium", "large", "frontier"])),
        quality=draw(st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0))),
        context_window=draw(st.sampled_from([None, 4096, 32_000, 128_000])),
        max_output_tokens=draw(st.sampled_from([None, 1024, 8192])),
        kind=draw(st.sampled_from(["chat", "chat", "chat", "embedding"])),
        **{name: draw(st.booleans()) for name in CAPABILITIES},
    )


@st.composite
def catalogs(draw: st.DrawFn) -> list[ModelInfo]:
    size = draw(st.integers(min_value=1, max_value=8))
    return [draw(models(f"m{index}")) for index in range(size)]


requirements = st.builds(
    Requirements,
    **{name: st.booleans() for name in CAPABILITIES},
    min_context=st.sampled_from([None, 8000, 100_000]),
)
requests = st.fixed_dictionaries(
    {
        "input_tokens": st.integers(min_value=0, max_value=50_000),
        "expected_output_tokens": st.integers(min_value=0, max_value=4000),
        "max_cost_per_request": st.one_of(st.none(), st.floats(min_value=1e-6, max_value=1.0)),
        "preferred_tier": st.sampled_from([None, None, "small", "large"]),
        "min_quality": st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
    }
)


@settings(deadline=None)
@given(catalogs(), requirements, requests)
def test_the_chosen_model_has_every_required_capability_and_fits_the_budget(
    catalog: list[ModelInfo], require: Requirements, request: dict
) -> None:
    decision = select_model(catalog=catalog, require=require, **request)
    for candidate in decision.ranked:
        assert require.missing_in(candidate.model) == []
        limit = request["max_cost_per_request"]
        assert limit is None or candidate.estimated_cost <= limit
    if decision.chosen is not None:
        info = next(model for model in catalog if model.id == decision.chosen)
        caps = info.capabilities
        for name in CAPABILITIES:
            if name == "structured_output":  # a forced tool call or native JSON schema
                has = (caps.tools and caps.tool_choice) or caps.structured_output
            else:
                has = getattr(caps, name)
            assert not getattr(require, name) or has
    assert {c.id for c in decision.ranked} | set(decision.rejected) == {m.id for m in catalog}


@settings(deadline=None)
@given(catalogs(), requirements, requests, st.randoms(use_true_random=False))
def test_decisions_are_deterministic_whatever_the_catalog_order(
    catalog: list[ModelInfo], require: Requirements, request: dict, rng: random.Random
) -> None:
    first = select_model(catalog=catalog, require=require, **request)
    shuffled = list(catalog)
    rng.shuffle(shuffled)
    again = select_model(catalog=shuffled, require=require, **request)
    assert again.chosen == first.chosen
    assert [c.id for c in again.ranked] == [c.id for c in first.ranked]
    assert [c.id for c in again.pareto] == [c.id for c in first.pareto]
    assert dict(again.rejected) == dict(first.rejected)


def with_prices_scaled(info: ModelInfo, factor: float) -> ModelInfo:
    pricing = info.pricing
    scaled = Pricing(
        input_per_1m=None if pricing.input_per_1m is None else pricing.input_per_1m * factor,
        output_per_1m=None if pricing.output_per_1m is None else pricing.output_per_1m * factor,
    )
    return dataclasses.replace(info, pricing=scaled)


@settings(deadline=None)
@given(
    catalogs(),
    requirements,
    st.lists(requests, min_size=1, max_size=6),
    st.floats(min_value=1.001, max_value=50.0),
    st.data(),
)
def test_raising_a_models_price_never_makes_it_chosen_more_often(
    catalog: list[ModelInfo],
    require: Requirements,
    workload: list[dict],
    factor: float,
    data: st.DataObject,
) -> None:
    target = data.draw(st.sampled_from([model.id for model in catalog]))
    dearer = [with_prices_scaled(m, factor) if m.id == target else m for m in catalog]

    def wins(models: list[ModelInfo]) -> int:
        return sum(
            select_model(catalog=models, require=require, **request).chosen == target
            for request in workload
        )

    assert wins(dearer) <= wins(catalog)


@settings(deadline=None)
@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 11, 21)),
    st.integers(min_value=1, max_value=400),
)
def test_a_stale_catalog_warns_exactly_when_its_newest_price_is_too_old(
    priced_on: dt.date, limit: int
) -> None:
    today = dt.date(2026, 11, 21)
    catalog = [model_info("a", 1, 1, priced_on=priced_on.isoformat())]
    selector._stale_warned.clear()  # a fresh process for each example
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decision = select_model(
            input_tokens=10, catalog=catalog, today=today, stale_after_days=limit
        )
        select_model(input_tokens=10, catalog=catalog, today=today, stale_after_days=limit)
    stale = [w for w in caught if issubclass(w.category, StaleCatalogWarning)]
    too_old = (today - priced_on).days > limit
    assert len(stale) == (1 if too_old else 0)  # the second call never warns again
    assert any("days old" in note for note in decision.notes) == too_old


PROMPT = "Summarise the attached report in three bullet points, please."


@st.composite
def ladders(draw: st.DrawFn) -> list[tuple[ModelInfo, ScriptedChatModel]]:
    bound = max_input_tokens(PROMPT)
    rungs = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        info = model_info(
            f"r{index}",
            draw(st.floats(min_value=0.01, max_value=60.0)),
            draw(st.floats(min_value=0.01, max_value=120.0)),
        )
        answers = [
            reply(
                "answer",
                finish_reason=draw(st.sampled_from(["stop", "length"])),
                input_tokens=draw(st.integers(min_value=1, max_value=bound)),
                output_tokens=draw(st.integers(min_value=0, max_value=256)),
            )
            for _ in range(3)
        ]
        rungs.append((info, ScriptedChatModel(model_name=info.id, replies=answers)))
    return rungs


def helper(name: str, schema_name: str, args: dict, draw: st.DrawFn) -> ScriptedChatModel:
    answer = reply(
        "",
        tool_calls=[{"name": schema_name, "args": args, "id": name}],
        input_tokens=draw(st.integers(min_value=1, max_value=40)),
        output_tokens=draw(st.integers(min_value=0, max_value=256)),
    )
    return ScriptedChatModel(model_name=name, replies=[answer])


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    ladders(), st.floats(min_value=1e-7, max_value=0.05), st.booleans(), st.booleans(), st.data()
)
def test_no_request_spends_more_than_its_budget(
    rungs: list[tuple[ModelInfo, ScriptedChatModel]],
    limit: float,
    with_triage: bool,
    with_judge: bool,
    data: st.DataObject,
) -> None:
    extras: dict = {}
    vouched = [info for info, _ in rungs]
    if with_triage:
        rater = helper("rater", "Difficulty", {"score": 3, "reason": "r"}, data.draw)
        extras["triage"] = DifficultyTriage(rater)
        vouched.append(model_info("rater", data.draw(prices_up_to_60), 1.0))
    if with_judge:
        grade = data.draw(st.integers(min_value=1, max_value=5))
        grader = helper("grader", "JudgeVerdict", {"score": grade, "reason": "r"}, data.draw)
        extras["judge"] = JudgeCheck(grader)
        vouched.append(model_info("grader", data.draw(prices_up_to_60), 1.0))
    router = GradientRouter(
        models=[model for _, model in rungs],
        vouched_models=vouched,
        max_cost_per_request=limit,
        **extras,
    )
    try:
        message = router.invoke(PROMPT)
    except BudgetExceededError:
        called = [model for _, model in rungs] + [extras[k].model for k in extras]
        assert all(not model.calls for model in called)  # refused before anything was spent
        return
    assert message.response_metadata["gradient_routing"]["actual_cost"] <= limit


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=40)
@given(ladders(), st.floats(min_value=1e-6, max_value=0.05), st.integers(1, 5))
def test_a_run_budget_is_never_overspent_across_calls(
    rungs: list[tuple[ModelInfo, ScriptedChatModel]], limit: float, calls: int
) -> None:
    budget = RunBudget(max_usd=limit)
    router = GradientRouter(
        models=[model for _, model in rungs],
        vouched_models=[info for info, _ in rungs],
        budget=budget,
    )
    for _ in range(calls):
        try:
            router.invoke(PROMPT)
        except BudgetExceededError:
            break
    assert budget.spent_usd <= limit
