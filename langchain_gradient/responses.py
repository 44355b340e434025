"""GradientResponses: DigitalOcean Gradient's ``POST /v1/responses`` as a LangChain chat model.

The class holds parameters, builds the request and picks what to send for stateful
turns; the rest lives next door: :mod:`._responses_items` converts messages to input
items and response bodies to messages, :mod:`._responses_stream` turns both stream
formats into chunks,
:mod:`._tool_binding` spells tools and ``tool_choice``, and :mod:`._chat_base` holds
what it shares with ChatGradient (serialization, structured output, error exit).
Bodies are read as raw JSON (``cast_to=object``), never through SDK response types,
whose union for this endpoint is wrong (``gradient-api.md`` §4.2).
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.language_models.chat_models import (
    agenerate_from_stream,
    generate_from_stream,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.utils import get_pydantic_field_names
from pydantic import ConfigDict, Field, model_validator

from langchain_gradient._chat_base import GradientChatModelBase
from langchain_gradient._chat_params import move_unknown_to_model_kwargs
from langchain_gradient._errors import (
    GradientAPIError,
    GradientError,
    error_message_from_body,
    malformed_response,
)
from langchain_gradient._messages import check_encodable
from langchain_gradient._misplaced_args import refuse_misplaced
from langchain_gradient._ratelimit import add_rate_limits, observe_rate_limits, parse_rate_limits
from langchain_gradient._responses_items import (
    messages_to_input,
    response_to_message,
    split_instructions,
    text_format,
)
from langchain_gradient._responses_stream import ResponsesStreamParser
from langchain_gradient._tool_binding import responses_tool_choice, to_responses_tool, tool_names
from langchain_gradient._tracing import ls_params

if TYPE_CHECKING:
    from openai import AsyncStream, Stream

DEFAULT_MODEL = "openai-gpt-oss-120b"
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Request:
    """A request body, and for a stateful turn the full-history body to fall back to."""

    payload: dict[str, Any]
    full_history: dict[str, Any] | None = None

    def send(self, post: Callable[[dict[str, Any]], _T]) -> _T:
        """``post(payload)``; once more with the full history if the server lost the state."""
        try:
            return post(self.payload)
        except GradientError as exc:
            if not self._falls_back_on(exc):
                raise
            return post(self._warn_fallback(exc))

    async def asend(self, post: Callable[[dict[str, Any]], Awaitable[_T]]) -> _T:
        """The async twin of :meth:`send`."""
        try:
            return await post(self.payload)
        except GradientError as exc:
            if not self._falls_back_on(exc):
                raise
            return await post(self._warn_fallback(exc))

    def _falls_back_on(self, exc: BaseException) -> bool:
        return self.full_history is not None and _is_unknown_previous_response(exc)

    def _warn_fallback(self, exc: BaseException) -> dict[str, Any]:
        assert self.full_history is not None
        detail = error_message_from_body(getattr(exc, "body", None), str(exc))
        warnings.warn(
            "GradientResponses: the server does not know previous_response_id "
            f"{self.payload.get('previous_response_id')!r} ({detail}). Sending the full "
            "conversation history for this call instead. Keep use_previous_response_id=True "
            "only with a server that stores responses (store=True).",
            UserWarning,
            stacklevel=5,
        )
        return self.full_history


def _is_unknown_previous_response(exc: BaseException) -> bool:
    if not isinstance(exc, GradientAPIError):
        return False
    text = f"{exc} {exc.body}".lower()
    mentions_it = "previous_response" in text or "previous response" in text
    return mentions_it or exc.status_code == 404


class GradientResponses(GradientChatModelBase):
    """DigitalOcean Gradient's Responses API (``POST /v1/responses``) as a chat model.

    Reasoning output is kept in ``additional_kwargs["reasoning_content"]`` (and as
    standard reasoning blocks with ``output_version="v1"``), and the raw reasoning
    items are sent back on the next turn. With ``use_previous_response_id=True`` a
    call sends only the messages after the last AI reply plus that reply's response
    id, instead of the whole history.

    Example:
        >>> from langchain_gradient import GradientResponses
        >>> llm = GradientResponses(model="openai-gpt-oss-120b", reasoning={"effort": "low"})
        >>> llm.invoke("What is the capital of France?").content  # doctest: +SKIP
        'The capital of France is **Paris**.'
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model_name: str = Field(default=DEFAULT_MODEL, alias="model", min_length=1)
    """Model id, e.g. ``openai-gpt-oss-120b``."""
    max_output_tokens: int | None = Field(default=None, alias="max_tokens", ge=1)
    """Upper bound on generated tokens, reasoning included."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    stop: list[str] | str | None = None
    """Stop sequences."""
    reasoning: dict[str, Any] | None = None
    """Reasoning options, e.g. ``{"effort": "low", "summary": "auto"}``."""
    store: bool | None = None
    """Ask the server to keep the response (needed for ``previous_response_id``)."""
    instructions: str | None = None
    """System instructions sent with every call, before any leading system messages."""
    metadata: dict[str, str] | None = None
    """LangChain's tracing metadata, never sent to the service; request metadata goes
    in ``extra_body={"metadata": {...}}``."""
    parallel_tool_calls: bool | None = None
    prompt_cache_retention: str | None = None
    """Prompt cache retention for models that support it, e.g. ``"24h"``."""
    extra_body: dict[str, Any] | None = None
    """Extra fields merged into every request body as they are."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request fields not declared here."""
    streaming: bool = False
    """Stream under ``invoke`` too (the result is the aggregated stream)."""
    stream_usage: bool = True
    """Ask for usage in streams (``stream_options.include_usage``)."""
    use_previous_response_id: bool = False
    """Send only the new messages plus ``previous_response_id`` when the history has
    an AI message with a response id; falls back to the full history, with a warning,
    if the server does not know that id."""

    @model_validator(mode="before")
    @classmethod
    def _accept_unknown(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        refuse_misplaced(values, cls.__name__)
        fields = get_pydantic_field_names(cls)
        return move_unknown_to_model_kwargs(dict(values), fields, owner=cls.__name__)

    @property
    def _llm_type(self) -> str:
        return "gradient-responses"

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_gradient", "responses"]

    @property
    def _default_params(self) -> dict[str, Any]:
        params = {
            "max_output_tokens": self.max_output_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "reasoning": self.reasoning,
            "store": self.store,
            "parallel_tool_calls": self.parallel_tool_calls,
            "prompt_cache_retention": self.prompt_cache_retention,
        }
        return {key: value for key, value in params.items() if value is not None}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        return ls_params(
            kwargs.get("model") or self.model_name,
            temperature=kwargs.get("temperature", self.temperature),
            max_tokens=kwargs.get("max_output_tokens", self.max_output_tokens),
            stop=stop or self._stop_list(),
        )

    def _stop_list(self, stop: list[str] | None = None) -> list[str]:
        chosen = stop if stop is not None else self.stop
        return [chosen] if isinstance(chosen, str) else list(chosen or [])

    # ------------------------------------------------------------------ request

    def _request(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None,
        stream: bool,
        /,
        **kwargs: Any,
    ) -> _Request:
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)  # a local option
        kwargs.pop("stream", None)  # invoke(..., stream=True) chose the path already
        check_encodable(messages)
        instructions, conversation = split_instructions(messages)
        joined = "\n\n".join(t for t in (self.instructions, instructions) if t) or None
        base: dict[str, Any] = {"model": self.model_name}
        if joined:
            base["instructions"] = joined
        base.update(self._default_params)
        stops = self._stop_list(stop)
        if stops:
            base["stop"] = stops
        if self.use_previous_response_id and self.store is None:
            base["store"] = True  # previous_response_id only works on stored responses
        base.update(self.model_kwargs)
        base.update(kwargs)
        if "response_format" in base:  # the chat-completions spelling, as text.format
            base["text"] = {
                **base.get("text", {}),
                "format": text_format(base.pop("response_format")),
            }
        if stream:
            base["stream"] = True
            if stream_usage:
                base["stream_options"] = {"include_usage": True}
        base.update(self.extra_body or {})

        full = {**base, "input": messages_to_input(conversation)}
        previous_id, tail = self._stateful_tail(conversation, kwargs)
        if previous_id is None:
            return _Request(full)
        stateful = {**base, "input": messages_to_input(tail), "previous_response_id": previous_id}
        return _Request(stateful, full_history=full)

    def _stateful_tail(
        self, conversation: list[BaseMessage], kwargs: Mapping[str, Any]
    ) -> tuple[str | None, list[BaseMessage]]:
        if not self.use_previous_response_id or "previous_response_id" in kwargs:
            return None, conversation
        for index in range(len(conversation) - 1, -1, -1):
            message = conversation[index]
            response_id = message.response_metadata.get("id")
            if isinstance(message, AIMessage) and isinstance(response_id, str) and response_id:
                tail = conversation[index + 1 :]
                return (response_id, tail) if tail else (None, conversation)
        return None, conversation

    # ----------------------------------------------------------------- transport

    def _post(self, payload: dict[str, Any]) -> Any:
        try:
            return self.root_client.post("/responses", body=payload, cast_to=object)
        except Exception as exc:
            self._raise_translated(exc, str(payload["model"]))

    async def _apost(self, payload: dict[str, Any]) -> Any:
        try:
            return await self.root_async_client.post("/responses", body=payload, cast_to=object)
        except Exception as exc:
            self._raise_translated(exc, str(payload["model"]))

    def _open_stream(self, payload: dict[str, Any]) -> Stream[object]:
        from langchain_gradient._sse import DoneAwareStream

        try:
            return self.root_client.post(
                "/responses", body=payload, cast_to=object, stream=True, stream_cls=DoneAwareStream
            )
        except Exception as exc:
            self._raise_translated(exc, str(payload["model"]))

    async def _aopen_stream(self, payload: dict[str, Any]) -> AsyncStream[object]:
        from langchain_gradient._sse import AsyncDoneAwareStream

        try:
            return await self.root_async_client.post(
                "/responses",
                body=payload,
                cast_to=object,
                stream=True,
                stream_cls=AsyncDoneAwareStream,
            )
        except Exception as exc:
            self._raise_translated(exc, str(payload["model"]))

    def _events(self, stream: Stream[object], model: str) -> Iterator[Mapping[str, Any]]:
        try:
            with stream:
                for event in stream:
                    if isinstance(event, Mapping):
                        yield event
        except Exception as exc:
            self._raise_translated(exc, model)

    async def _aevents(
        self, stream: AsyncStream[object], model: str
    ) -> AsyncIterator[Mapping[str, Any]]:
        try:
            async with stream:
                async for event in stream:
                    if isinstance(event, Mapping):
                        yield event
        except Exception as exc:
            self._raise_translated(exc, model)

    # -------------------------------------------------------------- chat model

    def _result(self, body: Any) -> ChatResult:
        if not isinstance(body, Mapping):
            raise GradientAPIError(
                f"/v1/responses answered with a {type(body).__name__}, not a JSON object."
            )
        if body.get("error") or body.get("status") == "failed":  # a 200 that is a failure
            detail = error_message_from_body(dict(body), fallback="no error message")
            raise GradientAPIError(
                f"Gradient answered 200 but the response failed: {detail}",
                status_code=200,
                body=body,
            )
        _check_output(body)
        try:
            message = response_to_message(body, self.model_name)
        except GradientError:
            raise
        except (TypeError, ValueError, AttributeError, KeyError) as error:  # wrong field types
            raise malformed_response(
                f"a readable answer ({type(error).__name__}: {error})", dict(body)
            ) from error
        return ChatResult(
            generations=[ChatGeneration(message=message)],
            llm_output={
                "id": body.get("id"),
                "model_name": message.response_metadata.get("model_name"),
            },
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))
        request = self._request(messages, stop, False, **kwargs)
        with observe_rate_limits() as seen:
            body = request.send(self._post)
        return add_rate_limits(self._result(body), seen.latest)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.streaming:
            return await agenerate_from_stream(self._astream(messages, stop, run_manager, **kwargs))
        request = self._request(messages, stop, False, **kwargs)
        with observe_rate_limits() as seen:
            body = await request.asend(self._apost)
        return add_rate_limits(self._result(body), seen.latest)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        request = self._request(messages, stop, True, **kwargs)
        stream = request.send(self._open_stream)
        rate_limit = parse_rate_limits(stream.response.headers)
        events = self._events(stream, str(request.payload["model"]))
        for chunk in self._chunks(events, stream):
            if rate_limit and getattr(chunk.message, "chunk_position", None) == "last":
                chunk.message.response_metadata["rate_limit"] = dict(rate_limit)
            if run_manager:
                run_manager.on_llm_new_token(_text(chunk), chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        request = self._request(messages, stop, True, **kwargs)
        stream = await request.asend(self._aopen_stream)
        rate_limit = parse_rate_limits(stream.response.headers)
        events = self._aevents(stream, str(request.payload["model"]))
        async for chunk in self._achunks(events, stream):
            if rate_limit and getattr(chunk.message, "chunk_position", None) == "last":
                chunk.message.response_metadata["rate_limit"] = dict(rate_limit)
            if run_manager:
                await run_manager.on_llm_new_token(_text(chunk), chunk=chunk)
            yield chunk

    def _chunks(
        self, events: Iterator[Mapping[str, Any]], stream: object = None
    ) -> Iterator[ChatGenerationChunk]:
        parser = ResponsesStreamParser(self.model_name)
        for event in events:
            for message in parser.feed(event):
                yield ChatGenerationChunk(message=message)
        yield ChatGenerationChunk(message=parser.finish(saw_done=_saw_done(stream)))

    async def _achunks(
        self, events: AsyncIterator[Mapping[str, Any]], stream: object = None
    ) -> AsyncIterator[ChatGenerationChunk]:
        parser = ResponsesStreamParser(self.model_name)
        async for event in events:
            for message in parser.feed(event):
                yield ChatGenerationChunk(message=message)
        yield ChatGenerationChunk(message=parser.finish(saw_done=_saw_done(stream)))

    # --------------------------------------------------------- tools and schemas

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools, sent in the flat Responses format ``{type, name, description, parameters}``.

        ``tool_choice`` takes ``"auto"``, ``"none"``, ``"any"``/``"required"``, ``True``,
        a tool name or a dict naming one tool.

        Example:
            >>> def get_weather(city: str) -> str:
            ...     '''Weather in a city.'''
            ...     return "sunny"
            >>> llm = GradientResponses(api_key="k").bind_tools([get_weather], tool_choice="any")
            >>> llm.kwargs["tools"][0]["name"], llm.kwargs["tool_choice"]
            ('get_weather', 'required')
        """
        formatted = [to_responses_tool(tool, strict=strict) for tool in tools]
        if tool_choice is not None and tool_choice is not False:
            kwargs["tool_choice"] = responses_tool_choice(tool_choice, tool_names(formatted))
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)


def _saw_done(stream: object) -> bool:
    return bool(getattr(stream, "saw_done", False))


def _text(chunk: ChatGenerationChunk) -> str:
    content = chunk.message.content
    return content if isinstance(content, str) else ""


def _check_output(body: Mapping[str, Any]) -> None:
    """A 200 body must carry ``output`` items (or, chat-shaped, ``choices``); an empty
    list is an answer only when the response says it stopped early (``incomplete``)."""
    if "output" not in body and "choices" in body:
        choices = body["choices"]
        if not isinstance(choices, list) or not choices:
            raise malformed_response("choices", dict(body))
        return
    output = body.get("output")
    if not isinstance(output, list) or not all(isinstance(item, Mapping) for item in output):
        raise malformed_response("an output list", dict(body))
    if not output and body.get("status") != "incomplete":
        raise malformed_response("any output item", dict(body))
