"""The aiohttp application: routes, auth, rate-limit headers, faults, errors and the log.

The *gateway* wraps every route handler and does the per-request work, in this
order: parse the JSON body; authenticate ``/v1`` routes (401); count the request
against its token's rate limits (:mod:`.ratelimit`); take the matching injected fault; run the
handler; turn :class:`~.errors.EmulatorHTTPError` into the configured error envelope
(unknown routes answer 404, wrong methods 405); add ``ratelimit-*`` and
``x-request-id`` headers; record the request in the log with the key redacted.

Example:
    >>> app = build_app(EmulatorState())  # serve with aiohttp.web.run_app / AppRunner
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any

from aiohttp import web

from langchain_gradient.emulator import (
    agents,
    batches,
    control_plane,
    embeddings,
    gen_ai,
    images,
    jobs,
    knowledge_bases,
    model_catalog,
    model_routers,
    responses,
)
from langchain_gradient.emulator.chat import handle_chat
from langchain_gradient.emulator.conformance import check_request_body, check_response_body
from langchain_gradient.emulator.errors import EmulatorHTTPError, error_body
from langchain_gradient.emulator.faults import Fault
from langchain_gradient.emulator.http_common import (
    CONTEXT,
    STATE,
    Handler,
    RequestContext,
    context_of,
    json_response,
    state_of,
)
from langchain_gradient.emulator.ratelimit import admit_request, fresh_headers
from langchain_gradient.emulator.request_body import check_schemas, read_json_body
from langchain_gradient.emulator.request_log import RequestRecord
from langchain_gradient.emulator.state import EmulatorState

logger = logging.getLogger(__name__)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("x-api-key")


async def handle_models(request: web.Request) -> web.Response:
    """``GET /v1/models``: the models in this key's scope, above-tier ones included.

    The real list includes models the account's tier cannot call; calling them answers
    403 (``gradient-api.md`` §13.6).
    """
    state = state_of(request)
    policy = context_of(request).policy
    data = [
        {"id": m.id, "object": "model", "created": m.created, "owned_by": m.owned_by}
        for m in state.models
        if policy is None or policy.allows(m.id)
    ]
    return json_response({"object": "list", "data": data})


def _error_response(
    state: EmulatorState, error: EmulatorHTTPError, request_id: str
) -> web.Response:
    response = json_response(error_body(error, state.config.error_format, request_id), error.status)
    response.headers.update(error.headers)
    return response


async def _apply_fault(request: web.Request, fault: Fault, body: Any) -> web.StreamResponse | None:
    """Act on ``fault``; return a response to send instead of the handler's, or None."""
    if fault.kind == "status":
        headers = {}
        if fault.retry_after is not None:
            seconds = float(fault.retry_after)
            headers["retry-after"] = str(int(seconds) if seconds.is_integer() else seconds)
        if fault.status_code == 429:
            headers["ratelimit-remaining"] = "0"
        raise EmulatorHTTPError(fault.status_code, fault.message, headers=headers)
    if fault.kind == "slow_first_byte":
        await asyncio.sleep(fault.delay)
        return None
    streaming = isinstance(body, dict) and body.get("stream") is True
    if streaming:
        context_of(request).fault = fault
        return None
    if fault.kind == "malformed_json":
        return web.Response(
            body=b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [',
            content_type="application/json",
        )
    if fault.kind == "disconnect":
        response = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json", "Content-Length": "4096"}
        )
        await response.prepare(request)
        await response.write(b'{"id": "chatcmpl-cut", "object": ')
        if request.transport is not None:
            request.transport.close()
        return response
    raise EmulatorHTTPError(500, fault.message or "The model failed.")


