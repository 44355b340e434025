"""GradientRouter: escalation on failed checks, budgets before spending, recorded decisions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel

from langchain_gradient.selection import (
    BudgetExceededError,
    GradientRouter,
    JudgeCheck,
    RunBudget,
    default_checks,
)
from langchain_gradient.selection.estimate import max_input_tokens
from langchain_gradient.selection.triage import DifficultyTriage

from .fakes import ScriptedChatModel, model_info, reply

CHEAP = model_info("cheap", 1.0, 2.0, tools=True)
STRONG = model_info("strong", 10.0, 30.0, tools=True)


def ladder(
    cheap_replies: list[AIMessage],
    strong_replies: list[AIMessage] | None = None,
    **router_kwargs: Any,
) -> tuple[GradientRouter, ScriptedChatModel, ScriptedChatModel]:
    cheap = ScriptedChatModel(model_name="cheap", replies=cheap_replies)
    strong = ScriptedChatModel(model_name="strong", replies=strong_replies or [reply("strong")])
    vouched = [CHEAP, STRONG, *router_kwargs.pop("also_vouched", [])]
    router = GradientRouter(models=[cheap, strong], vouched_models=vouched, **router_kwargs)
    return router, cheap, strong


def test_a_passing_cheap_answer_is_returned_without_escalation() -> None:
    router, cheap, strong = ladder([reply("4", input_tokens=1000, output_tokens=100)])
    message = router.invoke("What is 2 + 2?")
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "4"
    assert len(cheap.calls) == 1 and not strong.calls
    assert routing["answered_by"] == "cheap" and routing["accepted"]
    assert routing["escalations"] == []
    # 1,000 x $1 + 100 x $2, per 1M
    assert routing["actual_cost"] == pytest.approx(1200 / 1e6)
    # estimate: 14 chars -> 4 + 4 + 3 = 11 input tokens; 256 output (the rung's cap < 512)
    assert routing["attempts"][0]["estimated_cost"] == pytest.approx((11 * 1 + 256 * 2) / 1e6)
    assert routing["attempts"][0]["checks"][0] == {
        "name": "finish_reason",
        "passed": True,
        "reason": "",
    }


def test_a_cut_off_answer_escalates_to_the_next_rung() -> None:
    router, cheap, strong = ladder([reply("The answ", finish_reason="length")])
    message = router.invoke("Explain")
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "strong"
    assert len(cheap.calls) == 1 and len(strong.calls) == 1
    assert routing["escalations"] == [
        {
            "from": "cheap",
            "to": "strong",
            "reason": "finish_reason: finish_reason is 'length': the answer was cut off",
        }
    ]
    assert routing["cost_by_model"] == {
        "cheap": pytest.approx((100 * 1 + 50 * 2) / 1e6),
        "strong": pytest.approx((100 * 10 + 50 * 30) / 1e6),
    }


def test_a_refusal_escalates() -> None:
    router, _, strong = ladder([reply("I'm sorry, but I can't help with that.")])
    assert router.invoke("hi").content == "strong"
    assert strong.calls


def test_a_user_check_decides_escalation() -> None:
    def mentions_paris(message: AIMessage) -> bool:
        return "Paris" in message.text

    router, _, _strong = ladder(
        [reply("Lyon")], [reply("Paris")], checks=[*default_checks(), mentions_paris]
    )
    message = router.invoke("Capital of France?")
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "Paris"
    assert routing["escalations"][0]["reason"] == "mentions_paris: mentions_paris returned False"


def test_when_every_rung_fails_the_last_answer_is_returned_not_accepted() -> None:
    router, _, _ = ladder(
        [reply("a", finish_reason="length")], [reply("b", finish_reason="length")]
    )
    routing = router.invoke("x").response_metadata["gradient_routing"]
    assert routing["accepted"] is False
    assert routing["stop_reason"] == "top of the ladder reached"
    assert routing["answered_by"] == "strong"


def worst_case(info: Any, prompt: str, cap: int = 256) -> float:
    bound = max_input_tokens(prompt)
    return (bound * info.pricing.input_per_1m + cap * info.pricing.output_per_1m) / 1e6


def test_request_budget_too_small_for_the_first_rung_raises_before_any_call() -> None:
    prompt = "hello there"
    limit = worst_case(CHEAP, prompt) * 0.99
    router, cheap, strong = ladder([reply()], max_cost_per_request=limit)
    with pytest.raises(BudgetExceededError) as info:
        router.invoke(prompt)
    assert not cheap.calls and not strong.calls
    assert info.value.scope == "request" and info.value.model == "cheap"
    assert "nothing was sent" in str(info.value)


def test_escalation_stops_when_the_next_rungs_worst_case_does_not_fit() -> None:
    prompt = "hello there"
    limit = worst_case(CHEAP, prompt) + worst_case(STRONG, prompt) * 0.5
    router, _cheap, strong = ladder(
        [reply("cut", finish_reason="length")], max_cost_per_request=limit
    )
    message = router.invoke(prompt)
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "cut" and not strong.calls
    assert routing["accepted"] is False
    assert routing["stop_reason"].startswith("budget:")


def test_run_budget_is_shared_across_calls_and_refuses_before_spending() -> None:
    prompt = "hello there"
    budget = RunBudget(max_usd=worst_case(CHEAP, prompt) * 1.5)
    router, _cheap, _ = ladder([reply(input_tokens=10, output_tokens=10)], budget=budget)
    router.invoke(prompt)
    spent = budget.spent_usd
    assert spent == pytest.approx((10 * 1 + 10 * 2) / 1e6)
    router.invoke(prompt)  # actual use was small, so a second worst case still fits
    assert budget.spent_usd == pytest.approx(2 * spent)
    tight = RunBudget(max_usd=worst_case(CHEAP, prompt) * 0.5)
    router2, cheap2, _ = ladder([reply()], budget=tight)
    with pytest.raises(BudgetExceededError) as info:
        router2.invoke(prompt)
    assert info.value.scope == "run" and not cheap2.calls
    assert budget.spent_by_model == {"cheap": pytest.approx(2 * spent)}


def test_limits_need_bounded_output() -> None:
    unbounded = ScriptedChatModel(model_name="cheap", replies=[reply()], max_tokens=None)
    info = model_info("cheap", 1, 1, max_output_tokens=None)
    with pytest.raises(ValueError, match="no output cap"):
        GradientRouter(models=[unbounded], vouched_models=[info], max_cost_per_request=1.0)


def test_unknown_models_and_prices_are_refused_at_construction() -> None:
    model = ScriptedChatModel(model_name="mystery", replies=[reply()])
    with pytest.raises(ValueError, match="'mystery' is not in the catalog"):
        GradientRouter(models=[model], catalog=[CHEAP])
    with pytest.raises(ValueError, match="no known token prices"):
        GradientRouter(models=[model], catalog=[model_info("mystery", None, None)])


class Weather(BaseModel):
    city: str
    celsius: float


def get_weather(city: str) -> str:
    """Look up the weather in a city."""
    return "sunny"


def test_bound_tools_reach_every_rung_and_bad_arguments_escalate() -> None:
    bad = reply("", tool_calls=[{"name": "get_weather", "args": {"town": 3}, "id": "1"}])
    good = reply("", tool_calls=[{"name": "get_weather", "args": {"city": "Oslo"}, "id": "2"}])
    router, cheap, _strong = ladder([bad], [good])
    bound = router.bind_tools([get_weather])
    message = bound.invoke("weather in Oslo?")
    assert message.tool_calls[0]["args"] == {"city": "Oslo"}
    assert cheap.calls[0]["kwargs"]["tools"][0]["function"]["name"] == "get_weather"
    reason = message.response_metadata["gradient_routing"]["escalations"][0]["reason"]
    assert reason == "tool_calls: arguments of 'get_weather': $.city is required"


def test_structured_output_escalates_on_unparsable_answers() -> None:
    broken = reply("", tool_calls=[{"name": "Weather", "args": {"city": "Oslo"}, "id": "1"}])
    fine = reply(
        "", tool_calls=[{"name": "Weather", "args": {"city": "Oslo", "celsius": 3}, "id": "2"}]
    )
    router, _, _strong = ladder([broken], [fine])
    result = router.with_structured_output(Weather).invoke("weather?")
    assert result == Weather(city="Oslo", celsius=3)
    raw = router.with_structured_output(Weather, include_raw=True).invoke("weather?")
    assert raw["raw"].response_metadata["gradient_routing"]["answered_by"] == "strong"


def test_judge_runs_after_free_checks_and_its_cost_counts() -> None:
    verdict = reply(
        "",
        tool_calls=[{"name": "JudgeVerdict", "args": {"score": 2, "reason": "wrong"}, "id": "j"}],
        input_tokens=200,
        output_tokens=20,
    )
    judge_model = ScriptedChatModel(model_name="judge", replies=[verdict])
    judge_info = model_info("judge", 0.5, 0.5)
    cheap = ScriptedChatModel(model_name="cheap", replies=[reply("meh")])
    strong = ScriptedChatModel(model_name="strong", replies=[reply("great")])
    router = GradientRouter(
        models=[cheap, strong],
        vouched_models=[CHEAP, STRONG, judge_info],
        judge=JudgeCheck(judge_model, threshold=3),
    )
    message = router.invoke("question")
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "great"
    assert routing["escalations"][0]["reason"] == "judge: judge score 2/5: wrong"
    assert routing["cost_by_model"]["judge"] == pytest.approx(2 * 220 * 0.5 / 1e6)


def test_triage_picks_the_starting_rung() -> None:
    rating = reply(
        "", tool_calls=[{"name": "Difficulty", "args": {"score": 5, "reason": "proof"}, "id": "t"}]
    )
    rater = ScriptedChatModel(model_name="rater", replies=[rating])
    with pytest.raises(ValueError, match="triage model 'rater' is not in the catalog"):
        ladder([reply()], triage=DifficultyTriage(rater), catalog=[])
    router, cheap, _strong = ladder(
        [reply("cheap")],
        [reply("strong")],
        triage=DifficultyTriage(rater),
        also_vouched=[model_info("rater", 0.1, 0.1)],
    )
    message = router.invoke("Prove the Riemann hypothesis")
    routing = message.response_metadata["gradient_routing"]
    assert message.content == "strong" and not cheap.calls
    assert routing["triage"]["score"] == 5 and routing["triage"]["chosen_rung"] == 1


class Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.runs: list[dict[str, Any]] = []

    def on_chat_model_start(
        self,
        serialized: Any,
        messages: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.runs.append(
            {
                "id": run_id,
                "name": kwargs.get("name"),
                "tags": tags,
                "metadata": metadata,
                "parent": parent_run_id,
            }
        )


def test_each_model_call_is_a_named_tagged_child_run() -> None:
    router, _, _ = ladder([reply("x", finish_reason="length")], max_cost_per_request=1.0)
    recorder = Recorder()
    router.invoke("hi", config={"callbacks": [recorder], "tags": ["mine"]})
    # The router is a chat model: its own run first, each model call a child of it.
    outer, *children = recorder.runs
    assert outer["parent"] is None
    names = [run["name"] for run in children]
    assert names == ["gradient_router:rung:cheap", "gradient_router:escalate:strong"]
    assert all(run["parent"] == outer["id"] for run in children)
    assert "gradient_router" in children[1]["tags"] and "mine" in children[1]["tags"]
    escalated = children[1]["metadata"]
    assert escalated["gradient_router_model"] == "strong"
    assert escalated["gradient_router_rung"] == 1
    assert escalated["gradient_router_escalated_because"].startswith("finish_reason: ")
    # The budget state when the escalation was decided: the cheap call is spent.
    spent = escalated["gradient_router_request_spent_usd"]
    assert spent > 0
    assert escalated["gradient_router_request_remaining_usd"] == pytest.approx(1.0 - spent)


async def test_async_routing_matches_sync() -> None:
    router, cheap, strong = ladder([reply("cut", finish_reason="length")])
    message = await router.ainvoke([HumanMessage("hi")])
    assert message.content == "strong"
    assert len(cheap.calls) == 1 and len(strong.calls) == 1
    result = await router.with_structured_output(Weather, include_raw=True).ainvoke("w")
    assert result["raw"].response_metadata["gradient_routing"]["accepted"] is False


def test_ladder_from_select_model_is_the_pareto_front() -> None:
    catalog = [
        model_info("a", 0.1, 0.1, tier="small"),
        model_info("b", 1, 1, tier="medium", tools=True),
        model_info("c", 5, 5, tier="large"),
        model_info("d", 6, 6, tier="small"),
        model_info("e", 9, 9, tier="frontier", tools=True),
    ]
    router = GradientRouter(catalog=catalog, max_rungs=3, chat_model_kwargs={"api_key": "test"})
    assert router.ladder == ["a", "c", "e"]
    routing_selection = router._selection_decision
    assert routing_selection is not None and routing_selection.rejected == {}
    assert GradientRouter(
        catalog=catalog, max_rungs=1, chat_model_kwargs={"api_key": "t"}
    ).ladder == ["a"]
    # Binding tools selects again, now requiring tool calling.
    assert router.bind_tools([get_weather]).ladder == ["b", "e"]


class Boom(RuntimeError):
    pass


class FailingModel(ScriptedChatModel):
    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise Boom("service down")


def test_a_failing_rung_raises_and_releases_its_reservation() -> None:
    budget = RunBudget(max_usd=1.0)
    failing = FailingModel(model_name="cheap", replies=[reply()])
    strong = ScriptedChatModel(model_name="strong", replies=[reply()])
    router = GradientRouter(models=[failing, strong], vouched_models=[CHEAP, STRONG], budget=budget)
    with pytest.raises(Boom):
        router.invoke("hi")
    assert not strong.calls
    assert budget.spent_usd == 0.0 and budget.remaining_usd == pytest.approx(1.0)


def test_concurrent_calls_never_overspend_a_shared_run_budget() -> None:
    prompt = "hello there"
    worst = worst_case(CHEAP, prompt)
    budget = RunBudget(max_usd=worst * 3.5)  # room for three worst cases at once
    # Each call really costs the worst case (full input bound, full output cap).
    heavy = reply(input_tokens=max_input_tokens(prompt), output_tokens=256)
    router, _, _ = ladder([heavy], budget=budget)
    results = router.batch([prompt] * 8, config={"max_concurrency": 8}, return_exceptions=True)
    refused = [r for r in results if isinstance(r, BudgetExceededError)]
    answered = [r for r in results if isinstance(r, AIMessage)]
    assert len(answered) == 3 and len(refused) == 5
    assert budget.spent_usd == pytest.approx(3 * worst)
    assert budget.spent_usd <= budget.max_usd


def test_a_judge_the_budget_cannot_cover_is_skipped_and_noted() -> None:
    prompt = "hello there"
    judge_model = ScriptedChatModel(model_name="judge", replies=[reply()])
    pricey_judge = model_info("judge", 1000.0, 1000.0)
    router, _, _ = ladder(
        [reply("fine")],
        judge=JudgeCheck(judge_model),
        also_vouched=[pricey_judge],
        max_cost_per_request=worst_case(CHEAP, prompt) * 1.01,
    )
    routing = router.invoke(prompt).response_metadata["gradient_routing"]
    assert not judge_model.calls and routing["accepted"]
    assert routing["notes"][0].startswith("judge skipped: its worst case $")
    assert routing["attempts"][0]["checks"][-1]["reason"].startswith("skipped")


def test_triage_cannot_start_above_what_the_budget_covers() -> None:
    prompt = "Prove the Riemann hypothesis"
    rating = reply(
        "",
        tool_calls=[{"name": "Difficulty", "args": {"score": 5, "reason": "hard"}, "id": "t"}],
        input_tokens=1,
        output_tokens=1,
    )
    rater = ScriptedChatModel(model_name="rater", replies=[rating])
    rater_info = model_info("rater", 0.001, 0.001)
    limit = worst_case(CHEAP, prompt) * 2  # covers triage + the cheap rung, not the strong one
    router, cheap, strong = ladder(
        [reply("cheap")],
        triage=DifficultyTriage(rater),
        also_vouched=[rater_info],
        max_cost_per_request=limit,
    )
    routing = router.invoke(prompt).response_metadata["gradient_routing"]
    assert rater.calls and cheap.calls and not strong.calls
    assert routing["triage"]["chosen_rung"] == 1
    assert routing["notes"] == ["triage chose rung 1; rung 0 is the highest the budget covers"]
    # Not even the cheap rung fits: nothing is called at all, triage included.
    tight, cheap2, _ = ladder(
        [reply()],
        triage=DifficultyTriage(ScriptedChatModel(model_name="rater", replies=[rating])),
        also_vouched=[rater_info],
        max_cost_per_request=worst_case(CHEAP, prompt) * 0.5,
    )
    with pytest.raises(BudgetExceededError):
        tight.invoke(prompt)
    assert not cheap2.calls and not tight.triage.model.calls  # type: ignore[union-attr]
