"""``select_model``: pick the cheapest model that can do the job, and say why.

The steps, in order:

1. **Hard constraints.** Each model of the catalog (plus any ``router:<name>`` ids you
   allowed and vouched for) is checked for kind, status, allow/deny lists, liveness,
   each required capability, context window, max output and known token prices. A
   model that fails gets one line of text in :attr:`SelectionDecision.rejected`.
2. **Cost.** Each survivor is priced for *this* request: estimated input tokens x input
   price + expected output x output price, with cache reads and writes at the cache
   prices (:mod:`langchain_gradient.selection.estimate`). Over ``max_cost_per_request``
   means rejected.
3. **Ranking.** Survivors are ordered by cost, then quality prior (higher first), then
   id, so the result is deterministic. The Pareto front on (cost, quality) is kept in
   :attr:`SelectionDecision.pareto`; it is the natural escalation ladder, cheapest first.
   The chosen model is the cheapest one that meets ``min_quality`` and, when any fits,
   ``preferred_tier``.

The quality prior is ``quality_overrides[id]``, else ``ModelInfo.quality``, else a value
for its tier (:data:`TIER_QUALITY`), else 0 (unknown quality never outranks known).

Example:
    >>> from langchain_gradient.catalog.models import ModelInfo, Pricing, Capabilities
    >>> cheap = ModelInfo(id="small-a", kind="chat", tier="small",
    ...                   pricing=Pricing(input_per_1m=0.1, output_per_1m=0.1))
    >>> strong = ModelInfo(id="large-b", kind="chat", tier="large",
    ...                    capabilities=Capabilities(tools=True),
    ...                    pricing=Pricing(input_per_1m=2.0, output_per_1m=8.0))
    >>> decision = select_model(input_tokens=1000, catalog=[cheap, strong],
    ...                         require=Requirements(tools=True))
    >>> decision.chosen, decision.rejected["small-a"]
    ('large-b', 'lacks tools')
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.language_models import LanguageModelInput

from langchain_gradient._structured_output import default_method
from langchain_gradient.catalog.catalog import StaleFiguresWarning
from langchain_gradient.catalog.models import ModelInfo, ModelKind
from langchain_gradient.selection.estimate import (
    measure_input,
    planned_usage,
    priced,
    token_counts,
    token_rates,
)
from langchain_gradient.selection.presets import (
    LadderViability,
    ladder_viability,
    router_infos,
    with_router_notes,
)

TIER_QUALITY: Mapping[str, float] = {
    "small": 0.4,
    "medium": 0.6,
    "large": 0.75,
    "frontier": 0.9,
}
"""Quality prior for a model with a tier but no ``quality`` figure."""

DEFAULT_EXPECTED_OUTPUT_TOKENS = 512
DEFAULT_STALE_AFTER_DAYS = 60
ROUTER_PREFIX = "router:"

_CAPABILITY_FIELDS = ("tools", "tool_choice", "structured_output", "vision", "reasoning")


class StaleCatalogWarning(StaleFiguresWarning):
    """The catalog's prices are older than the staleness limit; refresh the catalog.

    Example:
        >>> import warnings
        >>> from langchain_gradient import select_model
        >>> with warnings.catch_warnings():  # doctest: +SKIP
        ...     warnings.simplefilter("error", StaleCatalogWarning)
        ...     select_model("hi")  # raises if the catalog's prices are too old
    """


@dataclass(frozen=True)
class Requirements:
    """What the request needs from a model. Unknown capabilities count as missing.

    Example:
        >>> Requirements(tools=True, min_context=32_000).missing_in(
        ...     ModelInfo(id="m", kind="chat", context_window=8192))
        ['lacks tools', 'context window 8192 < required 32000']
    """

    tools: bool = False
    tool_choice: bool = False
    structured_output: bool = False
    """``with_structured_output`` works: through a forced tool call (any model with
    ``tools`` and ``tool_choice``) or native JSON-schema output; the method is
    :attr:`Candidate.structured_output_method`."""
    vision: bool = False
    reasoning: bool = False
    min_context: int | None = None
    kind: ModelKind = "chat"

    def missing_in(self, model: ModelInfo) -> list[str]:
        """One line per requirement ``model`` does not meet (empty when it fits)."""
        problems: list[str] = []
        if model.kind != self.kind:
            return [f"kind is {model.kind!r}, not {self.kind!r}"]
        caps = model.capabilities
        lacking = [
            name
            for name in self.required_capabilities
            if not (
                default_method(model) is not None
                if name == "structured_output"
                else getattr(caps, name)
            )
        ]
        if lacking:
            problems.append("lacks " + ", ".join(lacking))
            if "structured_output" in lacking:
                problems[-1] += " (neither forced tool calling nor JSON-schema output)"
        if self.min_context is not None:
            if model.context_window is None:
                problems.append(f"context window unknown; cannot confirm {self.min_context}")
            elif model.context_window < self.min_context:
                problems.append(
                    f"context window {model.context_window} < required {self.min_context}"
                )
        return problems

    @functools.cached_property
    def required_capabilities(self) -> tuple[str, ...]:
        """The capability flags that are required, in a fixed order."""
        return tuple(name for name in _CAPABILITY_FIELDS if getattr(self, name))

    def as_dict(self) -> dict[str, Any]:
        flags: dict[str, Any] = dict.fromkeys(self.required_capabilities, True)
        if self.min_context is not None:
            flags["min_context"] = self.min_context
        flags["kind"] = self.kind
        return flags


@dataclass(frozen=True)
class Candidate:
    """A model that passed every hard constraint, priced for this request."""

    model: ModelInfo
    estimated_cost: float
    """USD for this request at the estimated token counts."""
    quality: float
    quality_source: str
    """``"override"``, ``"catalog"``, ``"tier:<name>"`` or ``"unknown"``."""
    pareto: bool = False
    dominated_by: str | None = None
    """A model at most as expensive with at least the same quality, if any."""

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def structured_output_method(self) -> str | None:
        """What ``ChatGradient(model=id).with_structured_output(schema)`` uses for this
        model: ``"function_calling"`` (a forced tool call), ``"json_schema"``, or
        ``None`` when the catalog knows neither way (the same rule as the class)."""
        return default_method(self.model)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it ranks where it does, in words (built on demand; selection is hot)."""
        pricing = self.model.pricing
        lines = [
            f"estimated ${self.estimated_cost:.6f} at ${pricing.input_per_1m}/1M in, "
            f"${pricing.output_per_1m}/1M out",
            f"quality {self.quality:.2f} ({self.quality_source})",
        ]
        if self.pareto:
            lines.append("on the cost/quality Pareto front")
        else:
            lines.append(f"dominated by {self.dominated_by} (no more expensive, no worse)")
        return tuple(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "estimated_cost": self.estimated_cost,
            "quality": self.quality,
            "quality_source": self.quality_source,
            "tier": self.model.tier,
            "pareto": self.pareto,
            "structured_output_method": self.structured_output_method,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class SelectionDecision:
    """The outcome of :func:`select_model`: the choice, the ranking, and every rejection.

    Example:
        >>> from langchain_gradient import select_model
        >>> decision = select_model("Summarize this paragraph.")
        >>> decision.chosen in decision.rejected
        False
    """

    chosen: str | None
    """Id of the chosen model, ``None`` when nothing fits (see :attr:`rejected`)."""
    ranked: tuple[Candidate, ...]
    """Every model that fits, best first (the chosen one is ``ranked[0]``)."""
    pareto: tuple[Candidate, ...]
    """The non-dominated candidates on (cost, quality), cheapest first."""
    rejected: Mapping[str, str]
    """``{model id: reason}`` for every model that does not fit."""
    input_tokens: int
    output_tokens: int
    requirements: Requirements
    figures_date: dt.date | None = None
    notes: tuple[str, ...] = ()

    @property
    def chosen_candidate(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None

    def ladder_viability(
        self,
        cheap: str,
        strong: str,
        *,
        escalation_rate: float | None = None,
        check_cost: float = 0.0,
    ) -> LadderViability:
        """Before building a ``cheap -> strong`` ladder: can the price ratio pay for the
        checks? Uses both candidates' estimated costs for this request; ``check_cost``
        is what paid checks (a judge) add per request. ``.saves`` is ``False`` with a
        "no saving possible" reason when it cannot.

        Example:
            >>> decision = select_model(input_tokens=800, min_quality=0)  # doctest: +SKIP
            >>> decision.ladder_viability(  # doctest: +SKIP
            ...     "llama3-8b-instruct", "llama3.3-70b-instruct", escalation_rate=0.35
            ... ).reason
            'no saving possible: ...'
        """
        costs = {candidate.id: candidate.estimated_cost for candidate in self.ranked}
        missing = [model for model in (cheap, strong) if model not in costs]
        if missing:
            why = "; ".join(f"{m}: {self.rejected.get(m, 'not in the catalog')}" for m in missing)
            raise ValueError(f"Not candidates of this decision, so not priced: {why}")
        return ladder_viability(
            costs[cheap], costs[strong], escalation_rate=escalation_rate, check_cost=check_cost
        )

    def as_dict(self, *, top: int = 5) -> dict[str, Any]:
        """A JSON-ready summary (the first ``top`` candidates, every rejection)."""
        return {
            "chosen": self.chosen,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "requirements": self.requirements.as_dict(),
            "ranked": [candidate.as_dict() for candidate in self.ranked[:top]],
            "pareto": [candidate.id for candidate in self.pareto],
            "rejected": dict(self.rejected),
            "figures_date": self.figures_date.isoformat() if self.figures_date else None,
            "notes": list(self.notes),
        }


_Fit = tuple[float, float, str, ModelInfo, str]
"""(estimated cost, quality, id, model, quality source): a survivor before ranking."""


@dataclass
class _Pool:
    """Working state of one selection."""

    fits: list[_Fit] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def select_model(
    messages: LanguageModelInput | None = None,
    *,
    input_tokens: int | None = None,
    expected_output_tokens: int = DEFAULT_EXPECTED_OUTPUT_TOKENS,
    cached_input_tokens: int = 0,
    cache_write_tokens: int = 0,
    tools: Sequence[Any] | None = None,
    require: Requirements | None = None,
    max_cost_per_request: float | None = None,
    preferred_tier: str | None = None,
    min_quality: float | None = None,
    allow: Iterable[str] | None = None,
    deny: Iterable[str] = (),
    live_only: bool = False,
    catalog: Any = None,
    quality_overrides: Mapping[str, float] | None = None,
    vouched_models: Iterable[ModelInfo] = (),
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS,
    today: dt.date | None = None,
    routers: Iterable[Any] | bool = False,
) -> SelectionDecision:
    """Choose the cheapest model that meets ``require`` for this request.

    Args:
        messages: the prompt (anything a chat model accepts); its size is estimated by
            :func:`~langchain_gradient.selection.estimate.estimate_input_tokens`. Images
            in it make vision a requirement.
        input_tokens: the input size instead of ``messages``.
        expected_output_tokens: how long the answer is expected to be.
        cached_input_tokens, cache_write_tokens: input tokens expected to be read from,
            or written to, the prompt cache (priced at the cache prices).
        tools: tool schemas that will be sent (counted as input).
        require: capabilities and minimum context (default: a chat model).
        max_cost_per_request: reject models whose estimated cost is above this (USD).
        preferred_tier: choose within this tier when any model of it fits.
        min_quality: choose the cheapest model with at least this quality prior.
        allow: only these ids (and ``router:<name>`` ids, which need ``vouched_models``).
        deny: never these ids.
        live_only: only models the live ``/v1/models`` listed for this key.
        catalog: a ``ModelCatalog``, anything with ``.models()``, or an iterable of
            ``ModelInfo``; default the bundled catalog.
        quality_overrides: ``{id: quality in [0, 1]}`` replacing the catalog's prior.
        routers: rank Inference Routers (``router:<name>``) against direct models:
            ``True`` for the catalog's ``router_presets`` (read with a DigitalOcean API
            token), or :class:`~langchain_gradient.catalog.control_api.RouterPreset`
            objects. Priced under
            :data:`~langchain_gradient.selection.presets.ROUTER_ASSUMPTION` (stated in
            the decision's ``notes``).
        vouched_models: ``ModelInfo`` records you vouch for, used for ids the catalog
            does not describe (``router:<name>``): give their capabilities and the
            worst price the router can incur.
        stale_after_days: when the newest price is older than this, say so in the
            decision's ``notes`` (every time) and warn (:class:`StaleCatalogWarning`,
            the first time in the process only).
        today: the date staleness is measured from (default: today, UTC).

    Returns:
        A :class:`SelectionDecision`; ``chosen`` is ``None`` when nothing fits.

    Example:
        >>> decision = select_model("Summarize this paragraph.", expected_output_tokens=100)
        >>> decision.chosen is not None
        True
    """
    requirements = require or Requirements()
    if (messages is None) == (input_tokens is None):
        raise ValueError("Pass exactly one of `messages` or `input_tokens` to select_model.")
    if messages is not None:
        size = measure_input(messages, tools)
        n_input = size.typical_tokens
        if size.images and not requirements.vision:
            requirements = replace(requirements, vision=True)
    else:
        assert input_tokens is not None
        if input_tokens < 0:
            raise ValueError(f"input_tokens must be >= 0, got {input_tokens}")
        n_input = input_tokens
    if expected_output_tokens < 0:
        raise ValueError(f"expected_output_tokens must be >= 0, got {expected_output_tokens}")
    if max_cost_per_request is not None and not max_cost_per_request >= 0:
        raise ValueError(f"max_cost_per_request must be >= 0 (USD), got {max_cost_per_request}")
    if min_quality is not None and not 0 <= min_quality <= 1:
        raise ValueError(f"min_quality must be in [0, 1], got {min_quality}")
    if preferred_tier is not None and preferred_tier not in TIER_QUALITY:
        raise ValueError(
            f"preferred_tier {preferred_tier!r} is not a tier; use one of: "
            + ", ".join(TIER_QUALITY)
        )
    counts = token_counts(
        planned_usage(
            n_input,
            expected_output_tokens,
            cache_read_tokens=cached_input_tokens,
            cache_write_tokens=cache_write_tokens,
        )
    )
    overrides = dict(quality_overrides or {})
    _check_overrides(overrides)
    allowed = set(allow) if allow is not None else None
    denied = set(deny)
    if catalog is None:
        catalog = _default_catalog()
    models = _catalog_models(catalog)
    models = _add_vouched(models, allowed, vouched_models)
    presets = getattr(catalog, "router_presets", []) if routers is True else routers or []
    known_ids = {model.id for model in models}
    routed = [i for i in router_infos(presets, models) if i.id not in known_ids]
    models = models + routed

    pool = _Pool()
    for model in models:
        reason = _hard_reject(
            model, requirements, n_input, expected_output_tokens, allowed, denied, live_only
        )
        if reason is not None:
            pool.rejected[model.id] = reason
            continue
        cost = priced(counts, token_rates(model.pricing))
        if cost is None:
            pool.rejected[model.id] = "token price unknown (input or output per 1M missing)"
            continue
        if max_cost_per_request is not None and cost > max_cost_per_request:
            pool.rejected[model.id] = (
                f"estimated ${cost:.6f} > max_cost_per_request ${max_cost_per_request:.6f}"
            )
            continue
        quality, source = _quality_prior(model, overrides)
        pool.fits.append((cost, quality, model.id, model, source))
    _reject_unknown_allowed(pool, allowed, models)

    ranked, pareto = _rank(pool, preferred_tier, min_quality)
    figures_date = _figures_date(catalog, models)
    _warn_if_stale(figures_date, stale_after_days, today, pool)
    return SelectionDecision(
        chosen=ranked[0].id if ranked else None,
        ranked=tuple(ranked),
        pareto=tuple(pareto),
        rejected=pool.rejected,
        input_tokens=n_input,
        output_tokens=expected_output_tokens,
        requirements=requirements,
        figures_date=figures_date,
        notes=tuple(with_router_notes(pool.notes, routed)),
    )


def _check_overrides(overrides: Mapping[str, float]) -> None:
    for model_id, value in overrides.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"quality_overrides[{model_id!r}] must be in [0, 1], got {value}")


def _catalog_models(catalog: Any) -> list[ModelInfo]:
    models = catalog.models() if hasattr(catalog, "models") else catalog
    return list(models)


def _default_catalog() -> Any:
    from langchain_gradient.catalog.catalog import ModelCatalog

    return ModelCatalog.load()


def _add_vouched(
    models: list[ModelInfo], allowed: set[str] | None, vouched: Iterable[ModelInfo]
) -> list[ModelInfo]:
    vouched_by_id = {info.id: info for info in vouched}
    if not vouched_by_id:
        return models
    known = {model.id for model in models}
    extra = [info for model_id, info in sorted(vouched_by_id.items()) if model_id not in known]
    if allowed is None and any(info.id.startswith(ROUTER_PREFIX) for info in extra):
        # A router id is never chosen by surprise: it must be named in `allow`.
        extra = [info for info in extra if not info.id.startswith(ROUTER_PREFIX)]
    return models + extra


def _hard_reject(
    model: ModelInfo,
    requirements: Requirements,
    n_input: int,
    n_output: int,
    allowed: set[str] | None,
    denied: set[str],
    live_only: bool,
) -> str | None:
    if model.id in denied:
        return "denied by the deny list"
    if allowed is not None and model.id not in allowed:
        return "not in the allow list"
    if model.status == "retired":
        return "retired"
    if model.status == "deprecated" and allowed is None:
        return "deprecated (name it in `allow` to use it anyway)"
    if live_only and model.live is not True:
        return (
            "not listed by the live /v1/models for this key"
            if model.live is False
            else "liveness unknown (load the catalog with live=True)"
        )
    problems = requirements.missing_in(model)
    if model.context_window is not None and n_input + n_output > model.context_window:
        problems.append(
            f"input {n_input} + output {n_output} tokens exceed context window "
            f"{model.context_window}"
        )
    if model.max_output_tokens is not None and n_output > model.max_output_tokens:
        problems.append(f"max output {model.max_output_tokens} < expected output {n_output}")
    return "; ".join(problems) if problems else None


def _reject_unknown_allowed(pool: _Pool, allowed: set[str] | None, models: list[ModelInfo]) -> None:
    if not allowed:
        return
    known = {model.id for model in models}
    for model_id in sorted(allowed - known):
        if model_id.startswith(ROUTER_PREFIX):
            pool.rejected[model_id] = (
                "router: capabilities and prices unknown; vouch for it with a ModelInfo "
                "in `vouched_models`"
            )
        else:
            pool.rejected[model_id] = "not in the catalog"


def _quality_prior(model: ModelInfo, overrides: Mapping[str, float]) -> tuple[float, str]:
    if model.id in overrides:
        return overrides[model.id], "override"
    if model.quality is not None:
        return model.quality, "catalog"
    if model.tier is not None and model.tier in TIER_QUALITY:
        return TIER_QUALITY[model.tier], f"tier:{model.tier}"
    return 0.0, "unknown"


def _rank(
    pool: _Pool, preferred_tier: str | None, min_quality: float | None
) -> tuple[list[Candidate], list[Candidate]]:
    # Candidates are built once, already marked, from plain tuples: selection is hot.
    by_cost = sorted(pool.fits, key=lambda fit: (fit[0], -fit[1], fit[2]))
    marked: list[Candidate] = []
    pareto: list[Candidate] = []
    best: Candidate | None = None
    for cost, quality, _, model, source in by_cost:
        if best is None or quality > best.quality:
            best = Candidate(model, cost, quality, source, pareto=True)
            pareto.append(best)
            marked.append(best)
        else:
            marked.append(Candidate(model, cost, quality, source, dominated_by=best.id))

    def eligible(candidate: Candidate, tier: bool) -> bool:
        if min_quality is not None and candidate.quality < min_quality:
            return False
        return not tier or candidate.model.tier == preferred_tier

    use_tier = preferred_tier is not None
    if use_tier and not any(eligible(c, True) for c in marked):
        pool.notes.append(f"no fitting model has tier {preferred_tier!r}; tier preference ignored")
        use_tier = False
    if min_quality is not None and not any(eligible(c, use_tier) for c in marked):
        pool.notes.append(f"no fitting model reaches min_quality {min_quality}; nothing chosen")
        for candidate in marked:
            pool.rejected[candidate.id] = (
                f"quality {candidate.quality:.2f} < min_quality {min_quality}"
            )
        return [], []
    if not use_tier and min_quality is None:
        return marked, pareto
    ranked = sorted(marked, key=lambda c: not eligible(c, use_tier))  # stable: keeps cost order
    return ranked, pareto


def _figures_date(catalog: Any, models: Sequence[ModelInfo]) -> dt.date | None:
    """The catalog's own figures date if it has one, else the newest dated price."""
    for attribute in ("figures_date", "snapshot_date"):
        value = getattr(catalog, attribute, None)
        if value is not None:
            parsed = _parse_date(value)
            if parsed is not None:
                return parsed
    newest: dt.date | None = None
    for model in models:
        source = model.sources.get("pricing")
        if source is None or not source.date:
            continue
        parsed = _parse_date(source.date)
        if parsed is not None and (newest is None or parsed > newest):
            newest = parsed
    return newest


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _iso_date(value[:10])
    return None


@functools.lru_cache(maxsize=256)
def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


_stale_warned = threading.Event()
"""Set once a :class:`StaleCatalogWarning` was issued: at most one per process."""


def _warn_if_stale(
    figures_date: dt.date | None, stale_after_days: int, today: dt.date | None, pool: _Pool
) -> None:
    """Note stale prices in every decision; warn about them once per process."""
    if figures_date is None:
        return
    today = today or dt.datetime.now(dt.timezone.utc).date()
    age = (today - figures_date).days
    if age > stale_after_days:
        message = (
            f"Catalog prices are {age} days old (newest figure {figures_date.isoformat()}, "
            f"limit {stale_after_days} days); costs may be wrong. Refresh with "
            "ModelCatalog.load(live=True, refresh=True)."
        )
        pool.notes.append(message)
        if not _stale_warned.is_set():
            _stale_warned.set()
            warnings.warn(message, StaleCatalogWarning, stacklevel=3)
