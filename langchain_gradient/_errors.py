"""Errors raised by langchain-gradient, and the one mapping from SDK/HTTP errors to them.

What to catch::

    GradientError                            everything below
    ├── MissingAPIKeyError (ValueError)      no usable key in the argument or environment
    ├── GradientAPIError                     an error status, or a 200 that is not an answer
    │   ├── GradientBadRequestError          400/422 (ModelInvalidRequestError)
    │   │   └── GradientContextOverflowError prompt too long (ContextOverflowError)
    │   ├── GradientAuthenticationError      401 (ModelAuthenticationError)
    │   ├── GradientPermissionDeniedError    403 (ModelPermissionDeniedError)
    │   ├── GradientNotFoundError            404 (ModelNotFoundError)
    │   ├── GradientRateLimitError           429 after retries (ModelRateLimitError)
    │   ├── GradientServerError              5xx after retries (ModelAPIError)
    │   ├── GradientStreamError              error event inside a stream, or a cut stream
│   └── GradientMalformedResponseError   a 200 whose body lacks what an answer needs
    └── GradientConnectionError              endpoint unreachable (ModelConnectionError)
        └── GradientTimeoutError             no answer in time (ModelTimeoutError)

The classes in brackets are langchain-core's provider-neutral errors, so code written
against any LangChain chat model catches ours too. The original ``openai`` exception is
kept as ``__cause__``. No message ever contains the access key.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from langchain_core.exceptions import (
    ContextOverflowError,
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelInvalidRequestError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)


class GradientError(Exception):
    """Base class of every error this package raises on purpose.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("hi")
        ... except GradientError as err:  # every error this package raises on purpose
        ...     print(type(err).__name__, err)
    """


class MissingAPIKeyError(GradientError, ValueError):
    """No usable access key: none passed or set, or one with a space, line break or
    non-ASCII character (which an HTTP header cannot carry).

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient()  # no argument and no MODEL_ACCESS_KEY
        ... except MissingAPIKeyError as err:
        ...     print(err)  # lists the variables it looked at
    """


class GradientAPIError(GradientError):
    """The service answered with an error status.

    Attributes:
        status_code: the HTTP status.
        request_id: the service's request id, when it sent one.
        body: the parsed error body (never contains the key).

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("hi")
        ... except GradientAPIError as err:
        ...     print(err.status_code, err.request_id)
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.body = body


class GradientBadRequestError(GradientAPIError, ModelInvalidRequestError):
    """The request was rejected as invalid (400 or 422).

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("hi", response_format={"type": "nonsense"})
        ... except GradientBadRequestError as err:
        ...     print(err.body)
    """


class GradientContextOverflowError(GradientBadRequestError, ContextOverflowError):
    """The prompt does not fit the model's context window.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("word " * 1_000_000)
        ... except GradientContextOverflowError:
        ...     print("shorten the prompt")
    """


class GradientAuthenticationError(GradientAPIError, ModelAuthenticationError):
    """The key was missing or rejected (401).

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(api_key="expired").invoke("hi")
        ... except GradientAuthenticationError as err:
        ...     print(err)  # names where the key came from, never the key
    """


class GradientPermissionDeniedError(GradientAPIError, ModelPermissionDeniedError):
    """The key may not use this model (403): scope, account tier or VPC.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(model="anthropic-claude-sonnet-4").invoke("hi")
        ... except GradientPermissionDeniedError as err:
        ...     print(err)  # scope, tier or VPC
    """


class GradientNotFoundError(GradientAPIError, ModelNotFoundError):
    """Unknown model, route or job id (404).

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(model="llama3.3-70b-instruc").invoke("hi")
        ... except GradientNotFoundError as err:
        ...     print(err)  # "... Did you mean: llama3.3-70b-instruct?"
    """


class GradientRateLimitError(GradientAPIError, ModelRateLimitError):
    """Rate limited (429), still so after the SDK's retries.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(max_retries=5).invoke("hi")
        ... except GradientRateLimitError as err:
        ...     print(err.request_id)
    """


class GradientServerError(GradientAPIError, ModelAPIError):
    """The service or the model failed (5xx), still so after the SDK's retries.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("hi")
        ... except GradientServerError as err:
        ...     print(err.status_code)
    """


class GradientConnectionError(GradientError, ModelConnectionError):
    """The endpoint could not be reached or the connection broke.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(base_url="http://127.0.0.1:9").invoke("hi")
        ... except GradientConnectionError as err:
        ...     print(err)  # which endpoint could not be reached
    """


class GradientTimeoutError(GradientConnectionError, ModelTimeoutError):
    """The endpoint did not answer within the timeout.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient(timeout=0.5).invoke("Write a long essay")
        ... except GradientTimeoutError:
        ...     print("raise timeout")
    """


