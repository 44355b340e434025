"""ChatGradient: LangChain chat model for DigitalOcean Gradient serverless inference.

The class holds parameters and wires the pieces together; the work lives next door:
:mod:`._chat_params` builds the request, :mod:`._messages` converts messages, responses
and stream chunks, :mod:`._prompt_cache` places cache breakpoints, :mod:`._structured_output`
implements ``with_structured_output`` and :mod:`._connection` owns key, endpoint, the
cached ``openai`` clients and the error mapping. :mod:`._chat_base` holds what ChatGradient
shares with GradientResponses (serialization, identifying params, structured output).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.utils import get_pydantic_field_names
from pydantic import ConfigDict, Field, model_validator

from langchain_gradient._chat_base import GradientChatModelBase
from langchain_gradient._chat_params import (
    build_chat_payload,
    chat_request,
    move_unknown_to_model_kwargs,
    with_affinity,
)
from langchain_gradient._errors import (
    GradientAPIError,
    error_message_from_body,
    malformed_response,
    truncated_stream_error,
)
from langchain_gradient._messages import (
    ROUTE_HEADER,
    ChatStreamConverter,
    chat_result_from_response,
    check_encodable,
    to_chat_messages,
)
from langchain_gradient._misplaced_args import refuse_misplaced
from langchain_gradient._prompt_cache import PromptCacheTTL, mark_cache_breakpoints
from langchain_gradient._ratelimit import add_rate_limits, parse_rate_limits
from langchain_gradient._tool_binding import chat_tool_choice, tool_names
from langchain_gradient._tracing import ls_params
from langchain_gradient._usage import is_anthropic_model

DEFAULT_MODEL = "llama3.3-70b-instruct"
# Ids used to suggest a close match on 404 until a catalog registers a better source.
FALLBACK_MODEL_IDS: tuple[str, ...] = (
    "llama3.3-70b-instruct",
    "llama-4-maverick",
    "deepseek-r1-distill-llama-70b",
    "deepseek-v3.2",
    "mistral-3-14B",
    "alibaba-qwen3-32b",
    "openai-gpt-oss-120b",
    "openai-gpt-oss-20b",
    "openai-gpt-4o",
    "openai-gpt-4o-mini",
    "openai-gpt-5",
    "openai-o3",
    "openai-o3-mini",
    "anthropic-claude-4.5-sonnet",
    "anthropic-claude-4.6-sonnet",
    "anthropic-claude-opus-4.5",
    "anthropic-claude-opus-4.6",
    "anthropic-claude-haiku-4.5",
    "anthropic-claude-3.7-sonnet",
)
_known_models_source: Callable[[], Iterable[str]] = lambda: FALLBACK_MODEL_IDS  # noqa: E731
_CALL_PARAMS: ContextVar[tuple[object, dict[str, Any]] | None] = ContextVar(
    "gradient_call_params", default=None
)
"""The model's parameters for the call in progress: langchain-core asks for them for its
invocation params (``_identifying_params``) and tracing (``_get_ls_params``) before
``_payload`` builds the request; they are built once there and used by all three."""


def set_known_models_source(source: Callable[[], Iterable[str]]) -> None:
    """Plug in where 404 suggestions come from (the model catalog registers itself here)."""
    global _known_models_source
    _known_models_source = source


class ChatGradient(GradientChatModelBase):
    """Chat model on DigitalOcean Gradient serverless inference (OpenAI-compatible).

    Setup: ``pip install langchain-gradient`` and set ``MODEL_ACCESS_KEY`` (or pass
    ``api_key``). Native sync and async invoke, stream and batch; tool calling;
    structured output; reasoning content; prompt caching; Gradient cache usage.

    ``metadata`` is LangChain's tracing metadata and is never sent to the service; to
    send request metadata, say so: ``extra_body={"metadata": {"team": "search"}}``.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> llm = ChatGradient(model="llama3.3-70b-instruct", temperature=0, api_key="...")
        >>> llm.invoke("What is the capital of France?").content  # doctest: +SKIP
        'The capital of France is Paris.'
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    model_name: str = Field(default=DEFAULT_MODEL, alias="model", min_length=1)
    """Model id, e.g. ``llama3.3-70b-instruct``, ``anthropic-claude-4.5-sonnet`` or
    ``router:<name>``."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    max_completion_tokens: int | None = Field(default=None, alias="max_tokens", ge=1)
    """Output token limit. Sent as ``max_completion_tokens`` from 256 up and as
    ``max_tokens`` below 256: DigitalOcean's contract sets ``minimum: 256`` on
    ``max_completion_tokens`` and ``minimum: 0`` on the (deprecated) ``max_tokens``.
    Specify it for Anthropic models."""
    stop: list[str] | str | None = Field(default=None, alias="stop_sequences")
    n: int | None = Field(default=None, ge=1, le=128)
    """Number of choices; every choice is returned as a generation."""
    seed: int | None = None
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    logit_bias: dict[str, float] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    reasoning_effort: str | None = None
    """OpenAI-format reasoning effort: ``none``, ``minimal``, ``low``, ``medium``,
    ``high``, ``xhigh`` or ``max`` (the service's documents disagree; all are sent)."""
    reasoning: dict[str, Any] | None = None
    """Anthropic-format reasoning: ``{"effort": "high", "max_tokens": 1024}``."""
    prompt_cache: PromptCacheTTL | None = None
    """``"5m"`` or ``"1h"``: for Anthropic models, cache the system prompt and the
    conversation so far (see :mod:`langchain_gradient._prompt_cache`)."""
    prompt_cache_retention: str | None = None
    """OpenAI models: ``"in_memory"`` or ``"24h"``."""
    user: str | None = None
    router_affinity: str | None = None
    """For ``router:<name>`` models: a session key sent as the ``X-Model-Affinity`` header,
    so DigitalOcean's Inference Router keeps the conversation on one model (also per
    call: ``llm.invoke(..., router_affinity="session-42")``). The answering model is
    ``response_metadata["model_name"]``, the route ``["selected_route"]``."""
    streaming: bool = Field(default=False, alias="stream")
    """Stream even from ``invoke`` (tokens reach callbacks as they arrive)."""
    stream_usage: bool = True
    """Ask for the usage chunk at the end of a stream."""
    stream_options: dict[str, Any] | None = None
    """Extra stream options, sent only when streaming (DigitalOcean 1.0.0 argument)."""
    extra_body: dict[str, Any] | None = None
    """Merged into every request body."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other request fields, sent with every request."""
    enable_rate_limiting: bool = False
    """Throttle calls client-side to ``max_requests_per_minute`` (a langchain-core
    ``InMemoryRateLimiter``; same as passing ``rate_limiter=``). Not a 1.0.0 argument."""
    max_requests_per_minute: int | None = None
    retry_config: Any | None = Field(default=None, exclude=True)
    """Only its ``max_retries`` is used; backoff and ``Retry-After`` handling are the
    ``openai`` SDK's. Not a 1.0.0 argument (no release of 1.0.0 had it)."""

    @model_validator(mode="before")
    @classmethod
    def _accept_unknown_and_legacy(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        refuse_misplaced(values, "ChatGradient")
        values = move_unknown_to_model_kwargs(dict(values), get_pydantic_field_names(cls))
        retry = values.get("retry_config")
        if retry is not None and "max_retries" not in values:
            retries = retry.get("max_retries") if isinstance(retry, dict) else None
            retries = getattr(retry, "max_retries", retries)
            if retries is not None:
                values["max_retries"] = retries
        return values

    @model_validator(mode="after")
    def _check_combinations(self) -> ChatGradient:
        if self.streaming and (self.n or 1) > 1:
            raise ValueError("n must be 1 when streaming=True: a stream carries one choice.")
        per_minute = self.max_requests_per_minute
        if per_minute is not None and per_minute <= 0:
            raise ValueError("max_requests_per_minute must be positive.")
        if self.enable_rate_limiting and self.rate_limiter is None:
            per_minute = per_minute or 60
            self.rate_limiter = InMemoryRateLimiter(
                requests_per_second=per_minute / 60, max_bucket_size=per_minute
            )
        return self

    # ------------------------------------------------------------------ LangChain API

    @property
    def _llm_type(self) -> str:
        return "gradient-chat"

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_gradient", "chat_models"]

    @property
    def _default_params(self) -> dict[str, Any]:
        params = {
            "model": self.model_name,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_completion_tokens": self.max_completion_tokens,
            "stop": self.stop or None,  # an empty list means no stop sequences
            "n": self.n,
            "seed": self.seed,
            "frequency_penalty": self.frequency_penalty,
            "presence_penalty": self.presence_penalty,
            "logit_bias": self.logit_bias,
            "logprobs": self.logprobs,
            "top_logprobs": self.top_logprobs,
            "reasoning_effort": self.reasoning_effort,
            "reasoning": self.reasoning,
            "prompt_cache_retention": self.prompt_cache_retention,
            "user": self.user,
        }
        return {k: v for k, v in params.items() if v is not None} | self.model_kwargs

    @property
    def _identifying_params(self) -> dict[str, Any]:
        # First of the three per-call readers: build the parameters and hold them.
        params = self._default_params
        _CALL_PARAMS.set((self, params))
        return {"model_name": self.model_name, **params}

    def _call_params(self, *, last: bool = False) -> dict[str, Any]:
        """The parameters held for this call (built now if none are); ``last`` releases them."""
        held = _CALL_PARAMS.get()
        if last and held is not None:
            _CALL_PARAMS.set(None)
        return held[1] if held is not None and held[0] is self else self._default_params

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = {**self._call_params(), **kwargs}
        return ls_params(
            params.get("model") or self.model_name,
            temperature=params.get("temperature"),
            max_tokens=params.get("max_completion_tokens") or params.get("max_tokens"),
            stop=stop or params.get("stop"),
        )

    # -------------------------------------------------------------------- requests

    def _payload(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],
        *,
        stream: bool,
    ) -> dict[str, Any]:
        """The request for one call: fields, then per-call ``kwargs``, then ``stop``."""
        affinity = kwargs.get("router_affinity", self.router_affinity)
        if "router_affinity" in kwargs:
            kwargs = {k: v for k, v in kwargs.items() if k != "router_affinity"}
        params = {**self._call_params(last=True), **kwargs}
        if stop is not None:
            params["stop"] = stop or None
        if stream and (params.get("n") or 1) > 1:
            raise ValueError(f"n={params['n']} cannot be streamed: a stream carries one choice.")
        model = str(params.get("model_name") or params.get("model") or self.model_name)
        check_encodable(messages)
        wire = to_chat_messages(messages)
        ttl = kwargs.get("prompt_cache", self.prompt_cache)
        if ttl and is_anthropic_model(model):
            wire = mark_cache_breakpoints(wire, ttl)
        payload = build_chat_payload(
            params,
            wire,
            stream=stream,
            stream_usage=bool(kwargs.get("stream_usage", self.stream_usage)),
            stream_options=self.stream_options,
            extra_body=self.extra_body,
        )
        return with_affinity(payload, affinity)

    def _known_model_ids(self) -> Iterable[str]:
        return list(_known_models_source())

    @staticmethod
    def _result_from_http(response: Any, model: str) -> ChatResult:
        """HTTP response (JSON body plus headers) -> ChatResult; a body without
        choices raises rather than becoming an empty answer."""
        body = response.json()
        if not (isinstance(body, dict) and "choices" in body):
            raise GradientAPIError(
                "Gradient answered 200 without choices: "
                + error_message_from_body(body, fallback=str(body)[:200]),
                status_code=200,
                body=body,
            )
        choices = body["choices"]
        if not isinstance(choices, list) or not choices:
            raise malformed_response("choices", body, headers=response.headers)
        if not all(isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices):
            raise malformed_response("a message in every choice", body, headers=response.headers)
        route = response.headers.get(ROUTE_HEADER)
        try:
            result = chat_result_from_response(body, requested_model=model, route=route)
        except (TypeError, ValueError, AttributeError, KeyError) as error:  # wrong field types
            raise malformed_response(
                f"a readable answer ({type(error).__name__}: {error})",
                body,
                headers=response.headers,
            ) from error
        return add_rate_limits(result, response.headers)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, kwargs, stream=False)
        try:
            response = self.root_client.post(**chat_request(payload))
            return self._result_from_http(response, payload["model"])
        except Exception as exc:
            self._raise_translated(exc, payload["model"])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, kwargs, stream=False)
        try:
            response = await self.root_async_client.post(**chat_request(payload))
            return self._result_from_http(response, payload["model"])
        except Exception as exc:
            self._raise_translated(exc, payload["model"])

    def _stream_converter(self, model: str, route: str | None) -> ChatStreamConverter:
        """The per-stream chunk converter (holds the tool-call index state)."""
        return ChatStreamConverter(model, route, output_version=self.output_version)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        model = payload["model"]
        try:
            from langchain_gradient._sse import DoneAwareStream

            # Stream[object]: the SDK's SSE decoding and error events, but each event
            # stays the parsed JSON dict (no ChatCompletionChunk built and dumped again).
            events = self.root_client.post(**chat_request(payload, stream_cls=DoneAwareStream))
            converter = self._stream_converter(model, events.response.headers.get(ROUTE_HEADER))
            converter.rate_limit = parse_rate_limits(events.response.headers)
            with events:  # closes early-stopped streams
                for event in events:
                    yield from converter.convert(cast("dict[str, Any]", event))
            _check_stream_end(converter, events)
        except Exception as exc:
            self._raise_translated(exc, model)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        model = payload["model"]
        try:
            from langchain_gradient._sse import AsyncDoneAwareStream

            request = chat_request(payload, stream_cls=AsyncDoneAwareStream)
            events = await self.root_async_client.post(**request)
            converter = self._stream_converter(model, events.response.headers.get(ROUTE_HEADER))
            converter.rate_limit = parse_rate_limits(events.response.headers)
            async with events:
                async for event in events:
                    for chunk in converter.convert(cast("dict[str, Any]", event)):
                        yield chunk
            _check_stream_end(converter, events)
        except Exception as exc:
            self._raise_translated(exc, model)

    # ------------------------------------------------------------ tools, structure

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools (Pydantic models, functions, LangChain tools or OpenAI dicts).

        ``tool_choice``: a tool name, ``"auto"``, ``"none"``, ``"required"`` (``"any"``
        and ``True`` mean ``"required"``) or an OpenAI ``tool_choice`` dict.

        Example:
            >>> def get_weather(city: str) -> str:
            ...     '''Weather in a city.'''
            ...     return "sunny"
            >>> llm = ChatGradient(api_key="...").bind_tools([get_weather], tool_choice="any")
        """
        formatted = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
        if tool_choice is not None and tool_choice is not False:
            kwargs["tool_choice"] = chat_tool_choice(tool_choice, tool_names(formatted))
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)


def _check_stream_end(converter: ChatStreamConverter, events: Any) -> None:
    """A stream that ended with neither a ``finish_reason`` nor ``[DONE]`` was cut off.

    Either signal is enough: some OpenAI-compatible servers omit ``[DONE]`` but every
    complete answer carries a ``finish_reason``. Stricter than ChatOpenAI, which takes
    a cut stream as the whole answer (see docs/chat.md).
    """
    if converter.finished or getattr(events, "saw_done", False):
        return
    headers = events.response.headers
    request_id = headers.get("x-request-id") or headers.get("x-do-request-id")
    raise truncated_stream_error(
        converter.partial_text, expected="a finish_reason or [DONE]", request_id=request_id
    )
