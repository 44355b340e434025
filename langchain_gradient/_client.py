"""Builds and caches ``openai.OpenAI`` / ``AsyncOpenAI`` clients per configuration.

``openai`` is imported here, lazily, the first time a client is needed, so that
``import langchain_gradient`` stays cheap. Clients are shared by every model, tool
and embeddings object with the same configuration, so connections are pooled and
reused instead of being opened per call. Async clients are cached per event loop:
an ``httpx2`` connection pool must not outlive the loop that opened it.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI

USER_AGENT = "langchain-gradient"


@dataclass(frozen=True)
class ClientConfig:
    """Everything that makes two clients different. Hashable, so it is the cache key.

    ``api_key`` is kept as the plain value only inside this private, never-logged
    object; its ``repr`` hides it.
    """

    api_key: str
    base_url: str
    timeout: float | None
    max_retries: int
    default_headers: tuple[tuple[str, str], ...] = ()
    default_query: tuple[tuple[str, str], ...] = ()

    def __repr__(self) -> str:
        return (
            f"ClientConfig(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r}, api_key='**********')"
        )

    def client_kwargs(self) -> dict[str, Any]:
        headers = {"User-Agent": f"{USER_AGENT}/{_package_version()}"}
        headers.update(dict(self.default_headers))
        kwargs: dict[str, Any] = {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "max_retries": self.max_retries,
            "default_headers": headers,
        }
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        if self.default_query:
            kwargs["default_query"] = dict(self.default_query)
        return kwargs


_lock = threading.Lock()
_sync_clients: dict[ClientConfig, OpenAI] = {}
_async_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[ClientConfig, AsyncOpenAI]
]
_async_clients = weakref.WeakKeyDictionary()
_no_loop_async_clients: dict[ClientConfig, AsyncOpenAI] = {}
# Clients wrapping a user's own http client live as long as that http client does.
_custom_clients: weakref.WeakKeyDictionary[Any, dict[ClientConfig, Any]] = (
    weakref.WeakKeyDictionary()
)


def _wrap_custom(factory: Any, config: ClientConfig, http_client: Any) -> Any:
    with _lock:
        per_http = _custom_clients.setdefault(http_client, {})
        client = per_http.get(config)
        if client is None:
            client = factory(http_client=http_client, **config.client_kwargs())
            per_http[config] = client
        return client


def get_sync_client(config: ClientConfig, http_client: Any = None) -> OpenAI:
    """Return the shared ``OpenAI`` client for ``config`` (and ``http_client``, if given)."""
    from openai import OpenAI

    if http_client is not None:
        return _wrap_custom(OpenAI, config, http_client)  # type: ignore[no-any-return]
    with _lock:
        client = _sync_clients.get(config)
        if client is None:
            client = OpenAI(**config.client_kwargs(), http_client=_default_http_client())
            _sync_clients[config] = client
        return client


def get_async_client(config: ClientConfig, http_client: Any = None) -> AsyncOpenAI:
    """Return the ``AsyncOpenAI`` client for ``config`` on the running event loop."""
    from openai import AsyncOpenAI

    if http_client is not None:
        return _wrap_custom(AsyncOpenAI, config, http_client)  # type: ignore[no-any-return]
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    with _lock:
        per_loop = _no_loop_async_clients if loop is None else _async_clients.setdefault(loop, {})
        client = per_loop.get(config)
        if client is None:
            client = AsyncOpenAI(**config.client_kwargs(), http_client=_default_http_client(True))
            per_loop[config] = client
        return client


def _default_http_client(is_async: bool = False) -> Any:
    """The SDK's own default httpx client (its timeout, limits, redirects) plus the
    rate-limit hooks: each attempt draws from the active shared budget (if any); each
    response is reported to observers and the budget, and a 429 that has only reset
    headers gets DigitalOcean's advised wait (see :mod:`langchain_gradient._ratelimit`)."""
    from openai import DefaultAsyncHttpxClient, DefaultHttpxClient

    from langchain_gradient._ratelimit import (
        adraw_budget,
        advise_retry,
        advise_retry_async,
        draw_budget,
    )

    if is_async:
        hooks: dict[str, list[Any]] = {"request": [adraw_budget], "response": [advise_retry_async]}
        return DefaultAsyncHttpxClient(event_hooks=hooks)
    return DefaultHttpxClient(event_hooks={"request": [draw_budget], "response": [advise_retry]})


def clear_client_cache() -> None:
    """Forget every cached client (tests use this; the clients close when collected)."""
    with _lock:
        _sync_clients.clear()
        _async_clients.clear()
        _no_loop_async_clients.clear()
        _custom_clients.clear()


_VERSION: str | None = None


def _package_version() -> str:
    global _VERSION
    if _VERSION is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            _VERSION = version("langchain-gradient")
        except PackageNotFoundError:  # running from a source tree
            _VERSION = "0"
    return _VERSION
