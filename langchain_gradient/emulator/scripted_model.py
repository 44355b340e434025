"""The deterministic model behind every text route: general rules, no canned prompts.

Given a conversation, the tools and the requested output format it decides, in order:

1. a **tool call** when ``tool_choice`` forces one (a named tool, or ``required``), or,
   with ``auto``, when the latest user message asks for what a tool's name or
   description mentions (tools named in the message are all called). Arguments
   validate against the tool's JSON schema and take numbers, quoted strings and
   names from the message (:mod:`.schema_values`);
   After tool results it calls no tool, except that a tool whose latest result is an
   error (text starting ``Error``, LangChain's convention for a ``status="error"``
   ``ToolMessage``) is called once more with the same arguments, as a model told why a
   call failed would try again (at most twice in one conversation);
2. otherwise a **text answer**: after tool results it reports them; with
   ``response_format`` it returns schema-valid JSON; else a short plain reply
   (greetings, simple arithmetic, or a summary of what was asked);
3. **reasoning** text first when the model reasons.

The same request always gives the same reply (ids included).

Example:
    >>> request = ModelRequest(turns=[Turn("user", "What is 2 + 3?")])
    >>> reply(request).content
    '2 + 3 = 5.'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_gradient.emulator.plausible import guess_schema
from langchain_gradient.emulator.prompt_hints import (
    PromptHints,
    content_words,
    name_words,
)
from langchain_gradient.emulator.schema_values import build_value

ToolChoice = Literal["auto", "none", "required"]
OutputKind = Literal["text", "json_object", "json_schema"]

_ARITHMETIC = re.compile(r"(-?\d+(?:\.\d+)?)\s*([-+*/x\u00d7\u00f7])\s*(-?\d+(?:\.\d+)?)")
_GREETING = re.compile(r"^\s*(hello|hi|hey|good (morning|afternoon|evening)|greetings)\b", re.I)
_HOW_ARE_YOU = re.compile(r"\bhow are you\b", re.I)
_IDENTIFIER_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")


@dataclass(frozen=True)
class ToolSpec:
    """A function tool the model may call."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    """A call the model makes: ``arguments`` is the JSON string sent to the client."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Turn:
    """One message of the conversation, reduced to what the model reads."""

    role: str
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None


@dataclass
class ModelRequest:
    """Everything the scripted model decides from."""

    turns: Sequence[Turn]
    tools: Sequence[ToolSpec] = ()
    tool_choice: ToolChoice = "auto"
    forced_tool: str | None = None
    output: OutputKind = "text"
    output_schema: Mapping[str, Any] | None = None
    reasons: bool = False
    parallel_tool_calls: bool = True


@dataclass
class ModelReply:
    """What the model says: text (or None), reasoning (or None), tool calls."""

    content: str | None
    reasoning: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)


def reply(request: ModelRequest) -> ModelReply:
    """Decide the reply to ``request`` (see the module docstring for the rules)."""
    seed = _digest(request)
    user_text = _latest_user_text(request.turns)
    calls = _tool_calls(request, user_text, seed)
    if calls:
        content = None
        plan = "call " + ", ".join(f"{c.name}({c.arguments})" for c in calls)
    else:
        content = _answer(request, user_text)
        plan = _plan(request)
    reasoning = _reasoning(user_text, plan) if request.reasons else None
    return ModelReply(content, reasoning, calls)


def _digest(request: ModelRequest) -> str:
    parts = [f"{t.role}:{t.text}:{t.tool_call_id}" for t in request.turns]
    parts.extend(t.name for t in request.tools)
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def _latest_user_text(turns: Sequence[Turn]) -> str:
    for turn in reversed(turns):
        if turn.role == "user" and turn.text.strip():
            return turn.text
    for turn in reversed(turns):
        if turn.role in ("system", "developer") and turn.text.strip():
            return turn.text
    return ""


def _ends_with_tool_results(turns: Sequence[Turn]) -> bool:
    return bool(turns) and turns[-1].role == "tool"


