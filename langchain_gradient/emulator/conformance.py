"""The emulator follows DigitalOcean's contract: request bodies in, responses and events out.

* :func:`check_request_body` (every request, from the gateway, after the body is parsed):
  a body that breaks its route's request schema (documented extras allowed, see
  :mod:`.contract.extras`) is a 400 in DigitalOcean's error envelope naming the field
  and the rule.
* :func:`check_response_body` / :func:`check_stream_event` (the test mode,
  ``EmulatorConfig.check_responses``): every JSON response and every stream event the
  emulator sends is checked against the contract's response schemas; a breach is
  logged and kept in ``state.contract_violations`` for the tests to assert on.

Example:
    >>> check_request_body("POST", "/v1/embeddings", {"model": "m", "input": "hi"})
"""

from __future__ import annotations

import json
import logging
from typing import Any

from langchain_gradient.emulator.contract.validator import (
    check_event,
    check_request,
    check_response,
)
from langchain_gradient.emulator.errors import EmulatorHTTPError
from langchain_gradient.emulator.state import EmulatorState

logger = logging.getLogger(__name__)


def check_request_body(method: str, path: str, body: Any) -> None:
    """Raise a 400 naming the field and the rule if ``body`` breaks the route's schema."""
    if method == "GET" or method == "DELETE":
        return
    violation = check_request(method, path, body)
    if violation is not None:
        message = f"Invalid request: {violation}."
        anthropic = None
        if path.rstrip("/") == "/v1/messages":  # the Anthropic envelope there (§7)
            error = {"type": "invalid_request_error", "message": message}
            anthropic = {"type": "error", "error": error}
        raise EmulatorHTTPError(
            400, message, code="bad_request", param=violation.field or None, body=anthropic
        )


def _record(state: EmulatorState, what: str, problem: object) -> None:
    message = f"{what}: {problem}"
    logger.error("gradient emulator broke the contract: %s", message)
    with state.lock:
        state.contract_violations.append(message)


def check_response_body(
    state: EmulatorState, method: str, path: str, status: int, body: object
) -> None:
    """Record a JSON response ``body`` that breaks the contract for ``status``."""
    if not isinstance(body, (bytes, bytearray)):
        return
    try:
        value = json.loads(body)
    except ValueError:
        return  # not JSON (a file, or an injected malformed body)
    violation = check_response(method, path, status, value)
    if violation is not None:
        _record(state, f"{method} {path} -> {status}", violation)


def check_stream_event(state: EmulatorState, method: str, path: str, event: Any) -> None:
    """Record one streamed ``data:`` event that breaks the route's stream schema."""
    violation = check_event(method, path, event)
    if violation is not None:
        _record(state, f"{method} {path} (stream event)", violation)
