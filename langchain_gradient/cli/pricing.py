"""``langchain-gradient pricing``: prices per model, with the source and age of each figure.

Prices come from DigitalOcean's public pricing page (no key needed), cached for 24 h;
when the page cannot be fetched or read, from the cache (even stale), else from the
bundled, dated snapshot. The output always says which, and how old the figures are.

Example::

    langchain-gradient pricing --model gpt-oss
    langchain-gradient pricing --no-cache --json
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

import click

from langchain_gradient.catalog.models import Pricing
from langchain_gradient.cli._output import Column, format_usd
from langchain_gradient.cli._session import Session, gradient_command

if TYPE_CHECKING:
    from langchain_gradient.catalog.catalog import ModelCatalog
    from langchain_gradient.catalog.models import FigureSource, ModelInfo

_PRICE_FIELDS = tuple(field.name for field in fields(Pricing))
_MEDIA_UNITS = {
    "per_image": "image",
    "per_second": "second",
    "per_megapixel": "megapixel",
    "per_1k_characters": "1k chars",
    "per_video": "video",
}


def load_prices(*, no_cache: bool, pricing_url: str | None) -> tuple[ModelCatalog, list[str]]:
    """The catalog with the freshest prices available, and any fallback warnings."""
    from langchain_gradient.catalog.catalog import ModelCatalog

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        catalog = ModelCatalog.load(
            live=True, list_models=False, refresh=no_cache, pricing_url=pricing_url
        )
    return catalog, [str(w.message) for w in caught]


def price_source(info: ModelInfo) -> FigureSource | None:
    """Where this model's headline price came from (else its first known price)."""
    headline = info.sources.get("pricing")
    if headline is not None:
        return headline
    for name in _PRICE_FIELDS:
        if getattr(info.pricing, name) is not None:
            found = info.sources.get(f"pricing.{name}")
            if found is not None:
                return found
    return None


def age_days(date: str | None) -> int | None:
    if not date:
        return None
    try:
        return (dt.datetime.now(dt.timezone.utc).date() - dt.date.fromisoformat(date[:10])).days
    except ValueError:
        return None


def price_record(info: ModelInfo) -> dict[str, Any]:
    source = price_source(info)
    date = source.date if source else None
    return {
        "id": info.id,
        "display_name": info.display_name,
        "kind": info.kind,
        "pricing": {k: v for k, v in asdict(info.pricing).items() if v is not None},
        "source": source.source if source else None,
        "source_note": source.note if source else None,
        "date": date,
        "age_days": age_days(date),
    }


def _is_priced(info: ModelInfo) -> bool:
    return any(getattr(info.pricing, name) is not None for name in _PRICE_FIELDS)


def _token_priced(info: ModelInfo) -> bool:
    return info.pricing.input_per_1m is not None or info.pricing.output_per_1m is not None


def _media(info: ModelInfo) -> str | None:
    parts = [
        f"{format_usd(getattr(info.pricing, name))}/{unit}"
        for name, unit in _MEDIA_UNITS.items()
        if getattr(info.pricing, name) is not None
    ]
    return ", ".join(parts) or None


def _usd(value: float | None) -> str | None:
    return None if value is None else format_usd(value)


def describe_origin(catalog: ModelCatalog) -> str:
    age = age_days(catalog.figures_date)
    when = f"{catalog.figures_date} ({age} day{'s' if age != 1 else ''} old)"
    origin = {
        "live": f"fetched just now from DigitalOcean's pricing page ({catalog.figures_date})",
        "cache": f"from the 24 h cache of DigitalOcean's pricing page, fetched {when}",
        "snapshot": f"from the bundled snapshot, newest figure dated {when}",
    }.get(catalog.origin, catalog.origin)
    if catalog.live_failure:
        # Remembered from a recent failed fetch, which warned in full when it happened.
        origin += "; the page was not fetched (it failed recently; --refresh tries now)"
    return origin


@click.command()
@click.option(
    "--model", "-m", "query", metavar="Q", help="Only models whose id or name contains Q."
)
@click.option(
    "--refresh",
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Fetch the pricing page now: skip the 24 h cache and a remembered failure.",
)
@click.option(
    "--pricing-url",
    metavar="URL",
    envvar="GRADIENT_PRICING_URL",
    help="Read prices from this page (markdown or HTML form) instead of DigitalOcean's.",
)
@gradient_command
def pricing(session: Session, query: str | None, no_cache: bool, pricing_url: str | None) -> None:
    """Show model prices (USD) with their source and age; no key needed."""
    catalog, problems = load_prices(no_cache=no_cache, pricing_url=pricing_url)
    needle = (query or "").lower()
    rows = [
        info
        for info in catalog.models()
        if _is_priced(info)
        and (not needle or needle in info.id.lower() or needle in (info.display_name or "").lower())
    ]
    out = session.out
    if not out.json_mode:
        for problem in problems:
            out.warn(problem)
    payload = {
        "origin": catalog.origin,
        "figures_date": catalog.figures_date,
        "age_days": age_days(catalog.figures_date),
        "warnings": problems,
        "live_failure": catalog.live_failure,
        "models": [price_record(info) for info in rows],
    }

    def render() -> None:
        records = [(info, price_record(info)) for info in rows]
        tokens = [(i, r) for i, r in records if _token_priced(i)]
        media = [(i, r) for i, r in records if not _token_priced(i)]
        dated: list[str | Column] = [
            "date",
            Column("age", drop=1),
            Column("source", kind="elide", drop=2),
        ]

        def when(record: dict[str, Any]) -> list[Any]:
            age = record["age_days"]
            return [record["date"], None if age is None else f"{age}d", record["source"]]

        if tokens or not media:
            out.table(
                ["model", "in/1M", "out/1M", "cached/1M", *dated],
                (
                    [
                        info.id,
                        _usd(info.pricing.input_per_1m),
                        _usd(info.pricing.output_per_1m),
                        _usd(info.pricing.cache_read_per_1m),
                        *when(record),
                    ]
                    for info, record in tokens
                ),
                title=f"Gradient token prices, USD: {len(tokens)} model(s)",
                caption=None if media else f"Prices {describe_origin(catalog)}.",
            )
        if media:
            out.table(
                ["model", Column("price", kind="text"), *dated],
                ([info.id, _media(info), *when(record)] for info, record in media),
                title=f"Gradient media prices, USD: {len(media)} model(s)",
                caption=f"Prices {describe_origin(catalog)}.",
            )

    out.result(payload, render)
    if query and not rows:
        out.warn(f"no priced model matches {query!r}; try `langchain-gradient models`.")
