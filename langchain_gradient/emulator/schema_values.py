"""Build a value that validates against a JSON schema, filled from prompt hints.

Handles ``type`` (and type lists), ``enum``, ``const``, ``$ref`` / ``$defs``,
``anyOf`` / ``oneOf`` / ``allOf``, nested objects and arrays, ``minimum`` /
``maximum`` / exclusive bounds, ``multipleOf``, ``minLength`` / ``maxLength``,
``pattern``, ``minItems`` / ``maxItems`` / ``uniqueItems`` and the string ``format``
values. Numbers and quoted strings are taken from the prompt, in order, where they
fit; everything else gets a plausible, deterministic value chosen from the field's
name (:mod:`.plausible`): a name for ``customer``, a sentence for ``reason``, a number
inside the bounds. A field's description is never echoed as its value.

Example:
    >>> schema = {"type": "object", "properties": {"input": {"type": "integer"}},
    ...           "required": ["input"]}
    >>> build_value(schema, PromptHints.from_text("magic_function(3)"), topic="magic")
    {'input': 3}
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import Any

from langchain_gradient.emulator.plausible import (
    FORMATS,
    is_prose,
    plausible_number,
    plausible_string,
    sample_pattern,
    string_kind,
)
from langchain_gradient.emulator.prompt_hints import PromptHints, content_words, name_words

_PLACE_OR_NAME = frozenset(
    {
        "location",
        "city",
        "place",
        "country",
        "region",
        "name",
        "style",
        "title",
        "person",
        "company",
        "destination",
        "origin",
        "language",
        "brand",
        "author",
        "state",
        "address",
        "customer",
        "user",
        "topic",
        "subject",
        "category",
        "genre",
        "type",
        "kind",
    }
)
_FREE_TEXT = frozenset(
    {
        "query",
        "question",
        "prompt",
        "text",
        "input",
        "message",
        "content",
        "search",
        "request",
        "instruction",
        "instructions",
        "sentence",
        "body",
    }
)
_MAX_DEPTH = 8


def build_value(
    schema: Mapping[str, Any],
    hints: PromptHints,
    *,
    topic: str,
    include_optional: bool = False,
    any_phrase: bool = True,
) -> Any:
    """A value valid for ``schema``; ``include_optional`` also fills non-required fields.

    ``any_phrase=False`` uses names from the prompt only for name-like fields
    (``location``, ``title``...), not for free text.
    """
    builder = _Builder(schema, hints, topic, include_optional)
    builder.any_phrase = any_phrase
    return builder.value(schema, "value", "", 0)


class _Builder:
    def __init__(
        self, root: Mapping[str, Any], hints: PromptHints, topic: str, include_optional: bool
    ) -> None:
        self.root = root
        self.hints = hints
        self.topic = topic
        self.include_optional = include_optional
        self.text_lower = hints.text.lower()
        self.any_phrase = True
        self.seed = hashlib.sha1(hints.text.encode(), usedforsecurity=False).hexdigest()
        self.picked: str | None = None
        """The latest string taken from the prompt in the object being built (a choice a
        ``reason`` field then explains)."""
        unquoted = _QUOTED_TEXT.sub(" ", hints.text)
        fields = {w for key in _property_names(root) for w in (key.lower(), *name_words(key))}
        self.words = [w for w in content_words(unquoted) if w not in _NOT_TOPIC | fields]

    def value(
        self, schema: Mapping[str, Any], name: str, description: str, depth: int, index: int = 0
    ) -> Any:
        schema = self.resolve(schema)
        description = str(schema.get("description") or description)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.choose_enum(schema["enum"])
        for combinator in ("anyOf", "oneOf"):
            options = schema.get(combinator)
            if isinstance(options, list) and options:
                return self.value(self.pick_option(options), name, description, depth, index)
        if isinstance(schema.get("allOf"), list):
            return self.value(self.merge_all_of(schema), name, description, depth, index)
        kind = self.type_of(schema)
        if depth > _MAX_DEPTH:
            return None if kind == "null" else _EMPTY.get(kind, "")
        if kind == "object":
            return self.object_value(schema, depth)
        if kind == "array":
            return self.array_value(schema, name, description, depth)
        if kind == "integer":
            return self.number_value(schema, name, integer=True)
        if kind == "number":
            return self.number_value(schema, name, integer=False)
        if kind == "boolean":
            if name and self.mentioned(name):
                return True
            default = schema.get("default")
            return default if isinstance(default, bool) else False
        if kind == "null":
            return None
        return self.string_value(schema, name, description, index)

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while isinstance(schema.get("$ref"), str) and seen < _MAX_DEPTH:
            target: Any = self.root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, Mapping) else {}
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **merged} if isinstance(target, Mapping) else merged
            seen += 1
        return schema

    @staticmethod
    def type_of(schema: Mapping[str, Any]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            kind = non_null[0] if non_null else "null"
        if isinstance(kind, str):
            return kind
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"

    def pick_option(self, options: list[Any]) -> Mapping[str, Any]:
        resolved = [self.resolve(o) for o in options if isinstance(o, Mapping)]
        for option in resolved:
            if self.type_of(option) != "null":
                return option
        return resolved[0] if resolved else {}

    def merge_all_of(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = self.resolve(part) if isinstance(part, Mapping) else {}
            for key, val in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **val}
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *val]
                else:
                    merged.setdefault(key, val)
        return merged

    def choose_enum(self, options: list[Any]) -> Any:
        for option in options:
            if isinstance(option, str) and option.lower() in self.text_lower:
                return option
        return options[0]

    def object_value(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        result: dict[str, Any] = {}
        outer_pick, self.picked = self.picked, None
        for prop, sub in properties.items():
            if not isinstance(sub, Mapping):
                sub = {}
            wanted = prop in required or self.include_optional or self.mentioned(prop)
            if not wanted:
                continue
            result[prop] = self.value(sub, prop, "", depth + 1)
        self.picked = outer_pick
        return result

    def array_value(
        self, schema: Mapping[str, Any], name: str, description: str, depth: int
    ) -> list[Any]:
        raw_items = schema.get("items")
        items: Mapping[str, Any] = raw_items if isinstance(raw_items, Mapping) else {}
        minimum = int(schema.get("minItems") or 0)
        maximum = int(schema.get("maxItems") or max(minimum, 1) + 2)
        item_kind = self.type_of(self.resolve(items))
        wanted = max(minimum, 1)
        if item_kind in ("integer", "number"):
            wanted = max(wanted, min(len(self.hints.numbers), maximum))
        elif item_kind == "string" and not items.get("enum"):
            wanted = max(wanted, min(len(self.hints.quoted), maximum))
            if set(name_words(name)) & _LABELS:
                wanted = max(wanted, min(3, len(self.words), maximum))
        values = [
            self.value(items, name, description, depth + 1, index)
            for index in range(min(wanted, maximum))
        ]
        if schema.get("uniqueItems"):
            values = _distinct(values)
        return values

    def number_value(self, schema: Mapping[str, Any], name: str, *, integer: bool) -> int | float:
        low, high = _bounds(schema, integer)
        step = schema.get("multipleOf")
        step = step if isinstance(step, (int, float)) and step > 0 else None

        def fits(number: float) -> bool:
            on_step = step is None or math.isclose(number / step, round(number / step))
            return (not integer or float(number).is_integer()) and low <= number <= high and on_step

        taken = self.hints.take_number(fits)
        if taken is not None:
            return int(taken) if integer else taken
        default = schema.get("default")
        if isinstance(default, (int, float)) and not isinstance(default, bool) and fits(default):
            return default
        candidate = plausible_number(name, low=low, high=high, integer=integer)
        if step is not None:
            multiple = math.ceil(low / step) if math.isfinite(low) else round(candidate / step)
            multiple = max(multiple, round(candidate / step))
            if multiple * step > high:
                multiple = math.floor(high / step)
            candidate = int(multiple * step) if integer else multiple * step
        return candidate

    def string_value(
        self, schema: Mapping[str, Any], name: str, description: str, index: int = 0
    ) -> str:
        fmt = schema.get("format")
        text: str | None = None
        if isinstance(fmt, str) and fmt in FORMATS:
            text = FORMATS[fmt]
            found = _IN_PROMPT[fmt].search(self.hints.text) if fmt in _IN_PROMPT else None
            if found:
                text = found.group()
        elif is_prose(name, description):
            text = self.sentence()
        else:
            text = self.from_prompt(name)
            if text is None:
                text = plausible_string(name, seed=self.seed, index=index)
            if text is None:
                text = self.topic_words(name, index)
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, text):
            text = sample_pattern(pattern) or text
        return _fit_length(text, schema)

    def from_prompt(self, name: str) -> str | None:
        """The prompt's quoted strings and names, for fields whose name says they fit."""
        words = set(name_words(name))
        kind = string_kind(name)
        if kind == "fixed":
            return None
        quoted = self.hints.quoted[0] if self.hints.quoted else None
        if quoted is not None and (kind != "identifier" or not any(c.isspace() for c in quoted)):
            self.picked = self.hints.take_quoted()  # a reason field then explains this choice
            return self.picked
        if kind == "identifier" or words & _LABELS:
            return None
        text = None
        if words & _PLACE_OR_NAME or kind == "name":
            text = self.hints.take_phrase()
        if text is None and words & _FREE_TEXT:
            text = self.hints.text.strip() or None
        if text is None and self.any_phrase:
            text = self.hints.take_phrase()
        return text

    def sentence(self) -> str:
        """One sentence that answers from the request (and names the choice made, if any)."""
        clauses = [" ".join(c.split()) for c in _CLAUSE_SPLIT.split(self.hints.text)]
        clauses = [c for c in clauses if c]
        # the clause that carries the content, not the formatting instruction
        about = [c for c in clauses if not set(content_words(c)) & _FORMAT_WORDS]
        clause = (about or clauses or [""])[0]
        if len(clause) > 100:
            clause = clause[:100].rsplit(" ", 1)[0] + "..."
        clause = clause[:1].lower() + clause[1:]
        if not clause:
            return "Chosen by the emulator's scripted model for this request."
        if self.picked:
            return f"{self.picked} fits this request best: {clause}."
        return f"Based on the request: {clause}."

    def topic_words(self, name: str, index: int) -> str:
        """A word or two of the request: one word per item for ``tags``-like lists."""
        if set(name_words(name)) & _LABELS:
            return self.words[index] if index < len(self.words) else f"label {index + 1}"
        chosen = self.words[index : index + 3] or self.words[:3]
        return " ".join(chosen) if chosen else "example"

    def mentioned(self, prop: str) -> bool:
        spaced = " ".join(name_words(prop))
        return bool(spaced) and (prop.lower() in self.text_lower or spaced in self.text_lower)


