"""Cost of one call in USD, from its usage and the catalog's prices, with Gradient's rules.

The rules (``gradient-api.md`` §3.2):

* ``UsageMetadata.input_tokens`` is the *total* input, cache reads and writes included
  (:func:`~langchain_gradient._usage.to_usage_metadata` already applies the provider rule:
  Anthropic's ``prompt_tokens`` excludes cached tokens, everyone else's includes them).
  Raw usage bodies are accepted too and converted with that function.
* Uncached input = total input - cache reads - cache writes, billed at the input price;
  cache reads at the cache-read price; cache writes at the cache-write price.
* A cache price that no source gives falls back to the input price (no discount, no
  premium assumed); the estimate's ``notes`` say so.
* Reasoning tokens are part of ``output_tokens`` and billed as output (never twice).
* Media: per image, per (compute) second, per megapixel, per 1,000 characters, per video.
  A unit without a price is fine when the call is billed by tokens (gpt-image-*).
* An unknown model, or a needed price that is unknown, gives ``total_usd=None``: cost
  unknown, never zero and never an exception.

Example:
    >>> est = estimate_cost(
    ...     "anthropic-claude-4.5-sonnet",
    ...     {"input_tokens": 1057, "output_tokens": 100, "total_tokens": 1157,
    ...      "input_token_details": {"cache_creation": 1043}},
    ... )
    >>> round(est.total_usd, 8)  # 14*3 + 1043*3.75 + 100*15, per 1M tokens
    0.00545325
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict, Unpack

from langchain_gradient._usage import is_anthropic_model, to_usage_metadata
from langchain_gradient.catalog.models import ModelInfo

if TYPE_CHECKING:
    from langchain_gradient.catalog.catalog import ModelCatalog

__all__ = ["CostEstimate", "MediaUnits", "estimate_cost"]

_PER_1M = 1_000_000


class MediaUnits(TypedDict, total=False):
    """Media units of one call, each billed at the model's per-unit price."""

    images: int
    seconds: float
    """Compute seconds (fal) or seconds of output."""
    megapixels: float
    characters: int
    videos: int


