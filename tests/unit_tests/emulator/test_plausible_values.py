"""The scripted model's JSON: schema-valid (checked by fastjsonschema, formats included),
plausible (never a field's description), complete and deterministic, for structured output
through json_schema, json_mode and tool-call arguments."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Literal

import fastjsonschema
import pytest
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, Field

from langchain_gradient import ChatGradient
from langchain_gradient.cli.demo import ModelAdvice
from langchain_gradient.emulator.prompt_hints import PromptHints
from langchain_gradient.emulator.schema_values import build_value
from langchain_gradient.emulator.scripted_model import ModelRequest, Turn, reply

MARK = "DESCMARK"  # in every description: it must never show up in a value


def check(schema: dict[str, Any], value: Any) -> None:
    fastjsonschema.compile(schema, use_formats=True)(value)


class Contact(BaseModel):
    """A person to reach."""

    name: str = Field(description=f"{MARK} the person's full name")
    email: str = Field(json_schema_extra={"format": "email"}, description=f"{MARK} where to write")
    phone: str = Field(pattern=r"^\+?[0-9][0-9-]{6,14}$", description=f"{MARK} phone")


class Ticket(BaseModel):
    """A support ticket, triaged."""

    ticket_id: str = Field(description=f"{MARK} the id")
    summary: str = Field(description=f"{MARK} one sentence")
    priority: Literal["low", "medium", "high"]
    sentiment_score: float = Field(ge=-1, le=1, description=f"{MARK} from -1 to 1")
    rating: int = Field(ge=1, le=5, multiple_of=1)
    opened_on: datetime.date
    due_at: datetime.datetime
    tags: list[str] = Field(min_length=2, max_length=4, json_schema_extra={"uniqueItems": True})
    contact: Contact
    escalate: bool


PROMPT = "Triage this ticket from Ada Lovelace: the invoice page has crashed twice since Monday."


def assert_plausible(schema: dict[str, Any], value: Any) -> None:
    check(schema, value)
    assert MARK not in json.dumps(value)
    assert set(schema.get("required", [])) <= set(value)


@pytest.mark.parametrize("include_optional", [True, False])
def test_nested_pydantic_schema_validates_with_formats(include_optional: bool) -> None:
    schema = Ticket.model_json_schema()
    value = build_value(
        schema, PromptHints.from_text(PROMPT), topic="t", include_optional=include_optional
    )
    assert_plausible(schema, value)
    Ticket.model_validate(value)
    assert value["contact"]["name"] == "Ada Lovelace"
    assert len(set(value["tags"])) == len(value["tags"]) >= 2


def test_the_same_request_gives_the_same_values() -> None:
    schema = Ticket.model_json_schema()
    first = build_value(schema, PromptHints.from_text(PROMPT), topic="t")
    assert build_value(schema, PromptHints.from_text(PROMPT), topic="t") == first


def test_a_reason_field_is_a_sentence_naming_the_choice() -> None:
    """The demo once showed ``'reason': 'llama3.3-70b-instruct'`` (a second quoted id)."""
    question = (
        "Which model should summarise support tickets cheaply: 'openai-gpt-oss-20b' or "
        "'llama3.3-70b-instruct'? Say why."
    )
    value = build_value(ModelAdvice.model_json_schema(), PromptHints.from_text(question), topic="")
    assert value["model_id"] == "openai-gpt-oss-20b"
    assert value["reason"].startswith("openai-gpt-oss-20b ") and value["reason"].endswith(".")
    assert "summarise support tickets cheaply" in value["reason"]
    assert "One sentence" not in value["reason"]


# -------------------------------------------------------------- the three routes, end to end


@pytest.fixture
def llm(gradient_emulator: Any) -> ChatGradient:
    return ChatGradient(
        model="llama3.3-70b-instruct",
        base_url=gradient_emulator.base_url,
        api_key=gradient_emulator.api_key,
    )


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_structured_output_through_the_emulator(llm: ChatGradient, method: str) -> None:
    runnable = llm.with_structured_output(Ticket, method=method)  # type: ignore[arg-type]
    first = runnable.invoke(PROMPT)
    assert isinstance(first, Ticket)
    assert_plausible(Ticket.model_json_schema(), first.model_dump(mode="json"))
    assert runnable.invoke(PROMPT) == first  # deterministic: cassettes depend on it


def test_json_mode_with_format_instructions_passes_the_parser(llm: ChatGradient) -> None:
    """json_mode has no schema in the request: the model reads it from the prompt
    (langchain-core's format instructions hold an example schema and then the real one)."""
    parser = PydanticOutputParser(pydantic_object=Ticket)
    chain = llm.with_structured_output(None, method="json_mode")
    raw = chain.invoke([("system", parser.get_format_instructions()), ("user", PROMPT)])
    assert_plausible(Ticket.model_json_schema(), raw)
    Ticket.model_validate(raw)


def test_json_mode_keys_named_in_the_prompt_are_all_present() -> None:
    request = ModelRequest(
        turns=[
            Turn("user", "Return JSON with keys name, age and city for Ada Lovelace, 36, London")
        ],
        output="json_object",
    )
    assert json.loads(reply(request).content or "") == {
        "name": "Ada Lovelace",
        "age": 36,
        "city": "London",
    }


def test_json_mode_without_keys_answers_in_a_sentence() -> None:
    request = ModelRequest(
        turns=[Turn("user", "Reply in JSON: is the sky blue?")], output="json_object"
    )
    answer = json.loads(reply(request).content or "")
    assert list(answer) == ["answer"] and re.search(r"is the sky blue\.$", answer["answer"])


def test_format_values_written_in_the_prompt_are_used() -> None:
    schema = {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "website": {"type": "string", "format": "uri"},
            "start": {"type": "string", "format": "date"},
        },
        "required": ["email", "website", "start"],
    }
    prompt = "Register ada@lovelace.org (site https://ada.example.org/about) from 2026-03-04."
    value = build_value(schema, PromptHints.from_text(prompt), topic="")
    check(schema, value)
    assert value == {
        "email": "ada@lovelace.org",
        "website": "https://ada.example.org/about",
        "start": "2026-03-04",
    }
