"""Reading a request body the way a server must: a client's mistake is a 4xx, never a 5xx.

The gateway calls :func:`read_json_body` first thing. It answers, in the configured
error envelope:

* **413** for a body over ``config.max_body_bytes`` (checked on ``Content-Length``
  before reading, and on the bytes read for chunked bodies);
* **400** for a body that does not decode as its ``Content-Encoding`` claims (gzip or
  deflate that is not), that is not UTF-8 JSON, that nests deeper than
  :data:`MAX_JSON_DEPTH`, or that is not a JSON object;
* **400 naming the field** (``tools[0].function.parameters.properties``) for a tool or
  response-format schema that is not a JSON schema: the object itself, ``properties``
  (an object of schemas), ``items``, ``required`` (a list of strings), ``type`` (a
  string or a list of strings), the ``anyOf``/``oneOf``/``allOf`` lists and ``$defs``.

A 5xx then only ever comes from fault injection (or a bug, which says so). Which limits
the real service applies is not documented (``gradient-api.md``); these are the
emulator's, chosen so that real clients never meet them by accident.

Example:
    >>> check_schemas("/v1/chat/completions", {"tools": [{"type": "function",
    ...     "function": {"name": "f", "parameters": {"properties": "x"}}}]})
    Traceback (most recent call last):
    ...
    langchain_gradient.emulator.errors.EmulatorHTTPError: tools[0].function.parameters.properties must be an object mapping property names to JSON schemas; got a string.
"""  # noqa: E501

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from aiohttp import web
from aiohttp.web_exceptions import HTTPRequestEntityTooLarge

from langchain_gradient.emulator.errors import EmulatorHTTPError

MAX_JSON_DEPTH = 128
"""Deepest nesting of objects and arrays a body may have (real tool schemas use < 20)."""
DEFAULT_MAX_BODY_BYTES = 64 * 1024**2

_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "if", "then", "else")


async def read_json_body(request: web.Request, max_bytes: int) -> Any:
    """The parsed JSON body (``None`` when empty); a 4xx ``EmulatorHTTPError`` otherwise."""
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes)
    try:
        raw = await request.read()
    except HTTPRequestEntityTooLarge:
        raise _too_large(max_bytes) from None
    except Exception as error:  # aiohttp's payload errors: a body not in its encoding
        if "encoding" in str(error).lower() or type(error).__name__ == "RequestPayloadError":
            encoding = request.headers.get("Content-Encoding", "none")
            raise EmulatorHTTPError(
                400,
                f"The request body could not be decoded as Content-Encoding: {encoding}. "
                "Send it compressed as declared, or without Content-Encoding.",
            ) from None
        raise
    if len(raw) > max_bytes:
        raise _too_large(max_bytes)
    if not raw:
        return None
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise EmulatorHTTPError(
            400, f"The request body must be a JSON object, not a {_json_type(body)}."
        )
    return body


def parse_json(raw: bytes) -> Any:
    """``json.loads`` with a 400 for invalid or over-deep JSON instead of a crash."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as error:
        raise EmulatorHTTPError(400, f"The request body is not valid JSON ({error}).") from None
    # Cheap pre-check: a body with fewer brackets than the limit cannot be too deep.
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth_exceeds(body):
        raise _too_deep()
    return body


def check_schemas(path: str, body: Any) -> None:
    """400 naming the field when a tool or response-format schema is not a JSON schema."""
    if not isinstance(body, dict):
        return
    for where, schema in _schemas_of(path, body):
        _check_schema(schema, where, top=True)


def _schemas_of(path: str, body: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    tools = body.get("tools")
    if isinstance(tools, list):
        for index, tool in enumerate(tools):
            if not isinstance(tool, dict):
                continue
            function = tool.get("function")
            if isinstance(function, dict) and "parameters" in function:
                yield f"tools[{index}].function.parameters", function["parameters"]
            elif "parameters" in tool:  # the flat Responses shape
                yield f"tools[{index}].parameters", tool["parameters"]
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        spec = response_format.get("json_schema")
        if isinstance(spec, dict) and "schema" in spec:
            yield "response_format.json_schema.schema", spec["schema"]
    text = body.get("text")
    if path.endswith("/responses") and isinstance(text, dict):
        fmt = text.get("format")
        if isinstance(fmt, dict) and "schema" in fmt:
            yield "text.format.schema", fmt["schema"]


def _check_schema(schema: Any, where: str, *, top: bool = False) -> None:
    if isinstance(schema, bool) and not top:
        return  # true / false are schemas too (anything / nothing)
    if not isinstance(schema, dict):
        raise _not_schema(where, "a JSON schema object", schema)
    kind = schema.get("type")
    if kind is not None and not (
        isinstance(kind, str) or (isinstance(kind, list) and all(isinstance(t, str) for t in kind))
    ):
        raise _not_schema(f"{where}.type", "a type name or a list of type names", kind)
    required = schema.get("required")
    if required is not None and not (
        isinstance(required, list) and all(isinstance(name, str) for name in required)
    ):
        raise _not_schema(f"{where}.required", "a list of property names", required)
    for key in _SCHEMA_MAPS:
        if key in schema:
            mapping = schema[key]
            if not isinstance(mapping, dict):
                raise _not_schema(
                    f"{where}.{key}", "an object mapping property names to JSON schemas", mapping
                )
            for name, inner in mapping.items():
                _check_schema(inner, f"{where}.{key}.{name}")
    for key in _SCHEMA_LISTS:
        if key in schema:
            options = schema[key]
            if not isinstance(options, list):
                raise _not_schema(f"{where}.{key}", "a list of JSON schemas", options)
            for index, inner in enumerate(options):
                _check_schema(inner, f"{where}.{key}[{index}]")
    for key in _SCHEMA_ONE:
        if key in schema:
            inner = schema[key]
            if key == "items" and isinstance(inner, list):  # draft-4 tuple form
                for index, item in enumerate(inner):
                    _check_schema(item, f"{where}.items[{index}]")
            else:
                _check_schema(inner, f"{where}.{key}")


def _depth_exceeds(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(current, dict):
            stack.extend((inner, depth + 1) for inner in current.values())
        elif isinstance(current, list):
            stack.extend((inner, depth + 1) for inner in current)
    return False


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "JSON object"
    if isinstance(value, list):
        return "JSON array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _not_schema(where: str, expected: str, got: Any) -> EmulatorHTTPError:
    return EmulatorHTTPError(
        400, f"{where} must be {expected}; got a {_json_type(got)}.", param=where
    )


def _too_large(limit: int) -> EmulatorHTTPError:
    return EmulatorHTTPError(
        413, f"The request body is larger than the limit of {limit} bytes; send less."
    )


def _too_deep() -> EmulatorHTTPError:
    return EmulatorHTTPError(
        400, f"The request body is nested too deeply (limit {MAX_JSON_DEPTH} levels of JSON)."
    )
