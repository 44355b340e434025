"""LangChain messages <-> chat-completions dicts, for requests, responses and stream chunks.

Requests: :func:`to_chat_messages` turns LangChain messages into the ``messages`` list.
Text parts keep their ``cache_control`` untouched, LangChain standard image/file blocks
become ``image_url`` / ``file`` parts, tool calls and ``reasoning_content`` are carried
back on assistant turns.

Responses: :func:`chat_result_from_response` (one body) and
:class:`ChatStreamConverter` (the chunks of one stream) share the same pieces: tool-call
parsing (malformed JSON lands in ``invalid_tool_calls``), ``reasoning_content`` into
``additional_kwargs``, usage via :func:`~langchain_gradient._usage.to_usage_metadata`
and one response-metadata builder. Documented quirks are tolerated: empty ``id`` and
``role``, missing cache fields, extra null keys.

Example:
    >>> from langchain_core.messages import HumanMessage
    >>> to_chat_messages([HumanMessage("hi")])
    [{'role': 'user', 'content': 'hi'}]
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolCallChunk,
    ToolMessage,
    is_data_content_block,
)
from langchain_core.messages.block_translators.openai import convert_to_openai_data_block
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.output_parsers.openai_tools import make_invalid_tool_call, parse_tool_call
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from langchain_gradient._errors import GradientError, unreadable_stream_event
from langchain_gradient._tool_call_indexes import ToolCallIndexer
from langchain_gradient._usage import to_usage_metadata

MODEL_PROVIDER = "gradient"
ROUTE_HEADER = "x-model-router-selected-route"
# Content parts that only mean something to LangChain, never to the wire.
# Parts sent elsewhere (reasoning_content, tool_calls) or not at all: Anthropic-style
# ``tool_use`` blocks repeat message.tool_calls and are no content part of the contract.
_AI_ONLY_PARTS = frozenset({"reasoning", "thinking", "tool_call", "tool_call_chunk", "tool_use"})


# ---------------------------------------------------------------------------- requests


def check_encodable(messages: Sequence[BaseMessage]) -> None:
    """Refuse text that cannot be sent as UTF-8 (a lone surrogate), naming the message.

    Text read from a file with the wrong codec, or with ``errors="surrogateescape"``,
    carries lone surrogates; JSON encoding would fail later with only a byte offset in
    the body. ``isascii()`` keeps the common case at C speed.

    Example:
        >>> try:
        ...     check_encodable([HumanMessage("fine"), HumanMessage("bad " + chr(0xDCFF))])
        ... except ValueError as err:
        ...     print(str(err)[:45])
        Message 1 (human) contains text that cannot b
    """
    for index, message in enumerate(messages):
        for where, text in _strings(
            {
                "content": message.content,
                "name": message.name,
                "tool calls": getattr(message, "tool_calls", None),
                "additional_kwargs": message.additional_kwargs,
            }
        ):
            if text.isascii():
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                bad = text[error.start]
                raise ValueError(
                    f"Message {index} ({message.type}) contains text that cannot be encoded "
                    f"as UTF-8: a lone surrogate {bad!r} at character {error.start} of its "
                    f"{where}. This happens with text read from a file with the wrong "
                    "encoding (or errors='surrogateescape'). Read the file with its real "
                    "encoding, or clean the text with "
                    "text.encode('utf-8', 'replace').decode('utf-8')."
                ) from None


def _strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` (dicts, lists), with the top-level field it sits in."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        current, place = stack.pop()
        if isinstance(current, str):
            yield place, current
        elif isinstance(current, Mapping):
            for key, inner in current.items():
                stack.append((inner, place or str(key)))
                if isinstance(key, str):
                    stack.append((key, place or str(key)))
        elif isinstance(current, (list, tuple)):
            stack.extend((inner, place) for inner in current)


def to_chat_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Convert LangChain messages to the chat-completions ``messages`` list."""
    return [message_to_dict(message) for message in messages]


