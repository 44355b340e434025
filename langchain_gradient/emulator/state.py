"""The emulator's settings and shared state (one instance per running server).

Example:
    >>> config = EmulatorConfig(quirks=True)
    >>> EmulatorState(config).config.quirks
    True
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_gradient.emulator.clock import EmulatorClock
from langchain_gradient.emulator.errors import ErrorFormat
from langchain_gradient.emulator.faults import FaultInjector
from langchain_gradient.emulator.keys import KeyPolicy, KeyStore
from langchain_gradient.emulator.models import ModelTable
from langchain_gradient.emulator.prompt_cache import PromptCache
from langchain_gradient.emulator.ratelimit import RateCounters
from langchain_gradient.emulator.request_log import RequestLog

ResponsesStreamFormat = Literal["events", "chunk"]

SQUARE_SIZES = ("256x256", "512x512", "1024x1024")
SPEC_SIZES = ("auto", "1536x1024", "1024x1536")
DEFAULT_ROUTES: Mapping[str, str] = {
    "general": "llama3.3-70b-instruct",
    "reasoning": "openai-gpt-oss-120b",
}


@dataclass
class EmulatorConfig:
    """How the emulator behaves. Every field has the documented default.

    Example:
        >>> EmulatorConfig(error_format="openai").error_format
        'openai'
    """

    error_format: ErrorFormat = "gradient"
    """``gradient``: ``{id, message, request_id}``; ``openai``: ``{error: {...}}``."""
    quirks: bool = False
    """Reproduce the docs' quirks: empty ``id`` and ``role``, ``audio``/``service_tier`` nulls,
    no cache fields in usage when they are zero."""
    responses_stream_format: ResponsesStreamFormat = "chunk"
    """``chunk`` (default): chat-like ``response.chunk`` events, the format DigitalOcean's
    contract and SDKs type; ``events``: OpenAI typed Responses events (godo, §9.1)."""
    async_invoke_status: int = 202
    """Status of ``POST /v1/async-invoke`` (202, or 200 as some deployments answer)."""
    image_sizes: tuple[str, ...] = SPEC_SIZES + SQUARE_SIZES
    max_images: int = 10
    rate_limit: int = 5000
    """``ratelimit-limit`` per key per window."""
    rate_limit_window: float = 3600.0
    enforce_rate_limit: bool = False
    """Answer 429 once a key uses up a quota (``retry-after`` for ``rate_limit``; only the
    headers for the ``x-ratelimit-*`` quotas below)."""
    stream_chunk_tokens: int = 3
    """Tokens per streamed delta."""
    stream_event_delay: float = 0.0
    """Real seconds between streamed events (0: as fast as possible)."""
    routers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """``router:<name>`` -> {route name: model id}; unknown names use the default routes."""
    default_max_completion_tokens: int = 2048
    enforce_max_output_tokens: bool = False
    """400 when ``max_completion_tokens`` exceeds the catalog's output limit for the model.
    Off by default: the catalog's sources disagree on several limits (e.g. 2,048 vs 8,192
    for llama3.3-70b-instruct), and a test double must not reject what the service takes."""
    job_durations: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """fal model id (or prefix) -> (seconds QUEUED, seconds IN_PROGRESS) on the emulator clock."""
    default_job_duration: tuple[float, float] = (1.0, 2.0)
    check_requests: bool = True
    """400 (naming the field and the rule) for a request body that breaks DigitalOcean's
    contract; documented extras are allowed (``emulator/contract/extras.py``)."""
    check_responses: bool = False
    """Test mode: check every response and stream event against the contract and keep
    each breach in ``EmulatorState.contract_violations``."""
    api_tokens: tuple[str, ...] = ()
    """DigitalOcean API tokens accepted on ``/v2`` besides the control token (model access
    keys are not)."""
    regions: tuple[tuple[str, bool, bool], ...] = (("emulator", True, True),)
    """``/v2/gen-ai/regions``: (region code, serves_inference, serves_batch)."""
    max_body_bytes: int = 64 * 1024**2
    """Bodies larger than this are answered 413 (the service's own limit is undocumented)."""
    requests_per_minute: int = 10_000
    """``x-ratelimit-*-requests``: requests per key per minute (see ``emulator.ratelimit``)."""
    tokens_per_minute: int = 10_000_000
    """``x-ratelimit-*-tokens-per-minute``: prompt tokens per key per minute."""
    tokens_per_day: int = 1_000_000_000
    """``x-ratelimit-*-tokens-per-day``: prompt tokens per key per day."""


class EmulatorState:
    """Everything the handlers share: config, keys, models, caches, jobs, faults, log."""

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        keys: Mapping[str, KeyPolicy] | None = None,
        models: ModelTable | None = None,
        clock: EmulatorClock | None = None,
        control_token: str | None = None,
    ) -> None:
        self.config = config or EmulatorConfig()
        self.default_key = next(iter(keys)) if keys else "emulator-key"
        self.keys = KeyStore(keys if keys is not None else {self.default_key: KeyPolicy()})
        self.models = models or ModelTable.load()
        self.clock = clock or EmulatorClock()
        self.cache = PromptCache(self.clock)
        self.router_affinity: dict[tuple[str, str, str], tuple[str, str]] = {}
        """(key, router name, X-Model-Affinity) -> (model id, route): see model_routers."""
        self.faults = FaultInjector()
        self.log = RequestLog()
        self.control_token = control_token or "emulator-control-token"
        self.responses: dict[str, Any] = {}
        """response id -> ``responses.StoredResponse``."""
        self.jobs: dict[str, Any] = {}
        """request id -> ``jobs.Job``."""
        self.job_plans: list[Any] = []
        """``jobs.JobPlan`` entries, oldest first."""
        self.api_keys: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.contract_violations: list[str] = []
        """Responses or events that broke the contract (``config.check_responses``)."""
        self.rate_counters = RateCounters()
        from langchain_gradient.emulator.agents import AgentStore
        from langchain_gradient.emulator.knowledge_bases import KnowledgeBaseStore

        self.knowledge_bases = KnowledgeBaseStore()
        """Knowledge bases served on ``/v1/{uuid}/retrieve`` (configuration: kept by reset)."""
        self.agents = AgentStore()
        """Agents served on ``/api/v1/chat/completions`` (configuration: kept by reset)."""

    def reset(self) -> None:
        """Forget everything requests created: log, caches, stored responses, jobs, faults,
        and keys made through the control plane."""
        self.log.clear()
        self.cache.clear()
        self.router_affinity.clear()
        self.faults.clear()
        with self.lock:
            for info in self.api_keys.values():
                self.keys.remove(info["secret_key"])
            self.api_keys.clear()
            self.responses.clear()
            self.jobs.clear()
            self.job_plans.clear()
            self.contract_violations.clear()
        self.rate_counters.clear()
        batches = self.__dict__.pop("batches", None)  # emulator/batches.py's store
        if batches is not None:
            batches.clear()
