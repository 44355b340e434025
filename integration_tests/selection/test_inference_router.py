"""DigitalOcean's Inference Router over the emulator: ``router_affinity`` keeps a
``router:`` conversation on one model, and cost is charged to the model that answered.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from langchain_gradient import (
    ChatGradient,
    GradientRouter,
    ModelCatalog,
    get_gradient_callback,
)
from langchain_gradient.catalog.models import Capabilities, ModelInfo, Pricing

pytestmark = pytest.mark.emulator_only  # reads the emulator's request log

TURNS = ["Hello there!", "Prove step by step that 7 is prime.", "Thanks, and what is 2 + 3?"]


def _chat(emulator: Any, **kwargs: Any) -> ChatGradient:
    return ChatGradient(
        model="router:default", base_url=emulator.base_url, api_key=emulator.api_key, **kwargs
    )


def _converse(llm: Any, **call: Any) -> list[AIMessage]:
    history: list[BaseMessage] = []
    answers: list[AIMessage] = []
    for turn in TURNS:
        history.append(HumanMessage(turn))
        answer = llm.invoke(history, **call)
        history.append(answer)
        answers.append(answer)
    return answers


def test_affinity_keeps_one_model_and_cost_goes_to_it(gradient_emulator: Any) -> None:
    llm = _chat(gradient_emulator, router_affinity="session-1")
    with get_gradient_callback() as callback:
        answers = _converse(llm)
    models = {a.response_metadata["model_name"] for a in answers}
    routes = {a.response_metadata["selected_route"] for a in answers}
    assert len(models) == 1 and len(routes) == 1
    assert all(a.response_metadata["router"] == "router:default" for a in answers)
    (answered,) = models
    assert not answered.startswith("router:")
    # Every request carried the affinity header.
    records = gradient_emulator.request_log.records(path="/v1/chat/completions")
    assert [r.headers.get("x-model-affinity") for r in records] == ["session-1"] * len(TURNS)
    # Cost: charged to the answering model at its catalog prices, nothing to the router.
    assert set(callback.per_model) == {answered}
    prices = ModelCatalog.load().get(answered)
    assert prices is not None
    expected = 0.0
    for answer in answers:
        assert answer.usage_metadata is not None
        usage = answer.usage_metadata
        expected += usage["input_tokens"] * (prices.pricing.input_per_1m or 0.0)
        expected += usage["output_tokens"] * (prices.pricing.output_per_1m or 0.0)
    assert callback.total_cost_usd == pytest.approx(expected / 1e6)
    assert callback.cost_known


def test_without_affinity_the_router_may_switch_models(gradient_emulator: Any) -> None:
    answers = _converse(_chat(gradient_emulator))
    assert len({a.response_metadata["model_name"] for a in answers}) == 2
    records = gradient_emulator.request_log.records(path="/v1/chat/completions")
    assert all("x-model-affinity" not in r.headers for r in records)


async def test_affinity_per_call_and_streamed(gradient_emulator: Any) -> None:
    llm = _chat(gradient_emulator)
    first = await llm.ainvoke("Prove step by step that 7 is prime.", router_affinity="s-2")
    chunks = [c async for c in llm.astream("Hello!", router_affinity="s-2")]
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed = streamed + chunk
    assert streamed.response_metadata["model_name"] == first.response_metadata["model_name"]
    assert streamed.response_metadata["selected_route"] == first.response_metadata["selected_route"]
    records = gradient_emulator.request_log.records(path="/v1/chat/completions")
    assert [r.headers.get("x-model-affinity") for r in records] == ["s-2", "s-2"]


@pytest.mark.parametrize("bad", ["", "two\nlines", 42])
def test_a_bad_affinity_is_refused_before_sending(gradient_emulator: Any, bad: Any) -> None:
    with pytest.raises(ValueError, match="router_affinity"):
        _chat(gradient_emulator).invoke("hi", router_affinity=bad)
    assert gradient_emulator.request_log.records(path="/v1/chat/completions") == []


def test_a_cascade_rung_on_a_router_is_charged_at_the_answering_models_prices(
    gradient_emulator: Any,
) -> None:
    # The router's own record (its worst case) is vouched; the answer is priced by model.
    vouched = ModelInfo(
        id="router:default",
        kind="chat",
        max_output_tokens=2048,
        capabilities=Capabilities(tools=True),
        pricing=Pricing(input_per_1m=100.0, output_per_1m=100.0),
    )
    cascade = GradientRouter(
        models=[_chat(gradient_emulator, max_tokens=512, router_affinity="s-3")],
        vouched_models=[vouched],
    )
    with get_gradient_callback() as callback:
        message = cascade.invoke("Hello there!")
    routing = message.response_metadata["gradient_routing"]
    answered = routing["attempts"][0]["answered_by"]
    assert answered == message.response_metadata["model_name"] != "router:default"
    assert set(routing["cost_by_model"]) == {answered} == set(callback.per_model)
    assert routing["actual_cost"] == pytest.approx(callback.total_cost_usd)