def _tool_calls(request: ModelRequest, user_text: str, seed: str) -> list[ToolCall]:
    tools = {tool.name: tool for tool in request.tools}
    if not tools or request.tool_choice == "none":
        return []
    if request.forced_tool is not None:
        chosen = [tools[request.forced_tool]] if request.forced_tool in tools else []
    elif request.tool_choice == "required":
        chosen = _relevant_tools(request, user_text) or [_best_tool(request.tools, user_text)]
    elif _ends_with_tool_results(request.turns):
        return _retries_after_errors(request.turns, tools, seed)
    else:
        chosen = _relevant_tools(request, user_text)
    return [
        ToolCall(
            id="call_"
            + hashlib.sha1(f"{seed}|{i}|{tool.name}".encode(), usedforsecurity=False).hexdigest()[
                :24
            ],
            name=tool.name,
            arguments=json.dumps(
                build_value(
                    tool.parameters or {"type": "object", "properties": {}},
                    PromptHints.from_text(user_text),
                    topic=_topic(user_text),
                ),
                ensure_ascii=False,
            ),
        )
        for i, tool in enumerate(chosen)
    ]


_MAX_RETRIES = 2


def _retries_after_errors(
    turns: Sequence[Turn], tools: Mapping[str, ToolSpec], seed: str
) -> list[ToolCall]:
    """The failed calls of the latest tool results, repeated (same name and arguments)."""
    calls = {call.id: call for turn in turns for call in turn.tool_calls}
    failures: dict[str, int] = {}
    for turn in turns:
        if turn.role == "tool" and turn.text.lstrip().lower().startswith("error"):
            name = str(turn.name or getattr(calls.get(turn.tool_call_id or ""), "name", ""))
            failures[name] = failures.get(name, 0) + 1
    retries: list[ToolCall] = []
    for turn in reversed(turns):
        if turn.role != "tool":
            break
        failed = calls.get(turn.tool_call_id or "")
        if (
            failed is not None
            and failed.name in tools
            and turn.text.lstrip().lower().startswith("error")
            and failures.get(failed.name, 0) <= _MAX_RETRIES
        ):
            digest = hashlib.sha1(f"{seed}|retry|{failed.id}".encode(), usedforsecurity=False)
            retries.insert(
                0, ToolCall("call_" + digest.hexdigest()[:24], failed.name, failed.arguments)
            )
    return retries


def _relevant_tools(request: ModelRequest, user_text: str) -> list[ToolSpec]:
    """Tools named in the message (all of them), else the best match by shared words."""
    lowered = user_text.lower()
    named = sorted(
        (lowered.find(tool.name.lower()), tool)
        for tool in request.tools
        if tool.name.lower() in lowered
    )
    if named:
        found = [tool for _, tool in named]
        return found if request.parallel_tool_calls else found[:1]
    best = _best_tool(request.tools, user_text)
    return [best] if _score(best, user_text) >= 1 else []


def _best_tool(tools: Sequence[ToolSpec], user_text: str) -> ToolSpec:
    return max(tools, key=lambda tool: _score(tool, user_text))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _score(tool: ToolSpec, user_text: str) -> float:
    asked = {_stem(w) for w in content_words(user_text)}
    named = {_stem(w) for w in name_words(tool.name)} - {"get", "set", "tool", "function"}
    described = {_stem(w) for w in content_words(tool.description)}
    return len(asked & named) + 0.5 * len(asked & described - named)


def _answer(request: ModelRequest, user_text: str) -> str:
    if request.output != "text":
        return _json_answer(request, user_text)
    if _ends_with_tool_results(request.turns):
        return _tool_result_answer(request.turns)
    return _text_answer(user_text)


def _tool_result_answer(turns: Sequence[Turn]) -> str:
    results: list[Turn] = []
    for turn in reversed(turns):
        if turn.role != "tool":
            break
        results.insert(0, turn)
    names = {call.id: call.name for turn in turns for call in turn.tool_calls}
    parts = []
    for result in results:
        name = result.name or names.get(result.tool_call_id or "", "the tool")
        parts.append(f"{name} returned {_summarise_result(result.text)}")
    return "Based on the tool results: " + "; ".join(parts) + "."


def _summarise_result(text: str) -> str:
    text = text.strip()
    try:
        value = json.loads(text)
    except ValueError:
        return text or "nothing"
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _text_answer(user_text: str) -> str:
    text = user_text.strip()
    match = _ARITHMETIC.search(text)
    if match:
        return _arithmetic(*match.groups())
    if _HOW_ARE_YOU.search(text):
        return "I'm doing well, thank you for asking! How can I help you today?"
    if _GREETING.search(text) or not text:
        return "Hello! I'm the Gradient emulator's scripted model. How can I help you today?"
    topic = _topic(text)
    return (
        f"Here is a short answer about {topic}. The Gradient emulator's scripted model "
        "replies deterministically, so the same request always gets this same answer."
    )