def gateway(handler: Handler) -> Handler:
    """Wrap a route handler with the per-request work (see the module docstring).

    A wrapper per route instead of an aiohttp middleware: it keeps aiohttp's middleware
    machinery off the hot path.
    """

    async def handle(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE]
        started = time.time()
        request_id = os.urandom(16).hex()
        path = request.path
        method = request.method
        body: Any = None
        fault_label = None
        context = RequestContext()
        request[CONTEXT] = context
        rate_headers: dict[str, str] = {}
        try:
            if not getattr(handler, "streams_body", False):
                body = await read_json_body(request, state.config.max_body_bytes)
            if body is not None:
                context.body = body
                check_schemas(path, body)
            if path.startswith("/v1/") and not knowledge_bases.is_retrieve_path(path):
                _authenticate(state, request, context)
            rate_headers = admit_request(state, request, context, body)
            context.headers = {**rate_headers, "x-request-id": request_id}
            if state.config.check_requests:
                check_request_body(method, path, body)
            response: web.StreamResponse | None = None
            request[_PENDING] = (started, None)
            if state.faults.active:
                model = (
                    (body.get("model") or body.get("model_id")) if isinstance(body, dict) else None
                )
                fault = state.faults.take(method, path, model)
                if fault is not None:
                    fault_label = fault.label
                    request[_PENDING] = (started, fault_label)
                    response = await _apply_fault(request, fault, body)
            if response is None:
                response = await handler(request)
        except EmulatorHTTPError as error:
            response = _error_response(state, error, request_id)
            if not rate_headers:  # refused before it was counted (bad JSON, 401)
                rate_headers = fresh_headers(state.config)
        except (ConnectionResetError, asyncio.CancelledError):
            raise  # the client went away; nothing to answer
        except Exception as error:  # a bug in the emulator: say so in the envelope
            logger.exception("gradient emulator: %s %s failed", method, path)
            message = f"The emulator failed: {type(error).__name__}: {error}"
            response = _error_response(state, EmulatorHTTPError(500, message), request_id)
        if state.config.check_responses and isinstance(response, web.Response):
            check_response_body(state, method, path, response.status, response.body)
        if not response.prepared:
            headers = response.headers
            for name, value in rate_headers.items():
                headers.setdefault(name, value)
            headers["x-request-id"] = request_id
        if not request.get(_LOGGED):
            _log(request, response.status, started, fault_label)
        state.log.completed(request.get(_RECORD))
        return response

    return handle


def _model_of(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    model = body.get("model") or body.get("model_id")
    return model if isinstance(model, str) else None


def _authenticate(state: EmulatorState, request: web.Request, context: RequestContext) -> None:
    """401 unless the bearer key is known."""
    key = bearer_token(request)
    policy = state.keys.policy(key)
    if policy is None:
        raise EmulatorHTTPError(401, "Unable to authenticate you.")
    context.api_key = key
    context.policy = policy


_PENDING = "gradient_emulator_pending_log"
_LOGGED = "gradient_emulator_logged"
_RECORD = "gradient_emulator_record"


def _log(request: web.Request, status: int, started: float, fault_label: str | None) -> None:
    request[_LOGGED] = True
    context = request.get(CONTEXT)
    request[_RECORD] = record = RequestRecord(
        request.method,
        request.path,
        getattr(context, "body", None),
        request.headers,
        status,
        started,
        time.time(),
        fault_label,
        request.query,
    )
    request.app[STATE].log.append(record)


async def _log_streamed_response(request: web.Request, response: web.StreamResponse) -> None:
    """Log a streamed response when its headers go out, before its first byte.

    A stream's handler returns only after the last event; logging then would let a client
    that has read ``[DONE]`` look in the log before its own request is there.
    """
    pending = request.get(_PENDING)
    if pending is not None and not request.get(_LOGGED):
        _log(request, response.status, pending[0], pending[1])


def build_app(state: EmulatorState) -> web.Application:
    """The aiohttp application serving every emulated route from ``state``."""
    app = web.Application(client_max_size=64 * 1024**2)
    app[STATE] = state
    app.on_response_prepare.append(_log_streamed_response)
    known: dict[str, set[str]] = {}

    def add(method: str, path: str, handler: Handler) -> None:
        app.router.add_route(method, path, gateway(handler))
        known.setdefault(path, set()).add(method)

    async def unknown_route(request: web.Request) -> web.StreamResponse:
        allowed = known.get(request.path)
        if allowed:
            raise EmulatorHTTPError(
                405, f"{request.method} is not allowed on {request.path}; use {sorted(allowed)}."
            )
        raise EmulatorHTTPError(404, f"{request.method} {request.path}: no such route.")

    add("GET", "/v1/models", handle_models)
    add("POST", "/v1/chat/completions", handle_chat)
    for module in (
        responses,
        images,
        jobs,
        embeddings,
        control_plane,
        model_routers,
        model_catalog,
        knowledge_bases,
        agents,
        batches,
    ):
        module.add_routes(add)
    gen_ai.add_routes(add)
    app.router.add_route("*", "/{tail:.*}", gateway(unknown_route))
    return app
