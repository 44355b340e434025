"""scripts/generate_contract.py: the package's contract is reproducible from DigitalOcean's file."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]
CONTRACT = REPO / "langchain_gradient" / "emulator" / "contract" / "contract.json"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_contract", REPO / "scripts" / "generate_contract.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
SPEC = gen.find_default_spec()


@pytest.mark.skipif(not SPEC.is_file(), reason="../shared/data is not available")
def test_committed_contract_is_reproducible() -> None:
    assert gen.main(["--check", "--spec", str(SPEC), "--out", str(CONTRACT)]) == 0


@pytest.mark.skipif(not SPEC.is_file(), reason="../shared/data is not available")
def test_check_fails_on_a_stale_contract(tmp_path: Path) -> None:
    stale = tmp_path / "contract.json"
    stale.write_text(CONTRACT.read_text().replace('"minimum":256', '"minimum":1'))
    assert gen.main(["--check", "--spec", str(SPEC), "--out", str(stale)]) == 1


def test_contract_is_prose_free_and_small() -> None:
    text = CONTRACT.read_text()
    assert len(text) < 100_000
    data = json.loads(text)

    def keywords(node: object) -> set[str]:
        if isinstance(node, dict):
            found = set()
            for key, value in node.items():
                if key == "properties":
                    for sub in value.values():
                        found |= keywords(sub)
                else:
                    found.add(key)
                    found |= keywords(value)
            return found
        if isinstance(node, list):
            return set().union(*(keywords(item) for item in node)) if node else set()
        return set()

    used = keywords(data["routes"]) | keywords(data["definitions"])
    assert not used & {"description", "example", "examples", "nullable", "title", "summary"}


def test_openapi_nullable_becomes_a_json_schema_null_type() -> None:
    assert gen.to_json_schema({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert gen.to_json_schema({"enum": ["a"], "type": "string", "nullable": True}) == {
        "enum": ["a", None],
        "type": ["string", "null"],
    }
    assert gen.to_json_schema({"oneOf": [{"type": "string"}], "nullable": True}) == {
        "anyOf": [{"oneOf": [{"type": "string"}]}, {"type": "null"}]
    }


def test_every_route_of_the_contract_is_there() -> None:
    routes = json.loads(CONTRACT.read_text())["routes"]
    assert {"POST /v1/chat/completions", "POST /v1/responses", "GET /v2/gen-ai/regions"} <= set(
        routes
    )
    chat = routes["POST /v1/chat/completions"]
    assert chat["host"] == "inference" and set(chat["responses"]["200"]) == {"json", "sse"}
    assert chat["headers"]["200"] == ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]
