"""Batch prices: what a Batch API request costs, and the source of that figure.

DigitalOcean bills Batch API requests below real-time prices but publishes no discount
(``gradient-api.md`` §13.2, from its "use batch inference" how-to and its "Introducing
batch inference" blog). Its contract does name where a batch price would be stated: a
model's catalog card (``GET /v2/gen-ai/models/catalog/{id}``, DigitalOcean API token)
carries ``pricing_detail.variants[]``, each with a billing ``mode``;
``MODEL_BILLING_MODE_BATCH`` is "Discounted pricing for asynchronous batch requests".
So:

* :attr:`ModelInfo.batch_pricing <langchain_gradient.catalog.models.ModelInfo>` is
  ``None`` (unknown) in the bundled snapshot; :func:`batch_price_source` says why
  (:data:`UNKNOWN_BATCH_PRICE`);
* :func:`load_batch_prices` reads the cards of the models you batch and fills it
  wherever DigitalOcean states a batch variant (source: the live catalog card);
* ``estimate_cost(..., batch=True)`` and :func:`~langchain_gradient.get_gradient_callback`
  price batch results with it only: an unknown batch price is an unknown cost, never a
  guessed discount and never the real-time price.

Example:
    >>> from langchain_gradient import ModelCatalog
    >>> info = ModelCatalog.load()["openai-gpt-4o-mini"]
    >>> info.batch_pricing is None, batch_price_source(info).source
    (True, 'gradient-api.md §13.2')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import SecretStr

from langchain_gradient.catalog.control_api import (
    _PRICE_NAMES,
    API_CATALOG_SOURCE,
    CATALOG_PATH,
    _get,
    require_do_token,
    resolve_api_base,
)
from langchain_gradient.catalog.models import FigureSource, ModelInfo, Pricing

if TYPE_CHECKING:
    import httpx2

    from langchain_gradient.catalog.catalog import ModelCatalog

__all__ = [
    "BATCH_MODE",
    "UNKNOWN_BATCH_PRICE",
    "batch_price_source",
    "batch_prices_from_card",
    "load_batch_prices",
]

BATCH_MODE = "MODEL_BILLING_MODE_BATCH"
_STANDARD_TIERS = (None, "MODEL_PRICING_TIER_UNSPECIFIED", "MODEL_PRICING_TIER_STANDARD")
UNKNOWN_BATCH_PRICE = FigureSource(
    "gradient-api.md §13.2",
    None,
    "DigitalOcean bills Batch API requests below real-time prices and publishes no "
    "discount; unknown until a source (the catalog card's MODEL_BILLING_MODE_BATCH "
    "variant) states it",
)
"""The source of an unknown batch price: why ``ModelInfo.batch_pricing`` is ``None``."""


def batch_price_source(info: ModelInfo) -> FigureSource:
    """Where ``info.batch_pricing`` comes from (or why it is unknown)."""
    return info.sources.get("batch_pricing") or UNKNOWN_BATCH_PRICE


def batch_prices_from_card(card: Mapping[str, Any]) -> Pricing | None:
    """The standard-tier batch variant of a catalog card, as :class:`Pricing`; ``None``
    when the card states no batch prices.

    Example:
        >>> batch_prices_from_card({"pricing_detail": {"variants": [
        ...     {"mode": "MODEL_BILLING_MODE_BATCH", "prices": {
        ...         "input_price_per_million": 0.5, "output_price_per_million": 2}}]}})
        Pricing(input_per_1m=0.5, output_per_1m=2.0)
    """
    detail = card.get("pricing_detail")
    variants = detail.get("variants") if isinstance(detail, Mapping) else None
    for variant in variants if isinstance(variants, list) else []:
        if not isinstance(variant, Mapping) or variant.get("mode") != BATCH_MODE:
            continue
        if variant.get("tier") not in _STANDARD_TIERS:
            continue  # fast mode, long context, BYOK: not the plain batch price
        prices = variant.get("prices")
        if not isinstance(prices, Mapping):
            continue
        found = {
            ours: float(prices[theirs])
            for theirs, ours in _PRICE_NAMES.items()
            if isinstance(prices.get(theirs), (int, float)) and prices[theirs] > 0
        }
        if found:
            return Pricing(**found)
    return None


def load_batch_prices(
    catalog: ModelCatalog,
    model_ids: Iterable[str],
    *,
    do_token: SecretStr | str | None = None,
    api_base: str | None = None,
    timeout: float = 10.0,
    http_client: httpx2.Client | None = None,
) -> ModelCatalog:
    """A copy of ``catalog`` with the batch prices DigitalOcean states for ``model_ids``.

    Reads each model's catalog card; a model whose card has no batch variant keeps
    ``batch_pricing=None`` (its batch cost stays unknown). Needs a DigitalOcean API token
    (``do_token`` or one of the ``DIGITALOCEAN_*TOKEN`` variables).

    Example:
        >>> catalog = load_batch_prices(
        ...     ModelCatalog.load(), ["openai-gpt-5-mini"])  # doctest: +SKIP
        >>> with get_gradient_callback(catalog=catalog) as cb:  # doctest: +SKIP
        ...     job.results()
    """
    from langchain_gradient.catalog.catalog import ModelCatalog

    token = require_do_token(do_token, "Reading batch prices", "do_token")
    base = resolve_api_base(api_base)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    models = {info.id: info for info in catalog}
    for model_id in dict.fromkeys(model_ids):
        info = models.get(model_id)
        if info is None:
            continue
        url = f"{base}{CATALOG_PATH}/{quote(model_id, safe='')}"
        body = _get(url, token, {"model_id": model_id}, timeout, http_client)
        card = body.get("data") if isinstance(body, Mapping) else None
        prices = batch_prices_from_card(card) if isinstance(card, Mapping) else None
        if prices is not None:
            source = FigureSource(API_CATALOG_SOURCE, today, url)
            models[model_id] = replace(
                info, batch_pricing=prices, sources={**info.sources, "batch_pricing": source}
            )
    copy = ModelCatalog(
        models,
        figures_date=catalog.figures_date,
        origin=catalog.origin,
        pricing_problems=catalog.pricing_problems,
    )
    copy.router_presets = list(catalog.router_presets)
    return copy
