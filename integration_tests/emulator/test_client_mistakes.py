"""The emulator never answers 5xx to a client's mistake (issue 15).

Before, each of these was "500 The emulator failed", which the SDK retried three times
and the client reported as "retries exhausted" instead of the real problem.
"""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from langchain_gradient import ChatGradient, GradientBadRequestError, GradientResponses
from langchain_gradient.emulator import GradientEmulator

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]


def _error(response: Any) -> str:
    return response.text


def test_body_over_the_limit_is_413(http: Any, gradient_emulator: GradientEmulator) -> None:
    limit = gradient_emulator.config.max_body_bytes
    assert limit == 64 * 1024**2
    body = b'{"model": "llama3.3-70b-instruct", "pad": "' + b"x" * (limit + 1) + b'"}'
    response = http.post(CHAT, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413, response.text
    assert str(limit) in response.text


def test_a_chunked_body_over_a_lowered_limit_is_413(
    http: Any, gradient_emulator: GradientEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gradient_emulator.config, "max_body_bytes", 1000)

    def chunks() -> Any:
        yield b'{"model": "llama3.3-70b-instruct", "pad": "'
        yield b"x" * 5000
        yield b'"}'

    response = http.post(CHAT, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413, response.text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"model": "m", "messages": [', "not valid JSON"),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b"[" * 200_000 + b"]" * 200_000, "nested"),
        (b'{"a":' * 300 + b"1" + b"}" * 300, "nested"),
        (b'["not", "an", "object"]', "JSON object"),
        (b'"just a string"', "JSON object"),
    ],
    ids=["cut", "not-utf8", "deep-list", "deep-object", "array", "string"],
)
def test_malformed_or_over_deep_json_is_400(http: Any, body: bytes, fragment: str) -> None:
    response = http.post(CHAT, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert fragment in response.text


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "x-unknown"])
def test_a_body_that_is_not_in_its_claimed_encoding_is_400(http: Any, encoding: str) -> None:
    response = http.post(
        CHAT,
        content=b'{"model": "llama3.3-70b-instruct", "messages": []}',
        headers={"content-type": "application/json", "content-encoding": encoding},
    )
    assert response.status_code in (400, 415), response.text
    assert response.status_code < 500


def test_a_real_gzip_body_is_accepted(http: Any) -> None:
    body = gzip.compress(
        b'{"model": "llama3.3-70b-instruct", "messages": [{"role": "user", "content": "hi"}]}'
    )
    response = http.post(
        CHAT, content=body, headers={"content-type": "application/json", "content-encoding": "gzip"}
    )
    assert response.status_code == 200, response.text


def _tool(parameters: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "f", "parameters": parameters}}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {"tools": [_tool({"type": "object", "properties": "oops"})]},
            "tools[0].function.parameters.properties",
        ),
        ({"tools": [_tool("not a schema")]}, "tools[0].function.parameters"),
        (
            {"tools": [_tool({"type": "object", "properties": {"a": 5}})]},
            "tools[0].function.parameters.properties.a",
        ),
        (
            {"tools": [_tool({"type": "object", "required": "a"})]},
            "tools[0].function.parameters.required",
        ),
        ({"tools": [_tool({"type": 7})]}, "tools[0].function.parameters.type"),
        (
            {
                "tools": [
                    _tool({"type": "object", "properties": {"a": {"type": "array", "items": "x"}}})
                ]
            },
            "tools[0].function.parameters.properties.a.items",
        ),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "x", "schema": {"properties": []}},
                }
            },
            "response_format.json_schema.schema.properties",
        ),
    ],
    ids=[
        "properties-string",
        "schema-string",
        "property-int",
        "required-string",
        "type-int",
        "items-string",
        "response-format",
    ],
)
def test_a_schema_that_is_not_a_json_schema_is_400_naming_the_field(
    http: Any, extra: dict[str, Any], field: str
) -> None:
    body = {"model": "llama3.3-70b-instruct", "messages": MESSAGES, **extra}
    response = http.post(CHAT, json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {"tools": [{"type": "function", "name": "f", "parameters": {"properties": "oops"}}]},
            "tools[0].parameters.properties",
        ),
        (
            {
                "text": {
                    "format": {
                        "type": "json_schema",
                        "name": "x",
                        "schema": {"type": "object", "properties": 1},
                    }
                }
            },
            "text.format.schema.properties",
        ),
    ],
    ids=["tool", "text-format"],
)
def test_responses_schemas_are_checked_too(http: Any, extra: dict[str, Any], field: str) -> None:
    body = {"model": "openai-gpt-oss-120b", "input": "hi", **extra}
    response = http.post("/v1/responses", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


def test_a_valid_tool_schema_still_works(http: Any) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": ["integer", "null"]}},
        "required": ["city"],
        "additionalProperties": False,
    }
    body = {"model": "llama3.3-70b-instruct", "messages": MESSAGES, "tools": [_tool(schema)]}
    assert http.post(CHAT, json=body).status_code == 200


def test_the_client_reports_the_real_problem_without_retrying(
    gradient_emulator: GradientEmulator,
) -> None:
    gradient_emulator.request_log.clear()
    llm = ChatGradient(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, max_retries=2
    )
    bad = {"type": "function", "function": {"name": "f", "parameters": {"properties": "x"}}}
    with pytest.raises(GradientBadRequestError, match="properties"):
        llm.invoke("hi", tools=[bad])
    assert len(gradient_emulator.request_log.records()) == 1  # a 400 is not retried
    responses = GradientResponses(
        api_key=gradient_emulator.api_key, base_url=gradient_emulator.base_url, max_retries=2
    )
    with pytest.raises(GradientBadRequestError):
        responses.invoke("hi", tools=[{"type": "function", "name": "f", "parameters": "x"}])