class GradientStreamError(GradientAPIError, ModelAPIError):
    """The service sent an error event in the middle of a stream, or the stream ended
    without its terminal signal (cut off). ``partial_text`` holds the text received
    before it broke, when there was any.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     for chunk in ChatGradient().stream("hi"):
        ...         print(chunk.content, end="")
        ... except GradientStreamError as err:
        ...     print("stream broke:", err, err.partial_text)
    """

    partial_text: str = ""


_CONTEXT_OVERFLOW = re.compile(
    r"context[_ ](length|window)|maximum context|too many tokens|prompt is too long"
    r"|input is too long|exceeds? the (model'?s? )?(maximum|context)",
    re.IGNORECASE,
)


_UNKNOWN_MODEL = re.compile(
    r"(unknown|invalid|unsupported|no such) model|model\b.{0,60}\b(not found|does not exist"
    r"|is not supported|not available|unknown)",
    re.IGNORECASE,
)


def error_message_from_body(body: object, fallback: str = "") -> str:
    """Pull the human message out of either documented envelope.

    DigitalOcean's ``{"id", "message", "request_id"}``, OpenAI's
    ``{"error": {"message", ...}}`` and Anthropic's ``{"type": "error", "error": {...}}``
    are all understood; anything else falls back to ``fallback``.
    """
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str) and inner:
            return inner
        if body.get("message"):
            return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()
    return fallback


def _request_id(body: object, headers: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("request_id"), str):
        return str(body["request_id"])
    if headers is not None:
        for name in ("x-request-id", "x-do-request-id", "cf-ray"):
            value = headers.get(name)
            if value:
                return str(value)
    return None


def suggest_models(model: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to ``limit`` known ids that look like ``model``."""
    return difflib.get_close_matches(model, list(known), n=limit, cutoff=0.5)


def translate_error(
    exc: BaseException,
    *,
    model: str | None = None,
    key_source: str | None = None,
    known_models: Iterable[str] | None = None,
) -> BaseException:
    """Map an ``openai`` SDK exception to the matching :class:`GradientError`.

    Exceptions that are not from the SDK come back unchanged. The result is meant
    to be raised ``from exc``.
    """
    import openai  # the SDK is only ever imported once a request is being made

    if isinstance(exc, json.JSONDecodeError):  # the SDK parses bodies and events as is
        return GradientAPIError(
            f"Gradient answered with a body that is not valid JSON ({exc.msg} at "
            f"character {exc.pos}); the response was cut or garbled. Retry the request."
        )
    if isinstance(exc, GradientError) or not isinstance(exc, openai.OpenAIError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return GradientTimeoutError(
            "The Gradient endpoint did not answer in time. Raise `timeout` or check "
            "the endpoint (base_url / INFERENCE_ENDPOINT)."
        )
    if isinstance(exc, openai.APIConnectionError):
        return GradientConnectionError(
            f"Could not reach the Gradient endpoint ({_safe_request_url(exc)}): "
            f"{exc.__cause__ or exc.message}. Check base_url / INFERENCE_ENDPOINT and "
            "your network."
        )
    if not isinstance(exc, openai.APIStatusError):
        if isinstance(exc, openai.APIError):
            return _stream_error(exc)
        return exc

    status = exc.status_code
    body = exc.body
    detail = error_message_from_body(body, fallback=exc.message)
    request_id = _request_id(body, exc.response.headers)
    suffix = f" (request id {request_id})" if request_id else ""
    kwargs: dict[str, Any] = {"status_code": status, "request_id": request_id, "body": body}
    where = f"model {model!r}" if model else "this request"

    if status == 401:
        source = key_source or "the configured key"
        return GradientAuthenticationError(
            f"Gradient rejected the access key from {source} (401: {detail}). "
            "Check that the key is a current Model Access Key for Serverless Inference." + suffix,
            **kwargs,
        )
    if status == 403:
        return GradientPermissionDeniedError(
            f"The access key may not use {where} (403: {detail}). Keys can be scoped to "
            "chosen models, bound to a VPC, or limited by account tier (tiers 1-2 reach "
            "open models only)." + suffix,
            **kwargs,
        )
    if status == 404 or (status in (400, 422) and _UNKNOWN_MODEL.search(detail)):
        # Which status an unknown model gets is undocumented (gradient-api.md §10).
        hint = ""
        if model and known_models is not None:
            close = suggest_models(model, known_models)
            if close:
                hint = " Did you mean: " + ", ".join(close) + "?"
        return GradientNotFoundError(
            f"Not found for {where} ({status}: {detail}).{hint} List the ids your key can "
            "use with `langchain-gradient models`." + suffix,
            **kwargs,
        )
    if status == 429:
        return GradientRateLimitError(
            f"Rate limited on {where} after retries (429: {detail}). Slow down, add a "
            "rate_limiter, or raise max_retries." + suffix,
            **kwargs,
        )
    if status >= 500:
        return GradientServerError(
            f"Gradient failed on {where} ({status}: {detail}); retries were exhausted." + suffix,
            **kwargs,
        )
    if status in (400, 413, 422):
        if _CONTEXT_OVERFLOW.search(detail):
            return GradientContextOverflowError(
                f"The prompt does not fit the context window of {where} ({status}: "
                f"{detail}). Shorten the input or pick a model with a larger context." + suffix,
                **kwargs,
            )
        return GradientBadRequestError(
            f"Gradient rejected the request for {where} ({status}: {detail})." + suffix,
            **kwargs,
        )
    return GradientAPIError(f"Gradient answered {status} for {where}: {detail}." + suffix, **kwargs)


def _stream_error(exc: Any) -> GradientStreamError:
    detail = error_message_from_body(getattr(exc, "body", None), fallback=str(exc))
    return GradientStreamError(
        f"The stream was interrupted by an error from Gradient: {detail}",
        body=getattr(exc, "body", None),
    )


def _safe_request_url(exc: Any) -> str:
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    if url is None:
        return "unknown URL"
    # Only scheme, host and path: a query string could carry anything.
    return f"{url.scheme}://{url.host}{':' + str(url.port) if url.port else ''}{url.path}"


class GradientMalformedResponseError(GradientAPIError, ModelAPIError):
    """A 200 whose body is not an answer: chat without ``choices``, Responses without
    ``output``, images without ``data``, a finished job without ``output``.

    ``usage`` keeps the body's usage (the call may still be billed) and ``request_id``
    the id to quote to support.

    Example:
        >>> from langchain_gradient import ChatGradient
        >>> try:  # doctest: +SKIP
        ...     ChatGradient().invoke("hi")
        ... except GradientMalformedResponseError as err:
        ...     print(err.request_id, err.usage)
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = 200,
        request_id: str | None = None,
        body: object = None,
        usage: object = None,
    ) -> None:
        super().__init__(message, status_code=status_code, request_id=request_id, body=body)
        self.usage = usage


