"""Agent endpoints: ``POST /api/v1/chat/completions?agent=true`` answered by a configured agent.

What the sources say (``gradient-api.md`` §13.4; the contract's
``agentInference_create_chat_completion``): the agent's access key as bearer; the
``agent=true`` query parameter (required); a chat-completions body (``model`` and
``messages`` required; the contract's sample sends ``"model": "ignored"``) plus the
per-request agent fields LiteLLM's ``gradient_ai`` provider sends: ``k``,
``retrieval_method`` (``rewrite``, ``step_back``, ``sub_queries``, ``none``),
``kb_filters`` (list of objects), ``filter_kb_content_by_query_metadata``,
``instruction_override``, ``include_functions_info``, ``include_retrieval_info``,
``include_guardrails_info``, ``provide_citations``; the answer is a chat completion
whose ``finish_reason`` may be ``content_filter``.

What the emulator adds, because no source gives it (keep clients tolerant of it):

* the agent is found by its access key (one server, many agents; on the real service
  each agent has its own host);
* retrieval: the latest user message is the query, ``k`` results (default the agent's)
  over each of the agent's knowledge bases with the agent's ``alpha``; ``kb_filters``
  items shaped ``{field, operator, value}`` are applied as ``must`` conditions, other
  items are ignored; ``retrieval_method`` and ``filter_kb_content_by_query_metadata``
  are validated and otherwise have no effect;
* grounding: a text answer (no tool call, no structured output) quotes the best chunk;
* the extra top-level response keys, sent only when asked: ``retrieval``
  (``{"results": [{knowledge_base_id, text_content, metadata}]}``, the retrieve route's
  result shape), ``guardrails`` (``{"triggered": [{name, message}]}``), ``functions``
  (``{"called": []}``: emulated agents have no functions) and ``citations`` (the
  results the answer used); in a stream they ride on the chunk that ends choice 0;
* the guardrail: a message containing one of the agent's ``blocked_words`` is answered
  with the agent's refusal and ``finish_reason: "content_filter"``.

Example:
    >>> agent = EmulatedAgent("support", access_key="agent-key", blocked_words=("password",))
    >>> agent.blocks("What is the admin PASSWORD?")
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.chat import chat_body, chat_chunks, chat_usage, parse_chat
from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.http_common import (
    RouteAdder,
    body_of,
    context_of,
    json_response,
    state_of,
    write_sse,
)
from langchain_gradient.emulator.knowledge_bases import Chunk, check_condition
from langchain_gradient.emulator.text_request import (
    Completion,
    TextRequest,
    account_prompt,
    generate,
)
from langchain_gradient.emulator.tokens import count_tokens

AGENT_PATH = "/api/v1/chat/completions"
RETRIEVAL_METHODS = ("rewrite", "step_back", "sub_queries", "none")
_BOOLEAN_FIELDS = (
    "filter_kb_content_by_query_metadata",
    "include_functions_info",
    "include_retrieval_info",
    "include_guardrails_info",
    "provide_citations",
)
AGENT_FIELDS = ("k", "retrieval_method", "kb_filters", "instruction_override", *_BOOLEAN_FIELDS)


@dataclass(frozen=True)
class EmulatedAgent:
    """One agent: its key, model, instruction, knowledge bases (uuids) and guardrail."""

    name: str
    access_key: str
    knowledge_bases: tuple[str, ...] = ()
    model: str = "llama3.3-70b-instruct"
    instruction: str = ""
    k: int = 5
    alpha: float = 0.5
    retrieval_method: str = "none"
    provide_citations: bool = False
    blocked_words: tuple[str, ...] = ()
    refusal: str = "I can't help with that request: it was blocked by this agent's guardrail."

    def blocks(self, text: str) -> str | None:
        """The first blocked word in ``text`` (case-insensitive), or None."""
        lowered = text.lower()
        return next((word for word in self.blocked_words if word.lower() in lowered), None)


class AgentStore:
    """The emulator's agents, found by access key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._agents: dict[str, EmulatedAgent] = {}

    def add(self, agent: EmulatedAgent) -> EmulatedAgent:
        with self._lock:
            self._agents[agent.access_key] = agent
        return agent

    def by_key(self, key: str | None) -> EmulatedAgent | None:
        return self._agents.get(key) if key else None


def _options(body: Mapping[str, Any], agent: EmulatedAgent) -> dict[str, Any]:
    """The agent fields of ``body``, validated, with the agent's defaults."""
    k = body.get("k", agent.k)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise bad_request("k must be an integer from 1 to 100.", "k")
    method = body.get("retrieval_method", agent.retrieval_method)
    if method not in RETRIEVAL_METHODS:
        raise bad_request(
            f"retrieval_method must be one of {', '.join(RETRIEVAL_METHODS)}.", "retrieval_method"
        )
    kb_filters = body.get("kb_filters") or []
    if not isinstance(kb_filters, list) or not all(isinstance(f, dict) for f in kb_filters):
        raise bad_request("kb_filters must be a list of objects.", "kb_filters")
    instruction = body.get("instruction_override")
    if instruction is not None and not isinstance(instruction, str):
        raise bad_request("instruction_override must be a string.", "instruction_override")
    options: dict[str, Any] = {"k": k, "kb_filters": kb_filters, "instruction": instruction}
    for name in _BOOLEAN_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            raise bad_request(f"{name} must be a boolean.", name)
        options[name] = bool(value)
    options["provide_citations"] = options["provide_citations"] or (
        "provide_citations" not in body and agent.provide_citations
    )
    return options


