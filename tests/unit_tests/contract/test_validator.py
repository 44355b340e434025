"""The contract validator the emulator and the tests share."""

from __future__ import annotations

import pytest

from langchain_gradient.emulator.contract import (
    EXTRAS,
    check_event,
    check_request,
    check_response,
    route_key,
)

CHAT = ("POST", "/v1/chat/completions")
HI = [{"role": "user", "content": "Hi"}]


def test_routes_match_templates_and_extra_routes() -> None:
    assert route_key("PUT", "/v2/gen-ai/models/api_keys/abc") == (
        "PUT /v2/gen-ai/models/api_keys/{api_key_uuid}"
    )
    assert route_key("GET", "/v1/async-invoke/r1/status") == (
        "GET /v1/async-invoke/{request_id}/status"
    )
    assert route_key("GET", "/v1/nothing") is None


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (
            {"model": "m", "messages": HI, "max_completion_tokens": 50},
            "max_completion_tokens",
            "minimum",
        ),
        (
            {"model": "m", "messages": [{"role": "robot", "content": "x"}]},
            "messages[0].role",
            "enum",
        ),
        ({"messages": HI}, "model", "required"),
        ({"model": "m", "messages": HI, "temperature": 3}, "temperature", "maximum"),
        ({"model": "m", "messages": HI, "stop": ["a"] * 5}, "stop", "maxItems"),
    ],
)
def test_a_violation_names_the_field_and_the_rule(body, field, rule) -> None:
    violation = check_request(*CHAT, body, strict=True)
    assert violation is not None
    assert (violation.field, violation.rule) == (field, rule)
    assert field in str(violation) and rule in str(violation)


def test_documented_extras_pass_and_unlisted_fields_fail_only_when_strict() -> None:
    body = {
        "model": "m",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}}],
            }
        ],
        "reasoning": {"effort": "low"},
        "prompt_cache_retention": "24h",
        "response_format": {"type": "json_object"},
        "parallel_tool_calls": False,
    }
    assert check_request(*CHAT, body, strict=True) is None
    unlisted = {**body, "store": True}
    assert check_request(*CHAT, unlisted) is None  # the contract leaves the object open
    violation = check_request(*CHAT, unlisted, strict=True)
    assert violation is not None and violation.field == "store"
    assert violation.rule == "additionalProperties"


def test_extras_are_checked_too() -> None:
    bad = {"model": "m", "messages": HI, "prompt_cache_retention": "forever"}
    violation = check_request(*CHAT, bad)
    assert violation is not None and violation.field == "prompt_cache_retention"


def test_embeddings_refuse_dimensions_as_the_contract_says() -> None:
    violation = check_request(
        "POST", "/v1/embeddings", {"model": "m", "input": "x", "dimensions": 8}, strict=True
    )
    assert violation is not None
    assert (violation.field, violation.rule) == ("dimensions", "additionalProperties")
    too_many = {"model": "m", "input": ["x"] * 2049}
    assert check_request("POST", "/v1/embeddings", too_many) is not None


def test_responses_and_events_are_checked() -> None:
    assert check_response(*CHAT, 200, {"id": "x"}) is not None
    assert check_response(*CHAT, 401, {"id": "unauthorized", "message": "no"}) is None
    tier = {"error": {"message": "this model is not available for your subscription tier"}}
    assert check_response(*CHAT, 403, tier) is None  # gradient-api.md §13.6
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [],
    }
    assert check_event(*CHAT, chunk) is None
    assert check_event(*CHAT, {**chunk, "object": 3}) is not None


def test_every_extra_names_a_source() -> None:
    for extra in EXTRAS:
        assert extra.source.strip() and extra.note.strip()
        if extra.where != "route":
            assert extra.route == "*" or route_key(*extra.route.split(" ", 1)) == extra.route


def test_the_contract_minimum_of_max_completion_tokens_is_enforced() -> None:
    """Nothing is pending any more: our classes send limits below 256 as max_tokens."""
    from langchain_gradient.emulator.contract.extras import PENDING

    assert all(extra.source.startswith("none: pending") for extra in PENDING)
    body = {"model": "m", "messages": HI, "max_completion_tokens": 50}
    assert check_request(*CHAT, body) is not None
    assert check_request(*CHAT, {**body, "max_completion_tokens": 256}) is None
    assert check_request(*CHAT, {"model": "m", "messages": HI, "max_tokens": 50}) is None


def test_docs_publish_the_extras_list_as_it_is() -> None:
    from pathlib import Path

    from langchain_gradient.emulator.contract.extras import PENDING, markdown_table

    page = (Path(__file__).resolve().parents[3] / "docs" / "contract.md").read_text()
    published = page.split("<!-- extras:start -->\n")[1].split("\n<!-- extras:end -->")[0]
    pending = page.split("<!-- pending:start -->\n")[1].split("\n<!-- pending:end -->")[0]
    assert published == markdown_table()
    assert pending == markdown_table(PENDING)


def test_the_retired_key_creation_route_allows_only_its_410() -> None:
    """DigitalOcean retired ``POST /v2/gen-ai/models/api_keys`` (gradient-api.md §13.1):
    no extra may let the emulator answer it with a new key again."""
    from langchain_gradient.emulator.contract.extras import extras_for

    route = "/v2/gen-ai/models/api_keys"
    assert [e for e in extras_for(f"POST {route}") if e.route != "*"] == []
    new_key = {"api_key_info": {"uuid": "u", "name": "n", "secret_key": "sk-do-x"}}
    assert check_response("POST", route, 200, new_key) is not None
    gone = {"id": "gone", "message": "create keys in the control panel", "request_id": "r"}
    assert check_response("POST", route, 410, gone) is None
