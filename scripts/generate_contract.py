"""Generate the package's compact contract ``langchain_gradient/emulator/contract/contract.json``.

Input (default: ``digitalocean-openapi/gradient.openapi.yaml`` in the first ``shared/data``
directory found beside the repository or one of its parents): DigitalOcean's published
OpenAPI contract for Gradient inference, every ``$ref`` already resolved.

Output: one JSON file, per ``"METHOD /path"``:

* ``operation``: DigitalOcean's operationId; ``host``: ``inference``, ``agent`` or ``control``;
* ``parameters``: ``{"path"|"query": {name: schema}}`` and ``required`` names;
* ``request``: the JSON request body schema (or null);
* ``responses``: ``{status: {"json": schema, "sse": schema}}`` (``sse`` is the schema of
  one ``data:`` event where the contract types the stream);
* ``headers``: ``{status: [header names]}``.

The schemas are converted from OpenAPI 3.0 to JSON Schema draft 7 (``nullable: true``
becomes a ``null`` type) and stripped of prose and of keywords that do not constrain a
value (``description``, ``example``, ``title``, ``default``, ``deprecated``, ``format``...).
A subschema used more than once is stored once under ``definitions`` and referenced
as ``{"$ref": "#/definitions/<name>"}``. Output is deterministic (sorted keys, no dates);
``generated_from`` records the input's sha256.

Usage::

    python scripts/generate_contract.py              # write the contract
    python scripts/generate_contract.py --check      # exit 1 if it is out of date
    python scripts/generate_contract.py --spec FILE --out FILE
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "langchain_gradient" / "emulator" / "contract" / "contract.json"
SPEC_NAME = "digitalocean-openapi/gradient.openapi.yaml"
FORMAT_VERSION = 1
METHODS = ("get", "post", "put", "patch", "delete")

# Keywords that carry prose or no constraint on a value.
DROPPED = frozenset(
    {
        "description",
        "example",
        "examples",
        "title",
        "summary",
        "default",
        "deprecated",
        "format",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "discriminator",
    }
)
# Keywords whose value is a map of names to subschemas (names are data, not keywords).
NAMED = frozenset({"properties", "patternProperties", "definitions"})
# Only subschemas at least this long (as JSON) are worth a shared definition.
SHARE_MIN_CHARS = 120


def find_default_spec() -> Path:
    """``shared/data/<SPEC_NAME>`` beside the repository or one of its parents."""
    for parent in (REPO, *REPO.parents):
        candidate = parent / "shared" / "data" / SPEC_NAME
        if candidate.is_file():
            return candidate
    return REPO.parent / "shared" / "data" / SPEC_NAME


def to_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as a prose-free JSON Schema draft 7 schema."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED or key.startswith("x-") or key == "nullable":
            continue
        if key in NAMED:
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key in ("enum", "required", "const"):
            out[key] = value
        else:
            out[key] = to_json_schema(value)
    if node.get("nullable") is True:
        out = _nullable(out)
    return out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema and None not in schema["enum"]:
        schema = {**schema, "enum": [*schema["enum"], None]}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _route(path: str, method: str, op: dict[str, Any], path_item: dict[str, Any]) -> dict[str, Any]:
    servers = op.get("servers") or path_item.get("servers") or []
    url = servers[0]["url"] if servers else "https://api.digitalocean.com"
    host = "agent" if "agent_url" in url else ("inference" if "inference" in url else "control")
    parameters: dict[str, dict[str, Any]] = {}
    required: list[str] = []
    for param in [*path_item.get("parameters", []), *op.get("parameters", [])]:
        parameters.setdefault(param["in"], {})[param["name"]] = to_json_schema(
            param.get("schema", {})
        )
        if param.get("required"):
            required.append(param["name"])
    body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    responses: dict[str, dict[str, Any]] = {}
    headers: dict[str, list[str]] = {}
    for status, response in op.get("responses", {}).items():
        content = response.get("content") or {}
        entry: dict[str, Any] = {}
        if "application/json" in content:
            entry["json"] = to_json_schema(content["application/json"].get("schema", {}))
        if "text/event-stream" in content:
            entry["sse"] = to_json_schema(content["text/event-stream"].get("schema", {}))
        responses[str(status)] = entry
        if response.get("headers"):
            headers[str(status)] = sorted(response["headers"])
    return {
        "operation": op.get("operationId"),
        "host": host,
        "parameters": parameters,
        "required_parameters": sorted(required),
        "request": to_json_schema(body["schema"]) if body else None,
        "responses": responses,
        "headers": headers,
    }


def _canonical(node: Any) -> str:
    return json.dumps(node, sort_keys=True, separators=(",", ":"))


def share_repeats(routes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Store every subschema used twice or more once, under ``definitions``."""
    counts: Counter[str] = Counter()

    def count(node: Any) -> None:
        if isinstance(node, dict):
            text = _canonical(node)
            if len(text) >= SHARE_MIN_CHARS:
                counts[text] += 1
            for key, value in node.items():
                if key in NAMED:
                    for sub in value.values():
                        count(sub)
                elif key not in ("enum", "required"):
                    count(value)
        elif isinstance(node, list):
            for item in node:
                count(item)

    schema_slots = [
        schema
        for route in routes.values()
        for schema in [
            route["request"],
            *(s for entry in route["responses"].values() for s in entry.values()),
        ]
        if schema
    ]
    for schema in schema_slots:
        count(schema)
    shared = {text for text, n in counts.items() if n > 1}
    definitions: dict[str, Any] = {}

    def name_of(text: str) -> str:
        return "s" + hashlib.sha256(text.encode()).hexdigest()[:10]

    def replace(node: Any, top: bool = False) -> Any:
        if isinstance(node, list):
            return [replace(item) for item in node]
        if not isinstance(node, dict):
            return node
        text = _canonical(node)
        if text in shared and not top:
            name = name_of(text)
            if name not in definitions:
                definitions[name] = None  # reserve, then fill (children may share too)
                definitions[name] = replace(node, top=True)
            return {"$ref": f"#/definitions/{name}"}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in NAMED:
                out[key] = {n: replace(sub) for n, sub in value.items()}
            elif key in ("enum", "required"):
                out[key] = value
            else:
                out[key] = replace(value)
        return out

    new_routes: dict[str, Any] = {}
    for key, route in routes.items():
        new_route = dict(route)
        new_route["request"] = replace(route["request"]) if route["request"] else None
        new_route["responses"] = {
            status: {kind: replace(schema) for kind, schema in entry.items()}
            for status, entry in route["responses"].items()
        }
        new_routes[key] = new_route
    return new_routes, definitions