def malformed_response(
    what: str, body: object, *, headers: Any = None, request_id: str | None = None
) -> GradientMalformedResponseError:
    """The error for a 200 body that lacks ``what``; keeps usage and the request id.

    Example:
        >>> err = malformed_response("choices", {"choices": [], "usage": {"total_tokens": 3}})
        >>> err.usage, str(err).split(";")[0]
        ({'total_tokens': 3}, 'Gradient answered 200 without choices')
    """
    request_id = request_id or _request_id(body, headers)
    usage = body.get("usage") if isinstance(body, dict) else None
    detail = error_message_from_body(body, fallback="")
    suffix = f" (request id {request_id})" if request_id else ""
    return GradientMalformedResponseError(
        f"Gradient answered 200 without {what}; the body is not an answer"
        + (f" ({detail[:200]})" if detail else "")
        + ". Retry the call; if it keeps happening, report it with the request id."
        + suffix,
        request_id=request_id,
        body=body,
        usage=usage,
    )


def truncated_stream_error(
    partial_text: str, *, expected: str, request_id: str | None = None
) -> GradientStreamError:
    """The error for a stream that ended without its terminal signal (``expected``).

    Example:
        >>> err = truncated_stream_error("Par", expected="a finish_reason or [DONE]")
        >>> err.partial_text
        'Par'
    """
    received = f"{len(partial_text)} characters of text" if partial_text else "no text"
    error = GradientStreamError(
        f"The stream ended without {expected}: the answer was cut off after {received} "
        "(kept in .partial_text). The connection or a proxy dropped it; retry the call."
        + (f" (request id {request_id})" if request_id else ""),
        request_id=request_id,
    )
    error.partial_text = partial_text
    return error


def unreadable_stream_event(event: object, error: BaseException) -> GradientStreamError:
    """The error for a stream event whose shape this client cannot read.

    Example:
        >>> str(unreadable_stream_event({"choices": 5}, TypeError("not iterable")))[:40]
        'Gradient sent a stream event this clien'
    """
    return GradientStreamError(
        "Gradient sent a stream event this client cannot read "
        f"({type(error).__name__}: {error}); the stream was stopped. Retry the call; if it "
        "keeps happening, report it with the event (in .body).",
        body=event,
    )
