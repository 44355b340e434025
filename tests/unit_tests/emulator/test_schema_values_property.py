"""Property test: for generated JSON schemas (formats, patterns, bounds, nested objects and
arrays), built values validate (fastjsonschema, formats on) and never echo a description."""

from __future__ import annotations

import json
from typing import Any

import fastjsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_gradient.emulator.prompt_hints import PromptHints
from langchain_gradient.emulator.schema_values import build_value

MARK = "DESCMARK"  # in every description: it must never show up in a value
NAMES = st.sampled_from(
    [
        *("location", "count", "unit", "tags", "price", "query", "flag", "x_1"),
        *("reason", "email", "age", "ticket_id"),
    ]
)
FORMATS = ["date", "date-time", "time", "email", "uri", "hostname", "ipv4", "ipv6", "uuid"]
PATTERNS = [r"^[A-Z]{3}-\d{4}$", r"^\+?[0-9]{7,15}$", r"^(foo|bar)_\w+$", r"^[a-z]+@[a-z]+\.io$"]


# JSON Schema's "uuid" format (RFC 4122 text form); fastjsonschema knows none by that name
# (2.19 refuses the schema, later releases skip the check), so the test brings it.
EXTRA_FORMATS = {
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
}


def validate(value: Any, schema: dict[str, Any]) -> None:
    fastjsonschema.compile(schema, formats=EXTRA_FORMATS, use_formats=True)(value)
    assert MARK not in json.dumps(value)


def described(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "description": f"{MARK} {schema.get('type', 'value')}"}


@st.composite
def numbers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    low = draw(st.integers(-50, 50))
    if draw(st.booleans()):
        schema["minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum"] = low + draw(st.integers(12, 100))
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([2, 5, 10]))
    return schema


primitives = st.one_of(
    numbers(),
    st.builds(
        lambda n, m: {"type": "string", "minLength": n, "maxLength": n + m},
        st.integers(0, 5),
        st.integers(0, 40),
    ),
    st.builds(lambda f: {"type": "string", "format": f}, st.sampled_from(FORMATS)),
    st.builds(lambda p: {"type": "string", "pattern": p}, st.sampled_from(PATTERNS)),
    st.just({"type": "boolean"}),
    st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=4, unique=True).map(
        lambda options: {"enum": options}
    ),
).map(described)


def objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(NAMES, children, min_size=0, max_size=4).flatmap(
        lambda props: st.builds(
            lambda required, closed: described(
                {
                    "type": "object",
                    "properties": props,
                    "required": required,
                    **({"additionalProperties": False} if closed else {}),
                }
            ),
            st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]),
            st.booleans(),
        )
    )


schemas = st.recursive(
    primitives,
    lambda children: st.one_of(
        objects(children),
        st.builds(
            lambda items, n: {"type": "array", "items": items, "minItems": n, "maxItems": n + 3},
            children,
            st.integers(0, 3),
        ),
    ),
    max_leaves=12,
)

PROMPTS = st.sampled_from(
    [
        "",
        "What's the weather in Lisbon for 3 days in 'celsius'?",
        "numbers 7, -3 and 12.5",
        "Buy 2 'blue widgets' for Ada at 19.99 and mail ada@example.com on 2026-03-04",
        "a b c",
    ]
)


@settings(max_examples=300, deadline=None)
@given(objects(schemas), PROMPTS, st.booleans())
def test_built_values_validate(schema: dict[str, Any], prompt: str, include_optional: bool) -> None:
    value = build_value(
        schema, PromptHints.from_text(prompt), topic="t", include_optional=include_optional
    )
    validate(value, schema)
