"""The emulator's ``/v2/gen-ai/models/catalog*`` and ``/v2/gen-ai/models/routers*`` routes:
DigitalOcean-token auth, the contract's field names and types, figures from the bundled
catalog, and routers that agree with what ``router:<name>`` requests do.

The schemas below are transcribed from DigitalOcean's OpenAPI contract
(``genai_list_model_catalog``, ``genai_get_model_catalog_card``,
``genai_list_model_routers``, ``genai_get_model_router``,
``genai_list_model_router_presets``, ``genai_list_model_router_task_presets``), with
``additionalProperties: false`` so a field the contract does not name fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_gradient.emulator import GradientEmulator
from langchain_gradient.selection.checks import validate_json

S = {"type": "string"}
N = {"type": "number"}
I = {"type": "integer"}  # noqa: E741
STRINGS = {"type": "array", "items": S}
META = {"type": "object", "properties": {"page": I, "pages": I, "total": I}}
LINKS = {"type": "object", "properties": {"pages": {"type": "object"}}}
_PRICE_FIELDS = [
    "cache_read_input_price_per_million",
    "cache_write_1h_input_price_per_million",
    "cache_write_5m_input_price_per_million",
    "image_cache_read_input_price_per_million",
    "image_input_price_per_million",
    "image_output_price_per_million",
    "input_cache_read",
    "input_price_per_million",
    "output_price_per_million",
    "price_per_audio",
    "price_per_image",
    "price_per_megapixel",
    "price_per_second",
    "price_per_thousand_characters",
    "price_per_video",
    "reasoning_price_per_million",
    "text_cache_read_input_price_per_million",
    "text_input_price_per_million",
    "text_output_price_per_million",
]
PRICING = {"type": "object", "properties": dict.fromkeys(_PRICE_FIELDS, N)}
PROVIDERS = ["MODEL_PROVIDER_DIGITALOCEAN", "MODEL_PROVIDER_ANTHROPIC", "MODEL_PROVIDER_OPENAI"]
ENTRY_FIELDS: dict[str, Any] = {
    "availability": STRINGS,
    "badges": STRINGS,
    "benchmark_score": {"type": "object"},
    "capabilities": STRINGS,
    "context_window": S,
    "created_at": S,
    "creator": S,
    "hugging_face_id": S,
    "id": S,
    "max_output_tokens": S,
    "model_id": S,
    "name": S,
    "parameter_count": N,
    "pricing": PRICING,
    "provider": {"type": "string", "enum": PROVIDERS},
    "scaled_pricing_enabled": {"type": "boolean"},
    "short_description": S,
    "type": S,
}
ENTRY = {"type": "object", "properties": ENTRY_FIELDS, "additionalProperties": False}
CARD = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **ENTRY_FIELDS,
        "modalities": {"type": "object", "properties": {"input": STRINGS, "output": STRINGS}},
        "code_snippets": {"type": "object"},
        "pricing_detail": {"type": "object"},
    },
}
POLICY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "custom_task": {"type": "object"},
        "models": STRINGS,
        "selection_policy": {"type": "object", "properties": {"prefer": S}},
        "task_slug": S,
    },
}
CONFIG = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"fallback_models": STRINGS, "policies": {"type": "array", "items": POLICY}},
}
ROUTER = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "config": CONFIG,
        "created_at": S,
        "name": S,
        "regions": STRINGS,
        "updated_at": S,
        "uuid": S,
    },
}
PRESET = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "config": CONFIG,
        "display_name": S,
        "long_description": S,
        "short_description": S,
        "slug": S,
    },
}
TASK = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "category": S,
        "models": STRINGS,
        "name": S,
        "selection_policy": {"type": "object"},
        "tags": STRINGS,
        "task_slug": S,
    },
}


def listing(key: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {key: {"type": "array", "items": item}, "meta": META, "links": LINKS},
    }


@pytest.fixture(scope="module")
def emulator() -> Iterator[GradientEmulator]:
    with GradientEmulator(routers={"support": {"triage": "alibaba-qwen3-32b"}}) as running:
        yield running


def get(emulator: GradientEmulator, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token or emulator.control_token}"}
    return httpx.get(f"{emulator.origin}{path}", headers=headers)


def conforms(value: Any, schema: dict[str, Any]) -> None:
    assert validate_json(value, schema) == []


def test_catalog_lists_bundled_prices_in_the_contract_shape(emulator: GradientEmulator) -> None:
    body = get(emulator, "/v2/gen-ai/models/catalog?limit=500").json()
    conforms(body, {"type": "object", "properties": {"data": {"type": "array", "items": ENTRY}}})
    bundled = json.loads(
        (Path(__file__).parents[3] / "langchain_gradient/catalog/data/models.json").read_text()
    )["models"]
    by_id = {entry["model_id"]: entry for entry in body["data"]}
    model = next(m for m in bundled if m["id"] == "llama3.3-70b-instruct")
    entry = by_id["llama3.3-70b-instruct"]
    assert entry["pricing"]["input_price_per_million"] == model["pricing"]["input_per_1m"]
    assert entry["pricing"]["output_price_per_million"] == model["pricing"]["output_per_1m"]
    assert entry["context_window"] == str(model["context_window"])
    assert "tools" in entry["capabilities"]
    assert by_id["openai-gpt-4o"]["provider"] == "MODEL_PROVIDER_OPENAI"
    assert body["meta"]["total"] == len(body["data"])
    paged = get(emulator, "/v2/gen-ai/models/catalog?page=2&limit=5").json()
    assert [e["model_id"] for e in paged["data"]] == [e["model_id"] for e in body["data"][5:10]]


def test_a_catalog_card_by_uuid_or_model_id(emulator: GradientEmulator) -> None:
    card = get(emulator, "/v2/gen-ai/models/catalog/openai-gpt-4o").json()["data"]
    conforms(card, CARD)
    assert "image" in card["modalities"]["input"]
    again = get(emulator, f"/v2/gen-ai/models/catalog/{card['id']}").json()["data"]
    assert again == card
    missing = get(emulator, "/v2/gen-ai/models/catalog/no-such-model")
    assert missing.status_code == 404


def test_routers_presets_and_tasks_follow_the_contract(emulator: GradientEmulator) -> None:
    routers = get(emulator, "/v2/gen-ai/models/routers").json()
    conforms(routers, listing("model_routers", ROUTER))
    names = {r["name"]: r for r in routers["model_routers"]}
    assert set(names) == {"default", "support"}
    assert names["support"]["config"]["policies"] == [
        {"task_slug": "triage", "models": ["alibaba-qwen3-32b"]}
    ]
    one = get(emulator, f"/v2/gen-ai/models/routers/{names['support']['uuid']}").json()
    conforms(one, {"type": "object", "properties": {"model_router": ROUTER}})
    assert one["model_router"] == names["support"]
    presets = get(emulator, "/v2/gen-ai/models/routers/presets").json()
    conforms(presets, listing("presets", PRESET))
    tasks = get(emulator, "/v2/gen-ai/models/routers/tasks/presets").json()
    conforms(tasks, listing("tasks", TASK))
    assert {t["task_slug"] for t in tasks["tasks"]} >= {"triage"}
    assert get(emulator, "/v2/gen-ai/models/routers/nope").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/v2/gen-ai/models/catalog", "/v2/gen-ai/models/catalog/x", "/v2/gen-ai/models/routers"],
)
def test_a_model_access_key_does_not_authorize_v2(emulator: GradientEmulator, path: str) -> None:
    answer = get(emulator, path, token=emulator.api_key)
    assert answer.status_code == 401


def test_a_router_answers_with_a_model_its_definition_lists(emulator: GradientEmulator) -> None:
    reply = httpx.post(
        f"{emulator.base_url}/chat/completions",
        headers={"Authorization": f"Bearer {emulator.api_key}"},
        json={"model": "router:support", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert reply.json()["model"] == "alibaba-qwen3-32b"
    assert reply.headers["x-model-router-selected-route"] == "triage"
