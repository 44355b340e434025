"""``/v1/responses`` stream events -> ``AIMessageChunk``, for both documented formats.

``gradient-api.md`` §4.3 documents two incompatible stream formats; each payload says
which one it is, so no setting is needed: a ``choices`` list means a chat-like
``response.chunk`` delta, a ``type`` of ``response.*`` means an OpenAI-style typed
event. Error events (``{"error": ...}`` is raised by the SDK's decoder; ``error`` and
``response.failed`` events here) raise :class:`~langchain_gradient.GradientStreamError`.
The last chunk carries usage and the response metadata, as a whole response would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from langchain_core.messages import AIMessageChunk, ToolCallChunk
from langchain_core.messages.tool import tool_call_chunk

from langchain_gradient._errors import (
    GradientError,
    GradientStreamError,
    error_message_from_body,
    truncated_stream_error,
    unreadable_stream_event,
)
from langchain_gradient._responses_items import (
    REASONING_ITEMS_KEY,
    finish_reason,
    message_text,
    reasoning_text,
    response_metadata,
    response_to_message,
)
from langchain_gradient._tool_call_indexes import ToolCallIndexer
from langchain_gradient._usage import to_usage_metadata


class ResponsesStreamParser:
    """Turns ``/v1/responses`` stream events into ``AIMessageChunk`` objects.

    Feed every decoded ``data:`` payload to :meth:`feed`; call :meth:`finish` when the
    stream ends for the last chunk, which carries usage and ``response_metadata``.
    The format is told from each payload: ``choices`` means a chat-like
    ``response.chunk``, a ``type`` of ``response.*`` means an OpenAI-style event.

    Example:
        >>> parser = ResponsesStreamParser("openai-gpt-oss-120b")
        >>> [c.content for c in parser.feed({"type": "response.output_text.delta", "delta": "Hi"})]
        ['Hi']
    """

    def __init__(self, model: str | None) -> None:
        self._model = model
        self._body: dict[str, Any] = {}
        self._usage: Any = None
        self._finish: str | None = None
        self._has_tool_calls = False
        self._streamed_items: set[str] = set()  # item ids whose text/reasoning came as deltas
        # Chat-like deltas number tool calls from 0, the index of a v1 reasoning block:
        # the indexer shifts them (typed events' output_index is taken as given).
        self._tool_indexes = ToolCallIndexer()
        self._emitted = False  # any content, reasoning or tool-call chunk sent yet
        self._text: list[str] = []  # the content sent so far, for a cut-off stream's error
        self._terminal = False  # response.completed/.incomplete, or a chat-like finish_reason
        self._chat_like = False  # chat-like chunks seen (only changes the error's wording)

    def feed(self, event: Mapping[str, Any]) -> Iterator[AIMessageChunk]:
        """The chunks carried by one event (often one, sometimes none); an event of a
        shape this client cannot read raises :class:`~langchain_gradient.GradientStreamError`."""
        try:
            yield from self._feed(event)
        except GradientError:
            raise
        except Exception as error:  # a field of the wrong type, anywhere in the event
            raise unreadable_stream_event(event, error) from error

    def _feed(self, event: Mapping[str, Any]) -> Iterator[AIMessageChunk]:
        if isinstance(event.get("choices"), list):
            self._chat_like = True
            yield from self._chat_like_chunks(event)
            return
        kind = str(event.get("type", ""))
        if kind == "error" or kind == "response.failed":
            raise _stream_failure(event, self.partial_text)
        if kind in ("response.completed", "response.incomplete"):
            self._terminal = True
        if kind.startswith("response.") and isinstance(event.get("response"), Mapping):
            self._body.update({k: v for k, v in event["response"].items() if v is not None})
            self._usage = self._body.get("usage") or self._usage
        if kind == "response.output_text.delta":
            self._streamed_items.add(str(event.get("item_id")))
            yield self._chunk(content=str(event.get("delta", "")))
        elif kind == "response.refusal.delta":
            yield self._chunk(additional_kwargs={"refusal": str(event.get("delta", ""))})
        elif "reasoning" in kind and kind.endswith(".delta"):
            self._streamed_items.add(str(event.get("item_id")))
            yield self._chunk(additional_kwargs={"reasoning_content": str(event.get("delta", ""))})
        elif kind == "response.function_call_arguments.delta":
            index = self._tool_indexes.assign(str(event.get("item_id")), event.get("output_index"))
            yield self._chunk(
                tool_call_chunks=[tool_call_chunk(args=str(event.get("delta", "")), index=index)]
            )
        elif kind in ("response.output_item.added", "response.output_item.done"):
            yield from self._item_event(
                kind.endswith(".added"), event.get("item") or {}, event.get("output_index")
            )

    @property
    def partial_text(self) -> str:
        """The text received so far."""
        return "".join(self._text)

    def finish(self, *, saw_done: bool = False) -> AIMessageChunk:
        """The last chunk (see :meth:`_finish_chunk`)."""
        try:
            return self._finish_chunk(saw_done=saw_done)
        except GradientError:
            raise
        except Exception as error:  # the final response object has a field of the wrong type
            raise unreadable_stream_event(self._body, error) from error

    def _finish_chunk(self, *, saw_done: bool = False) -> AIMessageChunk:
        """The last chunk: usage, response id, status, model and finish reason.

        If the stream carried no content at all but its final event holds the whole
        response (some servers send only ``response.completed``), the content comes
        from that response here, so nothing is lost.

        A stream that ended without its terminal signal raises
        :class:`~langchain_gradient.GradientStreamError` with the partial text. The
        terminal signal is ``response.completed`` (or ``.incomplete``; ``.failed``
        raises earlier) for typed events, a ``finish_reason`` for chat-like chunks, or,
        for either, the ``data: [DONE]`` line (``saw_done``), which a dropped connection
        cannot produce.
        """
        if not (self._terminal or saw_done):
            expected = (
                "a finish_reason or [DONE]"
                if self._chat_like
                else "a response.completed or response.failed event (or [DONE])"
            )
            raise truncated_stream_error(self.partial_text, expected=expected)
        whole = self._whole_response() if not self._emitted else None
        has_calls = self._has_tool_calls or bool(whole and whole.tool_call_chunks)
        status = self._body.get("status")
        reason = self._finish or finish_reason(
            status, self._body.get("incomplete_details"), has_calls
        )
        return AIMessageChunk(
            content=whole.content if whole else "",
            additional_kwargs=whole.additional_kwargs if whole else {},
            tool_call_chunks=whole.tool_call_chunks if whole else [],
            usage_metadata=to_usage_metadata(self._usage or {}, self._model),
            response_metadata=response_metadata(self._body, self._model, reason),
            chunk_position="last",
            id=self._body.get("id"),
        )

    def _whole_response(self) -> AIMessageChunk | None:
        if not self._body.get("output"):
            return None
        message = response_to_message(self._body, self._model)
        calls = [*message.tool_calls, *message.invalid_tool_calls]
        return AIMessageChunk(
            content=message.content,
            additional_kwargs=message.additional_kwargs,
            tool_call_chunks=[
                tool_call_chunk(
                    name=call.get("name"),
                    args=json.dumps(call["args"])
                    if isinstance(call["args"], dict)
                    else call["args"],
                    id=call.get("id"),
                    index=index,
                )
                for index, call in enumerate(calls)
            ],
        )

    def _chunk(self, **fields: Any) -> AIMessageChunk:
        self._emitted = True
        if isinstance(fields.get("content"), str):
            self._text.append(fields["content"])
        return AIMessageChunk(content=fields.pop("content", ""), id=self._body.get("id"), **fields)

    def _item_event(
        self, added: bool, item: Mapping[str, Any], output_index: Any
    ) -> Iterator[AIMessageChunk]:
        kind = item.get("type")
        item_id = str(item.get("id"))
        if kind == "function_call":
            self._has_tool_calls = True
            announced = self._tool_indexes.known(item_id)
            index = self._tool_indexes.assign(item_id, output_index)
            # "done" repeats the whole call; send it only if nothing of it came before.
            if added or not announced:
                yield self._chunk(
                    tool_call_chunks=[
                        tool_call_chunk(
                            name=item.get("name"),
                            args=item.get("arguments") or "",
                            id=item.get("call_id"),
                            index=index,
                        )
                    ]
                )
        elif added:
            return
        elif kind == "reasoning":
            extra: dict[str, Any] = {REASONING_ITEMS_KEY: [dict(item)]}
            if item_id not in self._streamed_items and reasoning_text(item):
                extra["reasoning_content"] = reasoning_text(item)
            yield self._chunk(additional_kwargs=extra)
        elif kind == "message" and item_id not in self._streamed_items:
            text, _ = message_text(item)
            if text:
                yield self._chunk(content=text)

    def _chat_like_chunks(self, event: Mapping[str, Any]) -> Iterator[AIMessageChunk]:
        for key in ("id", "model", "created"):
            if event.get(key):
                self._body.setdefault(key, event[key])
        if event.get("usage"):
            self._usage = event["usage"]
        for choice in event["choices"][:1]:
            if choice.get("finish_reason"):
                self._finish = str(choice["finish_reason"])
                self._terminal = True
            delta = choice.get("delta") or {}
            extra = {}
            if delta.get("reasoning_content"):
                extra["reasoning_content"] = delta["reasoning_content"]
                self._tool_indexes.note_block("reasoning")
            if delta.get("content"):
                self._tool_indexes.note_block("text")
            chunks: list[ToolCallChunk] = []
            for raw in delta.get("tool_calls") or []:
                self._has_tool_calls = True
                function = raw.get("function") or {}
                index = self._tool_indexes.shifted(raw.get("id"), raw.get("index"))
                chunks.append(
                    tool_call_chunk(
                        name=function.get("name"),
                        args=function.get("arguments"),
                        id=raw.get("id"),
                        index=index,
                    )
                )
            if delta.get("content") or extra or chunks:
                yield self._chunk(
                    content=delta.get("content") or "",
                    additional_kwargs=extra,
                    tool_call_chunks=chunks,
                )


def _stream_failure(event: Mapping[str, Any], partial_text: str = "") -> GradientStreamError:
    response = event.get("response")
    failed = event.get("type") == "response.failed" and isinstance(response, Mapping)
    body = response.get("error") if failed else event  # type: ignore[union-attr]
    detail = error_message_from_body(body, fallback="the response failed")
    error = GradientStreamError(
        f"The stream was interrupted by an error from Gradient: {detail}", body=body
    )
    error.partial_text = partial_text
    return error