_QUOTED_TEXT = re.compile(r"'[^'\n]+'|\"[^\"\n]+\"")
_NOT_TOPIC = frozenset(
    {"say", "tell", "explain", "why", "which", "answer", "json", "return", "reply", "respond"}
    | {"keys", "key", "fields", "field", "object", "format", "give", "write", "output"}
    | {"summarise", "summarize", "describe", "list", "generate", "classify", "extract"}
    | {"translate", "create", "find", "compute", "pick", "choose", "suggest"}
)
_LABELS = frozenset({"tag", "tags", "keyword", "keywords", "label", "labels", "topics", "topic"})
_LABELS = _LABELS | {"category", "categories"}
_CLAUSE_SPLIT = re.compile(r"[.?!:;\n]+")
_FORMAT_WORDS = frozenset({"json", "keys", "key", "fields", "field", "format", "schema"})
_IN_PROMPT = {
    "date": re.compile(r"\b\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b"),
    "email": re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    "uri": re.compile(r"\bhttps?://[^\s'\"<>]+[^\s'\"<>.,;:!?)]"),
}
"""Values of these formats written in the prompt are used as they are."""


def _property_names(schema: Mapping[str, Any]) -> list[str]:
    """Every property name anywhere in ``schema`` (they are not topic words)."""
    names: list[str] = []
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            properties = node.get("properties")
            if isinstance(properties, Mapping):
                names.extend(str(key) for key in properties)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read: leave the value as it is


