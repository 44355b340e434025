"""Validate requests, responses and stream events against DigitalOcean's contract.

Shared by the emulator (every request body; every response in the test mode) and the
tests (every request our classes send). Schemas come from the generated
``contract.json`` with :mod:`.extras` merged in; each is compiled once with
fastjsonschema (it turns a schema into Python code, fast enough for the emulator's hot
path) and cached.

Two strengths for requests: ``strict=False`` is the contract as published (unlisted
fields pass where the contract leaves objects open) plus the extras: what the emulator
accepts. ``strict=True`` also refuses every field that neither the contract nor the
extras list names: what our classes may send.

Example:
    >>> check_request("POST", "/v1/embeddings", {"model": "m", "input": "hi", "dimensions": 8})
    Violation(field='dimensions', rule='additionalProperties', message='...')
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from langchain_gradient.emulator.contract.extras import PENDING, Extra, extras_for

CONTRACT_FILE = Path(__file__).with_name("contract.json")
_ANY: dict[str, Any] = {}


@dataclass(frozen=True)
class Violation:
    """Where a value breaks the contract: the field (``messages[0].role``), the rule, why."""

    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.field or 'the body'}: {self.message} (rule: {self.rule})"

    def __repr__(self) -> str:  # the doctest above shows the field and rule only
        return f"Violation(field={self.field!r}, rule={self.rule!r}, message='...')"


@cache
def load_contract() -> dict[str, Any]:
    """The generated contract (``format_version``, ``definitions``, ``routes``)."""
    data: dict[str, Any] = json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))
    return data


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        return _inline(definitions[ref.rsplit("/", 1)[1]], definitions)
    return {k: v if k in ("enum", "required") else _inline(v, definitions) for k, v in node.items()}


# ----------------------------------------------------------------- routes


@cache
def _route_patterns() -> list[tuple[re.Pattern[str], str, str]]:
    """(regex, method, route key) for every contract route and every extra route."""
    keys = list(load_contract()["routes"])
    keys += [e.route for e in _all_route_extras()]
    patterns = []
    for key in keys:
        method, path = key.split(" ", 1)
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "/?$"
        patterns.append((re.compile(regex), method, key))
    return patterns


def _all_route_extras() -> list[Extra]:
    from langchain_gradient.emulator.contract.extras import EXTRAS

    return [e for e in EXTRAS if e.where == "route"]


@cache
def route_key(method: str, path: str) -> str | None:
    """The contract route (``"POST /v1/chat/completions"``) serving ``method path``, if any."""
    for regex, route_method, key in _route_patterns():
        if route_method == method and regex.match(path):
            return key
    return None


def _route(key: str) -> dict[str, Any] | None:
    route: dict[str, Any] | None = load_contract()["routes"].get(key)
    if route is None:
        extra = next((e for e in _all_route_extras() if e.route == key), None)
        if extra is not None and extra.same_as:
            route = load_contract()["routes"][extra.same_as]
    return route


# ----------------------------------------------------------------- merging extras


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """``node`` and the branches of its anyOf/oneOf/allOf (recursively)."""
    found = [node]
    for combinator in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(combinator, []):
            found += _branches(branch)
    return found


def _targets(node: dict[str, Any], segments: list[str]) -> list[dict[str, Any]]:
    """The object schemas that hold the last segment of a dotted ``field`` path."""
    if not segments:
        return [b for b in _branches(node) if "properties" in b or b.get("type") == "object"]
    head, rest = segments[0], segments[1:]
    is_array = head.endswith("[]")
    name = head.removesuffix("[]")
    found: list[dict[str, Any]] = []
    for branch in _branches(node):
        child = branch.get("properties", {}).get(name)
        if child is None:
            continue
        if is_array:
            for sub in _branches(child):
                items = sub.get("items")
                if isinstance(items, dict):
                    found += _targets(items, rest)
        else:
            found += _targets(child, rest)
    return found


def _apply_extra(schema: dict[str, Any], extra: Extra) -> dict[str, Any]:
    *parents, last = extra.field.split(".")
    if extra.where == "request" and extra.schema is not None:
        for target in _targets(schema, parents):
            properties = target.setdefault("properties", {})
            added = copy.deepcopy(extra.schema)
            # an extra form of a field the contract has widens it; a new field is added
            properties[last] = {"anyOf": [properties[last], added]} if last in properties else added
    elif extra.where == "optional":
        for target in _targets(schema, parents):
            if last in target.get("required", []):
                target["required"] = [name for name in target["required"] if name != last]
    elif extra.where == "enum":
        for target in _targets(schema, parents):
            for prop in _branches(target.get("properties", {}).get(last, {})):
                if "enum" in prop and extra.schema is not None:
                    prop["enum"] = [*prop["enum"], *extra.schema["enum"]]
    return schema


def _strict(node: Any) -> Any:
    """Close every object schema that names its properties (no unlisted fields)."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: v if k in ("enum", "required") else _strict(v) for k, v in node.items()}
    if "properties" in node:
        out["properties"] = {name: _strict(sub) for name, sub in node["properties"].items()}
        if "additionalProperties" not in node and "allOf" not in node:
            out["additionalProperties"] = False
    return out


# ----------------------------------------------------------------- compiled validators

Check = Callable[[Any], Any]


def _compile(schema: dict[str, Any]) -> Check:
    check: Check = fastjsonschema.compile(schema, use_default=False, use_formats=False)
    return check


