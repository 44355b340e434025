"""tool_choice resolution shared by ChatGradient and GradientResponses."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_gradient._tool_binding import (
    chat_tool_choice,
    responses_tool_choice,
    to_responses_tool,
    tool_names,
)

NAMES = ["get_weather", "get_time"]


@pytest.mark.parametrize(
    ("choice", "chat", "flat"),
    [
        ("auto", "auto", "auto"),
        ("any", "required", "required"),
        (True, "required", "required"),
        ({"type": "none"}, "none", "none"),
        (
            "get_time",
            {"type": "function", "function": {"name": "get_time"}},
            {"type": "function", "function": {"name": "get_time"}},
        ),
        (
            {"type": "function", "name": "get_time"},
            {"type": "function", "function": {"name": "get_time"}},
            {"type": "function", "function": {"name": "get_time"}},
        ),
        ({"type": "web_search"}, {"type": "web_search"}, {"type": "web_search"}),
    ],
)
def test_each_spelling_in_both_formats(choice: Any, chat: Any, flat: Any) -> None:
    assert chat_tool_choice(choice, NAMES) == chat
    assert responses_tool_choice(choice, NAMES) == flat


def test_unbound_name_and_unknown_forms_fail() -> None:
    with pytest.raises(ValueError, match="not among the bound tools: get_weather, get_time"):
        chat_tool_choice({"type": "function", "function": {"name": "nope"}}, NAMES)
    with pytest.raises(ValueError, match="not among the bound tools: none"):
        responses_tool_choice("nope", [])
    with pytest.raises(ValueError, match="Unsupported tool_choice"):
        responses_tool_choice(3.5, NAMES)


def test_tool_names_reads_both_formats_and_skips_builtins() -> None:
    tools = [
        {"type": "function", "function": {"name": "a"}},
        {"type": "function", "name": "b"},
        {"type": "web_search"},
    ]
    assert tool_names(tools) == ["a", "b"]


def test_json_schema_dict_is_a_function_not_a_builtin() -> None:
    schema = {"title": "Weather", "type": "object", "properties": {"city": {"type": "string"}}}
    assert to_responses_tool(schema)["name"] == "Weather"
    assert to_responses_tool(schema, strict=True)["strict"] is True
