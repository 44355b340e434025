"""GradientRouter over HTTP: a LangGraph agent on the emulator escalates exactly when the
cheap answer fails its check, and get_gradient_callback() shows the spend per model.

The emulator's scripted model is deterministic; the cheap rung is given a small
``max_tokens`` so a long answer comes back with ``finish_reason == "length"``, while a
short answer fits. Nothing else differs between the two rungs.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_gradient import (
    BudgetExceededError,
    ChatGradient,
    GradientRouter,
    RunBudget,
    get_gradient_callback,
)

pytestmark = pytest.mark.emulator_only  # reads the emulator's request log

CHEAP = "openai-gpt-4o-mini"
STRONG = "openai-gpt-4o"
CHEAP_CAP = 24  # tokens: enough for a tool call or a one-line answer, not for a summary


def add(a: int, b: int) -> int:
    """Add two integers a and b."""
    return a + b


def router_on(emulator: Any, **kwargs: Any) -> GradientRouter:
    connection = {"base_url": emulator.base_url, "api_key": emulator.api_key, "max_retries": 0}
    return GradientRouter(
        models=[
            ChatGradient(model=CHEAP, max_tokens=CHEAP_CAP, **connection),
            ChatGradient(model=STRONG, max_tokens=1024, **connection),
        ],
        **kwargs,
    )


def routed_answers(messages: list[Any]) -> list[dict[str, Any]]:
    return [
        m.response_metadata["gradient_routing"]
        for m in messages
        if isinstance(m, AIMessage) and "gradient_routing" in m.response_metadata
    ]


@pytest.mark.filterwarnings("ignore:create_react_agent has been moved")
def test_agent_escalates_exactly_when_the_cheap_answer_fails(gradient_emulator: Any) -> None:
    from langgraph.prebuilt import create_react_agent

    agent = create_react_agent(router_on(gradient_emulator), [add])
    questions = [
        "Use the add tool to add 2 and 3.",
        "Summarise the history of the Roman empire, its emperors, wars and economy in detail.",
    ]
    with get_gradient_callback() as callback:
        runs = [agent.invoke({"messages": [HumanMessage(q)]})["messages"] for q in questions]

    decisions = [d for messages in runs for d in routed_answers(messages)]
    assert decisions, "every model turn of the agent goes through the router"
    for decision in decisions:
        cheap_attempt = decision["attempts"][0]
        assert cheap_attempt["model"] == CHEAP
        failed = not cheap_attempt["passed"]
        # Escalation happens exactly when the cheap answer failed its check.
        assert bool(decision["escalations"]) == failed
        if failed:
            assert cheap_attempt["usage"]["output_tokens"] == CHEAP_CAP
            assert decision["escalations"][0]["reason"].startswith("finish_reason: ")
            assert decision["answered_by"] == STRONG
        else:
            assert decision["answered_by"] == CHEAP
    # The tool question is answered by the cheap model throughout; the summary escalates.
    assert all(not d["escalations"] for d in routed_answers(runs[0]))
    assert any(d["escalations"] for d in routed_answers(runs[1]))
    assert [m.content for m in runs[0] if m.type == "tool"] == ["5"]

    # What the emulator saw: one strong request per escalation, one cheap per decision.
    chat_requests = gradient_emulator.request_log.records(path="/v1/chat/completions")
    models_called = [record.model for record in chat_requests]
    escalations = sum(len(d["escalations"]) for d in decisions)
    assert models_called.count(STRONG) == escalations
    assert models_called.count(CHEAP) == len(decisions)
    assert (
        gradient_emulator.request_log.records(path="/v1/chat/completions")[0].body["max_tokens"]
        == CHEAP_CAP  # below 256, so sent as max_tokens (the contract's minimum)
    )

    # get_gradient_callback() shows the spend per model, equal to the router's books.
    per_model = callback.per_model
    assert set(per_model) == {CHEAP, STRONG}
    booked: dict[str, float] = {}
    for decision in decisions:
        for model, cost in decision["cost_by_model"].items():
            booked[model] = booked.get(model, 0.0) + cost
    for model in (CHEAP, STRONG):
        assert per_model[model].cost_usd == pytest.approx(booked[model])
        assert per_model[model].cost_usd > 0
    assert per_model[STRONG].requests == escalations


async def test_a_run_budget_stops_before_the_request_is_sent(gradient_emulator: Any) -> None:
    router = router_on(gradient_emulator, budget=RunBudget(max_usd=1e-7))
    with pytest.raises(BudgetExceededError):
        await router.ainvoke("What is 2 + 3?")
    assert gradient_emulator.request_log.records(path="/v1/chat/completions") == []


def test_triage_and_judge_from_model_ids_are_priced_and_tracked(gradient_emulator: Any) -> None:
    from langchain_gradient.selection import DifficultyTriage, JudgeCheck

    connection = {
        "base_url": gradient_emulator.base_url,
        "api_key": gradient_emulator.api_key,
        "max_retries": 0,
    }
    triage = DifficultyTriage("alibaba-qwen3-32b")
    router = GradientRouter(
        models=[CHEAP, STRONG, "openai-gpt-5"],
        chat_model_kwargs=connection,
        triage=triage,
        judge=JudgeCheck("openai-gpt-5-nano", threshold=1),
        max_cost_per_request=0.05,
    )
    with get_gradient_callback() as callback:
        message = router.invoke("Prove that there are infinitely many primes.")
    routing = message.response_metadata["gradient_routing"]
    score = routing["triage"]["score"]
    assert 1 <= score <= 5
    assert routing["attempts"][0]["rung"] == triage.rung_for(score, 3)
    assert routing["attempts"][0]["checks"][-1]["name"] == "judge"
    assert routing["accepted"]
    assert routing["actual_cost"] == pytest.approx(sum(routing["cost_by_model"].values()))
    assert routing["actual_cost"] <= 0.05
    assert set(routing["cost_by_model"]) == set(callback.per_model)
    for model, totals in callback.per_model.items():
        assert totals.cost_usd == pytest.approx(routing["cost_by_model"][model])
