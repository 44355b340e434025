"""Batch input lines: validation, and the scripted answer for each, in the provider's format.

Input lines follow the provider's own batch format (``gradient-api.md`` §13.2; the
contract's ``provider`` description): OpenAI ``{custom_id, method, url, body}`` and
Anthropic Message Batches ``{custom_id, params}``.

Two kinds of problems, handled as the contract describes:

* a line that is not a request at all (not JSON, no ``custom_id``, a repeated
  ``custom_id``, a ``url`` that is not the job's ``endpoint``, no ``body``/``params``)
  fails the whole job while ``validating``: the job's ``errors`` list names the line
  (``{code: "invalid_input_file", message: "Line 42: ...", line: 42}``, the contract's
  example);
* a request the model refuses (a 4xx the real-time route would answer) or that fails on
  the server lands in the error file; the other lines still run.

Output and error lines are the providers' documented batch *result* shapes, because the
contract does not spell them out (our choice, also stated in ``docs/batch.md``):

* OpenAI Batch: ``{id, custom_id, response: {status_code, request_id, body}, error}``;
  a request that ran but failed keeps its HTTP status and an OpenAI error body in
  ``response``; one that never ran (job expired or cancelled) has ``response: null`` and
  ``error: {code: "batch_expired" | "batch_cancelled", message}``.
* Anthropic Message Batches: ``{custom_id, result: {type: "succeeded", message}}`` in the
  output file; ``errored`` (with ``error: {type: "error", error: {type, message}}``),
  ``canceled`` and ``expired`` results in the error file.

Example:
    >>> check_line(b'{"custom_id": "a", "params": {}}', "anthropic", None)
    ('a', {})
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from langchain_gradient.emulator.chat import chat_body, chat_usage, parse_chat
from langchain_gradient.emulator.errors import EmulatorHTTPError
from langchain_gradient.emulator.http_common import CONTEXT, STATE, RequestContext
from langchain_gradient.emulator.responses import parse_responses, response_body, responses_usage
from langchain_gradient.emulator.text_request import account_prompt, generate

OPENAI_ENDPOINTS = ("/v1/chat/completions", "/v1/responses")
ANTHROPIC_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
_OPENAI_ERROR_TYPES = {400: "invalid_request_error", 403: "permission_error", 404: "not_found"}
_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    403: "permission_error",
    404: "not_found_error",
}


class LineError(ValueError):
    """A line that is not a request: the job fails while validating."""


def check_line(raw: bytes, provider: str, endpoint: str | None) -> tuple[str, dict[str, Any]]:
    """``(custom_id, body or params)`` of a well-formed line; :class:`LineError` otherwise."""
    try:
        line = json.loads(raw)
    except ValueError:
        raise LineError("not valid JSON.") from None
    if not isinstance(line, dict):
        raise LineError("each line must be a JSON object.")
    custom_id = line.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise LineError("missing required field 'custom_id'.")
    if provider == "anthropic":
        params = line.get("params")
        if not isinstance(params, dict):
            raise LineError("missing required field 'params' (an object).")
        return custom_id, params
    if line.get("method") != "POST":
        raise LineError("'method' must be 'POST'.")
    if line.get("url") != endpoint:
        raise LineError(
            f"'url' is {line.get('url')!r}; it must match the job's endpoint {endpoint!r}."
        )
    body = line.get("body")
    if not isinstance(body, dict):
        raise LineError("missing required field 'body' (an object).")
    return custom_id, body


class LineRequest(dict[Any, Any]):
    """What the real-time handlers read from an aiohttp request (app state, key context),
    so a batch line runs through exactly the same validation and scripted model."""

    def __init__(self, app: Any, context: RequestContext) -> None:
        super().__init__()
        self.app = app
        self[CONTEXT] = context


def answer(
    request: LineRequest, provider: str, endpoint: str | None, custom_id: str, request_body: Any
) -> tuple[bool, dict[str, Any]]:
    """``(succeeded, result line)`` for one request, computed by the scripted model."""
    try:
        if provider == "anthropic":
            return True, _anthropic_answer(request, custom_id, request_body)
        return True, _openai_answer(request, endpoint, custom_id, request_body)
    except EmulatorHTTPError as error:
        return False, failed_line(provider, custom_id, error.status, error.message)


def _check_provider(request: LineRequest, model_id: Any, provider: str) -> None:
    model = request.app[STATE].models.get(model_id) if isinstance(model_id, str) else None
    if model is None:
        return  # the route's own check answers 404 / 400
    if not (model.is_anthropic if provider == "anthropic" else model.is_openai):
        raise EmulatorHTTPError(
            400,
            f"The model '{model_id}' is not served by the Batch API for provider "
            f"'{provider}'; batch inference takes OpenAI and Anthropic models only, each "
            "with its own provider.",
            param="model",
        )


def _openai_answer(
    request: LineRequest, endpoint: str | None, custom_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    _check_provider(request, body.get("model"), "openai")
    if body.get("stream") is True:
        raise EmulatorHTTPError(400, "stream is not supported in batch requests.", param="stream")
    state = request.app[STATE]
    if endpoint == "/v1/responses":
        text_request, previous = parse_responses(request, body)  # type: ignore[arg-type]
        completion = generate(text_request)[0]
        usage = responses_usage(
            account_prompt(request, text_request),  # type: ignore[arg-type]
            completion,
            text_request.model.is_anthropic,
        )
        result = response_body(body, text_request, completion, usage, previous)
    else:
        text_request = parse_chat(request, body)  # type: ignore[arg-type]
        completions = generate(text_request)
        usage = chat_usage(state, account_prompt(request, text_request), completions)  # type: ignore[arg-type]
        result = chat_body(state, text_request, completions, usage)
    return {
        "id": "batch_req_" + os.urandom(12).hex(),
        "custom_id": custom_id,
        "response": {"status_code": 200, "request_id": os.urandom(16).hex(), "body": result},
        "error": None,
    }


def renamed(line: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """``line`` for another ``custom_id``, with fresh line and request ids."""
    line = {**line, "custom_id": custom_id}
    if "id" in line:
        line["id"] = "batch_req_" + os.urandom(12).hex()
    response = line.get("response")
    if isinstance(response, dict):
        line["response"] = {**response, "request_id": os.urandom(16).hex()}
    return line


def failed_line(provider: str, custom_id: str, status: int, message: str) -> dict[str, Any]:
    """The error-file line for a request that ran and failed with HTTP ``status``."""
    if provider == "anthropic":
        kind = _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
        return {
            "custom_id": custom_id,
            "result": {
                "type": "errored",
                "error": {"type": "error", "error": {"type": kind, "message": message}},
            },
        }
    kind = _OPENAI_ERROR_TYPES.get(status, "server_error")
    return {
        "id": "batch_req_" + os.urandom(12).hex(),
        "custom_id": custom_id,
        "response": {
            "status_code": status,
            "request_id": os.urandom(16).hex(),
            "body": {"error": {"message": message, "type": kind, "param": None, "code": None}},
        },
        "error": None,
    }


def unrun_line(provider: str, custom_id: str, why: str) -> dict[str, Any]:
    """The error-file line for a request that never ran: ``why`` is expired or cancelled."""
    if provider == "anthropic":
        return {
            "custom_id": custom_id,
            "result": {"type": "canceled" if why == "cancelled" else why},
        }
    message = (
        "This request could not be executed before the completion window expired."
        if why == "expired"
        else "This request was not executed because the batch was cancelled."
    )
    return {
        "id": "batch_req_" + os.urandom(12).hex(),
        "custom_id": custom_id,
        "response": None,
        "error": {"code": f"batch_{why}", "message": message},
    }


# ------------------------------------------------------------------ Anthropic shape


def _anthropic_answer(
    request: LineRequest, custom_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    _check_provider(request, params.get("model"), "anthropic")
    body = anthropic_to_chat(params)
    state = request.app[STATE]
    text_request = parse_chat(request, body)  # type: ignore[arg-type]
    (completion,) = generate(text_request)
    cache = account_prompt(request, text_request)  # type: ignore[arg-type]
    content: list[dict[str, Any]] = []
    if completion.reasoning:
        signature = os.urandom(16).hex()
        content.append(
            {"type": "thinking", "thinking": completion.reasoning, "signature": signature}
        )
    if completion.content:
        content.append({"type": "text", "text": completion.content})
    for call in completion.tool_calls:
        content.append(
            {
                "type": "tool_use",
                "id": call.id,
                "name": call.name,
                "input": json.loads(call.arguments),
            }
        )
    del state
    message = {
        "id": "msg_" + os.urandom(12).hex(),
        "type": "message",
        "role": "assistant",
        "model": params["model"],
        "content": content,
        "stop_reason": ANTHROPIC_STOP.get(completion.finish_reason, "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": cache.prompt_tokens - cache.read - cache.created,
            "output_tokens": completion.completion_tokens,
            "cache_creation_input_tokens": cache.created,
            "cache_read_input_tokens": cache.read,
        },
    }
    return {"custom_id": custom_id, "result": {"type": "succeeded", "message": message}}


def anthropic_to_chat(params: Mapping[str, Any]) -> dict[str, Any]:
    """A Messages API request as the chat-completions body the scripted model reads."""
    for name in ("model", "max_tokens", "messages"):
        if name not in params:
            raise EmulatorHTTPError(400, f"{name}: Field required", param=name)
    messages: list[dict[str, Any]] = []
    system = params.get("system")
    if system:
        messages.append({"role": "system", "content": _parts(system)})
    raw_messages = params["messages"]
    if not isinstance(raw_messages, list):
        raise EmulatorHTTPError(400, "messages: Input should be a valid list", param="messages")
    for index, message in enumerate(raw_messages):
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant"):
            raise EmulatorHTTPError(
                400,
                f"messages.{index}.role: Input should be 'user' or 'assistant'",
                param="messages",
            )
        messages.extend(_chat_messages(message))
    body: dict[str, Any] = {
        "model": params["model"],
        "messages": messages,
        "max_completion_tokens": params["max_tokens"],
    }
    for name in ("temperature", "top_p"):
        if name in params:
            body[name] = params[name]
    if params.get("stop_sequences"):
        body["stop"] = params["stop_sequences"]
    tools = params.get("tools")
    if tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.get("name"),
                    "description": t.get("description", ""),
                    "parameters": t.get("input_schema") or {},
                },
            }
            for t in tools
            if isinstance(t, Mapping)
        ]
    choice = params.get("tool_choice")
    if isinstance(choice, Mapping):
        kind = choice.get("type")
        if kind == "tool":
            body["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
        elif kind in ("any", "auto", "none"):
            body["tool_choice"] = "required" if kind == "any" else kind
    thinking = params.get("thinking")
    if isinstance(thinking, Mapping) and thinking.get("type") == "enabled":
        body["reasoning"] = {"effort": "medium", "max_tokens": thinking.get("budget_tokens")}
    return body


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(b.get("text", ""))
            for b in content
            if isinstance(b, Mapping) and b.get("type") == "text"
        )
    return str(content)


def _parts(content: Any) -> Any:
    """Text blocks as chat content parts, keeping ``cache_control`` (prompt caching)."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, Mapping) and block.get("type") == "text":
            part = {"type": "text", "text": str(block.get("text", ""))}
            if block.get("cache_control"):
                part["cache_control"] = block["cache_control"]
            parts.append(part)
    return parts


def _chat_messages(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    role = message["role"]
    content = message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise EmulatorHTTPError(400, "messages: content must be a string or a list of blocks")
    texts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for block in content:
        kind = block.get("type") if isinstance(block, Mapping) else None
        if kind == "text":
            texts.extend(_parts([block]))
        elif kind == "tool_use":
            calls.append(
                {
                    "id": block.get("id"),
                    "type": "function",
                    "function": {
                        "name": block.get("name"),
                        "arguments": json.dumps(block.get("input", {})),
                    },
                }
            )
        elif kind == "tool_result":
            results.append(
                {
                    "role": "tool",
                    "tool_call_id": block.get("tool_use_id"),
                    "content": _text_of(block.get("content", "")),
                }
            )
        elif kind in ("thinking", "redacted_thinking", "image", "document"):
            continue
        else:
            raise EmulatorHTTPError(400, f"messages: unknown content block type {kind!r}")
    out: list[dict[str, Any]] = list(results)
    if texts or calls:
        item: dict[str, Any] = {"role": role, "content": texts or None}
        if calls:
            item["tool_calls"] = calls
        out.append(item)
    return out
