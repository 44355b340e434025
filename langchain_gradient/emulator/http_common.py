"""Helpers every route uses: JSON bodies, model checks, SSE writing with stream faults.

Example:
    >>> dumps({"a": 1})
    b'{"a":1}'
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from langchain_gradient.emulator.conformance import check_stream_event
from langchain_gradient.emulator.errors import (
    EmulatorHTTPError,
    bad_request,
    stream_error_body,
    tier_error,
)
from langchain_gradient.emulator.faults import Fault
from langchain_gradient.emulator.keys import KeyPolicy
from langchain_gradient.emulator.models import EmulatedModel
from langchain_gradient.emulator.state import DEFAULT_ROUTES, EmulatorState

STATE: web.AppKey[EmulatorState] = web.AppKey("gradient_emulator_state", EmulatorState)


@dataclass
class RequestContext:
    """What the gateway learned about a request, for the handlers."""

    body: Any = None
    api_key: str | None = None
    policy: KeyPolicy | None = None
    fault: Fault | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """Extra response headers (rate limits, request id, router route)."""


_REQUEST_KEY = getattr(web, "RequestKey", None)
CONTEXT: Any = (
    _REQUEST_KEY("gradient_emulator_context", RequestContext)
    if _REQUEST_KEY is not None
    else "gradient_emulator_context"
)


def context_of(request: web.Request) -> RequestContext:
    """The request's :class:`RequestContext` (created on first use)."""
    context: RequestContext | None = request.get(CONTEXT)
    if context is None:
        context = RequestContext()
        request[CONTEXT] = context
    return context


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_JSON_HEADERS = {"Content-Type": "application/json"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RouteAdder = Callable[[str, str, Handler], None]
"""``add(method, path, handler)``: how route modules register their handlers."""
DONE = b"data: [DONE]\n\n"


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return _ENCODER.encode(value).encode()


def json_response(value: Any, status: int = 200) -> web.Response:
    return web.Response(body=dumps(value), status=status, headers=_JSON_HEADERS)


def state_of(request: web.Request) -> EmulatorState:
    return request.app[STATE]


def body_of(request: web.Request) -> dict[str, Any]:
    """The parsed JSON object body (the gateway parsed it); 400 if it is not an object."""
    body = context_of(request).body
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def require_model(
    request: web.Request,
    model_id: Any,
    kinds: Iterable[str],
    *,
    field: str = "model",
    routed: bool = False,
) -> EmulatedModel:
    """The model for ``model_id`` if it exists, serves this route, and the key may use it.

    Raises 400 (missing or wrong kind), 404 (unknown) or 403 (key scope or tier). A model
    picked by a router (``routed``) is checked for tier only: the key's scope names the router.
    """
    if not isinstance(model_id, str) or not model_id:
        raise bad_request(f"{field} is required.", field)
    state = state_of(request)
    model = state.models.get(model_id)
    if model is None:
        raise EmulatorHTTPError(
            404, f"The model '{model_id}' does not exist or is not available.", param=field
        )
    kinds = tuple(kinds)
    if model.kind not in kinds:
        raise bad_request(
            f"The model '{model_id}' is a {model.kind} model; this route serves "
            f"{', '.join(kinds)} models.",
            field,
        )
    policy = context_of(request).policy
    if routed and policy is not None:
        policy = KeyPolicy(models=None, tier=policy.tier)
    check_access(policy, model_id, model.is_commercial)
    return model


def check_access(policy: KeyPolicy | None, model_id: str, commercial: bool) -> None:
    """403 unless ``policy`` allows ``model_id`` (scope) and its tier allows commercial models."""
    if policy is None:
        return
    if not policy.allows(model_id):
        raise EmulatorHTTPError(
            403, f"This model access key is not allowed to use the model '{model_id}'."
        )
    if not policy.tier_allows(commercial):
        raise tier_error()


def route_model(request: web.Request, model_id: Any, prompt: str) -> tuple[str, str | None]:
    """Resolve ``router:<name>`` to (picked model id, route name); other ids pass through."""
    if not isinstance(model_id, str) or not model_id.startswith("router:"):
        return str(model_id or ""), None
    state = state_of(request)
    name = model_id.removeprefix("router:")
    policy = context_of(request).policy
    if policy is not None and not policy.allows(model_id):
        raise EmulatorHTTPError(
            403, f"This model access key is not allowed to use the router '{name}'."
        )
    routes = dict(state.config.routers.get(name) or DEFAULT_ROUTES)
    if not routes:
        raise EmulatorHTTPError(404, f"The router '{name}' has no routes.")
    from langchain_gradient.emulator.model_routers import pick_route  # imports this module

    return pick_route(request, name, routes, prompt)


def stream_response(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(
        status=200,
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            **context_of(request).headers,
        },
    )
    return response


async def write_sse(
    request: web.Request, events: Iterable[Mapping[str, Any]], *, done: bool = True
) -> web.StreamResponse:
    """Send ``events`` as single-line ``data:`` SSE events, applying any stream fault.

    A client that goes away mid-stream ends the stream quietly.
    """
    response = stream_response(request)
    try:
        return await _write_events(request, response, events, done)
    except ConnectionResetError:
        return response


async def _write_events(
    request: web.Request,
    response: web.StreamResponse,
    events: Iterable[Mapping[str, Any]],
    done: bool,
) -> web.StreamResponse:
    await response.prepare(request)
    fault = context_of(request).fault
    state = state_of(request)
    delay = state.config.stream_event_delay
    check = state.config.check_responses
    for sent, event in enumerate(events):
        if check:
            check_stream_event(state, request.method, request.path, event)
        if fault is not None and sent >= fault.after_events:
            if fault.kind == "disconnect":
                await response.write(b'data: {"id":"cut-')
                if request.transport is not None:
                    request.transport.close()
                return response
            if fault.kind == "stream_error":
                error = stream_error_body(fault.message or "The model failed mid-stream.")
                await response.write(b"data: " + dumps(error) + b"\n\n")
                await response.write_eof()
                return response
            if fault.kind == "malformed_json":
                await response.write(b'data: {"id": "chatcmpl-broken", "choices": [\n\n')
                fault = None
        await response.write(b"data: " + dumps(event) + b"\n\n")
        if delay:
            await asyncio.sleep(delay)
    if done:
        await response.write(DONE)
    await response.write_eof()
    return response
