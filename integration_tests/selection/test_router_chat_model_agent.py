"""GradientRouter as the chat model of an agent over HTTP (langchain's ``create_agent`` and
LangGraph's ``create_react_agent``): two tools, escalation on a failed check, a shared
``RunBudget`` that then refuses the next escalation before anything is sent, and
``get_gradient_callback`` totals equal to a hand sum over the emulator's request log.

The cheap rung's small ``max_tokens`` makes a long answer come back cut off
(``finish_reason == "length"``), which the free checks reject.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage, HumanMessage

from langchain_gradient import (
    ChatGradient,
    GradientRouter,
    ModelCatalog,
    RunBudget,
    get_gradient_callback,
)

pytestmark = pytest.mark.emulator_only  # reads the emulator's request log

CHEAP = "openai-gpt-4o-mini"
STRONG = "openai-gpt-4o"
CHEAP_CAP = 24
QUESTION = "Use the add tool to add 2 and 3, then get_weather for 'Paris'."


def add(a: int, b: int) -> int:
    """Add two integers a and b."""
    return a + b


def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"It is sunny in {city}."


def _create_agent(model: Any, tools: list[Any]) -> Any:
    from langchain.agents import create_agent

    return create_agent(model, tools)


def _create_react_agent(model: Any, tools: list[Any]) -> Any:
    from langgraph.prebuilt import create_react_agent

    return create_react_agent(model, tools)


AGENTS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "create_agent": _create_agent,
    "create_react_agent": _create_react_agent,
}


def _router(emulator: Any, budget: RunBudget) -> GradientRouter:
    connection = {"base_url": emulator.base_url, "api_key": emulator.api_key, "max_retries": 0}
    return GradientRouter(
        models=[
            ChatGradient(model=CHEAP, max_tokens=CHEAP_CAP, **connection),
            ChatGradient(model=STRONG, max_tokens=1024, **connection),
        ],
        budget=budget,
    )


def _decisions(messages: list[Any]) -> list[dict[str, Any]]:
    return [
        m.response_metadata["gradient_routing"]
        for m in messages
        if isinstance(m, AIMessage) and "gradient_routing" in m.response_metadata
    ]


def _peak_need(decisions: list[dict[str, Any]]) -> float:
    """The smallest run budget that lets every call of a run reserve its worst case."""
    spent, peak = 0.0, 0.0
    for decision in decisions:
        for attempt in decision["attempts"]:
            peak = max(peak, spent + attempt["worst_case_cost"])
            spent += attempt["actual_cost"]
    return peak


def _hand_sum(emulator: Any, records: list[Any]) -> float:
    """Price every logged request by hand: replay its exact body (the emulator is
    deterministic and these models have no prompt cache without a retention field) for
    its usage, times the catalog's per-million prices."""
    catalog = ModelCatalog.load()
    total = 0.0
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    for record in records:
        body = dict(record.body)
        answer = httpx.post(f"{emulator.base_url}/chat/completions", json=body, headers=headers)
        usage = answer.json()["usage"]
        info = catalog.get(record.model)
        assert info is not None and info.pricing.has_token_prices
        prices = info.pricing
        total += usage["prompt_tokens"] * (prices.input_per_1m or 0.0) / 1e6
        total += usage["completion_tokens"] * (prices.output_per_1m or 0.0) / 1e6
    return total


@pytest.mark.filterwarnings("ignore:create_react_agent has been moved")
@pytest.mark.parametrize("build", list(AGENTS))
def test_agent_escalates_then_the_budget_refuses_and_costs_add_up(
    gradient_emulator: Any, build: str
) -> None:
    tools = [add, get_weather]
    # A dry run on a roomy budget measures what one run needs (the emulator is
    # deterministic); the real budget then covers exactly one run.
    dry = AGENTS[build](_router(gradient_emulator, RunBudget(1.0)), tools)
    need = _peak_need(_decisions(dry.invoke({"messages": [HumanMessage(QUESTION)]})["messages"]))
    gradient_emulator.request_log.clear()

    budget = RunBudget(max_usd=need * (1 + 1e-9))
    agent = AGENTS[build](_router(gradient_emulator, budget), tools)
    with get_gradient_callback() as callback:
        first = agent.invoke({"messages": [HumanMessage(QUESTION)]})["messages"]
        first_requests = len(gradient_emulator.request_log.records(path="/v1/chat/completions"))
        second = agent.invoke({"messages": [HumanMessage(QUESTION)]})["messages"]

    # Both tools ran; the cut-off cheap answers escalated, and only those.
    assert [m.content for m in first if m.type == "tool"] == ["5", "It is sunny in Paris."]
    decisions = _decisions(first)
    assert any(d["escalations"] for d in decisions)
    for decision in decisions:
        cheap = decision["attempts"][0]
        assert cheap["model"] == CHEAP
        assert bool(decision["escalations"]) == (not cheap["passed"])
        if not cheap["passed"]:
            assert cheap["usage"]["output_tokens"] <= CHEAP_CAP
            assert decision["escalations"][0]["reason"].startswith("finish_reason: ")
            assert decision["answered_by"] == STRONG and decision["accepted"]

    # The second run: the budget refuses the escalation before it is sent.
    refused = _decisions(second)[0]
    assert refused["stop_reason"].startswith("budget: ")
    assert not refused["accepted"] and refused["answered_by"] == CHEAP
    records = gradient_emulator.request_log.records(path="/v1/chat/completions")
    assert [r.model for r in records[first_requests:]] == [CHEAP]
    assert budget.spent_usd <= budget.max_usd

    # Cost: the callback, the budget and a hand sum over the request log agree.
    assert callback.total_cost_usd == pytest.approx(_hand_sum(gradient_emulator, records))
    assert callback.total_cost_usd == pytest.approx(budget.spent_usd)
    assert callback.per_model[STRONG].requests == sum(len(d["escalations"]) for d in decisions)


def test_streaming_shows_only_the_answer_that_is_kept(gradient_emulator: Any) -> None:
    router = _router(gradient_emulator, RunBudget(1.0))
    prompt = "Summarise the history of the Roman empire, its emperors, wars and economy."
    chunks = list(router.stream(prompt))
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed = streamed + chunk
    routing = streamed.response_metadata["gradient_routing"]
    assert routing["answered_by"] == STRONG and routing["escalations"]
    # The cut-off cheap answer was never shown: the text is the strong rung's alone.
    assert streamed.content == router.invoke(prompt).content
    assert len(chunks) > 3  # the top rung streamed token by token
    assert streamed.usage_metadata is None  # usage stays on the rungs' own runs
