"""``langchain-gradient models``: what this key can call, with the catalog's facts.

``GET /v1/models`` returns only ids; the catalog adds context windows, prices and
capabilities. Catalog models the key's listing lacks are marked ``no`` (scoped key,
account tier, or retired); listed ids the catalog lacks are shown with unknown facts.

Example::

    langchain-gradient models --filter llama
    langchain-gradient models --available --json | jq '.[].id'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import click

from langchain_gradient.cli._output import Column, format_usd
from langchain_gradient.cli._session import Session, gradient_command

if TYPE_CHECKING:
    from langchain_gradient.catalog.models import ModelInfo

_CAPABILITY_LABELS = (
    ("tools", "tools"),
    ("structured_output", "json"),
    ("vision", "vision"),
    ("reasoning", "reasoning"),
    ("prompt_caching", "cache"),
    ("responses_api", "responses"),
)


def list_live_models(connection: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``GET /v1/models`` for a key (``connection``: ``base_url`` / ``api_key``, else the
    environment), as ``[{"id", "owned_by"}]``.

    Errors raise (401, 403, unreachable endpoint), unlike the catalog's cached
    refresh, which falls back to older figures with a warning.
    """
    from langchain_gradient._connection import GradientConnection
    from langchain_gradient.cli._plain_get import get_json

    client = GradientConnection(**connection)
    page = get_json(client, "/models")  # a 200 without importing openai; else the SDK
    data = page.get("data") if isinstance(page, dict) else None
    if isinstance(data, list) and all(isinstance(m, dict) and "id" in m for m in data):
        return [{"id": m["id"], "owned_by": m.get("owned_by")} for m in data]
    try:
        page = client.root_client.models.list()
    except Exception as exc:
        raise client._translate_error(exc) from exc
    return [{"id": m.id, "owned_by": getattr(m, "owned_by", None)} for m in page.data]


def merged_models(connection: Mapping[str, Any]) -> list[ModelInfo]:
    """Catalog facts with ``live`` set from this key's listing, sorted by id."""
    from langchain_gradient.catalog.catalog import ModelCatalog

    listed = list_live_models(connection)
    return ModelCatalog.from_snapshot().with_listing(listed).models()


def matches(info: ModelInfo, query: str | None) -> bool:
    """Case-insensitive substring match on id, display name or provider."""
    if not query:
        return True
    needle = query.lower()
    return any(
        needle in (text or "").lower() for text in (info.id, info.display_name, info.provider)
    )


def capability_labels(info: ModelInfo) -> list[str]:
    return [label for name, label in _CAPABILITY_LABELS if getattr(info.capabilities, name)]


def model_record(info: ModelInfo) -> dict[str, Any]:
    """The JSON form of one row."""
    from dataclasses import asdict

    return {
        "id": info.id,
        "kind": info.kind,
        "display_name": info.display_name,
        "provider": info.provider,
        "available": info.live,
        "in_catalog": "id" not in info.sources or info.sources["id"].source != "live_v1_models",
        "context_window": info.context_window,
        "max_output_tokens": info.max_output_tokens,
        "pricing": {k: v for k, v in asdict(info.pricing).items() if v is not None},
        "capabilities": capability_labels(info),
        "status": info.status,
    }


def _tokens(count: int | None) -> str | None:
    """``131k``, ``1M``, ``4096``.

    Example:
        >>> [_tokens(n) for n in (4096, 131_072, 1_000_000, 1_048_576)]
        ['4096', '131k', '1M', '1.05M']
    """
    if count is None:
        return None
    if count >= 1_000_000:
        return f"{count / 1_000_000:.3g}M".replace(".0M", "M")
    return f"{count // 1000}k" if count >= 10_000 else str(count)


def _price(info: ModelInfo) -> str | None:
    p = info.pricing
    if p.input_per_1m is not None or p.output_per_1m is not None:
        return f"{format_usd(p.input_per_1m)} / {format_usd(p.output_per_1m)}"
    for value, unit in (
        (p.per_image, "image"),
        (p.per_second, "second"),
        (p.per_megapixel, "megapixel"),
        (p.per_1k_characters, "1k chars"),
    ):
        if value is not None:
            return f"{format_usd(value)} per {unit}"
    return None


def _access(info: ModelInfo) -> str:
    return {True: "yes", False: "no", None: "?"}[info.live]


def render_table(session: Session, rows: Iterable[ModelInfo], caption: str) -> None:
    rows = list(rows)
    session.out.table(
        [
            "model",
            "kind",
            "context",
            Column("in/out per 1M", kind="text"),
            Column("capabilities", kind="text", drop=1),
            "usable",
        ],
        (
            [
                info.id,
                info.kind,
                _tokens(info.context_window),
                _price(info),
                ", ".join(capability_labels(info)) or None,
                _access(info),
            ]
            for info in rows
        ),
        title=f"{len(rows)} Gradient model(s)",
        caption=caption,
    )


@click.command()
@click.option("--filter", "query", metavar="Q", help="Only ids/names/providers containing Q.")
@click.option("--available", is_flag=True, help="Only models this key can use.")
@gradient_command
def models(session: Session, query: str | None, available: bool) -> None:
    """List models: live ids for this key merged with catalog facts."""
    from langchain_gradient.catalog.snapshot import load_snapshot

    rows = [
        info
        for info in merged_models(session.connection())
        if matches(info, query) and (info.live or not available)
    ]
    snapshot_date = load_snapshot().figures_date
    unusable = sum(1 for info in rows if info.live is False)
    caption = (
        f"usable: listed by /v1/models for this key. {unusable} catalog model(s) marked 'no' "
        f"are not (scoped key, account tier or retired). Prices: bundled snapshot dated "
        f"{snapshot_date}; `langchain-gradient pricing` shows sources and fetches live figures."
    )
    session.out.result(
        [model_record(info) for info in rows], lambda: render_table(session, rows, caption)
    )
