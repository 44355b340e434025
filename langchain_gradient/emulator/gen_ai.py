"""Control plane: ``GET /v2/gen-ai/models`` and ``/v2/gen-ai/regions``; who may call ``/v2``.

``/v2`` routes take a DigitalOcean API token, not a model access key
(``gradient-api.md`` §13.1): the emulator's control token or one of
``EmulatorConfig.api_tokens``. Shapes follow DigitalOcean's contract
(``genai_list_models``, ``genai_list_datacenter_regions``):

* ``/v2/gen-ai/models`` lists the emulator's models as ``{"models", "links", "meta"}``,
  paged with ``page`` / ``per_page``;
* ``/v2/gen-ai/regions`` lists ``EmulatorConfig.regions`` (by default one region, the
  emulator itself) filtered by ``serves_inference`` / ``serves_batch``.

Example:
    >>> authorized_token("Bearer emulator-control-token", ["emulator-control-token"])
    True
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.http_common import RouteAdder, json_response, state_of

_UUIDS = uuid.UUID("6f1d3e52-1c4b-4c1e-9a55-0c0ffee0ca7a")


def authorized_token(header: str, tokens: Iterable[str]) -> bool:
    """True when ``header`` is ``Bearer <one of tokens>``."""
    return header[:7].lower() == "bearer " and header[7:].strip() in set(tokens)


def authorize(request: web.Request) -> None:
    """401 unless the request carries a DigitalOcean API token the emulator knows."""
    state = state_of(request)
    tokens = (state.control_token, *state.config.api_tokens)
    if not authorized_token(request.headers.get("Authorization", ""), tokens):
        raise EmulatorHTTPError(401, "Unable to authenticate you.")


def _int_query(request: web.Request, name: str, default: int) -> int:
    try:
        return max(1, int(request.query.get(name, str(default))))
    except ValueError:
        raise bad_request(f"{name} must be an integer.", name) from None


def _bool_query(request: web.Request, name: str) -> bool | None:
    value = request.query.get(name)
    if value is None:
        return None
    if value.lower() not in ("true", "false"):
        raise bad_request(f"{name} must be true or false.", name)
    return value.lower() == "true"


async def handle_models(request: web.Request) -> web.Response:
    """``GET /v2/gen-ai/models``: the emulator's models, paged."""
    authorize(request)
    state = state_of(request)
    page = _int_query(request, "page", 1)
    per_page = min(_int_query(request, "per_page", 20), 200)
    models = [
        {
            "id": model.id,
            "name": model.id,
            "uuid": str(uuid.uuid5(_UUIDS, model.id)),
            "is_foundational": True,
            "upload_complete": True,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-01-01T00:00:00Z",
        }
        for model in state.models
    ]
    pages = max(1, -(-len(models) // per_page))
    links: dict[str, str] = {}
    if page < pages:
        links["next"] = str(request.url.with_query(page=page + 1, per_page=per_page))
        links["last"] = str(request.url.with_query(page=pages, per_page=per_page))
    return json_response(
        {
            "models": models[(page - 1) * per_page : page * per_page],
            "links": {"pages": links},
            "meta": {"page": page, "pages": pages, "total": len(models)},
        }
    )


async def handle_regions(request: web.Request) -> web.Response:
    """``GET /v2/gen-ai/regions``, filtered by ``serves_inference`` / ``serves_batch``."""
    authorize(request)
    state = state_of(request)
    origin = f"{request.scheme}://{request.host}"
    regions: list[dict[str, Any]] = [
        {
            "region": region,
            "inference_url": origin,
            "stream_inference_url": origin,
            "serves_inference": inference,
            "serves_batch": batch,
        }
        for region, inference, batch in state.config.regions
    ]
    for name in ("serves_inference", "serves_batch"):
        wanted = _bool_query(request, name)
        if wanted is not None:
            regions = [r for r in regions if r[name] is wanted]
    return json_response({"regions": regions})


def add_routes(add: RouteAdder) -> None:
    add("GET", "/v2/gen-ai/models", handle_models)
    add("GET", "/v2/gen-ai/regions", handle_regions)
