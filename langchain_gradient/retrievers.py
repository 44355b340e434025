"""GradientKnowledgeBaseRetriever: a LangChain retriever over a DigitalOcean knowledge base.

It calls ``POST {endpoint}/v1/{knowledge_base_id}/retrieve`` with a DigitalOcean API
token (``gradient-api.md`` §13.3; ``gradient`` 3.12.2 ``resources/retrieve.py``): body
``query``, ``num_results`` (1-100), optional ``alpha`` (0 keyword/BM25 ... 1 vector) and
``filters``; answer ``{results: [{text_content, metadata}], total_results}``. The
request goes through the shared, pooled ``openai`` client (:mod:`._client`), so it gets
the SDK's retries and ``Retry-After`` handling, and errors come out of the shared
error tree (:mod:`._errors`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig
from pydantic import (
    AliasChoices,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    model_validator,
)

from langchain_gradient._client import ClientConfig, get_async_client, get_sync_client
from langchain_gradient._connection import (
    raise_documented_error,
    reload_secret,
    without_secret,
)
from langchain_gradient._errors import (
    GradientAPIError,
    GradientAuthenticationError,
    GradientNotFoundError,
    GradientPermissionDeniedError,
    error_message_from_body,
    translate_error,
)
from langchain_gradient._kb_filters import KnowledgeBaseFilters, coerce_filters
from langchain_gradient._secrets import scrub_exception_chain
from langchain_gradient._settings import http_origin, resolve_do_token

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI

DEFAULT_KBAAS_ENDPOINT = "https://kbaas.do-ai.run"
KBAAS_ENDPOINT_ENV_VAR = "GRADIENT_KBASS_ENDPOINT"
"""The ``gradient`` SDK's variable name (spelled ``KBASS``)."""
MAX_RESULTS = 100
_OVERRIDES = ("k", "alpha", "filters")