@dataclass(frozen=True)
class CostEstimate:
    """A call's cost in USD, split by what was billed. ``total_usd is None``: unknown.

    Token counts: ``input_tokens`` is the uncached input; ``reasoning_tokens`` are
    already inside ``output_tokens``.

    Example:
        >>> from langchain_gradient import estimate_cost
        >>> cost = estimate_cost("llama3.3-70b-instruct", {"input_tokens": 1000,
        ...                      "output_tokens": 200, "total_tokens": 1200})
        >>> cost.total_input_tokens
        1000
    """

    model: str
    total_usd: float | None
    input_usd: float = 0.0
    cache_read_usd: float = 0.0
    cache_write_usd: float = 0.0
    output_usd: float = 0.0
    media_usd: float = 0.0
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    notes: tuple[str, ...] = ()

    @property
    def total_input_tokens(self) -> int:
        """Uncached input + cache reads + cache writes."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def known(self) -> bool:
        """True when every needed price was known."""
        return self.total_usd is not None


def _int(mapping: Mapping[str, Any] | None, key: str) -> int:
    value = (mapping or {}).get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


_COUNTED_UNITS = ("images", "characters", "videos")


def _check_media_units(units: Mapping[str, Any]) -> None:
    """Media units are finite numbers; images, characters and videos whole ones."""
    for name, value in units.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
        if name in _COUNTED_UNITS and not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number, got {value!r}")


def _check_token_counts(usage: Any, where: str) -> None:
    """Every count in a usage mapping (nested details too) is a whole number >= 0."""
    if not isinstance(usage, Mapping):
        raise ValueError(f"{where} must be a mapping of token counts, got {type(usage).__name__}")
    for key, value in usage.items():
        here = f"{where}[{key!r}]"
        if isinstance(value, Mapping):
            _check_token_counts(value, here)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, (int, float)):
            if not (math.isfinite(value) and float(value).is_integer()):
                raise ValueError(f"token counts are whole numbers; {here} is {value!r}")
            if value < 0:
                raise ValueError(f"token counts cannot be negative; {here} is {value!r}")
        elif isinstance(value, str) and str(key).endswith("tokens"):
            raise ValueError(f"token counts are whole numbers; {here} is the string {value!r}")


def _resolve(model: str | ModelInfo, catalog: ModelCatalog | None) -> ModelInfo | None:
    if isinstance(model, ModelInfo):
        return model
    if catalog is None:
        from langchain_gradient.catalog.catalog import ModelCatalog

        catalog = ModelCatalog.from_snapshot()
    return catalog.get(model)


def estimate_cost(
    model: str | ModelInfo,
    usage: Mapping[str, Any] | None = None,
    *,
    catalog: ModelCatalog | None = None,
    batch: bool = False,
    **units: Unpack[MediaUnits],
) -> CostEstimate:
    """Estimate what a call cost, from a ``UsageMetadata`` (or a raw usage body) and media units.

    Args:
        model: a model id (looked up in ``catalog``, default the bundled snapshot) or a
            :class:`ModelInfo`.
        usage: langchain-core ``UsageMetadata``, or a chat-completions / Responses usage
            body (converted with the provider rule).
        units: media units (:class:`MediaUnits`: images, seconds, megapixels,
            characters, videos), billed per unit.
        batch: price a Batch API request: with the model's batch prices
            (``ModelInfo.batch_pricing``) only; without them the cost is unknown
            (:mod:`~langchain_gradient.catalog.batch_pricing`), never the real-time price.

    Example:
        >>> estimate_cost("fal-ai/fast-sdxl", seconds=2.0).total_usd
        0.0022
    """
    model_id = model.id if isinstance(model, ModelInfo) else model
    negative = {
        name: value
        for name, value in units.items()
        if isinstance(value, (int, float)) and not value >= 0
    }
    if negative:
        raise ValueError(f"media units must be >= 0, got {negative}")
    _check_media_units(units)
    if usage is not None:
        _check_token_counts(usage, "usage")
    if usage and ("prompt_tokens" in usage or "input_tokens_details" in usage):
        usage = to_usage_metadata(usage, model_id) or {}
    details = (usage or {}).get("input_token_details") or {}
    total_input = _int(usage, "input_tokens")
    cache_read = _int(details, "cache_read")
    cache_write = _int(details, "cache_creation")
    uncached = max(0, total_input - cache_read - cache_write)
    output = _int(usage, "output_tokens")
    reasoning = _int((usage or {}).get("output_token_details"), "reasoning")
    counts = {
        "input_tokens": uncached,
        "cache_read_tokens": cache_read,
        "cache_write_tokens": cache_write,
        "output_tokens": output,
        "reasoning_tokens": reasoning,
    }
    info = _resolve(model, catalog)
    if info is None:
        note = f"unknown model {model_id!r}: cost unknown"
        return CostEstimate(model_id, None, notes=(note,), **counts)

    notes: list[str] = []
    unknown: list[str] = []
    prices = info.pricing
    if batch:
        if info.batch_pricing is None:
            from langchain_gradient.catalog.batch_pricing import batch_price_source

            source = batch_price_source(info)
            note = (
                f"no batch price known for {info.id!r} ({source.source}: {source.note}); "
                "real-time prices are not applied to batch requests"
            )
            return CostEstimate(model_id, None, notes=(note,), **counts)
        prices = info.batch_pricing
        notes.append("priced at batch prices")

    def token_cost(count: int, price: float | None, what: str) -> float:
        if not count:
            return 0.0
        if price is None:
            unknown.append(f"no {what} price known for {info.id!r}")
            return 0.0
        return count * price / _PER_1M

    cache_read_price = prices.cache_read_per_1m
    if cache_read and cache_read_price is None and prices.input_per_1m is not None:
        cache_read_price = prices.input_per_1m
        notes.append("cache reads billed at the input price (no cache-read price known)")
    cache_write_price = prices.cache_write_per_1m
    if cache_write and cache_write_price is None and prices.input_per_1m is not None:
        cache_write_price = prices.input_per_1m
        notes.append("cache writes billed at the input price (no cache-write price known)")
    if reasoning:
        notes.append(f"{reasoning} reasoning tokens billed as output (inside output_tokens)")
    if _int(details, "ephemeral_1h_input_tokens") and is_anthropic_model(info.id):
        notes.append("1h cache writes billed at the 5m cache-write price (no 1h price known)")

    input_usd = token_cost(uncached, prices.input_per_1m, "input")
    read_usd = token_cost(cache_read, cache_read_price, "cache-read")
    write_usd = token_cost(cache_write, cache_write_price, "cache-write")
    output_usd = token_cost(output, prices.output_per_1m, "output")

    media_usd = 0.0
    # Token-metered media models (gpt-image-*) report images too; their tokens are the bill.
    billed_by_tokens = bool(total_input or output) and prices.has_token_prices
    for quantity, price, what in (
        (units.get("images", 0), prices.per_image, "per-image"),
        (units.get("seconds", 0.0), prices.per_second, "per-second"),
        (units.get("megapixels", 0.0), prices.per_megapixel, "per-megapixel"),
        (units.get("characters", 0) / 1000, prices.per_1k_characters, "per-1,000-characters"),
        (units.get("videos", 0), prices.per_video, "per-video"),
    ):
        if quantity and price is not None:
            media_usd += quantity * price
        elif quantity and not billed_by_tokens:
            unknown.append(f"no {what} price known for {info.id!r}")

    total = None if unknown else input_usd + read_usd + write_usd + output_usd + media_usd
    return CostEstimate(
        model=model_id,
        total_usd=total,
        input_usd=input_usd,
        cache_read_usd=read_usd,
        cache_write_usd=write_usd,
        output_usd=output_usd,
        media_usd=media_usd,
        notes=tuple(notes + unknown),
        **counts,
    )
