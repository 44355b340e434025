"""HTTP errors the emulator answers with, in either documented envelope.

The default is Gradient's ``{"id", "message", "request_id"}``; ``openai`` switches to
``{"error": {"message", "type", "code", "param"}}`` (``gradient-api.md`` §7).

Example:
    >>> error = EmulatorHTTPError(404, "Model 'x' not found.")
    >>> error_body(error, "gradient", "req-1")["id"]
    'not_found'
"""

from __future__ import annotations

from typing import Any, Literal

ErrorFormat = Literal["gradient", "openai"]

_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    422: "unprocessable_entity",
    429: "too_many_requests",
    500: "server_error",
    502: "bad_gateway",
    503: "service_unavailable",
}
_OPENAI_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}
DEFAULT_MESSAGES: dict[int, str] = {
    401: "Unable to authenticate you.",
    429: "API rate limit exceeded.",
    500: "Unexpected server-side error",
    502: "Bad gateway.",
    503: "The model is overloaded. Please retry.",
}


class EmulatorHTTPError(Exception):
    """Raised by handlers; the server turns it into an error response."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.body = body
        """A body seen on the real service, sent as is instead of the configured envelope."""
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Request failed.")
        self.code = code or _CODES.get(status, "error")
        self.param = param
        self.headers = headers or {}
        super().__init__(self.message)


def bad_request(message: str, param: str | None = None) -> EmulatorHTTPError:
    """A 400 that names what to fix."""
    return EmulatorHTTPError(400, message, param=param)


def error_body(error: EmulatorHTTPError, fmt: ErrorFormat, request_id: str) -> dict[str, Any]:
    """The JSON body for ``error`` in envelope ``fmt``."""
    if error.body is not None:
        return error.body
    if fmt == "openai":
        return {
            "error": {
                "message": error.message,
                "type": _OPENAI_TYPES.get(error.status, "api_error"),
                "code": error.code,
                "param": error.param,
            }
        }
    return {"id": error.code, "message": error.message, "request_id": request_id}


TIER_MESSAGE = "this model is not available for your subscription tier"


def tier_error() -> EmulatorHTTPError:
    """The real 403 for a model above the account's tier (``gradient-api.md`` §13.6)."""
    return EmulatorHTTPError(403, TIER_MESSAGE, body={"error": {"message": TIER_MESSAGE}})


def stream_error_body(message: str, status: int = 500) -> dict[str, Any]:
    """The ``data:`` payload of an error inside a stream (the SDKs raise on its ``error`` key)."""
    return {
        "error": {
            "message": message,
            "type": _OPENAI_TYPES.get(status, "api_error"),
            "code": status,
        }
    }
