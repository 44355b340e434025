"""Run the emulator: :class:`GradientEmulator` (background thread) or :func:`serve`.

Example:
    >>> from openai import OpenAI
    >>> with GradientEmulator() as emu:  # doctest: +SKIP
    ...     client = OpenAI(base_url=emu.base_url, api_key=emu.api_key)
    ...     client.chat.completions.create(model="llama3.3-70b-instruct",
    ...                                    messages=[{"role": "user", "content": "Hi"}])
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

try:
    from aiohttp import web
except ModuleNotFoundError:  # without the [emulator] extra: say which one
    from langchain_gradient._extras import require_extra

    require_extra("emulator", "The Gradient emulator", "aiohttp")
    raise

from langchain_gradient.emulator.clock import EmulatorClock
from langchain_gradient.emulator.faults import Fault, FaultInjector, FaultRule
from langchain_gradient.emulator.keys import KeyPolicy
from langchain_gradient.emulator.models import ModelTable
from langchain_gradient.emulator.request_log import Listener as RequestListener
from langchain_gradient.emulator.request_log import RequestLog
from langchain_gradient.emulator.server import build_app
from langchain_gradient.emulator.state import EmulatorConfig, EmulatorState

DEFAULT_API_KEY = "emulator-key"


class GradientEmulator:
    """A Gradient-compatible HTTP server on loopback, run in a background thread.

    Keyword arguments not named below are :class:`EmulatorConfig` fields
    (``quirks``, ``error_format``, ``responses_stream_format``, ``async_invoke_status``...).

    Args:
        port: TCP port; 0 picks a free one.
        host: interface to bind (loopback by default).
        keys: accepted keys and their policies; default one unrestricted key, ``api_key``.
        control_token: bearer token for the ``/v2/gen-ai`` control-plane routes.
        clock_speed: emulated seconds per real second, for jobs and cache TTLs.

    Example:
        >>> with GradientEmulator(keys={"k": KeyPolicy()}) as emu:  # doctest: +SKIP
        ...     emu.base_url
        'http://127.0.0.1:54321/v1'
    """

    def __init__(
        self,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        keys: Mapping[str, KeyPolicy] | None = None,
        control_token: str | None = None,
        clock_speed: float = 1.0,
        models: ModelTable | None = None,
        config: EmulatorConfig | None = None,
        **settings: Any,
    ) -> None:
        config = replace(config or EmulatorConfig(), **settings)
        self.state = EmulatorState(
            config,
            keys=keys if keys is not None else {DEFAULT_API_KEY: KeyPolicy()},
            models=models,
            clock=EmulatorClock(clock_speed),
            control_token=control_token,
        )
        self._host = host
        self._requested_port = port
        self._port = port
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    # -------------------------------------------------------------- lifecycle

    def start(self) -> GradientEmulator:
        """Start serving; returns once the port is bound."""
        if self._thread is not None:
            return self
        self._started.clear()
        self._error = None
        self._port = self._requested_port
        self._thread = threading.Thread(target=self._run, name="gradient-emulator", daemon=True)
        self._thread.start()
        self._started.wait(timeout=30)
        if self._error is not None:
            self._thread.join(timeout=5)
            self._thread = None
            raise RuntimeError(f"the emulator failed to start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        future.result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        self._thread = self._loop = None

    def __enter__(self) -> GradientEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._startup())
        except BaseException as error:  # reported to start()
            self._error = error
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _startup(self) -> None:
        self._runner = web.AppRunner(
            build_app(self.state), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port, backlog=2048)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -------------------------------------------------------------- what tests use

    @property
    def port(self) -> int:
        return self._port

    @property
    def origin(self) -> str:
        """``http://host:port`` without ``/v1`` (the gradient SDK's ``inference_endpoint``)."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """``http://host:port/v1``, for OpenAI-compatible clients and ChatGradient."""
        return self.origin + "/v1"

    @property
    def api_key(self) -> str:
        """A valid key (the first configured one)."""
        return self.state.default_key

    @property
    def control_token(self) -> str:
        return self.state.control_token

    @property
    def config(self) -> EmulatorConfig:
        """Live settings; changes apply to the next request."""
        return self.state.config

    @property
    def request_log(self) -> RequestLog:
        return self.state.log

    @property
    def faults(self) -> FaultInjector:
        return self.state.faults

    @property
    def clock(self) -> EmulatorClock:
        return self.state.clock

    def inject(self, fault: Fault, **where: Any) -> FaultRule:
        """Shortcut for ``emu.faults.inject(fault, times=..., path=..., method=..., model=...)``.

        Example:
            >>> emu.inject(Fault.status(429, retry_after=0), times=1,  # doctest: +SKIP
            ...            path="/v1/chat/completions")
        """
        return self.state.faults.inject(fault, **where)

    def add_key(self, key: str, policy: KeyPolicy | None = None) -> None:
        """Accept another key."""
        self.state.keys.add(key, policy)

    def create_api_key(self, name: str) -> dict[str, Any]:
        """Create a model access key as DigitalOcean's control panel would.

        The API route for it answers 410 Gone, as DigitalOcean's does; the other key
        routes (list, rename, regenerate, delete) work on keys made here. Returns the
        key's info, ``secret_key`` included.

        Example:
            >>> info = emu.create_api_key("ci-runner")  # doctest: +SKIP
            >>> info["secret_key"].startswith("sk-do-")  # doctest: +SKIP
            True
        """
        from langchain_gradient.emulator.control_plane import create_key

        return create_key(self.state, name)

    def plan_jobs(
        self,
        outcome: str = "COMPLETED",
        *,
        times: int | None = 1,
        model: str | None = None,
        error: str | None = None,
    ) -> None:
        """Force the next ``times`` async-invoke jobs to ``FAILED`` or ``NEVER`` (stay running).

        Example:
            >>> emu.plan_jobs("FAILED", error="NSFW content detected")  # doctest: +SKIP
        """
        from langchain_gradient.emulator.jobs import JobPlan

        JobPlan.add(self.state, outcome, times=times, model=model, error=error)

    def reset(self) -> None:
        """Clear the log, caches, stored responses, jobs, faults and control-plane keys.

        Keys given to the constructor or :meth:`add_key` and the settings stay.
        """
        self.state.reset()

    # -------------------------------------------------- knowledge bases and agents

    @property
    def kbaas_endpoint(self) -> str:
        """Knowledge-base retrieval host (``GRADIENT_KBASS_ENDPOINT``): the emulator's origin."""
        return self.origin

    @property
    def agent_endpoint(self) -> str:
        """Agent host (``GRADIENT_AGENT_ENDPOINT``): the emulator's origin; the agent is
        picked by its access key."""
        return self.origin

    def add_knowledge_base(
        self,
        name: str,
        documents: Any,
        *,
        uuid: str | None = None,
        chunk_words: int = 120,
        tokens: Any = None,
    ) -> Any:
        """Create a knowledge base from a folder of ``.txt``/``.md`` files or a list of
        ``{"text", "metadata"}`` dicts; returns it (``.uuid`` is the id to retrieve from).

        ``tokens``: DigitalOcean tokens allowed to read it (others get 403); by default
        every token the emulator accepts (:attr:`control_token`, :meth:`add_do_token`).

        Example:
            >>> kb = emu.add_knowledge_base("docs", "docs/")  # doctest: +SKIP
            >>> kb.uuid  # doctest: +SKIP
            '3f0c...'
        """
        from langchain_gradient.emulator.knowledge_bases import KnowledgeBase

        knowledge_base = KnowledgeBase.from_documents(
            name, documents, uuid=uuid, chunk_words=chunk_words, tokens=tokens
        )
        return self.state.knowledge_bases.add(knowledge_base)

    def add_do_token(self, token: str) -> None:
        """Accept ``token`` as a DigitalOcean API token on the retrieval route."""
        self.state.knowledge_bases.add_token(token)

    def add_agent(
        self,
        name: str,
        *,
        access_key: str | None = None,
        knowledge_bases: Any = (),
        **settings: Any,
    ) -> Any:
        """Create an agent answering on ``/api/v1/chat/completions?agent=true``.

        ``knowledge_bases``: knowledge bases (objects, uuids or names) it retrieves from;
        ``settings``: ``EmulatedAgent`` fields (``model``, ``instruction``, ``k``,
        ``alpha``, ``provide_citations``, ``blocked_words``, ``refusal``).

        Example:
            >>> agent = emu.add_agent("support", knowledge_bases=[kb],  # doctest: +SKIP
            ...                       blocked_words=["password"])
            >>> agent.access_key  # doctest: +SKIP
        """
        from langchain_gradient.emulator.agents import EmulatedAgent
        from langchain_gradient.emulator.keys import new_secret

        store = self.state.knowledge_bases
        uuids = []
        for item in knowledge_bases:
            found = (store.get(item) or store.by_name(item)) if isinstance(item, str) else item
            if found is None:
                raise ValueError(f"no knowledge base {item!r}; add it first.")
            uuids.append(found.uuid)
        if "blocked_words" in settings:
            settings["blocked_words"] = tuple(settings["blocked_words"])
        agent = EmulatedAgent(name, access_key or new_secret("agent-"), tuple(uuids), **settings)
        return self.state.agents.add(agent)


def serve(
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    keys: Mapping[str, KeyPolicy] | None = None,
    announce: Any = None,
    knowledge_bases: Mapping[str, str] | None = None,
    on_request: RequestListener | None = None,
    **settings: Any,
) -> None:
    """Serve in the foreground until interrupted; ``announce(base_url)`` is called once bound.

    ``knowledge_bases``: name -> folder of ``.txt``/``.md`` files, served for retrieval
    with the name as the knowledge base id. ``on_request(record, seconds)`` hears about
    every answered request (``--log``; see :func:`.request_log.log_line`). Other keyword
    arguments are :class:`EmulatorConfig` fields (``stream_event_delay``, ``quirks``...).

    Example:
        >>> serve(port=0, announce=print)  # doctest: +SKIP
        http://127.0.0.1:54321/v1
    """
    emulator = GradientEmulator(port=port, host=host, keys=keys, **settings)
    for name, folder in (knowledge_bases or {}).items():
        emulator.add_knowledge_base(name, folder, uuid=name)
    if on_request is not None:
        emulator.request_log.add_listener(on_request)
    emulator.start()
    try:
        if announce is not None:
            announce(emulator.base_url)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
