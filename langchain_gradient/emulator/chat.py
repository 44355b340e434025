"""``POST /v1/chat/completions``: validation, the scripted reply, usage, and streaming.

Streaming follows ``gradient-api.md`` §3.3: single-line ``data:`` events; the role in
the first chunk; ``reasoning_content`` then ``content`` deltas; tool calls as a first
fragment (``index, id, type, function.name, arguments: ""``) and argument fragments;
a final chunk with the ``finish_reason``; with ``stream_options.include_usage`` every
chunk has ``usage: null`` and a ``choices: []`` usage chunk comes before ``[DONE]``;
without it the ``choices: []`` chunk still comes, without usage (real traffic,
``gradient-api.md`` §13.6). Usage carries ``prompt_tokens_details``; a reply whose
budget ran out before any text has ``content: null``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.conversation import chat_turns
from langchain_gradient.emulator.errors import bad_request
from langchain_gradient.emulator.http_common import (
    body_of,
    context_of,
    json_response,
    state_of,
    write_sse,
)
from langchain_gradient.emulator.logprobs import chat_logprobs, token_logprobs, wants_logprobs
from langchain_gradient.emulator.prompt_cache import CacheUsage
from langchain_gradient.emulator.scripted_model import ToolCall
from langchain_gradient.emulator.state import EmulatorState
from langchain_gradient.emulator.text_request import (
    STREAM_OPTIONS_WITHOUT_STREAM,
    Completion,
    TextRequest,
    account_prompt,
    build_text_request,
    generate,
    number_in_range,
    positive_int,
    route_headers,
)
from langchain_gradient.emulator.tokens import split_tokens, token_pieces


def parse_chat(request: web.Request, body: Mapping[str, Any]) -> TextRequest:
    """Validate a chat-completions body into a :class:`TextRequest` (400/403/404 on errors)."""
    if body.get("stream_options") is not None and body.get("stream") is not True:
        raise bad_request(STREAM_OPTIONS_WITHOUT_STREAM, "stream_options")
    turns, segments = chat_turns(body.get("messages"))
    text_request = build_text_request(request, body, turns, segments)
    number_in_range(body, "frequency_penalty", -2, 2)
    number_in_range(body, "presence_penalty", -2, 2)
    number_in_range(body, "top_logprobs", 0, 20)
    text_request.n = positive_int(body, "n", 128) or 1
    return text_request


def chat_usage(
    state: EmulatorState, cache: CacheUsage, completions: Sequence[Completion]
) -> dict[str, Any]:
    completion_tokens = sum(c.completion_tokens for c in completions)
    reasoning_tokens = sum(c.reasoning_tokens for c in completions)
    usage: dict[str, Any] = {
        "prompt_tokens": cache.prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": cache.prompt_tokens + completion_tokens,
    }
    if not (state.config.quirks and not cache.read and not cache.created):
        usage.update(cache.chat_fields())
    usage["prompt_tokens_details"] = {"cached_tokens": cache.read}  # real usage, §13.6
    if reasoning_tokens:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning_tokens}
    return usage


def _tool_call_json(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def chat_body(
    state: EmulatorState,
    text_request: TextRequest,
    completions: Sequence[Completion],
    usage: dict[str, Any],
    logprobs: int | None = None,
) -> dict[str, Any]:
    """The chat.completion body; ``logprobs`` is the top-n asked for (None: not asked)."""
    quirks = state.config.quirks
    choices = []
    for completion in completions:
        content = completion.content
        if completion.finish_reason == "length" and not content:
            content = None  # the budget was spent before any answer text (§13.6)
        message: dict[str, Any] = {
            "role": "" if quirks else "assistant",
            "content": content,
            "reasoning_content": completion.reasoning,
            "refusal": None,
        }
        if completion.tool_calls:
            message["tool_calls"] = [_tool_call_json(c) for c in completion.tool_calls]
        if quirks:
            message["audio"] = None
        choices.append(
            {
                "index": completion.index,
                "finish_reason": completion.finish_reason,
                "logprobs": None if logprobs is None else chat_logprobs(content, logprobs),
                "message": message,
            }
        )
    body: dict[str, Any] = {
        "id": "" if quirks else "chatcmpl-" + os.urandom(12).hex(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": text_request.model_name,
        "choices": choices,
        "usage": usage,
    }
    if quirks:
        body["service_tier"] = None
    return body


def chat_chunks(
    state: EmulatorState,
    text_request: TextRequest,
    completions: Sequence[Completion],
    usage: dict[str, Any],
    include_usage: bool,
    logprobs: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The chunk objects of a streamed chat completion (without ``[DONE]``)."""
    quirks = state.config.quirks
    base: dict[str, Any] = {
        "id": "" if quirks else "chatcmpl-" + os.urandom(12).hex(),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": text_request.model_name,
    }
    per_chunk = max(1, state.config.stream_chunk_tokens)

    def chunk(
        index: int, delta: dict[str, Any], finish: str | None = None, probs: Any = None
    ) -> dict[str, Any]:
        event = {
            **base,
            "choices": [
                {"index": index, "delta": delta, "finish_reason": finish, "logprobs": probs}
            ],
        }
        if include_usage:
            event["usage"] = None
        return event

    for completion in completions:
        index = completion.index
        yield chunk(index, {"role": "" if quirks else "assistant", "content": ""})
        if completion.reasoning:
            for piece in token_pieces(completion.reasoning, per_chunk):
                yield chunk(index, {"reasoning_content": piece})
        if completion.content:
            position = 0
            for piece in token_pieces(completion.content, per_chunk):
                probs = None
                if logprobs is not None:
                    tokens = split_tokens(piece)
                    entries = token_logprobs(tokens, position, logprobs)
                    probs = {"content": entries, "refusal": None}
                    position += len(tokens)
                yield chunk(index, {"content": piece}, probs=probs)
        for position, call in enumerate(completion.tool_calls):
            yield chunk(
                index,
                {
                    "tool_calls": [
                        {
                            "index": position,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                },
            )
            for start in range(0, len(call.arguments), 16):
                fragment = call.arguments[start : start + 16]
                yield chunk(
                    index,
                    {"tool_calls": [{"index": position, "function": {"arguments": fragment}}]},
                )
        yield chunk(index, {}, completion.finish_reason)
    # the real service sends a choices: [] chunk even without include_usage (§13.6)
    yield {**base, "choices": [], "usage": usage} if include_usage else {**base, "choices": []}


async def handle_chat(request: web.Request) -> web.StreamResponse:
    """``POST /v1/chat/completions``."""
    state = state_of(request)
    body = body_of(request)
    text_request = parse_chat(request, body)
    route_headers(request, text_request)
    completions = generate(text_request)
    usage = chat_usage(state, account_prompt(request, text_request), completions)
    asked, top = wants_logprobs(body)
    logprobs = top if asked else None
    if body.get("stream") is True:
        options = body.get("stream_options") or {}
        include_usage = isinstance(options, Mapping) and options.get("include_usage") is True
        chunks = chat_chunks(state, text_request, completions, usage, include_usage, logprobs)
        return await write_sse(request, chunks)
    response = json_response(chat_body(state, text_request, completions, usage, logprobs))
    response.headers.update(context_of(request).headers)
    return response
