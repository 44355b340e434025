"""Cost tracking: tokens and USD per model, like ``get_openai_callback`` but Gradient-correct.

:func:`get_gradient_callback` is a context manager yielding a
:class:`GradientCostCallbackHandler`; every chat model run inside the ``with`` block
(sync, async, streaming, batch threads) reports to it through langchain-core's
configure hook, with no ``callbacks=`` argument needed. Costs come from
:func:`~langchain_gradient.catalog.pricing.estimate_cost`: cache reads and writes,
reasoning tokens as output, Anthropic vs OpenAI input accounting.

The image and fal tools report media units (per image, per second, ...) by
dispatching the custom event :data:`GRADIENT_MEDIA_USAGE_EVENT` with data
``{"model": ..., "usage": {"images": 1}}`` (units and/or token counts), or with
:func:`report_media_usage` outside a run.

A model the catalog does not know (or without a needed price) is counted with an
unknown cost: :attr:`GradientCostCallbackHandler.cost_known` turns ``False`` and a
:class:`UnknownCostWarning` is issued once per model per process. Nothing raises.

Example:
    >>> from langchain_gradient import ChatGradient, get_gradient_callback  # doctest: +SKIP
    >>> with get_gradient_callback() as cb:  # doctest: +SKIP
    ...     ChatGradient(model="llama3.3-70b-instruct").invoke("hi")
    ...     print(cb.total_cost_usd, cb.per_model)
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage
from langchain_core.outputs import LLMResult
from langchain_core.tracers.context import register_configure_hook
from typing_extensions import Unpack

from langchain_gradient.catalog.pricing import CostEstimate, MediaUnits, estimate_cost

if TYPE_CHECKING:
    from langchain_gradient.catalog.catalog import ModelCatalog

__all__ = [
    "GRADIENT_MEDIA_USAGE_EVENT",
    "GradientCostCallbackHandler",
    "ModelUsageTotals",
    "UnknownCostWarning",
    "get_gradient_callback",
    "report_embeddings_usage",
    "report_media_usage",
]

GRADIENT_MEDIA_USAGE_EVENT = "gradient_media_usage"
"""Custom event name for media usage: data ``{"model": ..., "images": 1, ...}``."""

_MEDIA_UNITS = tuple(MediaUnits.__annotations__)
_TOKEN_KEYS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "input_tokens_details",
    "output_tokens_details",
    "input_token_details",
    "output_token_details",
)


class UnknownCostWarning(UserWarning):
    """A model's cost could not be computed (unknown model or price); warned once per model.

    Example:
        >>> import warnings
        >>> warnings.simplefilter("error", UnknownCostWarning)  # make it fatal in CI
    """


_warned: set[str] = set()
_warned_lock = threading.Lock()


def _warn_once(model: str, reason: str, *, batch: bool = False) -> None:
    key = f"{model}\n(batch)" if batch else model
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    if batch:
        message = (
            f"Batch cost of Gradient model {model!r} is unknown ({reason}); batch results are "
            "counted as unknown, not as zero and not at real-time prices. Pass a catalog with "
            "batch prices (langchain_gradient.catalog.batch_pricing.load_batch_prices) once "
            "DigitalOcean states them."
        )
    else:
        message = (
            f"Cost of Gradient model {model!r} is unknown ({reason}); it is counted as unknown, "
            "not as zero. Refresh the catalog or pass a catalog with its prices."
        )
    warnings.warn(message, UnknownCostWarning, stacklevel=3)


@dataclass(frozen=True)
class ModelUsageTotals:
    """Totals for one model. ``input_tokens`` includes cache reads and writes."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    images: int = 0
    seconds: float = 0.0
    megapixels: float = 0.0
    characters: int = 0
    videos: int = 0
    cost_usd: float = 0.0
    """Sum of the known costs."""
    cost_known: bool = True
    """False once any call's cost was unknown (then ``cost_usd`` is a lower bound)."""
    batch_requests: int = 0
    """How many of ``requests`` were Batch API results (priced at batch prices)."""

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class GradientCostCallbackHandler(BaseCallbackHandler):
    """Totals tokens and USD per model; thread-safe; usable directly as a callback.

    Example:
        >>> handler = GradientCostCallbackHandler()
        >>> handler.add_usage("llama3.3-70b-instruct",
        ...                   {"input_tokens": 1000, "output_tokens": 1000, "total_tokens": 2000})
        ... # doctest: +ELLIPSIS
        CostEstimate(...)
        >>> round(handler.total_cost_usd, 6)
        0.0013
    """

    run_inline: bool = True
    """Run in the calling thread/loop; the lock makes that safe."""

    def __init__(self, catalog: ModelCatalog | None = None) -> None:
        super().__init__()
        self._catalog = catalog
        self._lock = threading.Lock()
        self._totals: dict[str, ModelUsageTotals] = {}

    # ------------------------------------------------------------ reading totals

    @property
    def per_model(self) -> dict[str, ModelUsageTotals]:
        """A copy of the totals, by model id."""
        with self._lock:
            return dict(self._totals)

    def _sum(self, field: str) -> Any:
        with self._lock:
            return sum(getattr(t, field) for t in self._totals.values())

    @property
    def total_cost_usd(self) -> float:
        """Sum of the known costs (see :attr:`cost_known`)."""
        return float(self._sum("cost_usd"))

    @property
    def cost_known(self) -> bool:
        """False if any call's cost was unknown."""
        with self._lock:
            return all(t.cost_known for t in self._totals.values())

    @property
    def total_cost(self) -> float:
        """``get_openai_callback()``'s name: USD of the priced calls (see :attr:`cost_partial`)."""
        return self.total_cost_usd

    @property
    def cost_partial(self) -> bool:
        """True when some call had no price: then :attr:`total_cost` is a lower bound and
        :attr:`unpriced_models` names the models. Never a silent zero."""
        return not self.cost_known

    @property
    def unpriced_models(self) -> list[str]:
        """Models with at least one call whose cost is unknown, sorted."""
        with self._lock:
            return sorted(model for model, t in self._totals.items() if not t.cost_known)

    @property
    def successful_requests(self) -> int:
        return int(self._sum("requests"))

    @property
    def prompt_tokens(self) -> int:
        """Input tokens, cache reads and writes included (as ``get_openai_callback()``)."""
        return int(self._sum("input_tokens"))

    @property
    def prompt_tokens_cached(self) -> int:
        """Input tokens read from the prompt cache (part of :attr:`prompt_tokens`)."""
        return int(self._sum("cache_read_tokens"))

    @property
    def completion_tokens(self) -> int:
        """Output tokens, reasoning included."""
        return int(self._sum("output_tokens"))

    @property
    def reasoning_tokens(self) -> int:
        """Reasoning tokens (part of :attr:`completion_tokens`)."""
        return int(self._sum("reasoning_tokens"))

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __repr__(self) -> str:
        unpriced = self.unpriced_models
        partial = f" (partial: no price for {', '.join(unpriced)})" if unpriced else ""
        return (
            f"Tokens Used: {self.total_tokens}\n"
            f"\tPrompt Tokens: {self.prompt_tokens}\n"
            f"\t\tPrompt Tokens Cached: {self.prompt_tokens_cached}\n"
            f"\tCompletion Tokens: {self.completion_tokens}\n"
            f"\t\tReasoning Tokens: {self.reasoning_tokens}\n"
            f"Successful Requests: {self.successful_requests}\n"
            f"Total Cost (USD): ${self.total_cost_usd:.6f}{partial}"
        )

    # ------------------------------------------------------------ recording

    def add_usage(
        self, model: str, usage: Mapping[str, Any] | None, *, batch: bool = False
    ) -> CostEstimate:
        """Record one call's token usage (``UsageMetadata`` or a raw usage body).

        ``batch=True``: a Batch API result, priced at the model's batch prices (unknown
        while no source states them; see ``estimate_cost(..., batch=True)``)."""
        return self._record(model, usage, {}, batch=batch)

    def add_media_usage(
        self,
        model: str,
        *,
        usage: Mapping[str, Any] | None = None,
        **units: Unpack[MediaUnits],
    ) -> CostEstimate:
        """Record one media call: ``images``, ``seconds``, ``megapixels``, ``characters``
        or ``videos`` billed per unit, plus any token usage (token-metered image models)."""
        return self._record(model, usage, units)

    def _record(
        self,
        model: str,
        usage: Mapping[str, Any] | None,
        reported: MediaUnits,
        *,
        batch: bool = False,
    ) -> CostEstimate:
        media: MediaUnits = {k: v for k, v in reported.items() if v is not None}  # type: ignore[assignment]
        estimate = estimate_cost(model, usage, catalog=self._catalog, batch=batch, **media)
        missing = sorted(set(reported) - set(media))
        if missing:  # a unit the tool could not measure: the cost is unknown
            note = f"{', '.join(missing)} not reported"
            estimate = replace(estimate, total_usd=None, notes=(*estimate.notes, note))
        if not estimate.known:
            _warn_once(model, "; ".join(estimate.notes) or "no price", batch=batch)
        with self._lock:
            totals = self._totals.get(model, ModelUsageTotals())
            self._totals[model] = replace(
                totals,
                requests=totals.requests + 1,
                input_tokens=totals.input_tokens + estimate.total_input_tokens,
                output_tokens=totals.output_tokens + estimate.output_tokens,
                cache_read_tokens=totals.cache_read_tokens + estimate.cache_read_tokens,
                cache_write_tokens=totals.cache_write_tokens + estimate.cache_write_tokens,
                reasoning_tokens=totals.reasoning_tokens + estimate.reasoning_tokens,
                cost_usd=totals.cost_usd + (estimate.total_usd or 0.0),
                cost_known=totals.cost_known and estimate.known,
                batch_requests=totals.batch_requests + batch,
                **{unit: getattr(totals, unit) + media.get(unit, 0) for unit in _MEDIA_UNITS},
            )
        return estimate

    # ------------------------------------------------------------ callback hooks

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """Record the usage of each prompt's generation (streamed ones included)."""
        llm_output = response.llm_output or {}
        for generations in response.generations:
            for generation in generations:
                message = getattr(generation, "message", None)
                if isinstance(message, AIMessage) and message.usage_metadata:
                    model = _model_name(message.response_metadata, llm_output)
                    self.add_usage(model, dict(message.usage_metadata))
                    break
            else:
                token_usage = llm_output.get("token_usage") or llm_output.get("usage")
                if token_usage:
                    model = _model_name({}, llm_output)
                    self.add_usage(model, token_usage)
                    return  # llm_output is shared by every prompt; count it once

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Record :data:`GRADIENT_MEDIA_USAGE_EVENT` events from the image and fal tools.

        Data: ``{"model", "usage": {...}}`` where ``usage`` holds media units
        (``images``, ``seconds``, ...) and/or token counts; units may also sit at the
        top level.
        """
        if name != GRADIENT_MEDIA_USAGE_EVENT or not isinstance(data, Mapping):
            return
        nested = data.get("usage")
        fields = {**data, **(nested if isinstance(nested, Mapping) else {})}
        tokens = {k: fields[k] for k in _TOKEN_KEYS if fields.get(k) is not None}
        units = {k: fields[k] for k in _MEDIA_UNITS if k in fields}
        self._record(str(data.get("model") or "unknown"), tokens or None, units)  # type: ignore[arg-type]


def _model_name(response_metadata: Mapping[str, Any], llm_output: Mapping[str, Any]) -> str:
    for source in (response_metadata, llm_output):
        for key in ("model_name", "model"):
            value = source.get(key)
            if isinstance(value, str) and value:
                return value
    return "unknown"


_current: ContextVar[GradientCostCallbackHandler | None] = ContextVar(
    "gradient_cost_callback", default=None
)
register_configure_hook(_current, inheritable=True)


class _ProcessFanout(GradientCostCallbackHandler):
    """Forwards every event to the open ``scope="process"`` trackers, from any thread."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[GradientCostCallbackHandler] = []
        self.open_lock = threading.Lock()

    def targets(self) -> list[GradientCostCallbackHandler]:
        with self.open_lock:
            return list(self.open)

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        for handler in self.targets():
            handler.on_llm_end(response, **kwargs)

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        for handler in self.targets():
            handler.on_custom_event(name, data, run_id=run_id, **kwargs)


