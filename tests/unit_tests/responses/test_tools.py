"""bind_tools (flat Responses format), tool_choice, and with_structured_output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from .conftest import FakeResponsesServer, text_response


class Weather(BaseModel):
    """Weather for a city."""

    city: str = Field(description="City name")
    celsius: float


class WeatherDict(TypedDict):
    """Weather for a city."""

    city: str
    celsius: float


WEATHER_SCHEMA = {
    "title": "Weather",
    "description": "Weather for a city.",
    "type": "object",
    "properties": {"city": {"type": "string"}, "celsius": {"type": "number"}},
    "required": ["city", "celsius"],
}


def get_time(zone: str) -> str:
    """Current time in a zone."""
    return "noon"


def _call_response(name: str, args: dict[str, Any]) -> dict[str, Any]:
    body = text_response("")
    body["output"] = [
        {"type": "function_call", "call_id": "call_1", "name": name, "arguments": json.dumps(args)}
    ]
    return body


def test_bind_tools_sends_flat_format(server: FakeResponsesServer) -> None:
    server.reply(_call_response("get_time", {"zone": "UTC"}))
    llm = server.model().bind_tools(
        [get_time, Weather, {"type": "web_search"}],
        tool_choice="get_time",
        parallel_tool_calls=False,
    )
    message = llm.invoke("What time is it?")

    body = server.bodies[0]
    assert body["tools"][0] == {
        "type": "function",
        "name": "get_time",
        "description": "Current time in a zone.",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string"}},
            "required": ["zone"],
        },
    }
    assert body["tools"][1]["name"] == "Weather"
    assert "function" not in body["tools"][1]
    assert body["tools"][2] == {"type": "web_search"}
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_time"}}
    assert body["parallel_tool_calls"] is False
    assert message.tool_calls[0]["args"] == {"zone": "UTC"}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("any", "required"),
        ("required", "required"),
        (True, "required"),
        ({"type": "web_search"}, {"type": "web_search"}),
        (
            {"type": "function", "function": {"name": "get_time"}},
            {"type": "function", "function": {"name": "get_time"}},
        ),
        (
            {"type": "function", "name": "get_time"},
            {"type": "function", "function": {"name": "get_time"}},
        ),
    ],
)
def test_tool_choice_forms(server: FakeResponsesServer, choice: Any, expected: Any) -> None:
    bound = server.model().bind_tools([get_time], tool_choice=choice)
    assert bound.kwargs["tool_choice"] == expected  # type: ignore[attr-defined]


def test_unknown_tool_choice_fails_before_request(server: FakeResponsesServer) -> None:
    with pytest.raises(ValueError, match="not among the bound tools: get_time"):
        server.model().bind_tools([get_time], tool_choice="get_weather")
    with pytest.raises(ValueError, match="Unsupported tool_choice"):
        server.model().bind_tools([get_time], tool_choice=3)  # type: ignore[arg-type]
    assert server.requests == []


def test_strict_is_sent(server: FakeResponsesServer) -> None:
    bound = server.model().bind_tools([Weather], strict=True)
    assert bound.kwargs["tools"][0]["strict"] is True  # type: ignore[attr-defined]


SCHEMAS = [(Weather, "Weather"), (WeatherDict, "WeatherDict"), (WEATHER_SCHEMA, "Weather")]


@pytest.mark.parametrize(("schema", "name"), SCHEMAS)
def test_structured_output_function_calling(
    server: FakeResponsesServer, schema: Any, name: str
) -> None:
    server.reply(_call_response(name, {"city": "Paris", "celsius": 21.5}))
    result = server.model().with_structured_output(schema).invoke("Weather in Paris?")

    expected = {"city": "Paris", "celsius": 21.5}
    assert (result.model_dump() if isinstance(result, BaseModel) else result) == expected
    body = server.bodies[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": name}}
    assert body["tools"][0]["name"] == name
    assert "function" not in body["tools"][0]  # flat Responses format


@pytest.mark.parametrize(("schema", "name"), SCHEMAS)
def test_structured_output_json_schema(server: FakeResponsesServer, schema: Any, name: str) -> None:
    server.reply(text_response('{"city": "Paris", "celsius": 21.5}'))
    result = (
        server.model().with_structured_output(schema, method="json_schema", strict=True).invoke("?")
    )

    expected = {"city": "Paris", "celsius": 21.5}
    assert (result.model_dump() if isinstance(result, BaseModel) else result) == expected
    text_format = server.bodies[0]["text"]["format"]
    assert text_format["type"] == "json_schema"
    assert text_format["name"] == name
    assert text_format["strict"] is True
    assert set(text_format["schema"]["properties"]) == {"city", "celsius"}
    assert "tools" not in server.bodies[0]


def test_structured_output_json_mode(server: FakeResponsesServer) -> None:
    server.reply(text_response('{"city": "Paris", "celsius": 21.5}'))
    result = server.model().with_structured_output(Weather, method="json_mode").invoke("?")
    assert result == Weather(city="Paris", celsius=21.5)
    assert server.bodies[0]["text"] == {"format": {"type": "json_object"}}


def test_structured_output_include_raw_keeps_parse_errors(server: FakeResponsesServer) -> None:
    server.reply(text_response("not json"))
    result = (
        server.model()
        .with_structured_output(Weather, method="json_schema", include_raw=True)
        .invoke("?")
    )
    assert result["parsed"] is None
    assert result["parsing_error"] is not None
    assert result["raw"].content == "not json"


def test_structured_output_bad_arguments() -> None:
    from langchain_gradient import GradientResponses

    llm = GradientResponses(api_key="k")
    with pytest.raises(ValueError, match="Unknown structured output method"):
        llm.with_structured_output(Weather, method="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a schema"):
        llm.with_structured_output(None, method="json_schema")
    with pytest.raises(TypeError, match="Unexpected arguments"):
        llm.with_structured_output(Weather, bogus=1)


def test_chat_style_response_format_becomes_text_format(server: FakeResponsesServer) -> None:
    server.reply(text_response("{}"))
    server.reply(text_response("{}"))
    schema = {"name": "A", "schema": {"type": "object"}, "strict": True}
    llm = server.model()
    llm.invoke("?", response_format={"type": "json_schema", "json_schema": schema})
    llm.invoke("?", response_format={"type": "json_object"})
    assert server.bodies[0]["text"] == {"format": {"type": "json_schema", **schema}}
    assert "response_format" not in server.bodies[0]
    assert server.bodies[1]["text"] == {"format": {"type": "json_object"}}
    with pytest.raises(ValueError, match="response_format must be a dict"):
        llm.invoke("?", response_format="json")
    assert len(server.requests) == 2
