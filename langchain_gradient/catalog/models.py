"""The catalog's record types: one :class:`ModelInfo` per model, with prices and capabilities.

These are plain frozen dataclasses so that the selector, cost tracking, the emulator
and the CLI all read the same facts. Prices are USD; token prices are per 1M tokens.
Every figure that came from a source keeps that source and its date in
:attr:`ModelInfo.sources`: one key per figure (``"pricing.input_per_1m"``,
``"context_window"``, ``"status"``, ``"capabilities.tools"``, ``"id"``, ...) plus
``"pricing"``, the source of the headline price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ModelKind = Literal[
    "chat",
    "image",
    "fal_image",
    "fal_audio",
    "fal_speech",
    "fal_video",
    "embedding",
    "rerank",
    "speech",
    "video",
]
"""What a model does; decides which class or tool calls it."""

ModelStatus = Literal["active", "preview", "deprecated", "retired", "unknown"]


_REPR_SKIP = frozenset({"sources", "conflicts", "aliases", "endpoints"})
"""Audit trails: in ``vars()`` and ``dataclasses.asdict``, not in what ``print`` shows."""


def short_repr(obj: Any) -> str:
    """``Name(field=value, ...)`` with only the fields that differ from their default,
    booleans that are true shown by name, and audit trails left out.

    Example:
        >>> Capabilities(tools=True, vision=True)
        Capabilities(tools, vision)
    """
    from dataclasses import MISSING, fields

    parts = []
    for f in fields(obj):
        if f.name in _REPR_SKIP:
            continue
        value = getattr(obj, f.name)
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            default = MISSING
        if value == default and default is not MISSING:
            continue
        parts.append(f.name if value is True else f"{f.name}={value!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"


@dataclass(frozen=True)
class FigureSource:
    """Where a figure came from (a short source name) and the date it was observed."""

    source: str
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Pricing:
    """Prices in USD. Token prices per 1M tokens; media prices per unit.

    ``None`` means unknown, never free: cost code reports an unknown cost for it.

    Example:
        >>> Pricing(input_per_1m=0.65, output_per_1m=0.65).has_token_prices
        True
    """

    __repr__ = short_repr

    input_per_1m: float | None = None
    output_per_1m: float | None = None
    cache_read_per_1m: float | None = None
    cache_write_per_1m: float | None = None
    per_image: float | None = None
    per_second: float | None = None
    per_megapixel: float | None = None
    per_1k_characters: float | None = None
    per_video: float | None = None

    @property
    def has_token_prices(self) -> bool:
        return self.input_per_1m is not None and self.output_per_1m is not None


@dataclass(frozen=True)
class Capabilities:
    """What a model supports. Unknown is ``False`` for booleans (be conservative).

    Example:
        >>> from langchain_gradient import ModelCatalog
        >>> ModelCatalog.load()["llama3.3-70b-instruct"].capabilities.tools
        True
    """

    __repr__ = short_repr

    tools: bool = False
    tool_choice: bool = False
    structured_output: bool = False
    vision: bool = False
    reasoning: bool = False
    reasoning_efforts: tuple[str, ...] = ()
    responses_api: bool = False
    prompt_caching: bool = False


@dataclass(frozen=True)
class ModelInfo:
    """Everything the package knows about one model id.

    Example:
        >>> info = ModelInfo(id="llama3.3-70b-instruct", kind="chat",
        ...                  pricing=Pricing(input_per_1m=0.65, output_per_1m=0.65))
        >>> info.pricing.has_token_prices
        True
    """

    __repr__ = short_repr

    id: str
    kind: ModelKind
    display_name: str | None = None
    provider: str | None = None
    owned_by: str | None = None
    status: ModelStatus = "unknown"
    context_window: int | None = None
    max_output_tokens: int | None = None
    capabilities: Capabilities = field(default_factory=Capabilities)
    pricing: Pricing = field(default_factory=Pricing)
    tier: str | None = None
    """Quality tier for routing: ``"small"``, ``"medium"``, ``"large"`` or ``"frontier"``."""
    quality: float | None = None
    """Quality prior in [0, 1] used by the selector; users can override it."""
    sources: Mapping[str, FigureSource] = field(default_factory=dict)
    conflicts: tuple[Mapping[str, object], ...] = ()
    """Other observations of the same figures that were not kept, for auditing."""
    live: bool | None = None
    """True if the live ``/v1/models`` listed it for this key, False if not, None if unchecked."""
    aliases: tuple[str, ...] = ()
    """Other display names seen for this model (used to read the pricing page)."""
    endpoints: tuple[str, ...] = ()
    """API paths known to serve it, e.g. ``("/v1/chat/completions", "/v1/responses")``."""
    batch_pricing: Pricing | None = None
    """Prices of Batch API requests (DigitalOcean's ``MODEL_BILLING_MODE_BATCH`` pricing
    variant); ``None`` means unknown, never the real-time price. Its source is
    ``sources["batch_pricing"]``, or :data:`~langchain_gradient.catalog.batch_pricing.
    UNKNOWN_BATCH_PRICE` while no source states the discount (``gradient-api.md`` §13.2)."""

    @property
    def is_anthropic(self) -> bool:
        return "anthropic" in self.id or "claude" in self.id
