"""One batch line per input, built by the model's own request builder, and read back.

The body of each line is exactly what ``invoke`` would send: for ``ChatGradient``,
``ChatGradient._payload`` (which calls
:func:`~langchain_gradient._chat_params.build_chat_payload`) and
:func:`~langchain_gradient._chat_params.chat_request` produce it; for
``GradientResponses``, its own ``_request`` (the ``POST /v1/responses`` body); with every
bound argument (tools, ``tool_choice``, ``response_format``, sampling) applied. OpenAI
models get the OpenAI Batch line ``{custom_id, method, url, body}`` (``url`` is
``/v1/chat/completions`` or ``/v1/responses``, both endpoints the contract's
``POST /v1/batches`` takes for ``provider: "openai"``, ``gradient-api.md`` §13.2);
Anthropic models (``ChatGradient`` only) the
Message Batches line ``{custom_id, params}``, the chat body converted to the Messages
shape (system prompt, content blocks with ``cache_control``, tools with
``input_schema``, ``tool_choice``, reasoning as ``thinking``).

Example:
    >>> to_anthropic_params({"model": "anthropic-claude-4.5-haiku", "max_completion_tokens": 9,
    ...     "messages": [{"role": "system", "content": "Be brief."},
    ...                  {"role": "user", "content": "Hi"}]})["system"]
    'Be brief.'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.messages.ai import UsageMetadata

from langchain_gradient._chat_params import chat_request
from langchain_gradient._messages import chat_result_from_response
from langchain_gradient._usage import is_anthropic_model, to_usage_metadata

CHAT_ENDPOINT = "/v1/chat/completions"
RESPONSES_ENDPOINT = "/v1/responses"
ANTHROPIC_DEFAULT_MAX_TOKENS = 4096
"""Anthropic requires ``max_tokens``; used when the model sets no output budget."""
_LOCAL_KWARGS = ("ls_structured_output_format", "stream_usage", "stream")


def provider_of(model: str) -> str | None:
    """``"anthropic"``, ``"openai"`` or ``None`` for a model the Batch API does not take.

    Example:
        >>> provider_of("openai-gpt-5-mini"), provider_of("llama3.3-70b-instruct")
        ('openai', None)
    """
    if is_anthropic_model(model):
        return "anthropic"
    if model.lower().startswith("openai-"):
        return "openai"
    return None


def uses_responses(chat_model: Any) -> bool:
    """True for a ``GradientResponses`` model (its lines go to ``/v1/responses``)."""
    from langchain_gradient.responses import GradientResponses

    return isinstance(chat_model, GradientResponses)


def endpoint_of(chat_model: Any) -> str:
    """The OpenAI batch ``url`` for ``chat_model``'s lines.

    Example:
        >>> from langchain_gradient import GradientResponses
        >>> endpoint_of(GradientResponses(api_key="k"))
        '/v1/responses'
    """
    return RESPONSES_ENDPOINT if uses_responses(chat_model) else CHAT_ENDPOINT


def chat_body(chat_model: Any, messages: list[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body ``invoke`` would send for ``messages`` with bound ``kwargs``.

    A ``ChatGradient`` gives its chat-completions body; a ``GradientResponses`` the body
    its own request builder makes for ``POST /v1/responses`` (the first request
    ``invoke`` sends; with ``use_previous_response_id`` that is the stateful one)."""
    call = {k: v for k, v in kwargs.items() if k not in _LOCAL_KWARGS}
    stop = call.pop("stop", None)
    if uses_responses(chat_model):
        responses_body: dict[str, Any] = chat_model._request(messages, stop, False, **call).payload
        return responses_body
    payload = chat_model._payload(messages, stop, call, stream=False)
    body: dict[str, Any] = chat_request(payload)["body"]
    return body


def openai_line(custom_id: str, body: dict[str, Any], url: str = CHAT_ENDPOINT) -> dict[str, Any]:
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def anthropic_line(custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"custom_id": custom_id, "params": to_anthropic_params(body)}