def _arithmetic(left: str, op: str, right: str) -> str:
    a, b = float(left), float(right)
    if op in "x\u00d7*":
        result = a * b
    elif op in "/\u00f7":
        if b == 0:
            return f"{left} {op} {right} is undefined: division by zero."
        result = a / b
    elif op == "+":
        result = a + b
    else:
        result = a - b
    shown = int(result) if result.is_integer() else round(result, 6)
    return f"{left} {op} {right} = {shown}."


def _topic(text: str) -> str:
    words = content_words(text)
    return " ".join(words[:8]) if words else "your message"


def _json_answer(request: ModelRequest, user_text: str) -> str:
    hints = PromptHints.from_text(user_text)
    schema = request.output_schema or _schema_in_prompt(request.turns)
    if schema is None:
        keys = _keys_in_prompt(request.turns)
        schema = {
            "type": "object",
            "properties": {key: guess_schema(key) for key in keys or ["answer"]},
            "required": keys or ["answer"],
        }
        hints.quoted = [q for q in hints.quoted if q not in keys]
        hints.phrases = [p for p in hints.phrases if p not in keys and p.upper() != "JSON"]
    value = build_value(
        schema, hints, topic=_topic(user_text), include_optional=True, any_phrase=False
    )
    return json.dumps(value, ensure_ascii=False)


def _all_quoted(turns: Sequence[Turn]) -> list[str]:
    found: list[str] = []
    for turn in turns:
        if turn.role in ("user", "system", "developer"):
            for quoted in PromptHints.from_text(turn.text).quoted:
                if quoted not in found:
                    found.append(quoted)
    return found


def _schema_in_prompt(turns: Sequence[Turn]) -> Mapping[str, Any] | None:
    """A JSON schema pasted into a system or user message (a common json_mode pattern).

    Every JSON object in the text is read; the last one with ``properties`` wins, so
    langchain-core's format instructions (an example schema, then the real one) work.
    """
    found: Mapping[str, Any] | None = None
    decoder = json.JSONDecoder()
    for turn in turns:
        if turn.role not in ("system", "developer", "user"):
            continue
        text, start = turn.text, turn.text.find("{")
        while start >= 0:
            try:
                candidate, end = decoder.raw_decode(text, start)
            except ValueError:
                start = text.find("{", start + 1)
                continue
            if isinstance(candidate, dict) and isinstance(candidate.get("properties"), dict):
                found = candidate
            start = text.find("{", end)
    return found


_KEY_LIST = re.compile(
    r"\b(?:keys?|fields?|properties)\b\s*:?\s*((?:`?[A-Za-z_][A-Za-z0-9_]*`?(?:\s*,\s*|\s+and\s+"
    r"|\s*,\s*and\s+)?)+)",
    re.I,
)
_BACKTICKED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]{0,40})`")


def _keys_in_prompt(turns: Sequence[Turn]) -> list[str]:
    """Key names a json_mode prompt asks for: quoted or backticked identifiers, or a list
    after "keys"/"fields" ("with keys name, age and city")."""
    keys = [q for q in _all_quoted(turns) if _IDENTIFIER_KEY.match(q)]
    for turn in turns:
        if turn.role not in ("user", "system", "developer"):
            continue
        named = _BACKTICKED.findall(turn.text)
        for match in _KEY_LIST.finditer(turn.text):
            named.extend(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", match.group(1)))
        for key in named:
            if key.lower() not in ("and", "json", "object") and key not in keys:
                keys.append(key)
    return keys


def _plan(request: ModelRequest) -> str:
    if request.output != "text":
        return "answer with JSON that matches the requested format"
    if _ends_with_tool_results(request.turns):
        return "report what the tools returned"
    return "answer directly"


def _reasoning(user_text: str, plan: str) -> str:
    asked = " ".join(user_text.split())
    if len(asked) > 160:
        asked = asked[:157] + "..."
    return f'The user wrote: "{asked}". I will {plan}.'