_process = _ProcessFanout()


class _ProcessScopeVar:
    """What langchain-core's configure hook reads (``.get()``), process-wide, not per context."""

    def get(self) -> GradientCostCallbackHandler | None:
        return _process if _process.open else None


register_configure_hook(_ProcessScopeVar(), inheritable=True)  # type: ignore[arg-type]


def _active_handlers() -> list[GradientCostCallbackHandler]:
    here = _current.get()
    handlers = [here] if here is not None else []
    return handlers + [h for h in _process.targets() if h is not here]


@contextmanager
def get_gradient_callback(
    catalog: ModelCatalog | None = None,
    *,
    scope: Literal["context", "process"] = "context",
) -> Iterator[GradientCostCallbackHandler]:
    """Track tokens and USD per model for every Gradient call inside the ``with`` block.

    Args:
        catalog: the prices to use; default the bundled snapshot (pass
            ``ModelCatalog.load(live=True)`` for live prices).
        scope: ``"context"`` (default, like ``get_openai_callback()``): calls made in
            this thread and whatever inherits its context (asyncio tasks, LangChain's
            ``batch``/``abatch`` and parallel branches, LangGraph nodes, and threads you
            start with ``contextvars.copy_context().run`` or langchain-core's
            ``ContextThreadPoolExecutor``). ``"process"``: every Gradient call in the
            process while the block is open, from any thread, including a plain
            ``ThreadPoolExecutor`` (calls from unrelated threads count too).

    Example:
        >>> with get_gradient_callback() as cb:  # doctest: +SKIP
        ...     agent.invoke({"messages": [("user", "hi")]})
        >>> cb.total_cost_usd  # doctest: +SKIP
    """
    handler = GradientCostCallbackHandler(catalog=catalog)
    if scope == "process":
        with _process.open_lock:
            _process.open.append(handler)
        try:
            yield handler
        finally:
            with _process.open_lock:
                _process.open.remove(handler)
        return
    if scope != "context":
        raise ValueError(f"scope must be 'context' or 'process', not {scope!r}.")
    token = _current.set(handler)
    try:
        yield handler
    finally:
        _current.reset(token)


