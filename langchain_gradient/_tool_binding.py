"""Tool definitions and ``tool_choice`` as bound to a model, for both request formats.

:func:`resolve_tool_choice` understands every spelling LangChain users pass
(``"auto"``, ``"none"``, ``"any"``, ``"required"``, ``True``, a tool name, or a dict in
either the chat form ``{"type": "function", "function": {"name"}}`` or the flat
Responses form ``{"type": "function", "name"}``) and checks that a named tool is bound
before any request is sent. :func:`chat_tool_choice` (ChatGradient) and
:func:`responses_tool_choice` (GradientResponses) only spell its answer.

Example:
    >>> resolve_tool_choice("any", ["get_weather"])
    'required'
    >>> chat_tool_choice("get_weather", ["get_weather"])
    {'type': 'function', 'function': {'name': 'get_weather'}}
    >>> responses_tool_choice({"type": "function", "name": "get_weather"}, ["get_weather"])
    {'type': 'function', 'function': {'name': 'get_weather'}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.utils.function_calling import convert_to_openai_tool

TOOL_CHOICE_KEYWORDS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


@dataclass(frozen=True)
class ForcedTool:
    """``tool_choice`` naming one bound function tool."""

    name: str


def resolve_tool_choice(
    choice: Any, tool_names: Sequence[str]
) -> str | ForcedTool | dict[str, Any]:
    """A keyword (auto/none/required), the one tool to force, or a built-in choice dict.

    ``True`` means ``"required"``, as in langchain-openai. Dicts that name no function
    (``{"type": "web_search"}``, ``{"type": "allowed_tools", ...}``) pass through.
    Raises ``ValueError`` for a name that is not bound, or an unknown form.
    """
    if choice is True:
        return "required"
    name: Any = None
    if isinstance(choice, str):
        if choice in TOOL_CHOICE_KEYWORDS:
            return TOOL_CHOICE_KEYWORDS[choice]
        name = choice
    elif isinstance(choice, Mapping):
        function = choice.get("function")
        name = function.get("name") if isinstance(function, Mapping) else choice.get("name")
        if name is None:
            kind = choice.get("type")
            return TOOL_CHOICE_KEYWORDS[kind] if kind in TOOL_CHOICE_KEYWORDS else dict(choice)
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"Unsupported tool_choice {choice!r}. Use 'auto', 'none', 'any', 'required', "
            "True, a tool name, or {'type': 'function', 'function': {'name': ...}}."
        )
    if name not in tool_names:
        raise ValueError(
            f"tool_choice={choice!r} names a tool that is not among the bound tools: "
            f"{', '.join(tool_names) or 'none'}. Use a bound tool's name, 'auto', 'none', "
            "'required' or 'any'."
        )
    return ForcedTool(name)


def chat_tool_choice(choice: Any, tool_names: Sequence[str]) -> str | dict[str, Any]:
    """``tool_choice`` in the chat-completions form: a keyword or ``{type, function: {name}}``."""
    resolved = resolve_tool_choice(choice, tool_names)
    if isinstance(resolved, ForcedTool):
        return {"type": "function", "function": {"name": resolved.name}}
    return resolved


def responses_tool_choice(choice: Any, tool_names: Sequence[str]) -> str | dict[str, Any]:
    """``tool_choice`` for ``/v1/responses``: a keyword or ``{type, function: {name}}``.

    DigitalOcean's contract types the request form with ``function: {name}`` (the
    response echoes ``{type, name}``; ``gradient-api.md`` §4.1, §9.5).
    """
    resolved = resolve_tool_choice(choice, tool_names)
    if isinstance(resolved, ForcedTool):
        return {"type": "function", "function": {"name": resolved.name}}
    return resolved


def to_responses_tool(tool: Any, *, strict: bool | None = None) -> dict[str, Any]:
    """A tool in the flat Responses format ``{type: "function", name, description, parameters}``.

    Accepts whatever ``convert_to_openai_tool`` accepts, tools already in the flat
    format, and built-in tools such as ``{"type": "web_search"}`` (passed through).
    """
    if isinstance(tool, Mapping) and "function" not in tool:
        if tool.get("type") not in (None, "function", "object"):
            return dict(tool)  # a built-in tool: web_search, mcp, ...
        if tool.get("type") == "function" and "name" in tool:
            flat = dict(tool)
            if strict is not None:
                flat["strict"] = strict
            return flat
    function = dict(convert_to_openai_tool(tool, strict=strict)["function"])
    return {"type": "function", **function}


def tool_names(tools: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names of the function tools among ``tools``, in either format."""
    names = []
    for tool in tools:
        function = tool.get("function")
        name = function.get("name") if isinstance(function, Mapping) else tool.get("name")
        if tool.get("type") == "function" and name:
            names.append(str(name))
    return names