def message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """Convert one LangChain message to a chat-completions message dict.

    Example:
        >>> from langchain_core.messages import ToolMessage
        >>> message_to_dict(ToolMessage("72F", tool_call_id="call_1"))
        {'role': 'tool', 'content': '72F', 'tool_call_id': 'call_1'}
    """
    if isinstance(message, HumanMessage):
        wire: dict[str, Any] = {"role": "user", "content": _content_to_wire(message.content)}
    elif isinstance(message, SystemMessage):
        role = message.additional_kwargs.get("__openai_role__", "system")
        wire = {"role": role, "content": _content_to_wire(message.content)}
    elif isinstance(message, AIMessage):
        wire = _assistant_to_dict(message)
    elif isinstance(message, ToolMessage):
        wire = {
            "role": "tool",
            "content": _content_to_wire(message.content),
            "tool_call_id": message.tool_call_id,
        }
    elif isinstance(message, ChatMessage):
        wire = {"role": message.role, "content": _content_to_wire(message.content)}
    else:
        raise TypeError(
            f"ChatGradient cannot send a {type(message).__name__}; use HumanMessage, "
            "SystemMessage, AIMessage, ToolMessage or ChatMessage."
        )
    if message.name and not isinstance(message, ToolMessage):
        wire["name"] = message.name
    return wire


def _assistant_to_dict(message: AIMessage) -> dict[str, Any]:
    reasoning = message.additional_kwargs.get("reasoning_content")
    content: Any = message.content
    if isinstance(content, list):
        reasoning_parts = [
            str(part.get("reasoning") or part.get("thinking") or "")
            for part in content
            if isinstance(part, dict) and part.get("type") in ("reasoning", "thinking")
        ]
        if not reasoning and any(reasoning_parts):
            reasoning = "".join(reasoning_parts)
        content = [
            part
            for part in content
            if not (isinstance(part, dict) and part.get("type") in _AI_ONLY_PARTS)
        ]
    tool_calls = [_tool_call_to_wire(call) for call in message.tool_calls]
    tool_calls += [_invalid_tool_call_to_wire(call) for call in message.invalid_tool_calls]
    wire: dict[str, Any] = {"role": "assistant", "content": _content_to_wire(content)}
    if tool_calls:
        wire["tool_calls"] = tool_calls
        if not wire["content"]:
            wire["content"] = None
    if reasoning:
        wire["reasoning_content"] = reasoning
    return wire


def _tool_call_to_wire(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
    }


def _invalid_tool_call_to_wire(call: InvalidToolCall) -> dict[str, Any]:
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {"name": call.get("name"), "arguments": call.get("args") or ""},
    }


def _content_to_wire(content: str | list[Any]) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    return [_part_to_wire(part) for part in content]


def _part_to_wire(part: Any) -> dict[str, Any]:
    if isinstance(part, str):
        return {"type": "text", "text": part}
    if not isinstance(part, Mapping):
        raise TypeError(f"Content parts must be strings or dicts, got {type(part).__name__}.")
    cache_control = part.get("cache_control") or (part.get("extras") or {}).get("cache_control")
    if part.get("type") == "text":
        wire: dict[str, Any] = {"type": "text", "text": part.get("text", "")}
    elif is_data_content_block(dict(part)):
        wire = convert_to_openai_data_block(dict(part))
    else:
        # image_url, video_url, input_audio, file and anything newer: passed through.
        return dict(part)
    if cache_control:
        wire["cache_control"] = cache_control
    return wire


# --------------------------------------------------------------------------- responses


