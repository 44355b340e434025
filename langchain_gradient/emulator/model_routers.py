"""Inference Routers: ``router:<name>`` models with ``X-Model-Affinity``, and the
``/v2/gen-ai/models/routers*`` control-plane routes.

What the sources say (``gradient-api.md`` §13.5, the OpenAPI contract):

* ``model: "router:<name>"`` routes a request; the response's ``model`` names the model
  that answered and the ``x-model-router-selected-route`` header names the route.
* the request header ``X-Model-Affinity: <session key>`` keeps a conversation on one
  model: here the first request with a key picks a route (by the rule below) and every
  later request with the same key, router and access key gets the same model and route.
* ``GET /v2/gen-ai/models/routers`` (``model_routers``, ``links``, ``meta``),
  ``GET /v2/gen-ai/models/routers/{uuid}`` (``model_router``),
  ``GET /v2/gen-ai/models/routers/presets`` (``presets``) and
  ``GET /v2/gen-ai/models/routers/tasks/presets`` (``tasks``), with the contract's field
  names; DigitalOcean API tokens (the emulator's control token) authorize them.

What no source says, and the emulator therefore chooses for itself: which route a
request takes (a prompt asking to reason, prove, calculate or go step by step takes the
route whose name contains ``reason``, else the first route by name), and which presets
exist (DigitalOcean's own preset list is in no source we have; the emulator offers its
own router definitions as presets, so clients can exercise the shape).

Example:
    >>> sorted(router_definitions(EmulatorState()))
    ['default']
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.errors import EmulatorHTTPError
from langchain_gradient.emulator.http_common import (
    RouteAdder,
    context_of,
    json_response,
    state_of,
)
from langchain_gradient.emulator.state import DEFAULT_ROUTES, EmulatorState

BASE = "/v2/gen-ai/models/routers"
AFFINITY_HEADER = "X-Model-Affinity"
_HARD_WORDS = ("step by step", "prove", "reason", "calculate")
_NAMESPACE = uuid.UUID("6f1c8a52-4d1e-4f0b-9a63-2c2b8e6a9d10")
_CREATED = "2026-01-01T00:00:00Z"


def router_definitions(state: EmulatorState) -> dict[str, Mapping[str, str]]:
    """Router name -> {route (task slug): model id}: ``default`` plus the configured ones."""
    return {"default": DEFAULT_ROUTES, **state.config.routers}


def pick_route(
    request: web.Request, name: str, routes: Mapping[str, str], prompt: str
) -> tuple[str, str]:
    """(model id, route) for one ``router:<name>`` request, honouring affinity."""
    state = state_of(request)
    affinity = request.headers.get(AFFINITY_HEADER)
    slot = (context_of(request).api_key or "", name, affinity) if affinity else None
    if slot is not None:
        with state.lock:
            kept = state.router_affinity.get(slot)
        if kept is not None:
            return kept
    names = sorted(routes)
    hard = any(word in prompt.lower() for word in _HARD_WORDS)
    route = next((n for n in names if "reason" in n), names[-1]) if hard else names[0]
    picked = (routes[route], route)
    if slot is not None:
        with state.lock:
            picked = state.router_affinity.setdefault(slot, picked)
    return picked


def authorize_do_token(request: web.Request) -> None:
    """401 unless the bearer token is the emulator's DigitalOcean API (control) token."""
    header = request.headers.get("Authorization", "")
    token = state_of(request).control_token
    if header[:7].lower() != "bearer " or header[7:].strip() != token:
        raise EmulatorHTTPError(401, "Unable to authenticate you.")


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"router:{name}"))


def _config(routes: Mapping[str, str]) -> dict[str, Any]:
    return {
        "policies": [
            {"task_slug": route, "models": [model]} for route, model in sorted(routes.items())
        ],
        "fallback_models": [],
    }


def _router(name: str, routes: Mapping[str, str]) -> dict[str, Any]:
    return {
        "uuid": _uuid(name),
        "name": name,
        "config": _config(routes),
        "regions": [],
        "created_at": _CREATED,
        "updated_at": _CREATED,
    }


def _page(request: web.Request, items: list[Any], key: str) -> dict[str, Any]:
    try:
        page = max(int(request.query.get("page", "1")), 1)
        per_page = max(int(request.query.get("per_page", "20")), 1)
    except ValueError:
        raise EmulatorHTTPError(400, "page and per_page must be integers.") from None
    pages = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    return {
        key: chunk,
        "links": {"pages": {}},
        "meta": {"page": page, "pages": pages, "total": len(items)},
    }


async def handle_list(request: web.Request) -> web.Response:
    authorize_do_token(request)
    routers = [_router(n, r) for n, r in sorted(router_definitions(state_of(request)).items())]
    return json_response(_page(request, routers, "model_routers"))


async def handle_get(request: web.Request) -> web.Response:
    authorize_do_token(request)
    wanted = request.match_info["uuid"]
    for name, routes in router_definitions(state_of(request)).items():
        if wanted in (_uuid(name), name):
            return json_response({"model_router": _router(name, routes)})
    raise EmulatorHTTPError(404, f"No model router with uuid '{wanted}'.")


async def handle_presets(request: web.Request) -> web.Response:
    authorize_do_token(request)
    presets = [
        {
            "slug": name,
            "display_name": name,
            "short_description": "Routes " + ", ".join(f"{t} -> {m}" for t, m in routes.items()),
            "long_description": "",
            "config": _config(routes),
        }
        for name, routes in sorted(router_definitions(state_of(request)).items())
    ]
    return json_response(_page(request, presets, "presets"))


async def handle_task_presets(request: web.Request) -> web.Response:
    authorize_do_token(request)
    tasks: dict[str, set[str]] = {}
    for routes in router_definitions(state_of(request)).values():
        for route, model in routes.items():
            tasks.setdefault(route, set()).add(model)
    items = [
        {"task_slug": slug, "name": slug, "models": sorted(models)}
        for slug, models in sorted(tasks.items())
    ]
    return json_response(_page(request, items, "tasks"))


def add_routes(add: RouteAdder) -> None:
    add("GET", BASE, handle_list)
    add("GET", BASE + "/presets", handle_presets)
    add("GET", BASE + "/tasks/presets", handle_task_presets)
    add("GET", BASE + "/{uuid}", handle_get)