@cache
def _compiled(key: str, slot: str, strict: bool = False) -> tuple[Check, ...] | None:
    """Validators for ``slot`` (``request``, ``json:<status>``, ``sse``) of route ``key``:
    the contract's schema first, then the extras' alternatives (any one may accept)."""
    route = _route(key)
    if route is None:
        return None
    definitions = load_contract()["definitions"]
    extras = extras_for(key)
    if slot == "request":
        if route["request"] is None:
            return None
        schema = _inline(route["request"], definitions)
        pending = [] if strict else [e for e in PENDING if e.route == key]
        for extra in [*extras, *pending]:
            if extra.where in ("request", "enum"):
                schema = _apply_extra(schema, extra)
        if strict:
            schema = _strict(schema)
        return (_compile(schema),)
    kind, _, status = slot.partition(":")
    responses = route["responses"]
    entry = responses.get(status) or responses.get("default") or {}
    if kind == "sse":
        entry = responses.get("200", {})
    base = entry.get(kind)
    if base is None:
        return None
    schema = _inline(base, definitions)
    for extra in extras:
        if extra.where in ("enum", "optional"):
            schema = _apply_extra(schema, extra)
    wanted = "event" if kind == "sse" else "response"
    alternatives = [e.schema for e in extras if e.where == wanted and e.schema is not None]
    for extra in extras:
        if extra.where == wanted and extra.same_as:
            other = load_contract()["routes"][extra.same_as]["responses"]["200"][kind]
            alternatives.append(_inline(other, definitions))
    return (_compile(schema), *(_compile(alt) for alt in alternatives))


def _field(path: list[str] | None) -> str:
    text = ""
    for part in (path or [])[1:]:  # drop fastjsonschema's "data"
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text


def _run(checks: tuple[Check, ...] | None, value: Any) -> Violation | None:
    """None if any of ``checks`` accepts ``value``; else the first check's complaint."""
    if not checks:
        return None
    first: Violation | None = None
    for check in checks:
        violation = _one(check, value)
        if violation is None:
            return None
        first = first or violation
    return first


def _one(check: Check, value: Any) -> Violation | None:
    try:
        check(value)
    except fastjsonschema.JsonSchemaValueException as error:
        return _explain(error)
    return None


def _join(parent: str, child: str) -> str:
    if not child:
        return parent
    if not parent:
        return child
    return parent + child if child.startswith("[") else f"{parent}.{child}"


def _explain(error: fastjsonschema.JsonSchemaValueException) -> Violation:
    """A violation that names the field and the rule a user can act on."""
    field = _field(error.path)
    rule = str(error.rule)
    definition = error.definition or {}
    if rule == "required" and isinstance(error.value, dict):
        missing = [name for name in error.rule_definition or [] if name not in error.value]
        if missing:
            name = _join(field, missing[0])
            return Violation(name, rule, f"{name} is required")
    if rule == "additionalProperties" and isinstance(error.value, dict):
        unknown = sorted(set(error.value) - set(definition.get("properties", {})))
        if unknown:
            name = _join(field, unknown[0])
            return Violation(name, rule, f"{name} is not a field of this request")
    if rule in ("oneOf", "anyOf") and isinstance(error.rule_definition, list):
        best = _best_branch(error.rule_definition, error.value)
        if best is not None:
            name = _join(field, best.field)
            subject = best.field or "the body"
            message = best.message
            if message.startswith(subject):
                message = (name or "the body") + message[len(subject) :]
            return Violation(name, best.rule, message)
    message = error.message.replace(error.name or "data", field or "the body", 1)
    return Violation(field, rule, message)


def _best_branch(branches: list[Any], value: Any) -> Violation | None:
    """The complaint of the branch that got furthest into ``value`` (its type matched)."""
    found: list[Violation] = []
    for branch in branches:
        if not isinstance(branch, dict):
            continue
        violation = _one(_compile_cached(json.dumps(branch, sort_keys=True)), value)
        if violation is None:
            return None  # several branches matched (oneOf): nothing more precise to say
        found.append(violation)
    typed = [v for v in found if not (v.field == "" and v.rule == "type")]
    if not typed:
        kinds = [s.get("type") for b in branches if isinstance(b, dict) for s in _branches(b)]
        names = sorted(
            {k for kind in kinds for k in ([kind] if isinstance(kind, str) else kind or [])}
        )
        return Violation("", "type", f"the body must be {' or '.join(names)}") if names else None
    return max(typed, key=lambda v: v.field.count(".") + v.field.count("["))


@cache
def _compile_cached(schema_json: str) -> Check:
    return _compile(json.loads(schema_json))


def check_request(method: str, path: str, body: Any, *, strict: bool = False) -> Violation | None:
    """The first way ``body`` breaks its route's request schema (extras allowed), or None."""
    key = route_key(method, path)
    return None if key is None else _run(_compiled(key, "request", strict), body)


def check_response(method: str, path: str, status: int, body: Any) -> Violation | None:
    """The first way a JSON response ``body`` breaks the contract for ``status``, or None."""
    key = route_key(method, path)
    return None if key is None else _run(_compiled(key, f"json:{status}"), body)


def check_event(method: str, path: str, event: Any) -> Violation | None:
    """The first way one streamed ``data:`` event breaks the route's stream schema, or None."""
    key = route_key(method, path)
    return None if key is None else _run(_compiled(key, "sse"), event)
