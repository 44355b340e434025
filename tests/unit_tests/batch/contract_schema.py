"""A small JSON-schema check against DigitalOcean's bundled contract (test helper).

Reads the request/response schemas straight from the OpenAPI file and checks the subset
of JSON Schema the contract uses (type, nullable, enum, required, properties,
additionalProperties, items, oneOf/anyOf/allOf, minLength/pattern). To be replaced by
the shared validator in ``langchain_gradient/emulator/contract/`` once it lands.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

CONTRACT = Path("/work/shared/data/digitalocean-openapi/gradient.openapi.yaml")
_CANDIDATES = [
    CONTRACT,
    Path(__file__).resolve().parents[3] / "shared/data/digitalocean-openapi/gradient.openapi.yaml",
]
_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


@functools.lru_cache(maxsize=1)
def contract() -> dict[str, Any] | None:
    for path in _CANDIDATES:
        if path.exists():
            return yaml.safe_load(path.read_text())
    return None


def request_schema(path: str, method: str = "post") -> dict[str, Any]:
    spec = contract()
    assert spec is not None
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
    return body["schema"]


def response_schema(path: str, method: str, status: str) -> dict[str, Any]:
    spec = contract()
    assert spec is not None
    return spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it conforms)."""
    if value is None and schema.get("nullable"):
        return []
    out: list[str] = []
    for key in ("oneOf", "anyOf"):
        if key in schema:
            matches = [s for s in schema[key] if not errors(value, s, where)]
            if not matches:
                out.append(f"{where}: matches none of {key}")
            return out
    for sub in schema.get("allOf", []):
        out += errors(value, sub, where)
    kind = schema.get("type")
    if kind:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(
            isinstance(value, _TYPES[k])
            and not (k in ("integer", "number") and isinstance(value, bool))
            for k in kinds
            if k in _TYPES
        ) and not (value is None and "null" in kinds):
            return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            out.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{where}: does not match {schema['pattern']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{where}: missing required {name!r}")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                out += errors(item, properties[name], f"{where}.{name}")
            elif extra is False:
                out.append(f"{where}: unexpected property {name!r}")
            elif isinstance(extra, dict):
                out += errors(item, extra, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            out += errors(item, schema["items"], f"{where}[{index}]")
    return out
