"""The emulator's settings and shared state (one instance per running server).

Example:
    >>> config = EmulatorConfig(quirks=True)
    >>> EmulatorState(config).config.quirks
    True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_gradient.emulator.clock import EmulatorClock
from langchain_gradient.emulator.errors import ErrorFormat
from langchain_gradient.emulator.faults import FaultInjector
from langchain_gradient.emulator.keys import KeyPolicy, KeyStore
from langchain_gradient.emulator.models import ModelTable
from langchain_gradient.emulator.prompt_cache import PromptCache
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
    responses_stream_format: ResponsesStreamFormat = "events"
    """``events``: OpenAI typed Responses events; ``chunk``: chat-like ``response.chunk``."""
    async_invoke_status: int = 202
    """Status of ``POST /v1/async-invoke`` (202, or 200 as some deployments answer)."""
    image_sizes: tuple[str, ...] = SPEC_SIZES + SQUARE_SIZES
    max_images: int = 10
    rate_limit: int = 5000
    """``ratelimit-limit`` per key per window."""
    rate_limit_window: float = 3600.0
    enforce_rate_limit: bool = False
    """Answer 429 (with ``retry-after``) once a key uses up its window."""
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
        self._usage: dict[str, tuple[float, int]] = {}

    def count_request(self, key: str) -> tuple[int, int]:
        """Count one request for ``key``; return (remaining, reset epoch seconds)."""
        now = time.time()
        window = self.config.rate_limit_window
        start, used = self._usage.get(key, (now, 0))
        if now - start >= window:
            start, used = now, 0
        used += 1
        self._usage[key] = (start, used)
        return self.config.rate_limit - used, int(start + window)

    def reset(self) -> None:
        """Forget everything requests created: log, caches, stored responses, jobs, faults,
        and keys made through the control plane."""
        self.log.clear()
        self.cache.clear()
        self.faults.clear()
        with self.lock:
            for info in self.api_keys.values():
                self.keys.remove(info["secret_key"])
            self.api_keys.clear()
            self.responses.clear()
            self.jobs.clear()
            self.job_plans.clear()
            self._usage.clear()
        batches = self.__dict__.pop("batches", None)  # emulator/batches.py's store
        if batches is not None:
            batches.clear()
