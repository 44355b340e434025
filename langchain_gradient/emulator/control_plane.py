"""Control plane: model access keys under ``/v2/gen-ai/models/api_keys``.

Authenticated with the emulator's control token (a DigitalOcean API token stands in
for it), not with a model access key. Routes, as in the seed documents:

* ``POST   /v2/gen-ai/models/api_keys``                 410 Gone: retired, keys are created in
  the control panel (DigitalOcean's contract); :func:`create_key` stands in for the panel
* ``GET    /v2/gen-ai/models/api_keys``                 list (no secrets), ``page`` / ``per_page``
* ``PUT    /v2/gen-ai/models/api_keys/{uuid}``          rename ``{"api_key_uuid", "name"}``
* ``PUT    /v2/gen-ai/models/api_keys/{uuid}/regenerate`` new secret; the old one stops working
* ``DELETE /v2/gen-ai/models/api_keys/{uuid}``          delete; the key stops working

Bodies follow DigitalOcean's ``{"api_key_info": {...}}`` / ``{"api_key_infos": [...],
"links", "meta"}`` shapes. Created keys can call every model.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.errors import EmulatorHTTPError, bad_request
from langchain_gradient.emulator.gen_ai import authorize
from langchain_gradient.emulator.http_common import RouteAdder, body_of, json_response, state_of
from langchain_gradient.emulator.keys import KeyPolicy, new_secret
from langchain_gradient.emulator.state import EmulatorState

BASE = "/v2/gen-ai/models/api_keys"


def _authorize(request: web.Request) -> None:
    authorize(request)  # a DigitalOcean API token, not a model access key


def _public(info: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in info.items() if k != "secret_key"}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name is required and must be a non-empty string.", "name")
    return name.strip()


def _find(request: web.Request) -> dict[str, Any]:
    key_uuid = request.match_info["uuid"]
    info = state_of(request).api_keys.get(key_uuid)
    if info is None:
        raise EmulatorHTTPError(404, f"No model access key with uuid '{key_uuid}'.")
    return info


RETIRED_CREATE_MESSAGE = (
    "resource retired: Creating model API keys through this endpoint is retired. "
    "Go to manage page in the control panel to create a model access key."
)
"""The 410 message of DigitalOcean's contract for ``POST /v2/gen-ai/models/api_keys``."""


async def handle_create(request: web.Request) -> web.Response:
    """Retired route: 410 Gone with the contract's body, after the usual auth."""
    _authorize(request)
    raise EmulatorHTTPError(410, RETIRED_CREATE_MESSAGE, code="gone")


def create_key(state: EmulatorState, name: str) -> dict[str, Any]:
    """Make a key as the control panel would; return its info, secret included."""
    if not name.strip():
        raise ValueError("name must be a non-empty string")
    name = name.strip()
    secret = new_secret()
    key_uuid = str(uuid.uuid4())
    info: dict[str, Any] = {
        "uuid": key_uuid,
        "name": name,
        "created_at": _now(),
        "created_by": "emulator",
        "secret_key": secret,
    }  # no deleted_at until deleted: the contract types it as a string
    with state.lock:
        state.api_keys[key_uuid] = info
    state.keys.add(secret, KeyPolicy(name=name))
    return dict(info)


async def handle_list(request: web.Request) -> web.Response:
    _authorize(request)
    state = state_of(request)
    try:
        page = max(1, int(request.query.get("page", "1")))
        per_page = max(1, min(200, int(request.query.get("per_page", "20"))))
    except ValueError:
        raise bad_request("page and per_page must be integers.") from None
    infos = [_public(info) for info in state.api_keys.values()]
    pages = max(1, -(-len(infos) // per_page))
    shown = infos[(page - 1) * per_page : page * per_page]
    links: dict[str, str] = {}
    if page < pages:
        links["next"] = f"{request.url.with_query(page=page + 1, per_page=per_page)}"
        links["last"] = f"{request.url.with_query(page=pages, per_page=per_page)}"
    return json_response(
        {
            "api_key_infos": shown,
            "links": {"pages": links},
            "meta": {"page": page, "pages": pages, "total": len(infos)},
        }
    )


async def handle_rename(request: web.Request) -> web.Response:
    _authorize(request)
    info = _find(request)
    body = body_of(request)
    given = body.get("api_key_uuid")
    if given is not None and given != info["uuid"]:
        raise bad_request("api_key_uuid in the body does not match the uuid in the path.")
    info["name"] = _name(body)
    return json_response({"api_key_info": _public(info)})


async def handle_regenerate(request: web.Request) -> web.Response:
    _authorize(request)
    state = state_of(request)
    info = _find(request)
    state.keys.remove(info["secret_key"])
    info["secret_key"] = new_secret()
    state.keys.add(info["secret_key"], KeyPolicy(name=info["name"]))
    return json_response({"api_key_info": info})


async def handle_delete(request: web.Request) -> web.Response:
    _authorize(request)
    state = state_of(request)
    info = _find(request)
    state.keys.remove(info["secret_key"])
    with state.lock:
        state.api_keys.pop(info["uuid"], None)
    return json_response({"api_key_info": {**_public(info), "deleted_at": _now()}})


def add_routes(add: RouteAdder) -> None:
    for path in (BASE, BASE + "/"):
        add("POST", path, handle_create)
        add("GET", path, handle_list)
    add("PUT", BASE + "/{uuid}", handle_rename)
    add("PUT", BASE + "/{uuid}/regenerate", handle_regenerate)
    add("DELETE", BASE + "/{uuid}", handle_delete)