def _must_conditions(kb_filters: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    conditions = []
    for index, item in enumerate(kb_filters):
        if {"field", "operator", "value"} <= set(item):
            check_condition(item, f"kb_filters[{index}]")
            conditions.append(item)
    return conditions


def _latest_user_text(text_request: TextRequest) -> str:
    return next((t.text for t in reversed(text_request.turns) if t.role == "user"), "")


def _retrieve(
    request: web.Request, agent: EmulatedAgent, query: str, options: Mapping[str, Any]
) -> list[tuple[str, Chunk]]:
    store = state_of(request).knowledge_bases
    filters = {"must": _must_conditions(options["kb_filters"])}
    hits: list[tuple[str, Chunk]] = []
    for kb_uuid in agent.knowledge_bases:
        knowledge_base = store.get(kb_uuid)
        if knowledge_base is not None and query.strip():
            found = knowledge_base.search(query, options["k"], alpha=agent.alpha, filters=filters)
            hits.extend((kb_uuid, chunk) for chunk in found)
    return hits[: options["k"]]


def _result(kb_uuid: str, chunk: Chunk) -> dict[str, Any]:
    return {
        "knowledge_base_id": kb_uuid,
        "text_content": chunk.text,
        "metadata": dict(chunk.metadata),
    }


def _grounded(completion: Completion, text_request: TextRequest, hits: Sequence[Any]) -> Completion:
    if not hits or completion.tool_calls or text_request.output != "text":
        return completion
    _, best = hits[0]
    title = best.metadata.get("filename") or best.metadata.get("title") or "the knowledge base"
    content = f"According to {title}: {best.text}"
    tokens = count_tokens(content)
    return replace(
        completion,
        content=content,
        finish_reason="stop",
        completion_tokens=completion.reasoning_tokens + tokens,
    )


def _blocked(completion: Completion, agent: EmulatedAgent) -> Completion:
    return replace(
        completion,
        content=agent.refusal,
        tool_calls=[],
        finish_reason="content_filter",
        completion_tokens=completion.reasoning_tokens + count_tokens(agent.refusal),
    )


def _extras(
    options: Mapping[str, Any],
    hits: Sequence[tuple[str, Chunk]],
    triggered: list[dict[str, str]],
) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if options["include_retrieval_info"]:
        extras["retrieval"] = {"results": [_result(kb, chunk) for kb, chunk in hits]}
    if options["include_guardrails_info"]:
        extras["guardrails"] = {"triggered": triggered}
    if options["include_functions_info"]:
        extras["functions"] = {"called": []}
    if options["provide_citations"] and hits and not triggered:
        extras["citations"] = [_result(kb, chunk) for kb, chunk in hits[:1]]
    return extras


def _with_extras(
    events: Iterator[dict[str, Any]], extras: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    for event in events:
        choices = event.get("choices") or ()
        if extras and any(c.get("finish_reason") and not c.get("index") for c in choices):
            event = {**event, **extras}
        yield event


async def handle_agent_chat(request: web.Request) -> web.StreamResponse:
    """``POST /api/v1/chat/completions?agent=true``."""
    state = state_of(request)
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header[:7].lower() == "bearer " else None
    agent = state.agents.by_key(key)
    if agent is None:
        raise EmulatorHTTPError(401, "Unable to authenticate you.")
    if request.query.get("agent", "").lower() != "true":
        raise bad_request("The query parameter agent=true is required.", "agent")
    body = body_of(request)
    if not isinstance(body.get("model"), str):
        raise bad_request("model is required.", "model")
    options = _options(body, agent)
    messages = body.get("messages")
    instruction = options["instruction"] or agent.instruction
    if instruction and isinstance(messages, list):
        messages = [{"role": "system", "content": instruction}, *messages]
    chat = {k: v for k, v in body.items() if k not in AGENT_FIELDS}
    text_request = parse_chat(request, {**chat, "model": agent.model, "messages": messages})
    question = _latest_user_text(text_request)
    blocked_word = agent.blocks(question)
    triggered: list[dict[str, str]] = []
    hits: list[tuple[str, Chunk]] = []
    completions = generate(text_request)
    if blocked_word is not None:
        triggered = [{"name": "blocked_words", "message": f"blocked word {blocked_word!r}"}]
        completions = [_blocked(c, agent) for c in completions]
    else:
        hits = _retrieve(request, agent, question, options)
        completions = [_grounded(c, text_request, hits) for c in completions]
    usage = chat_usage(state, account_prompt(request, text_request), completions)
    extras = _extras(options, hits, triggered)
    if body.get("stream") is True:
        stream_options = body.get("stream_options") or {}
        include_usage = (
            isinstance(stream_options, Mapping) and stream_options.get("include_usage") is True
        )
        events = chat_chunks(state, text_request, completions, usage, include_usage)
        return await write_sse(request, _with_extras(events, extras))
    response = json_response({**chat_body(state, text_request, completions, usage), **extras})
    response.headers.update(context_of(request).headers)
    return response


def add_routes(add: RouteAdder) -> None:
    add("POST", AGENT_PATH, handle_agent_chat)
