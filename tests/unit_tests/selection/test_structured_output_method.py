"""The selector counts tool-calling structured output, and agrees with the chat model.

Issue 18, item 6: ``select --structured-output`` rejected every Anthropic model and
``llama3.3-70b-instruct`` although ``with_structured_output`` works on them through a
forced tool call. Both now read one rule, ``_structured_output.default_method``.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from langchain_gradient import ChatGradient, ModelCatalog
from langchain_gradient.catalog.models import Capabilities, ModelInfo, Pricing
from langchain_gradient.selection import Requirements, select_model

STRUCTURED = Requirements(structured_output=True)
pytestmark = pytest.mark.filterwarnings(
    "ignore::langchain_gradient.selection.selector.StaleCatalogWarning"
)


class Person(BaseModel):
    """A person."""

    name: str
    age: int


def priced(model_id: str, **caps: bool) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        kind="chat",
        status="active",
        capabilities=Capabilities(**caps),
        pricing=Pricing(input_per_1m=1.0, output_per_1m=1.0),
    )


def bound_request(runnable: Any) -> dict[str, Any]:
    """The request kwargs ``with_structured_output`` bound on the chat model."""
    return dict(runnable.first.kwargs)


@pytest.mark.parametrize(
    "model_id",
    ["anthropic-claude-4.5-haiku", "anthropic-claude-opus-4.5", "llama3.3-70b-instruct"],
)
def test_tool_calling_models_count_as_structured_output(model_id: str) -> None:
    info = ModelCatalog.load()[model_id]
    assert not info.capabilities.structured_output  # no native JSON-schema flag
    decision = select_model(input_tokens=100, require=STRUCTURED, allow=[model_id])
    assert decision.chosen == model_id, decision.rejected
    [candidate] = decision.ranked
    assert candidate.structured_output_method == "function_calling"
    assert decision.as_dict()["ranked"][0]["structured_output_method"] == "function_calling"


def test_the_method_follows_what_the_model_can_do() -> None:
    tools = priced("tools-only", tools=True, tool_choice=True)
    native = priced("native-only", structured_output=True)
    both = priced("both", tools=True, tool_choice=True, structured_output=True)
    unforced = priced("tools-without-tool-choice", tools=True)
    neither = priced("neither")
    decision = select_model(
        input_tokens=10, require=STRUCTURED, catalog=[tools, native, both, unforced, neither]
    )
    methods = {c.id: c.structured_output_method for c in decision.ranked}
    assert methods == {
        "tools-only": "function_calling",
        "native-only": "json_schema",
        "both": "function_calling",
    }
    for rejected in ("neither", "tools-without-tool-choice"):
        assert decision.rejected[rejected].startswith("lacks structured_output")


def test_every_catalog_chat_model_gets_the_method_the_selector_reports() -> None:
    """For each chat model: what select_model says == what with_structured_output binds."""
    checked = 0
    for info in ModelCatalog.load().models(kind="chat"):
        decision = select_model(input_tokens=10, require=STRUCTURED, allow=[info.id])
        runnable = ChatGradient(model=info.id, api_key="k").with_structured_output(Person)
        request = bound_request(runnable)
        if decision.ranked:
            method = decision.ranked[0].structured_output_method
            if method == "function_calling":
                assert request["tool_choice"]["function"]["name"] == "Person", info.id
            else:
                assert request["response_format"]["type"] == "json_schema", info.id
            checked += 1
        elif "lacks structured_output" in decision.rejected[info.id]:
            assert "tool_choice" in request  # the class still tries a forced tool call
    assert checked > 40


def test_a_native_only_model_defaults_to_json_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = ModelCatalog.from_snapshot()
    native = priced("native-only-model", structured_output=True)
    catalog = ModelCatalog(
        {**{m.id: m for m in snapshot}, native.id: native}, figures_date=snapshot.figures_date
    )
    monkeypatch.setattr(ModelCatalog, "from_snapshot", classmethod(lambda cls: catalog))
    decision = select_model(input_tokens=10, require=STRUCTURED, catalog=[native])
    assert decision.ranked[0].structured_output_method == "json_schema"
    runnable = ChatGradient(model=native.id, api_key="k").with_structured_output(Person)
    assert bound_request(runnable)["response_format"]["json_schema"]["name"] == "Person"
    # An explicit method still wins over the default.
    forced = ChatGradient(model=native.id, api_key="k").with_structured_output(
        Person, method="function_calling"
    )
    assert "tool_choice" in bound_request(forced)


def test_an_anthropic_model_answers_structured_output_on_the_emulator(
    gradient_emulator: Any,
) -> None:
    llm = ChatGradient(
        model="anthropic-claude-4.5-haiku",
        api_key=gradient_emulator.api_key,
        base_url=gradient_emulator.base_url,
    )
    person = llm.with_structured_output(Person).invoke("Ada Lovelace, 36")
    assert isinstance(person, Person)
    sent = gradient_emulator.request_log.last().body
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