def report_media_usage(
    model: str, *, usage: Mapping[str, Any] | None = None, **units: Unpack[MediaUnits]
) -> CostEstimate | None:
    """Report a media call to the active :func:`get_gradient_callback`, if any.

    Returns the cost estimate, or ``None`` when no tracker is active.

    Example:
        >>> with get_gradient_callback() as cb:
        ...     _ = report_media_usage("fal-ai/fast-sdxl", seconds=2.0)
        >>> round(cb.total_cost_usd, 6)
        0.0022
    """
    estimate = None
    for handler in _active_handlers():
        estimate = handler.add_media_usage(model, usage=usage, **units)
    return estimate


def report_batch_usage(model: str, usage: Mapping[str, Any] | None) -> None:
    """Count one Batch API result in the active trackers, at batch prices.

    Batch results never pass through a chat model's callbacks, so
    :class:`~langchain_gradient.batch.GradientBatchJob` calls this hook for each result
    it reads (once per input).

    Example:
        >>> with get_gradient_callback() as cb:  # doctest: +SKIP
        ...     report_batch_usage("openai-gpt-4o-mini", {"input_tokens": 9,
        ...                        "output_tokens": 3, "total_tokens": 12})
        >>> cb.cost_partial, cb.unpriced_models  # doctest: +SKIP
        (True, ['openai-gpt-4o-mini'])
    """
    for handler in _active_handlers():
        handler.add_usage(model, usage, batch=True)


def has_active_trackers() -> bool:
    """True inside a :func:`get_gradient_callback` block (here or process-wide)."""
    return bool(_active_handlers())


def report_embeddings_usage(model: str, usage: Any) -> None:
    """Count one embeddings request in the active trackers (embeddings have no LangChain
    callbacks, so :class:`~langchain_gradient.GradientEmbeddings` calls this hook).

    ``usage`` is the response's usage (``prompt_tokens``, ``total_tokens``), a mapping
    or the SDK object.

    Example:
        >>> with get_gradient_callback() as cb:
        ...     report_embeddings_usage("bge-m3", {"prompt_tokens": 10, "total_tokens": 10})
        >>> cb.prompt_tokens, cb.successful_requests
        (10, 1)
    """
    handlers = _active_handlers()
    if not handlers:
        return
    if usage is not None and not isinstance(usage, Mapping):
        usage = usage.model_dump() if hasattr(usage, "model_dump") else dict(vars(usage))
    for handler in handlers:
        handler.add_usage(model, usage)
