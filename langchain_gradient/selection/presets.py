"""``router:<name>`` choices priced for the selector, and whether a cascade ladder can pay.

**Inference Routers.** DigitalOcean's Inference Router picks one of a router's models per
request, and which one is not known in advance. :func:`router_model_info` therefore
prices a :class:`~langchain_gradient.catalog.control_api.RouterPreset` under a stated
assumption, :data:`ROUTER_ASSUMPTION`: its most expensive model's input and output
prices, its weakest model's quality, the capabilities all its models share, and the
smallest context window and output limit. A router ranked under it can only turn out
cheaper, never dearer, than the selector said.

**Ladder viability.** A cascade pays the cheap rung on every request and the strong rung
on the escalated ones, so with an escalation rate ``e`` its cost relative to always
using the strong rung is ``r + e`` (``r`` = cheap / strong cost per request, checks
free). It saves only when ``e < 1 - r``; :func:`ladder_viability` says so before a
ladder is built.

Example:
    >>> ladder_viability(0.5, 1.0, escalation_rate=0.6).saves
    False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_gradient.catalog.control_api import RouterPreset
from langchain_gradient.catalog.models import Capabilities, FigureSource, ModelInfo, Pricing

ROUTER_ASSUMPTION = (
    "router: choices are priced at their most expensive model (input and output) and "
    "rated at their weakest model's quality: the Inference Router picks per request, so "
    "this is an upper bound on cost and a lower bound on quality"
)


def router_model_info(preset: RouterPreset, models: Iterable[ModelInfo]) -> ModelInfo | None:
    """A ``ModelInfo`` for ``router:<name>`` under :data:`ROUTER_ASSUMPTION`; ``None`` when
    a model of the router is unknown or unpriced (then it cannot be bounded)."""
    by_id = {info.id: info for info in models}
    members = [by_id.get(model_id) for model_id in preset.models]
    if not members or any(m is None or not m.pricing.has_token_prices for m in members):
        return None
    known = [m for m in members if m is not None]

    def shared(name: str) -> bool:
        return all(getattr(m.capabilities, name) for m in known)

    caps = Capabilities(
        tools=shared("tools"),
        tool_choice=shared("tool_choice"),
        structured_output=shared("structured_output"),
        vision=shared("vision"),
        reasoning=shared("reasoning"),
    )
    qualities = [m.quality for m in known]
    windows = [m.context_window for m in known]
    outputs = [m.max_output_tokens for m in known]
    return ModelInfo(
        id=preset.model_id,
        kind="chat",
        display_name=preset.description or preset.model_id,
        status="active",
        context_window=None if None in windows else min(w for w in windows if w is not None),
        max_output_tokens=None if None in outputs else min(o for o in outputs if o is not None),
        capabilities=caps,
        pricing=Pricing(
            input_per_1m=max(m.pricing.input_per_1m or 0.0 for m in known),
            output_per_1m=max(m.pricing.output_per_1m or 0.0 for m in known),
        ),
        quality=None if None in qualities else min(q for q in qualities if q is not None),
        sources={"pricing": FigureSource("router_assumption", None, ROUTER_ASSUMPTION)},
    )


def router_infos(presets: Iterable[RouterPreset], models: Sequence[ModelInfo]) -> list[ModelInfo]:
    """:func:`router_model_info` for each preset that can be bounded."""
    infos = (router_model_info(preset, models) for preset in presets)
    return [info for info in infos if info is not None]


@dataclass(frozen=True)
class LadderViability:
    """Whether a two-rung cascade can cost less than always calling the strong rung.

    Attributes:
        cost_ratio: cheap / strong cost per request (checks included in the cheap side).
        break_even_escalation_rate: ``1 - cost_ratio``: above it the cascade costs more.
        expected_saving: ``1 - (cost_ratio + escalation_rate)`` when a rate is given.
        saves: ``False`` when no saving is possible (or the given rate is past break-even).
        reason: a sentence saying why.

    Example:
        >>> ladder_viability(0.2, 0.65, escalation_rate=0.35).saves
        True
    """

    cost_ratio: float
    break_even_escalation_rate: float
    expected_saving: float | None
    saves: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "cost_ratio": self.cost_ratio,
            "break_even_escalation_rate": self.break_even_escalation_rate,
            "expected_saving": self.expected_saving,
            "saves": self.saves,
            "reason": self.reason,
        }


def ladder_viability(
    cheap_cost: float,
    strong_cost: float,
    *,
    escalation_rate: float | None = None,
    check_cost: float = 0.0,
    min_saving: float = 0.05,
) -> LadderViability:
    """Can a cheap -> strong ladder pay for itself? Decide before building it.

    Args:
        cheap_cost, strong_cost: USD per request of each rung (e.g. ``Candidate.cost``).
        escalation_rate: the expected share of requests the cheap rung fails, if known.
        check_cost: USD per request of paid checks (a judge) on the cheap answer.
        min_saving: a saving below this share (default 5%) is reported as none possible:
            the estimate's error is larger than it.

    Example:
        >>> ladder_viability(0.15, 2.5).saves  # gpt-4o-mini -> gpt-4o input prices
        True
        >>> ladder_viability(0.10, 0.65, escalation_rate=0.9).reason[:18]
        'no saving possible'
    """
    if strong_cost <= 0 or cheap_cost < 0 or check_cost < 0:
        raise ValueError("rung costs must be >= 0 and the strong rung's > 0")
    if escalation_rate is not None and not 0.0 <= escalation_rate <= 1.0:
        raise ValueError(f"escalation_rate must be in [0, 1], got {escalation_rate}")
    ratio = (cheap_cost + check_cost) / strong_cost
    break_even = max(1.0 - ratio, 0.0)
    if escalation_rate is None:
        saves = break_even >= min_saving
        reason = (
            f"saves while under {break_even:.0%} of requests escalate "
            f"(the cheap rung costs {ratio:.0%} of the strong one)"
            if saves
            else f"no saving possible: the cheap rung costs {ratio:.0%} of the strong one, "
            f"so even with no escalation the cascade saves under {min_saving:.0%}"
        )
        return LadderViability(ratio, break_even, None, saves, reason)
    saving = 1.0 - (ratio + escalation_rate)
    saves = saving >= min_saving
    reason = (
        f"expected saving {saving:.0%}: cost ratio {ratio:.0%} + escalation "
        f"{escalation_rate:.0%} of requests"
        if saves
        else f"no saving possible: cost ratio {ratio:.0%} + escalation {escalation_rate:.0%} "
        f"leaves {saving:.1%} (under {min_saving:.0%}); the ladder cannot pay for its checks"
    )
    return LadderViability(ratio, break_even, saving, saves, reason)


def with_router_notes(notes: list[str], added: Sequence[ModelInfo]) -> list[str]:
    """The selector's notes, plus the router assumption when routers were ranked."""
    return [*notes, ROUTER_ASSUMPTION] if added else notes


__all__ = [
    "ROUTER_ASSUMPTION",
    "LadderViability",
    "ladder_viability",
    "router_infos",
    "router_model_info",
]