def _distinct(values: list[Any]) -> list[Any]:
    """Make repeated items distinct (strings get a number; others are dropped)."""
    seen: list[Any] = []
    for value in values:
        if value in seen and isinstance(value, str):
            value = f"{value} {len(seen) + 1}"
        if value not in seen:
            seen.append(value)
    return seen


_EMPTY: dict[str, Any] = {"object": {}, "array": [], "integer": 0, "number": 0, "boolean": False}


def _bounds(schema: Mapping[str, Any], integer: bool) -> tuple[float, float]:
    step = 1 if integer else 1e-6
    low, high = -math.inf, math.inf
    if isinstance(schema.get("minimum"), (int, float)):
        low = schema["minimum"]
    if isinstance(schema.get("exclusiveMinimum"), (int, float)):
        low = max(low, schema["exclusiveMinimum"] + step)
    if isinstance(schema.get("maximum"), (int, float)):
        high = schema["maximum"]
    if isinstance(schema.get("exclusiveMaximum"), (int, float)):
        high = min(high, schema["exclusiveMaximum"] - step)
    if integer:
        low = math.ceil(low) if math.isfinite(low) else low
        high = math.floor(high) if math.isfinite(high) else high
    return low, high


def _fit_length(text: str, schema: Mapping[str, Any]) -> str:
    max_length = schema.get("maxLength")
    min_length = schema.get("minLength")
    if isinstance(max_length, int) and len(text) > max_length:
        text = text[:max_length]
    if isinstance(min_length, int) and len(text) < min_length:
        text = text + "x" * (min_length - len(text))
    return text
