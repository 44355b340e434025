"""Clear input errors (issue 15): text that cannot be encoded names the message and the
fix, before anything is sent; estimate_cost refuses negative or non-integer counts."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_gradient import estimate_cost
from tests.unit_tests.fake_gradient import FakeGradient, auto_reply
from tests.unit_tests.responses.conftest import FakeResponsesServer

LONE = "caf\udce9 au lait"  # bytes b"caf\xe9" read as UTF-8 with errors="surrogateescape"


def _conversation(bad: Any) -> list[Any]:
    return [SystemMessage("Be brief."), HumanMessage("hello"), AIMessage("hi"), bad]


@pytest.mark.parametrize(
    ("bad", "role", "where"),
    [
        (HumanMessage(LONE), "human", "content"),
        (HumanMessage([{"type": "text", "text": LONE}]), "human", "content"),
        (
            AIMessage("", tool_calls=[{"name": "f", "args": {"q": LONE}, "id": "c1"}]),
            "ai",
            "tool calls",
        ),
    ],
    ids=["text", "content-part", "tool-call-args"],
)
def test_chat_names_the_message_index_role_and_fix(bad: Any, role: str, where: str) -> None:
    fake = FakeGradient(auto_reply("ok"))
    with pytest.raises(ValueError, match=rf"Message 3 \({role}\)") as caught:
        fake.chat().invoke(_conversation(bad))
    text = str(caught.value)
    assert where in text and "surrogate" in text and "real encoding" in text
    assert "position" not in text  # not an offset in a JSON body
    assert fake.requests == []  # refused before sending
    with pytest.raises(ValueError, match="Message 3"):
        list(fake.chat().stream(_conversation(bad)))


def test_responses_names_the_message_too() -> None:
    server = FakeResponsesServer()
    with pytest.raises(ValueError, match=r"Message 3 \(human\)"):
        server.model().invoke(_conversation(HumanMessage(LONE)))
    assert server.requests == []


def test_ordinary_unicode_still_goes_through() -> None:
    fake = FakeGradient(auto_reply("ok"))
    fake.chat().invoke("café, 東京, emoji 🦊")
    assert fake.bodies[0]["messages"][0]["content"] == "café, 東京, emoji 🦊"


USAGE = {"input_tokens": 100, "output_tokens": 20, "total_tokens": 120}


@pytest.mark.parametrize(
    ("usage", "fragment"),
    [
        ({**USAGE, "input_tokens": -100}, "negative"),
        ({**USAGE, "output_tokens": -1}, "negative"),
        ({**USAGE, "input_tokens": 10.5}, "whole"),
        ({**USAGE, "output_tokens": "20"}, "whole"),
        ({**USAGE, "input_token_details": {"cache_read": -5}}, "negative"),
        ({"prompt_tokens": -3, "completion_tokens": 1, "total_tokens": -2}, "negative"),
        ({**USAGE, "input_tokens": float("nan")}, "whole"),
    ],
    ids=["neg-input", "neg-output", "fraction", "string", "neg-cache", "raw-body", "nan"],
)
def test_estimate_cost_refuses_bad_token_counts(usage: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        estimate_cost("llama3.3-70b-instruct", usage)


@pytest.mark.parametrize(
    "units",
    [{"images": 1.5}, {"characters": 2.2}, {"seconds": float("inf")}, {"images": "2"}],
    ids=["half-image", "fraction-chars", "inf-seconds", "string"],
)
def test_estimate_cost_refuses_bad_media_units(units: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        estimate_cost("fal-ai/fast-sdxl", **units)


def test_estimate_cost_still_prices_good_counts() -> None:
    assert estimate_cost("llama3.3-70b-instruct", USAGE).total_usd > 0
    assert estimate_cost("llama3.3-70b-instruct", {**USAGE, "input_tokens": 100.0}).total_usd > 0