class GradientKnowledgeBaseRetriever(BaseRetriever):
    """Retrieve chunks from a DigitalOcean Gradient knowledge base (hybrid search).

    Each result becomes a ``Document``: ``page_content`` is the chunk's
    ``text_content``; ``metadata`` is the result's metadata as returned, plus
    ``knowledge_base_id`` and ``rank`` (1 = best; the service returns no score).

    Setup: a DigitalOcean API token in ``api_token`` or in ``DIGITALOCEAN_API_TOKEN``,
    ``DIGITALOCEAN_ACCESS_TOKEN`` or ``DIGITALOCEAN_TOKEN`` (checked in that order).
    The endpoint is ``endpoint``, else ``GRADIENT_KBASS_ENDPOINT``, else
    ``https://kbaas.do-ai.run``.

    Per call, ``k``, ``alpha`` and ``filters`` can be overridden as keyword arguments
    (``retriever.invoke(q, k=3)``) or in the run config
    (``config={"configurable": {"alpha": 0.3}}``).

    Example:
        >>> from langchain_gradient import GradientKnowledgeBaseRetriever, FilterCondition
        >>> retriever = GradientKnowledgeBaseRetriever(
        ...     knowledge_base_id="9a6e3975-...", k=5, alpha=0.6, api_token="dop_v1_...",
        ...     filters={"must": [FilterCondition.eq("lang", "en")]},
        ... )
        >>> docs = retriever.invoke("How do I resize a droplet?")  # doctest: +SKIP
    """

    model_config = ConfigDict(
        populate_by_name=True, arbitrary_types_allowed=True, hide_input_in_errors=True
    )

    knowledge_base_id: str = Field(min_length=1)
    """The knowledge base's UUID."""
    k: int = Field(default=4, ge=1, le=MAX_RESULTS)
    """Results to return, sent as ``num_results`` (1-100)."""
    alpha: float | None = Field(default=None, ge=0, le=1)
    """0 = keyword (BM25) ... 1 = vector search; ``None`` leaves the service's default
    (1). DigitalOcean suggests 0.5-0.7 for hybrid search."""
    filters: KnowledgeBaseFilters | None = None
    """Metadata filters (``must`` / ``must_not`` / ``should``); dicts are accepted."""
    api_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("api_token", "access_token", "token"),
        repr=False,
        exclude=True,
    )
    """DigitalOcean API token. Default: the first of ``DIGITALOCEAN_API_TOKEN``,
    ``DIGITALOCEAN_ACCESS_TOKEN``, ``DIGITALOCEAN_TOKEN`` that is set."""
    endpoint: str | None = None
    """The knowledge-base retrieval host, e.g. ``https://kbaas.do-ai.run``."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for an answer; ``None`` keeps the SDK default."""
    max_retries: int = Field(default=2, ge=0)
    """Retries on connection errors, 408, 409, 429 and 5xx (the ``openai`` SDK's)."""
    default_headers: dict[str, str] | None = None
    """Extra headers sent with every request."""
    http_client: Any | None = Field(default=None, exclude=True)
    """Optional ``httpx2.Client`` for sync calls (proxies, custom transports)."""
    http_async_client: Any | None = Field(default=None, exclude=True)
    """Optional ``httpx2.AsyncClient`` for async calls."""

    _token_source: str = PrivateAttr(default="")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise_documented_error(exc)

    @model_validator(mode="after")
    def _resolve(self) -> GradientKnowledgeBaseRetriever:
        resolved = resolve_do_token(self.api_token)
        self.api_token = resolved.secret
        self._token_source = resolved.source
        endpoint = self.endpoint or os.environ.get(KBAAS_ENDPOINT_ENV_VAR, "").strip()
        self.endpoint = http_origin(
            endpoint or DEFAULT_KBAAS_ENDPOINT, what="endpoint", example=DEFAULT_KBAAS_ENDPOINT
        ).removesuffix("/v1")
        return self

    def __getstate__(self) -> dict[Any, Any]:
        # The token is not pickled (dumpd writes a reference to DIGITALOCEAN_API_TOKEN):
        # the unpickled retriever reads it from the environment again.
        return without_secret(super().__getstate__(), "api_token")

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        reload_secret(self, "api_token", "_token_source", lambda: resolve_do_token(None))

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_token": "DIGITALOCEAN_API_TOKEN"}

    @property
    def token_source(self) -> str:
        """Where the token came from: an environment variable name or the argument."""
        return self._token_source

    # ---------------------------------------------------------------- requests

    @property
    def _client_config(self) -> ClientConfig:
        if self.api_token is None:  # unpickled without a token in the environment
            resolve_do_token(None)  # raises, saying where tokens come from
        assert self.api_token is not None and self.endpoint is not None
        return ClientConfig(
            api_key=self.api_token.get_secret_value(),
            base_url=self.endpoint + "/v1",
            timeout=self.timeout,
            max_retries=self.max_retries,
            default_headers=tuple(sorted((self.default_headers or {}).items())),
        )

    def request_body(self, query: str, **overrides: Any) -> dict[str, Any]:
        """The JSON body for ``query`` with per-call ``k`` / ``alpha`` / ``filters``.

        Raises ``ValueError`` (before any request) on an out-of-range or unknown value.

        Example:
            >>> r = GradientKnowledgeBaseRetriever(knowledge_base_id="kb", api_token="t")
            >>> r.request_body("gpu pricing", k=2, alpha=0.5)
            {'query': 'gpu pricing', 'num_results': 2, 'alpha': 0.5}
        """
        unknown = sorted(set(overrides) - set(_OVERRIDES))
        if unknown:
            raise ValueError(
                f"Unknown retrieval option(s): {', '.join(unknown)}. Per call you can set "
                "k, alpha and filters."
            )
        if not isinstance(query, str) or not query.strip():
            raise ValueError("The query must be a non-empty string.")
        k = overrides.get("k", self.k)
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_RESULTS:
            raise ValueError(f"k must be an integer from 1 to {MAX_RESULTS}, got {k!r}.")
        alpha = overrides.get("alpha", self.alpha)
        if alpha is not None and (
            isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= 1
        ):
            raise ValueError(f"alpha must be a number from 0 to 1, got {alpha!r}.")
        filters = coerce_filters(overrides.get("filters", self.filters))
        body: dict[str, Any] = {"query": query, "num_results": k}
        if alpha is not None:
            body["alpha"] = alpha
        if filters is not None and filters.to_wire():
            body["filters"] = filters.to_wire()
        return body

    def _path(self) -> str:
        return f"/{self.knowledge_base_id}/retrieve"

    def _documents(self, response: Any) -> list[Document]:
        body = response.json()
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list) or not all(
            isinstance(item, dict) and isinstance(item.get("text_content"), str) for item in results
        ):
            raise GradientAPIError(
                "The knowledge base answered 200 without a list of results with "
                "text_content: " + error_message_from_body(body, fallback=str(body)[:200]),
                status_code=200,
                body=body,
            )
        return [
            Document(
                page_content=item["text_content"],
                metadata={
                    **(item.get("metadata") or {}),
                    "knowledge_base_id": self.knowledge_base_id,
                    "rank": rank,
                },
            )
            for rank, item in enumerate(results, start=1)
        ]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        body = self.request_body(query, **kwargs)
        client: OpenAI = get_sync_client(self._client_config, self.http_client)
        try:
            import httpx2

            response = client.post(self._path(), body=body, cast_to=httpx2.Response)
            return self._documents(response)
        except Exception as exc:
            self._raise_translated(exc)

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        body = self.request_body(query, **kwargs)
        client: AsyncOpenAI = get_async_client(self._client_config, self.http_async_client)
        try:
            import httpx2

            response = await client.post(self._path(), body=body, cast_to=httpx2.Response)
            return self._documents(response)
        except Exception as exc:
            self._raise_translated(exc)

    def invoke(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Document]:
        """Retrieve for ``input``; ``k``, ``alpha``, ``filters`` per call (kwargs or config).

        Example:
            >>> retriever.invoke("pricing", k=2)  # doctest: +SKIP
        """
        return super().invoke(input, config, **_with_configurable(config, kwargs))

    async def ainvoke(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Document]:
        """Async :meth:`invoke`."""
        return await super().ainvoke(input, config, **_with_configurable(config, kwargs))

    # ---------------------------------------------------------------- errors

    def _raise_translated(self, exc: Exception) -> NoReturn:
        translated = translate_error(exc, key_source=self._token_source)
        if translated is exc:
            raise exc
        if isinstance(translated, GradientAPIError):
            translated = self._explain(translated)
        if self.api_token is not None:
            secret = self.api_token.get_secret_value()
            scrub_exception_chain(exc, secret)
            scrub_exception_chain(translated, secret)
        raise translated from exc

    def _explain(self, error: GradientAPIError) -> GradientAPIError:
        """Messages that speak of knowledge bases and DigitalOcean tokens."""
        detail = error_message_from_body(error.body, fallback="")
        suffix = f" (request id {error.request_id})" if error.request_id else ""
        kwargs: dict[str, Any] = {
            "status_code": error.status_code,
            "request_id": error.request_id,
            "body": error.body,
        }
        kb = self.knowledge_base_id
        if isinstance(error, GradientAuthenticationError):
            return GradientAuthenticationError(
                f"The knowledge-base service rejected the DigitalOcean API token from "
                f"{self._token_source} (401: {detail}). Use a current personal access token "
                "(not a model access key)." + suffix,
                **kwargs,
            )
        if isinstance(error, GradientPermissionDeniedError):
            return GradientPermissionDeniedError(
                f"The DigitalOcean API token from {self._token_source} may not read knowledge "
                f"base {kb!r} (403: {detail}). Check the token's scopes and the knowledge "
                "base's project." + suffix,
                **kwargs,
            )
        if isinstance(error, GradientNotFoundError):
            return GradientNotFoundError(
                f"Unknown knowledge base id {kb!r} (404: {detail}). Copy the knowledge "
                "base's UUID from the DigitalOcean control panel, and check endpoint "
                f"{self.endpoint!r}." + suffix,
                **kwargs,
            )
        return error


def _with_configurable(config: RunnableConfig | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    configurable: Mapping[str, Any] = (config or {}).get("configurable") or {}
    picked = {name: configurable[name] for name in _OVERRIDES if name in configurable}
    return {**picked, **kwargs}


__all__ = ["DEFAULT_KBAAS_ENDPOINT", "GradientKnowledgeBaseRetriever"]
