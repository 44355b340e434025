"""ChatGradientAgent: a DigitalOcean Gradient agent endpoint as a LangChain chat model.

It is :class:`~langchain_gradient.chat_models.ChatGradient` (same request building,
message conversion, streaming, usage and error mapping) pointed at
``https://<agent host>/api/v1/chat/completions?agent=true`` with the agent's access key,
plus the per-request agent fields (``gradient-api.md`` §13.4).

What comes back besides a chat completion is not fully in DigitalOcean's contract, so
it is taken as it comes: every top-level key of the response that is not a standard
chat-completion key is kept, untouched, in ``response_metadata["agent"]``; the values
under keys naming retrieval, guardrails and functions are also in
``response_metadata["retrieval"]``, ``["guardrails"]`` and ``["functions"]``. Sources
(a top-level ``citations`` list, else the list of results in the retrieval info)
become citations: langchain-core ``citation`` annotations on the text block with
``output_version="v1"``, a plain list in ``additional_kwargs["citations"]`` otherwise.

A guardrail block (``finish_reason: "content_filter"``, an enum value of the contract)
raises :class:`GradientGuardrailError`, or, with ``raise_on_guardrail=False``, comes
back as a message with ``response_metadata["guardrail_triggered"] = True``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, SecretStr, model_validator

from langchain_gradient._client import ClientConfig
from langchain_gradient._errors import GradientAPIError, GradientAuthenticationError
from langchain_gradient._messages import ChatStreamConverter
from langchain_gradient._settings import (
    AGENT_KEY_ENV_VARS,
    ResolvedKey,
    http_origin,
    resolve_agent_key,
)
from langchain_gradient.chat_models import ChatGradient

AGENT_ENDPOINT_ENV_VAR = "GRADIENT_AGENT_ENDPOINT"
AGENT_MODEL_PLACEHOLDER = "ignored"
"""The contract requires ``model``; the agent answers with its own model (the contract's
curl sample sends ``"model": "ignored"``)."""
_STANDARD_KEYS = frozenset(
    {"id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"}
)
_AGENT_FIELDS = (
    "k",
    "retrieval_method",
    "kb_filters",
    "filter_kb_content_by_query_metadata",
    "instruction_override",
    "include_functions_info",
    "include_retrieval_info",
    "include_guardrails_info",
    "provide_citations",
)


class GradientGuardrailError(GradientAPIError):
    """The agent's guardrail blocked the request (``finish_reason: "content_filter"``).

    Attributes:
        guardrails: the guardrail information the agent sent (``None`` unless asked for
            with ``include_guardrails_info=True``).
        refusal: the text the agent answered with.

    Example:
        >>> from langchain_gradient import ChatGradientAgent
        >>> try:  # doctest: +SKIP
        ...     ChatGradientAgent().invoke("something the guardrail blocks")
        ... except GradientGuardrailError as err:
        ...     print("blocked:", err.guardrails)
    """

    def __init__(
        self, message: str, *, guardrails: Any = None, refusal: str = "", body: Any = None
    ) -> None:
        super().__init__(message, status_code=200, body=body)
        self.guardrails = guardrails
        self.refusal = refusal


def _string_content(message: dict[str, Any]) -> dict[str, Any]:
    """The agent route's contract types ``content`` as a string (or null): join text parts.

    A part that is not text (an image) cannot be carried; say so before sending.
    """
    content = message.get("content")
    if not isinstance(content, list):
        return message
    texts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            texts.append(str(part.get("text", "")))
        elif isinstance(part, str):
            texts.append(part)
        else:
            kind = part.get("type") if isinstance(part, dict) else type(part).__name__
            raise ValueError(
                f"A {message.get('role')} message has a {kind!r} content part; agent "
                "endpoints take text only (DigitalOcean's contract types content as a "
                "string). Send images through ChatGradient instead."
            )
    return {**message, "content": "".join(texts)}


def agent_info(body: Mapping[str, Any]) -> dict[str, Any]:
    """The documented ``response_metadata`` entries for the non-standard keys of ``body``.

    Example:
        >>> agent_info({"choices": [], "retrieval": {"results": []}})
        {'agent': {'retrieval': {'results': []}}, 'retrieval': {'results': []}}
    """
    extra = {k: v for k, v in body.items() if k not in _STANDARD_KEYS}
    if not extra:
        return {}
    info: dict[str, Any] = {"agent": extra}
    for name, word in (
        ("retrieval", "retriev"),
        ("guardrails", "guardrail"),
        ("functions", "function"),
    ):
        found = [v for k, v in extra.items() if word in k.lower()]
        if found:
            info[name] = found[0]
    return info


def citations_from(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The sources of ``body``: its ``citations`` list, else the retrieval info's results."""
    raw = body.get("citations")
    if not isinstance(raw, list):
        retrieval = agent_info(body).get("retrieval")
        lists = (
            [v for v in retrieval.values() if isinstance(v, list)]
            if isinstance(retrieval, dict)
            else []
        )
        raw = lists[0] if lists else retrieval if isinstance(retrieval, list) else []
    return [item for item in raw if isinstance(item, dict)]


