"""``GET /v2/gen-ai/models/catalog`` and ``/v2/gen-ai/models/catalog/{id}``: prices,
context windows and capabilities from the bundled catalog, shaped as DigitalOcean's
contract says (``genai_list_model_catalog`` / ``genai_get_model_catalog_card``).

Shape (the contract's field names): ``{"data": [...], "meta": {page, pages, total}}``
for the list (``page``, ``limit`` query), ``{"data": {...}}`` for one card; each entry
has ``id``, ``model_id``, ``name``, ``provider`` (``MODEL_PROVIDER_DIGITALOCEAN`` /
``_ANTHROPIC`` / ``_OPENAI``), ``context_window`` and ``max_output_tokens`` (int64 as
strings), ``capabilities`` (strings), ``pricing`` (``input_price_per_million``,
``output_price_per_million``, ``cache_read_input_price_per_million``,
``cache_write_5m_input_price_per_million``, ``price_per_image``, ...). The card also
carries ``modalities``. A DigitalOcean API token (the emulator's control token)
authorizes both.

What no source says, and the emulator chooses: the capability strings are the bundled
catalog's own capability names (the contract gives no vocabulary), and ``id`` is a
UUID derived from the model id. Figures the catalog does not know are left out.

Example:
    >>> entry = catalog_entry({"id": "m", "kind": "chat", "pricing": {"input_per_1m": 1}})
    >>> entry["pricing"]
    {'input_price_per_million': 1}
"""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.errors import EmulatorHTTPError
from langchain_gradient.emulator.http_common import RouteAdder, json_response
from langchain_gradient.emulator.model_routers import authorize_do_token
from langchain_gradient.emulator.models import CATALOG_PATH

BASE = "/v2/gen-ai/models/catalog"
_NAMESPACE = uuid.UUID("0b7f2f4e-52a4-4a43-8d0e-6a1b9c3e7f21")
_PRICES = {
    "input_per_1m": "input_price_per_million",
    "output_per_1m": "output_price_per_million",
    "cache_read_per_1m": "cache_read_input_price_per_million",
    "cache_write_per_1m": "cache_write_5m_input_price_per_million",
    "per_image": "price_per_image",
    "per_megapixel": "price_per_megapixel",
    "per_second": "price_per_second",
    "per_1k_characters": "price_per_thousand_characters",
    "per_video": "price_per_video",
}
_MODALITIES = {
    "chat": (["text"], ["text"]),
    "embedding": (["text"], ["embedding"]),
    "image": (["text"], ["image"]),
    "fal_image": (["text"], ["image"]),
    "fal_audio": (["text"], ["audio"]),
    "fal_speech": (["text"], ["audio"]),
}


@lru_cache(maxsize=1)
def _bundled() -> tuple[dict[str, Any], ...]:
    if not CATALOG_PATH.exists():
        return ()
    data = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    models = data.get("models") or []
    return tuple(m for m in models if m.get("status", "active") != "retired")


def _provider(model_id: str) -> str:
    if model_id.startswith("anthropic-") or "claude" in model_id:
        return "MODEL_PROVIDER_ANTHROPIC"
    if model_id.startswith("openai-") and not model_id.startswith("openai-gpt-oss"):
        return "MODEL_PROVIDER_OPENAI"
    return "MODEL_PROVIDER_DIGITALOCEAN"


def catalog_entry(model: dict[str, Any], *, card: bool = False) -> dict[str, Any]:
    """One catalog record as the contract shapes it."""
    model_id = str(model["id"])
    entry: dict[str, Any] = {
        "id": str(uuid.uuid5(_NAMESPACE, model_id)),
        "model_id": model_id,
        "name": model.get("display_name") or model_id,
        "provider": _provider(model_id),
    }
    for field in ("context_window", "max_output_tokens"):
        if isinstance(model.get(field), int):
            entry[field] = str(model[field])
    capabilities = model.get("capabilities") or {}
    entry["capabilities"] = sorted(k for k, v in capabilities.items() if v is True)
    pricing = model.get("pricing") or {}
    entry["pricing"] = {
        name: pricing[ours] for ours, name in _PRICES.items() if pricing.get(ours) is not None
    }
    if card:
        inputs, outputs = _MODALITIES.get(str(model.get("kind")), (["text"], ["text"]))
        if capabilities.get("vision"):
            inputs = [*inputs, "image"]
        entry["modalities"] = {"input": inputs, "output": outputs}
    return entry


async def handle_list(request: web.Request) -> web.Response:
    authorize_do_token(request)
    try:
        page = max(int(request.query.get("page", "1")), 1)
        limit = max(int(request.query.get("limit", "100")), 1)
    except ValueError:
        raise EmulatorHTTPError(400, "page and limit must be integers.") from None
    models = _bundled()
    chunk = models[(page - 1) * limit : page * limit]
    return json_response(
        {
            "data": [catalog_entry(m) for m in chunk],
            "meta": {
                "page": page,
                "pages": max((len(models) + limit - 1) // limit, 1),
                "total": len(models),
            },
        }
    )


async def handle_card(request: web.Request) -> web.Response:
    authorize_do_token(request)
    wanted = {request.match_info["id"], request.query.get("model_id")}
    for model in _bundled():
        entry = catalog_entry(model, card=True)
        if wanted & {entry["id"], entry["model_id"]}:
            return json_response({"data": entry})
    raise EmulatorHTTPError(404, f"No model '{request.match_info['id']}' in the catalog.")


def add_routes(add: RouteAdder) -> None:
    add("GET", BASE, handle_list)
    add("GET", BASE + "/{id}", handle_card)