def build_contract(spec_path: Path) -> dict[str, Any]:
    """Read the OpenAPI file and return the compact contract as a JSON-ready dict."""
    raw = spec_path.read_bytes()
    spec = yaml.safe_load(raw)
    routes: dict[str, Any] = {}
    for path, path_item in spec["paths"].items():
        for method in METHODS:
            if method in path_item:
                routes[f"{method.upper()} {path}"] = _route(
                    path, method, path_item[method], path_item
                )
    routes, definitions = share_repeats(routes)
    return {
        "format_version": FORMAT_VERSION,
        "generated_from": {
            "generator": "scripts/generate_contract.py",
            "file": SPEC_NAME,
            "openapi": spec.get("openapi"),
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
        "definitions": definitions,
        "routes": routes,
    }


def render(contract: dict[str, Any]) -> str:
    """Serialize deterministically and compactly (sorted keys, one route per line)."""
    lines = ["{"]
    items = [
        ("format_version", contract["format_version"]),
        ("generated_from", contract["generated_from"]),
    ]
    for key, value in items:
        lines.append(f"{json.dumps(key)}:{_canonical(value)},")
    for section in ("definitions", "routes"):
        entries = sorted(contract[section].items())
        lines.append(f"{json.dumps(section)}:{{")
        for i, (name, value) in enumerate(entries):
            comma = "," if i < len(entries) - 1 else ""
            lines.append(f"{json.dumps(name)}:{_canonical(value)}{comma}")
        lines.append("}," if section == "definitions" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=None, help="the bundled OpenAPI yaml")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the contract.json to write")
    parser.add_argument("--check", action="store_true", help="fail if --out is out of date")
    args = parser.parse_args(argv)
    spec = args.spec or find_default_spec()
    if not spec.is_file():
        parser.error(f"{spec} not found; pass --spec FILE")
    text = render(build_contract(spec))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date; run scripts/generate_contract.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(json.loads(text)['routes'])} routes, {len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
