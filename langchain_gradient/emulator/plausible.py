"""Plausible stand-in values for a JSON-schema field, chosen from its name, never its description.

:mod:`.schema_values` takes values from the prompt first; what the prompt does not give
comes from here: a name-like string for ``name``, a city for ``city``, a sentence for
``reason`` or ``summary``, a number inside the field's bounds that suits its name, and a
string that matches a ``pattern``. Everything is deterministic: the same field, prompt
and position always give the same value.

Example:
    >>> plausible_string("customer_email", seed="x")
    'alex.morgan@example.com'
    >>> plausible_number("age", low=0, high=150, integer=True)
    35
    >>> sample_pattern(r"^[A-Z]{3}-\\d{4}$")
    'AAA-0000'
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from langchain_gradient.emulator.prompt_hints import name_words

PROSE = frozenset(
    {
        "reason",
        "reasoning",
        "rationale",
        "explanation",
        "explain",
        "justification",
        "why",
        "summary",
        "description",
        "comment",
        "comments",
        "note",
        "notes",
        "details",
        "detail",
        "answer",
        "response",
        "reply",
        "feedback",
        "analysis",
        "conclusion",
        "recommendation",
        "advice",
        "sentence",
        "paragraph",
        "overview",
        "review",
    }
)
"""Field-name words that ask for a sentence, not a short value."""

# (words any of which the field name contains, value); the first row that matches wins
_STRINGS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"email", "mail"}), "alex.morgan@example.com"),
    (frozenset({"phone", "telephone", "mobile"}), "+1-555-0100"),
    (frozenset({"url", "uri", "link", "website", "homepage", "href"}), "https://example.com"),
    (frozenset({"username", "login", "handle"}), "alex.morgan"),
    (frozenset({"first", "given"}), "Alex"),
    (frozenset({"last", "surname", "family"}), "Morgan"),
    (
        frozenset({"name", "person", "author", "customer", "user", "owner", "contact"}),
        "Alex Morgan",
    ),
    (frozenset({"company", "organization", "organisation", "brand", "vendor"}), "Acme Corp"),
    (frozenset({"city", "location", "place", "destination", "origin", "town"}), "Lisbon"),
    (frozenset({"country", "nation"}), "Portugal"),
    (frozenset({"street", "address"}), "1 Main Street"),
    (frozenset({"zip", "postal", "postcode"}), "94105"),
    (frozenset({"language", "lang", "locale"}), "English"),
    (frozenset({"currency"}), "USD"),
    (frozenset({"color", "colour"}), "blue"),
    (frozenset({"sentiment", "tone", "mood"}), "neutral"),
    (frozenset({"status", "state"}), "active"),
    (frozenset({"priority", "severity", "level"}), "medium"),
    (frozenset({"date", "day", "birthday", "deadline", "due"}), "2026-01-15"),
    (frozenset({"time", "hour"}), "09:30"),
    (frozenset({"version"}), "1.0.0"),
)
_IDENTIFIERS = frozenset({"id", "uuid", "identifier", "key", "code", "sku", "ref", "reference"})

FORMATS: dict[str, str] = {
    "date": "2026-01-15",
    "date-time": "2026-01-15T09:30:00Z",
    "time": "09:30:00Z",
    "email": "alex.morgan@example.com",
    "idn-email": "alex.morgan@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "iri-reference": "https://example.com",
    "uri-template": "https://example.com/{id}",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "3f0c6a4e-8d2b-4c1a-9e57-2b6d8f1a0c3e",
    "duration": "PT1H",
    "regex": "^[a-z]+$",
    "json-pointer": "/items/0",
    "relative-json-pointer": "0/items",
    "byte": "aGVsbG8=",
    "password": "example-password",
}
"""A valid, ordinary-looking value for each JSON-schema / OpenAPI string format."""

# (words, value) for numbers with no bounds of their own (clamped to any bounds given)
_NUMBERS: tuple[tuple[frozenset[str], float], ...] = (
    (frozenset({"age"}), 35),
    (frozenset({"year"}), 2026),
    (frozenset({"month"}), 6),
    (frozenset({"rating", "stars"}), 4),
    (frozenset({"score"}), 80),
    (frozenset({"percent", "percentage", "pct"}), 50),
    (frozenset({"confidence", "probability", "likelihood", "ratio", "fraction"}), 0.8),
    (frozenset({"price", "cost", "amount", "total", "fee", "salary"}), 19.99),
    (frozenset({"temperature", "temp"}), 21),
    (frozenset({"latitude", "lat"}), 38.72),
    (frozenset({"longitude", "lon", "lng"}), -9.14),
    (frozenset({"days", "hours", "minutes", "duration"}), 3),
    (frozenset({"count", "quantity", "qty", "number", "num", "total", "size"}), 2),
)


_INTEGERS = frozenset(
    {"age", "year", "month", "count", "quantity", "qty", "number", "num", "days", "hours"}
    | {"minutes", "rating", "stars", "size", "rank", "position", "index"}
)
_FLOATS = frozenset(
    {"price", "cost", "amount", "fee", "salary", "score", "confidence", "probability"}
    | {"latitude", "longitude", "lat", "lon", "lng", "temperature", "percent", "ratio"}
)
_LISTS = frozenset({"tags", "keywords", "labels", "categories", "topics", "items", "steps"})
_LISTS = _LISTS | {"examples", "ideas", "names", "list"}


def guess_schema(name: str) -> dict[str, Any]:
    """The JSON-schema type a key called ``name`` most likely has (json_mode, no schema).

    Example:
        >>> guess_schema("age"), guess_schema("is_open"), guess_schema("tags")["type"]
        ({'type': 'integer'}, {'type': 'boolean'}, 'array')
    """
    words = name_words(name)
    if words and words[0] in ("is", "has", "needs", "can", "should", "uses"):
        return {"type": "boolean"}
    if set(words) & _INTEGERS:
        return {"type": "integer"}
    if set(words) & _FLOATS:
        return {"type": "number"}
    if set(words) & _LISTS:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


_NAMED = frozenset({"Alex Morgan", "Alex", "Morgan", "Acme Corp", "Lisbon", "Portugal"})


def string_kind(name: str) -> str | None:
    """How a string field called ``name`` is filled: ``"identifier"`` (an id), ``"name"``
    (a person, company or place: the prompt's names fit), ``"fixed"`` (an email, phone,
    date...: a well-formed stand-in), or None (nothing known from the name)."""
    words = set(name_words(name))
    if words & _IDENTIFIERS and not words & {"name"}:
        return "identifier"
    for keys, value in _STRINGS:
        if words & keys:
            return "name" if value in _NAMED else "fixed"
    return None


def plausible_string(name: str, *, seed: str, index: int = 0) -> str | None:
    """An ordinary value for a string field called ``name``; None if the name says nothing.

    ``seed`` makes identifiers differ between requests; ``index`` between array items.
    """
    words = set(name_words(name))
    if words & _IDENTIFIERS and not words & {"name"}:
        digest = hashlib.sha1(f"{seed}|{name}|{index}".encode(), usedforsecurity=False)
        prefix = next((w for w in name_words(name) if w not in _IDENTIFIERS), "id")
        return f"{prefix}-{digest.hexdigest()[:8]}"
    for keys, value in _STRINGS:
        if words & keys:
            return value if index == 0 else f"{value} {index + 1}"
    return None


def is_prose(name: str, description: str = "") -> bool:
    """True when the field asks for a sentence (``reason``, ``summary``, "one sentence ...")."""
    words = set(name_words(name))
    described = description.lower()
    return bool(words & PROSE) or "sentence" in described or described.startswith("why")


def plausible_number(name: str, *, low: float, high: float, integer: bool) -> int | float:
    """A number inside ``[low, high]`` that suits a field called ``name``.

    The value the name suggests (``age`` 35, ``price`` 19.99..., else 1) when it fits;
    else the middle of a closed range, or the nearest bound of a half-open one.
    """
    words = set(name_words(name))
    wanted: float = next((value for keys, value in _NUMBERS if words & keys), 1)
    if math.isfinite(low) and math.isfinite(high):
        wanted = wanted if low <= wanted <= high else (low + high) / 2
    elif math.isfinite(low):
        wanted = max(wanted, low)
    elif math.isfinite(high):
        wanted = min(wanted, high)
    if integer:
        candidate = round(wanted)
        if candidate < low:
            candidate = math.ceil(low)
        if candidate > high:
            candidate = math.floor(high)
        return int(candidate)
    return wanted


def sample_pattern(pattern: str) -> str | None:
    """A short string ``re.search(pattern, s)`` accepts, or None for constructs not handled.

    Handles literals, classes (``[A-Z]``, ``\\d``, ``\\w``, ``.``), groups, alternation
    (first branch) and repeats (the minimum, at least one for ``+``); anchors are no-ops.
    """
    try:
        parsed = _parse(pattern)
        text = _emit(parsed)
    except (re.error, _Unsupported, RecursionError):
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


class _Unsupported(Exception):
    pass


def _sre() -> tuple[Any, Any]:
    """Python's regex parser and its constants (``re._parser`` from 3.11, ``sre_*`` before)."""
    import importlib

    try:
        return importlib.import_module("re._parser"), importlib.import_module("re._constants")
    except ImportError:  # Python 3.10
        return importlib.import_module("sre_parse"), importlib.import_module("sre_constants")