def citation_block(source: Mapping[str, Any]) -> dict[str, Any]:
    """A langchain-core ``citation`` annotation for one source (original under ``extras``)."""
    raw_metadata = source.get("metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    block: dict[str, Any] = {"type": "citation", "extras": dict(source)}
    title = next(
        (
            v
            for v in (
                source.get("title"),
                source.get("filename"),
                metadata.get("filename"),
                metadata.get("title"),
                metadata.get("source"),
                metadata.get("item_name"),
            )
            if v
        ),
        None,
    )
    url = source.get("url") or metadata.get("url")
    text = source.get("text_content") or source.get("page_content") or source.get("text")
    if title:
        block["title"] = str(title)
    if url:
        block["url"] = str(url)
    if text:
        block["cited_text"] = str(text)
    return block


class ChatGradientAgent(ChatGradient):
    """Chat model for a DigitalOcean Gradient agent endpoint (knowledge bases, guardrails,
    functions behind one URL).

    Setup: the agent's endpoint in ``agent_endpoint`` or ``GRADIENT_AGENT_ENDPOINT``
    (a host like ``abc123.agents.do-ai.run`` or a URL) and an endpoint access key in
    ``agent_access_key`` or ``GRADIENT_AGENT_ACCESS_KEY``. Everything ChatGradient does
    (streaming, tools, structured output, usage) works the same.

    Example:
        >>> from langchain_gradient import ChatGradientAgent
        >>> agent = ChatGradientAgent(
        ...     agent_endpoint="abc123.agents.do-ai.run", agent_access_key="...",
        ...     include_retrieval_info=True, provide_citations=True,
        ... )
        >>> reply = agent.invoke("What is the refund policy?")  # doctest: +SKIP
        >>> reply.additional_kwargs["citations"]  # doctest: +SKIP
    """

    model_name: str = Field(default=AGENT_MODEL_PLACEHOLDER, alias="model", min_length=1)
    """Sent as ``model`` (required by the contract); the agent answers with its own model."""
    api_key: SecretStr | None = Field(default=None, alias="agent_access_key", repr=False)
    """Agent endpoint access key. Default: ``GRADIENT_AGENT_ACCESS_KEY``."""
    agent_endpoint: str | None = None
    """The agent's host or URL. Default: ``GRADIENT_AGENT_ENDPOINT``."""
    k: int | None = Field(default=None, ge=1)
    """Knowledge-base results to retrieve."""
    retrieval_method: Literal["rewrite", "step_back", "sub_queries", "none"] | None = None
    kb_filters: list[dict[str, Any]] | None = None
    filter_kb_content_by_query_metadata: bool | None = None
    instruction_override: str | None = None
    include_functions_info: bool | None = None
    include_retrieval_info: bool | None = None
    include_guardrails_info: bool | None = None
    provide_citations: bool | None = None
    raise_on_guardrail: bool = True
    """Raise :class:`GradientGuardrailError` on a guardrail block (else flag it in
    ``response_metadata["guardrail_triggered"]``). Not sent."""

    @model_validator(mode="after")
    def _resolve_connection(self) -> ChatGradientAgent:
        resolved = resolve_agent_key(self.api_key)
        self.api_key = resolved.secret
        self._key_source = resolved.source
        endpoint = (
            self.agent_endpoint or self.base_url or os.environ.get(AGENT_ENDPOINT_ENV_VAR, "")
        )
        if not endpoint.strip():
            raise ValueError(
                f"No agent endpoint: pass agent_endpoint=... or set {AGENT_ENDPOINT_ENV_VAR} "
                "(the agent's URL from its page in the DigitalOcean control panel)."
            )
        origin = http_origin(endpoint, what="agent_endpoint", example="abc123.agents.do-ai.run")
        origin = (
            origin.removesuffix("/chat/completions").removesuffix("/api/v1").removesuffix("/api")
        )
        self.agent_endpoint = origin
        self.base_url = origin + "/api/v1"
        return self

    @staticmethod
    def _environment_key() -> ResolvedKey:
        return resolve_agent_key(None)

    @property
    def _client_config(self) -> ClientConfig:
        if self.api_key is None:
            resolve_agent_key(None)
        config = super()._client_config
        return ClientConfig(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=config.max_retries,
            default_headers=config.default_headers,
            default_query=(("agent", "true"),),
        )

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": AGENT_KEY_ENV_VARS[0]}

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_gradient", "agents"]

    @property
    def _llm_type(self) -> str:
        return "gradient-agent"

    @property
    def _default_params(self) -> dict[str, Any]:
        params = super()._default_params
        for name in _AGENT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        return params

    def _payload(
        self, messages: Any, stop: Any, kwargs: dict[str, Any], *, stream: bool
    ) -> dict[str, Any]:
        kwargs = {k: v for k, v in kwargs.items() if k != "raise_on_guardrail"}
        payload = super()._payload(messages, stop, kwargs, stream=stream)
        payload["messages"] = [_string_content(m) for m in payload["messages"]]
        return payload

    # ---------------------------------------------------------------- responses

    def _result_from_http(self, response: Any, model: str) -> ChatResult:  # type: ignore[override]
        result = ChatGradient._result_from_http(response, model)
        body = response.json()
        for generation in result.generations:
            self._enrich(generation.message, body)  # type: ignore[arg-type]
        return result

    def _enrich(self, message: AIMessage, body: Mapping[str, Any]) -> None:
        info = agent_info(body)
        message.response_metadata.update(info)
        sources = (
            citations_from(body)
            if body.get("citations") is not None or self.provide_citations
            else []
        )
        if sources:
            message.additional_kwargs["citations"] = sources
            if self.output_version == "v1":
                text = message.content if isinstance(message.content, str) else ""
                message.content = [
                    {
                        "type": "text",
                        "text": text,
                        "annotations": [citation_block(s) for s in sources],
                    }
                ]
        if message.response_metadata.get("finish_reason") == "content_filter":
            self._guardrail(message, body, info)

    def _guardrail(
        self, message: AIMessage, body: Mapping[str, Any], info: Mapping[str, Any]
    ) -> None:
        if self.raise_on_guardrail:
            refusal = message.content if isinstance(message.content, str) else ""
            raise GradientGuardrailError(
                "The agent's guardrail blocked this request (finish_reason "
                "'content_filter'). Catch GradientGuardrailError to branch on it, or pass "
                "raise_on_guardrail=False to get the refusal as a flagged message.",
                guardrails=info.get("guardrails"),
                refusal=refusal,
                body=dict(body),
            )
        message.response_metadata["guardrail_triggered"] = True

    def _stream_converter(self, model: str, route: str | None) -> ChatStreamConverter:
        return _AgentStreamConverter(self, model, route, output_version=self.output_version)

    def _raise_translated(self, exc: Exception, model: str) -> Any:
        translated = self._translate_error(exc, model=model, known_models=None)
        if isinstance(translated, GradientAuthenticationError):
            translated = GradientAuthenticationError(
                f"The agent rejected the access key from {self._key_source} (401). Use an "
                "endpoint access key of this agent (keys are scoped to one agent).",
                status_code=translated.status_code,
                request_id=translated.request_id,
                body=translated.body,
            )
        if translated is exc:
            raise exc
        raise translated from exc


class _AgentStreamConverter(ChatStreamConverter):
    """ChatStreamConverter plus the agent's extra keys, citations and guardrail signal."""

    def __init__(
        self, agent: ChatGradientAgent, model: str, route: str | None, **kwargs: Any
    ) -> None:
        super().__init__(model, route, **kwargs)
        self._agent = agent

    def convert(self, body: Mapping[str, Any]) -> list[ChatGenerationChunk]:
        chunks = super().convert(body)
        if agent_info(body) or body.get("citations") is not None:
            for chunk in chunks:
                if chunk.message.response_metadata.get("finish_reason") or not chunks[1:]:
                    message = chunk.message
                    message.response_metadata.update(agent_info(body))
                    sources = citations_from(body)
                    if sources:
                        message.additional_kwargs["citations"] = sources
                    break
        for chunk in chunks:
            if chunk.message.response_metadata.get("finish_reason") == "content_filter":
                self._agent._guardrail(chunk.message, body, agent_info(body))  # type: ignore[arg-type]
        return chunks


__all__ = ["ChatGradientAgent", "GradientGuardrailError"]