def parse_tool_calls(
    raw_tool_calls: Sequence[Mapping[str, Any]] | None,
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """Split wire tool calls into parsed ``tool_calls`` and ``invalid_tool_calls``.

    Arguments that are not valid JSON are kept, verbatim, as an invalid tool call.
    """
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for raw in raw_tool_calls or ():
        try:
            parsed = parse_tool_call(dict(raw), return_id=True)
        except Exception as exc:  # OutputParserException, or a body with a missing field
            invalid.append(make_invalid_tool_call(dict(raw), str(exc)))
            continue
        if parsed is not None:
            calls.append(parsed)  # type: ignore[arg-type]
    return calls, invalid


def response_metadata(
    body: Mapping[str, Any], *, requested_model: str, route: str | None
) -> dict[str, Any]:
    """The metadata every Gradient message carries (model, provider, id, route)."""
    metadata: dict[str, Any] = {
        "model_name": body.get("model") or requested_model,
        "model_provider": MODEL_PROVIDER,
    }
    if body.get("id"):
        metadata["id"] = body["id"]
    if body.get("system_fingerprint"):
        metadata["system_fingerprint"] = body["system_fingerprint"]
    if route:
        metadata["selected_route"] = route
    if requested_model.startswith("router:"):
        metadata["router"] = requested_model  # model_name is the model that answered
    return metadata


def chat_result_from_response(
    body: Mapping[str, Any], *, requested_model: str, route: str | None = None
) -> ChatResult:
    """Convert a chat-completions response body to a ``ChatResult`` (every choice)."""
    shared = response_metadata(body, requested_model=requested_model, route=route)
    usage = body.get("usage") or None
    usage_metadata = to_usage_metadata(usage, shared["model_name"]) if usage else None
    if usage:
        shared["token_usage"] = dict(usage)
    generations = []
    for choice in body.get("choices") or ():
        message = dict(choice.get("message") or {})
        calls, invalid = parse_tool_calls(message.get("tool_calls"))
        # Empty fields are left to their defaults (the same message, equal to one built
        # with them): pydantic's set of given fields then stays small, about 0.5 KB less
        # per message, which counts when a batch job holds 100,000 of them.
        optional = {
            "additional_kwargs": _extra_kwargs(message),
            "tool_calls": calls,
            "invalid_tool_calls": invalid,
            "usage_metadata": usage_metadata,
            "id": body.get("id") or None,
        }
        ai = AIMessage(
            content=message.get("content") or "",
            response_metadata={**shared, **_choice_metadata(choice)},
            **{name: value for name, value in optional.items() if value},
        )
        info = {"finish_reason": choice.get("finish_reason")}
        if choice.get("logprobs"):
            info["logprobs"] = choice["logprobs"]
        generations.append(ChatGeneration(message=ai, generation_info=info))
    llm_output: dict[str, Any] = {
        k: shared[k] for k in ("model_name", "system_fingerprint") if k in shared
    }
    if usage:
        llm_output["token_usage"] = dict(usage)
    return ChatResult(generations=generations, llm_output=llm_output)


class ChatStreamConverter:
    """Converts the chunks of one chat-completions stream to generation chunks.

    One converter per stream: it remembers which reasoning and text blocks came
    before the tool calls, so that with ``output_version="v1"`` a call numbered 0 by
    the server does not share index 0 with the reasoning block and get merged into
    it (see :mod:`langchain_gradient._tool_call_indexes`). With v0 (string content)
    the server's tool-call indexes are kept.

    :meth:`convert` gives one chunk per choice, or one for usage: the usage-only chunk
    that ends a stream (``"choices": []``) becomes an empty message carrying
    ``usage_metadata``. Metadata that is the same on every chunk (model, id, route) is
    attached once, on the chunk that finishes choice 0, so it is not concatenated
    when chunks are added together.

    Example:
        >>> stream = ChatStreamConverter("llama3.3-70b-instruct", output_version="v1")
        >>> _ = stream.convert({"choices": [{"delta": {"reasoning_content": "hmm"}}]})
        >>> delta = {"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f"}}]}
        >>> [chunk] = stream.convert({"choices": [{"delta": delta}]})
        >>> chunk.message.tool_call_chunks[0]["index"]
        1
    """

    def __init__(
        self,
        requested_model: str,
        route: str | None = None,
        *,
        output_version: str | None = None,
    ) -> None:
        self._requested_model = requested_model
        self._route = route
        self._shift = output_version == "v1"
        self._indexers: dict[int, ToolCallIndexer] = {}  # per choice index
        self._text: list[str] = []  # choice 0's content so far
        self.finished = False
        """Whether a choice has sent its ``finish_reason`` (the stream's end signal)."""

    @property
    def partial_text(self) -> str:
        """The text of choice 0 received so far."""
        return "".join(self._text)
        self.rate_limit: Mapping[str, Any] = {}
        """The stream's rate-limit headers (``_ratelimit.parse_rate_limits``), attached
        with the shared metadata."""

    def convert(self, body: Mapping[str, Any]) -> list[ChatGenerationChunk]:
        """The generation chunks carried by one stream chunk; an event of a shape this
        client cannot read raises :class:`~langchain_gradient.GradientStreamError`."""
        try:
            return self._convert(body)
        except GradientError:
            raise
        except Exception as error:  # a field of the wrong type, anywhere in the event
            raise unreadable_stream_event(body, error) from error

    def _convert(self, body: Mapping[str, Any]) -> list[ChatGenerationChunk]:
        chunks: list[ChatGenerationChunk] = []
        for choice in body.get("choices") or ():
            delta = dict(choice.get("delta") or {})
            if choice.get("finish_reason"):
                self.finished = True
            if not choice.get("index") and isinstance(delta.get("content"), str):
                self._text.append(delta["content"])
            metadata: dict[str, Any] = {"model_provider": MODEL_PROVIDER}
            info: dict[str, Any] = {}
            if choice.get("finish_reason"):
                metadata.update(_choice_metadata(choice))
                info["finish_reason"] = choice["finish_reason"]
                if not choice.get("index"):
                    shared = response_metadata(
                        body, requested_model=self._requested_model, route=self._route
                    )
                    metadata.update(shared)
                    if self.rate_limit:
                        metadata["rate_limit"] = dict(self.rate_limit)
            if choice.get("logprobs"):
                info["logprobs"] = choice["logprobs"]
            message = AIMessageChunk(
                content=delta.get("content") or "",
                additional_kwargs=_extra_kwargs(delta),
                tool_call_chunks=self._tool_call_chunks(choice.get("index") or 0, delta),
                response_metadata=metadata,
                id=body.get("id") or None,
            )
            chunks.append(ChatGenerationChunk(message=message, generation_info=info or None))
        usage = body.get("usage")
        if usage:
            model = body.get("model") or self._requested_model
            message = AIMessageChunk(
                content="",
                usage_metadata=to_usage_metadata(usage, model),
                response_metadata={"model_provider": MODEL_PROVIDER, "token_usage": dict(usage)},
                id=body.get("id") or None,
            )
            chunks.append(ChatGenerationChunk(message=message))
        return chunks

    def _tool_call_chunks(self, choice: int, delta: Mapping[str, Any]) -> list[ToolCallChunk]:
        indexer = self._indexers.setdefault(choice, ToolCallIndexer(shift=self._shift))
        # The order langchain-core lays a chunk's blocks out in: reasoning, then text.
        if delta.get("reasoning_content"):
            indexer.note_block("reasoning")
        if delta.get("content"):
            indexer.note_block("text")
        chunks = []
        for call in delta.get("tool_calls") or ():
            function = call.get("function") or {}
            chunks.append(
                tool_call_chunk(
                    name=function.get("name") or None,
                    args=function.get("arguments") or None,
                    id=call.get("id") or None,
                    index=indexer.shifted(call.get("id") or None, call.get("index")),
                )
            )
        return chunks


def _extra_kwargs(message: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key in ("reasoning_content", "refusal"):
        if message.get(key):
            extra[key] = message[key]
    return extra


def _choice_metadata(choice: Mapping[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"finish_reason": choice.get("finish_reason")}
    if choice.get("logprobs"):
        metadata["logprobs"] = choice["logprobs"]
    return metadata


__all__ = [
    "MODEL_PROVIDER",
    "ROUTE_HEADER",
    "ChatStreamConverter",
    "chat_result_from_response",
    "message_to_dict",
    "parse_tool_calls",
    "response_metadata",
    "to_chat_messages",
]