def _parse(pattern: str) -> Any:
    return _sre()[0].parse(pattern)


def _emit(items: Any) -> str:
    c = _sre()[1]
    out: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.ANY:
            out.append("a")
        elif op is c.IN:
            out.append(_from_class(arg, c))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = arg
            out.append(_emit(sub) * max(low, 0))
        elif op is c.SUBPATTERN:
            out.append(_emit(arg[-1]))
        elif op is c.BRANCH:
            out.append(_emit(arg[1][0]))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        elif op is c.CATEGORY:
            out.append(_from_category(arg, c))
        else:
            raise _Unsupported(str(op))
    return "".join(out)


def _from_class(members: Any, c: Any) -> str:
    if members and members[0][0] is c.NEGATE:
        excluded = {chr(a) for op, a in members[1:] if op is c.LITERAL}
        return next(ch for ch in "aA0x_" if ch not in excluded)
    op, arg = members[0]
    if op is c.LITERAL:
        return chr(arg)
    if op is c.RANGE:
        return chr(arg[0])
    if op is c.CATEGORY:
        return _from_category(arg, c)
    raise _Unsupported(str(op))


def _from_category(category: Any, c: Any) -> str:
    if category is c.CATEGORY_DIGIT:
        return "0"
    if category is c.CATEGORY_SPACE:
        return " "
    if category is c.CATEGORY_WORD:
        return "a"
    if category is c.CATEGORY_NOT_DIGIT:
        return "a"
    if category is c.CATEGORY_NOT_SPACE:
        return "a"
    raise _Unsupported(str(category))