def to_anthropic_params(body: Mapping[str, Any]) -> dict[str, Any]:
    """A chat-completions body as Anthropic Messages ``params``."""
    params: dict[str, Any] = {"model": body["model"]}
    params["max_tokens"] = (
        body.get("max_completion_tokens") or body.get("max_tokens") or ANTHROPIC_DEFAULT_MAX_TOKENS
    )
    system: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    for message in body.get("messages", []):
        role = message.get("role")
        if role in ("system", "developer"):
            system.extend(_blocks(message.get("content")))
        elif role == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": message.get("tool_call_id"),
                "content": _blocks(message.get("content")),
            }
            _append(messages, "user", [block])
        elif role == "assistant":
            blocks = _blocks(message.get("content"))
            for call in message.get("tool_calls") or []:
                function = call.get("function", {})
                arguments = function.get("arguments") or "{}"
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call.get("id"),
                        "name": function.get("name"),
                        "input": json.loads(arguments) if isinstance(arguments, str) else arguments,
                    }
                )
            _append(messages, "assistant", blocks)
        else:
            _append(messages, "user", _blocks(message.get("content")))
    if system:
        plain = len(system) == 1 and "cache_control" not in system[0]
        params["system"] = system[0]["text"] if plain else system
    params["messages"] = messages
    for name in ("temperature", "top_p"):
        if body.get(name) is not None:
            params[name] = body[name]
    stop = body.get("stop")
    if stop:
        params["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if body.get("tools"):
        params["tools"] = [_anthropic_tool(tool) for tool in body["tools"]]
    choice = _anthropic_tool_choice(body.get("tool_choice"))
    if choice is not None:
        params["tool_choice"] = choice
    thinking = _thinking(body, params["max_tokens"])
    if thinking is not None:
        params["thinking"] = thinking
    if body.get("response_format") is not None:
        raise ValueError(
            "response_format has no Anthropic Message Batches equivalent; use "
            "with_structured_output(..., method='function_calling') (the default) for "
            "Anthropic models in a batch."
        )
    return params


def _append(messages: list[dict[str, Any]], role: str, blocks: list[dict[str, Any]]) -> None:
    if messages and messages[-1]["role"] == role:
        messages[-1]["content"].extend(blocks)
    else:
        messages.append({"role": role, "content": list(blocks)})


def _blocks(content: Any) -> list[dict[str, Any]]:
    if content is None or content == "":
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    blocks = []
    for part in content:
        if isinstance(part, Mapping) and part.get("type") == "text":
            block: dict[str, Any] = {"type": "text", "text": part.get("text", "")}
            if part.get("cache_control"):
                block["cache_control"] = dict(part["cache_control"])
            blocks.append(block)
        else:
            raise ValueError(
                "The Batch API takes text only; a message has a "
                f"{part.get('type') if isinstance(part, Mapping) else type(part).__name__!r} part."
            )
    return blocks


def _anthropic_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    function = tool.get("function", tool)
    out = {"name": function["name"], "input_schema": function.get("parameters") or {}}
    if function.get("description"):
        out["description"] = function["description"]
    return out


def _anthropic_tool_choice(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if choice == "auto":
        return {"type": "auto"}
    if choice in ("required", "any"):
        return {"type": "any"}
    if choice == "none":
        return {"type": "none"}
    if isinstance(choice, Mapping):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        return {"type": "tool", "name": name}
    return {"type": "tool", "name": str(choice)}


def _thinking(body: Mapping[str, Any], max_tokens: int) -> dict[str, Any] | None:
    reasoning = body.get("reasoning")
    effort = body.get("reasoning_effort")
    budget = None
    if isinstance(reasoning, Mapping):
        effort = reasoning.get("effort", effort)
        budget = reasoning.get("max_tokens")
    if effort in (None, "none") and budget is None:
        return None
    share = {"low": 0.25, "medium": 0.5, "high": 0.8}.get(str(effort), 0.5)
    return {"type": "enabled", "budget_tokens": int(budget or max(1024, max_tokens * share))}


# ---------------------------------------------------------------- reading results


def message_from_openai(body: Mapping[str, Any], model: str) -> AIMessage:
    """A chat-completions result body as the ``AIMessage`` ``invoke`` returns."""
    result = chat_result_from_response(body, requested_model=model)
    message = result.generations[0].message
    assert isinstance(message, AIMessage)
    return message


def message_from_responses(chat_model: Any, body: Mapping[str, Any]) -> AIMessage:
    """A Responses result body as the ``AIMessage`` ``GradientResponses.invoke`` returns
    (its own reader: a failed or malformed body raises as it would there)."""
    message = chat_model._result(body).generations[0].message
    assert isinstance(message, AIMessage)
    return message


def anthropic_usage(usage: Mapping[str, Any]) -> UsageMetadata:
    """Anthropic Messages ``usage`` as ``UsageMetadata`` (input counts cache reads and
    writes, which Anthropic reports apart).

    Example:
        >>> anthropic_usage({"input_tokens": 3, "output_tokens": 5,
        ...                  "cache_read_input_tokens": 10})["input_tokens"]
        13
    """
    read = int(usage.get("cache_read_input_tokens") or 0)
    created = int(usage.get("cache_creation_input_tokens") or 0)
    input_tokens = int(usage.get("input_tokens") or 0) + read + created
    output_tokens = int(usage.get("output_tokens") or 0)
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
        "input_token_details": {"cache_read": read, "cache_creation": created},
        "output_token_details": {},
    }


def usage_of_line(line: Mapping[str, Any], model: str) -> tuple[str, UsageMetadata | None]:
    """``(model id, UsageMetadata)`` of a result line, either provider's shape (what cost
    tracking counts; the model is the one the answer names, as for ``invoke``); the usage
    is ``None`` for a line that reports none (a failed or unrun request).

    Example:
        >>> usage_of_line({"custom_id": "0", "result": {"type": "succeeded", "message": {
        ...     "model": "m", "usage": {"input_tokens": 2, "output_tokens": 1}}}}, "m")[1][
        ...     "total_tokens"]
        3
    """
    if "result" in line:  # Anthropic Message Batches
        message = line["result"].get("message") or {}
        if line["result"].get("type") != "succeeded" or not message.get("usage"):
            return model, None
        return str(message.get("model") or model), anthropic_usage(message["usage"])
    body = (line.get("response") or {}).get("body") or {}
    answered = str(body.get("model") or model)
    return answered, to_usage_metadata(body.get("usage") or {}, answered)


def message_from_anthropic(message: Mapping[str, Any]) -> AIMessage:
    """An Anthropic Messages result as an ``AIMessage`` (text, tool calls, usage)."""
    texts: list[str] = []
    tool_calls = []
    reasoning = []
    for block in message.get("content") or []:
        kind = block.get("type")
        if kind == "text":
            texts.append(block.get("text", ""))
        elif kind == "tool_use":
            tool_calls.append(
                {"name": block["name"], "args": block.get("input") or {}, "id": block.get("id")}
            )
        elif kind == "thinking":
            reasoning.append(block.get("thinking", ""))
    metadata = anthropic_usage(message.get("usage") or {})
    extra = {"reasoning_content": "\n".join(reasoning)} if reasoning else {}
    return AIMessage(
        content="".join(texts),
        tool_calls=tool_calls,
        usage_metadata=metadata,
        additional_kwargs=extra,
        response_metadata={
            "id": message.get("id"),
            "model_name": message.get("model"),
            "model_provider": "gradient",
            "finish_reason": message.get("stop_reason"),
            "stop_reason": message.get("stop_reason"),
        },
        id=message.get("id"),
    )
