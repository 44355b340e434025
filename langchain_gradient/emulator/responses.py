"""``POST /v1/responses`` (+ ``GET`` / ``DELETE /v1/responses/{id}``): output items, usage, state.

Output items come in the documented order (§4.2): ``reasoning`` first for reasoning
models, then the ``message`` with ``output_text``, then ``function_call`` items. With
``store`` (default true) the response is kept for this key, and ``previous_response_id``
continues from it; an unknown id answers 404 naming ``previous_response_id``.

Streaming has two documented formats (§4.3), chosen by
``EmulatorConfig.responses_stream_format``: ``"chunk"`` (the default, as DigitalOcean's
contract and SDKs type it: chat-like ``response.chunk`` objects, a ``choices: []`` usage
chunk, then ``[DONE]``) or ``"events"`` (OpenAI typed events ending with
``response.completed`` carrying the full response).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.conversation import responses_turns
from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.http_common import (
    RouteAdder,
    body_of,
    context_of,
    json_response,
    state_of,
    write_sse,
)
from langchain_gradient.emulator.prompt_cache import CacheUsage, Segment
from langchain_gradient.emulator.scripted_model import Turn
from langchain_gradient.emulator.text_request import (
    STREAM_OPTIONS_WITHOUT_STREAM,
    Completion,
    TextRequest,
    account_prompt,
    build_text_request,
    generate,
    route_headers,
)
from langchain_gradient.emulator.tokens import (
    MESSAGE_OVERHEAD,
    count_tokens,
    token_pieces,
)


@dataclass
class StoredResponse:
    """What ``previous_response_id`` continues from: the whole conversation so far."""

    owner: str
    turns: list[Turn]
    segments: list[Segment]
    body: dict[str, Any]


def _new_id(prefix: str) -> str:
    return prefix + os.urandom(12).hex()


def parse_responses(
    request: web.Request, body: Mapping[str, Any]
) -> tuple[TextRequest, str | None]:
    """Validate a Responses body; returns the request and the previous response id."""
    state = state_of(request)
    if body.get("stream_options") is not None and body.get("stream") is not True:
        raise bad_request(STREAM_OPTIONS_WITHOUT_STREAM, "stream_options")
    turns, segments = responses_turns(body.get("input"), body.get("instructions"))
    previous_id = body.get("previous_response_id")
    if previous_id is not None:
        stored: StoredResponse | None = state.responses.get(str(previous_id))
        if stored is None or stored.owner != context_of(request).api_key:
            raise EmulatorHTTPError(
                404,
                f"Previous response with id '{previous_id}' not found.",
                param="previous_response_id",
            )
        turns = [*stored.turns, *turns]
        segments = [*stored.segments[:-1], *segments]
    text_request = build_text_request(request, body, turns, segments, responses=True)
    return text_request, None if previous_id is None else str(previous_id)


def output_items(completion: Completion) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if completion.reasoning:
        items.append(
            {
                "id": _new_id("rs_"),
                "type": "reasoning",
                "summary": [],
                "content": [{"type": "reasoning_text", "text": completion.reasoning}],
                "encrypted_content": None,
                "status": None,
            }
        )
    if completion.content is not None:
        items.append(
            {
                "id": _new_id("msg_"),
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [
                    {
                        "type": "output_text",
                        "text": completion.content,
                        "annotations": [],
                        "logprobs": [],
                    }
                ],
            }
        )
    for call in completion.tool_calls:
        items.append(
            {
                "id": _new_id("fc_"),
                "type": "function_call",
                "call_id": call.id,
                "name": call.name,
                "arguments": call.arguments,
                "status": "completed",
                "content": [],  # the contract requires content on every output item
            }
        )
    return items


def responses_usage(cache: CacheUsage, completion: Completion, anthropic: bool) -> dict[str, Any]:
    """Responses usage: ``input_tokens`` is the whole input, cached tokens included."""
    input_tokens = cache.prompt_tokens + (cache.read + cache.created if anthropic else 0)
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": cache.read},
        "output_tokens": completion.completion_tokens,
        "output_tokens_details": {
            "reasoning_tokens": completion.reasoning_tokens,
            "tool_output_tokens": 0,
        },
        "total_tokens": input_tokens + completion.completion_tokens,
    }


def response_body(
    body: Mapping[str, Any],
    text_request: TextRequest,
    completion: Completion,
    usage: dict[str, Any],
    previous_id: str | None,
) -> dict[str, Any]:
    now = int(time.time())
    incomplete = completion.finish_reason == "length"
    # Echoes typed as DigitalOcean's contract and gradient SDK declare them: strings
    # (``CreateResponseResponse.tool_choice/text/reasoning: Optional[str]``).
    tool_choice = body.get("tool_choice", "auto")
    if isinstance(tool_choice, Mapping):
        tool_choice = "required"  # a forced function: a call is required [inferred]
    text = body.get("text")
    text_format = text.get("format") if isinstance(text, Mapping) else None
    reasoning = body.get("reasoning")
    return {
        "id": _new_id("resp_"),
        "object": "response",
        "created_at": now,
        "created": now,
        "model": text_request.model_name,
        "status": "incomplete" if incomplete else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "error": None,
        "instructions": body.get("instructions"),
        "output": output_items(completion),
        "usage": usage,
        "parallel_tool_calls": text_request.parallel_tool_calls,
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "tool_choice": tool_choice,
        "tools": body.get("tools") or [],
        "max_output_tokens": body.get("max_output_tokens"),
        "previous_response_id": previous_id,
        "store": body.get("store", True) is not False,
        "metadata": body.get("metadata") or {},
        "text": text_format.get("type", "text") if isinstance(text_format, Mapping) else "text",
        "reasoning": reasoning.get("effort") if isinstance(reasoning, Mapping) else None,
        "user": body.get("user"),
    }


def _store(
    request: web.Request, text_request: TextRequest, completion: Completion, body: dict[str, Any]
) -> None:
    state = state_of(request)
    reply_text = completion.content or ""
    turns = [*text_request.turns, Turn("assistant", reply_text, tuple(completion.tool_calls))]
    segments = [
        *text_request.segments[:-1],
        Segment(MESSAGE_OVERHEAD + count_tokens(reply_text), reply_text),
        text_request.segments[-1],
    ]
    with state.lock:
        state.responses[body["id"]] = StoredResponse(
            context_of(request).api_key or "", turns, segments, body
        )


def typed_events(response: dict[str, Any], per_chunk: int) -> Iterator[dict[str, Any]]:
    """OpenAI Responses streaming events for ``response`` (format "events")."""
    sequence = 0

    def event(kind: str, **fields: Any) -> dict[str, Any]:
        nonlocal sequence
        sequence += 1
        return {"type": kind, "sequence_number": sequence - 1, **fields}

    shell = {
        **response,
        "status": "in_progress",
        "output": [],
        "usage": None,
        "incomplete_details": None,
    }
    yield event("response.created", response=shell)
    yield event("response.in_progress", response=shell)
    for index, item in enumerate(response["output"]):
        kind = item["type"]
        ids = {"item_id": item["id"], "output_index": index}
        if kind == "reasoning":
            text = item["content"][0]["text"]
            yield event(
                "response.output_item.added", output_index=index, item={**item, "content": []}
            )
            for piece in token_pieces(text, per_chunk):
                yield event("response.reasoning_text.delta", **ids, content_index=0, delta=piece)
            yield event("response.reasoning_text.done", **ids, content_index=0, text=text)
        elif kind == "message":
            part = item["content"][0]
            yield event(
                "response.output_item.added",
                output_index=index,
                item={**item, "status": "in_progress", "content": []},
            )
            yield event(
                "response.content_part.added", **ids, content_index=0, part={**part, "text": ""}
            )
            for piece in token_pieces(part["text"], per_chunk):
                yield event(
                    "response.output_text.delta", **ids, content_index=0, delta=piece, logprobs=[]
                )
            yield event(
                "response.output_text.done", **ids, content_index=0, text=part["text"], logprobs=[]
            )
            yield event("response.content_part.done", **ids, content_index=0, part=part)
        else:
            yield event(
                "response.output_item.added",
                output_index=index,
                item={**item, "arguments": "", "status": "in_progress"},
            )
            arguments = item["arguments"]
            for start in range(0, len(arguments), 16):
                yield event(
                    "response.function_call_arguments.delta",
                    **ids,
                    delta=arguments[start : start + 16],
                )
            yield event(
                "response.function_call_arguments.done",
                **ids,
                arguments=arguments,
                name=item["name"],
            )
        yield event("response.output_item.done", output_index=index, item=item)
    final = "response.incomplete" if response["status"] == "incomplete" else "response.completed"
    yield event(final, response=response)


def chunk_events(response: dict[str, Any], per_chunk: int) -> Iterator[dict[str, Any]]:
    """Chat-like ``response.chunk`` events for ``response`` (format "chunk")."""
    base = {
        "id": response["id"],
        "object": "response.chunk",
        "created": response["created"],
        "model": response["model"],
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            "usage": None,
        }

    yield chunk({"role": "assistant"})
    finish = "length" if response["status"] == "incomplete" else "stop"
    position = 0
    for item in response["output"]:
        if item["type"] == "reasoning":
            for piece in token_pieces(item["content"][0]["text"], per_chunk):
                yield chunk({"reasoning_content": piece})
        elif item["type"] == "message":
            for piece in token_pieces(item["content"][0]["text"], per_chunk):
                yield chunk({"content": piece})
        else:
            finish = "tool_calls" if finish == "stop" else finish
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": position,
                            "id": item["call_id"],
                            "type": "function",
                            "function": {"name": item["name"], "arguments": item["arguments"]},
                        }
                    ]
                }
            )
            position += 1
    yield chunk({}, finish)
    yield {**base, "choices": [], "usage": response["usage"]}


async def handle_create(request: web.Request) -> web.StreamResponse:
    """``POST /v1/responses``."""
    state = state_of(request)
    body = body_of(request)
    text_request, previous_id = parse_responses(request, body)
    route_headers(request, text_request)
    completion = generate(text_request)[0]
    usage = responses_usage(
        account_prompt(request, text_request), completion, text_request.model.is_anthropic
    )
    response = response_body(body, text_request, completion, usage, previous_id)
    if body.get("store", True) is not False:
        _store(request, text_request, completion, response)
    if body.get("stream") is True:
        per_chunk = max(1, state.config.stream_chunk_tokens)
        if state.config.responses_stream_format == "chunk":
            return await write_sse(request, chunk_events(response, per_chunk))
        return await write_sse(request, typed_events(response, per_chunk), done=False)
    result = json_response(response)
    result.headers.update(context_of(request).headers)
    return result


def _stored(request: web.Request) -> StoredResponse:
    state = state_of(request)
    response_id = request.match_info["response_id"]
    stored: StoredResponse | None = state.responses.get(response_id)
    if stored is None or stored.owner != context_of(request).api_key:
        raise EmulatorHTTPError(404, f"Response with id '{response_id}' not found.")
    return stored


async def handle_get(request: web.Request) -> web.Response:
    """``GET /v1/responses/{id}`` (undocumented upstream; OpenAI's shape)."""
    return json_response(_stored(request).body)


async def handle_delete(request: web.Request) -> web.Response:
    """``DELETE /v1/responses/{id}``."""
    stored = _stored(request)
    state = state_of(request)
    with state.lock:
        state.responses.pop(stored.body["id"], None)
    return json_response({"id": stored.body["id"], "object": "response", "deleted": True})


def add_routes(add: RouteAdder) -> None:
    add("POST", "/v1/responses", handle_create)
    add("GET", "/v1/responses/{response_id}", handle_get)
    add("DELETE", "/v1/responses/{response_id}", handle_delete)
