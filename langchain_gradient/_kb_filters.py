"""Typed metadata filters for knowledge-base retrieval, checked before any request.

The retrieve route takes ``filters: {must, must_not, should}``, each a list of
``{field, operator, value}`` conditions; ``operator`` is one of ``eq, ne, gt, gte, lt,
lte, in, not_in, contains`` and ``value`` a string, number, boolean or list of strings
(``gradient`` 3.12.2 ``types/retrieve_documents_params.py``; ``gradient-api.md`` §13.3).
``must`` conditions all hold (AND), ``must_not`` none holds, and at least one ``should``
holds (OR).

Example:
    >>> filters = KnowledgeBaseFilters(
    ...     must=[FilterCondition.eq("lang", "en")],
    ...     must_not=[FilterCondition.is_in("status", ["draft", "archived"])],
    ... )
    >>> filters.to_wire()["must"]
    [{'field': 'lang', 'operator': 'eq', 'value': 'en'}]
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

FilterOperator = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "contains"]
FILTER_OPERATORS: tuple[str, ...] = (
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "not_in",
    "contains",
)
_LIST_OPERATORS = frozenset({"in", "not_in"})
_ORDER_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})

FilterValue = StrictStr | StrictInt | StrictFloat | StrictBool | list[StrictStr]


class FilterCondition(BaseModel):
    """One condition on a metadata field: ``{field, operator, value}``.

    ``in`` / ``not_in`` take a list of strings; ``gt``, ``gte``, ``lt`` and ``lte`` a
    number or a string (e.g. an ISO date); the others one string, number or boolean.
    The helpers (``FilterCondition.eq(...)`` and friends) build them.

    Example:
        >>> FilterCondition.gte("year", 2024).to_wire()
        {'field': 'year', 'operator': 'gte', 'value': 2024}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str = Field(min_length=1)
    """Metadata field name."""
    operator: FilterOperator
    """Comparison operator."""
    value: FilterValue
    """Value to compare against."""

    @model_validator(mode="after")
    def _value_fits_operator(self) -> FilterCondition:
        value, op = self.value, self.operator
        if op in _LIST_OPERATORS:
            if not isinstance(value, list) or not value:
                raise ValueError(
                    f"operator {op!r} on {self.field!r} needs a non-empty list of strings, "
                    f"got {value!r}."
                )
        elif isinstance(value, list):
            raise ValueError(
                f"operator {op!r} on {self.field!r} compares one value; use 'in' or "
                f"'not_in' for a list."
            )
        elif op in _ORDER_OPERATORS and isinstance(value, bool):
            raise ValueError(
                f"operator {op!r} on {self.field!r} orders values; a boolean has no order."
            )
        return self

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent in the request."""
        return {"field": self.field, "operator": self.operator, "value": self.value}

    # ------------------------------------------------------------------ builders

    @classmethod
    def eq(cls, field: str, value: str | float | bool) -> FilterCondition:
        """``field == value``."""
        return cls(field=field, operator="eq", value=value)

    @classmethod
    def ne(cls, field: str, value: str | float | bool) -> FilterCondition:
        """``field != value``."""
        return cls(field=field, operator="ne", value=value)

    @classmethod
    def gt(cls, field: str, value: str | float) -> FilterCondition:
        """``field > value``."""
        return cls(field=field, operator="gt", value=value)

    @classmethod
    def gte(cls, field: str, value: str | float) -> FilterCondition:
        """``field >= value``."""
        return cls(field=field, operator="gte", value=value)

    @classmethod
    def lt(cls, field: str, value: str | float) -> FilterCondition:
        """``field < value``."""
        return cls(field=field, operator="lt", value=value)

    @classmethod
    def lte(cls, field: str, value: str | float) -> FilterCondition:
        """``field <= value``."""
        return cls(field=field, operator="lte", value=value)

    @classmethod
    def is_in(cls, field: str, values: list[str]) -> FilterCondition:
        """``field`` is one of ``values`` (operator ``in``)."""
        return cls(field=field, operator="in", value=list(values))

    @classmethod
    def not_in(cls, field: str, values: list[str]) -> FilterCondition:
        """``field`` is none of ``values``."""
        return cls(field=field, operator="not_in", value=list(values))

    @classmethod
    def contains(cls, field: str, value: str | float | bool) -> FilterCondition:
        """``field`` contains ``value``."""
        return cls(field=field, operator="contains", value=value)


class KnowledgeBaseFilters(BaseModel):
    """``must`` (all hold), ``must_not`` (none holds), ``should`` (at least one holds).

    Conditions may be given as :class:`FilterCondition` or as plain dicts; both are
    checked when the filters are built, before any request.

    Example:
        >>> KnowledgeBaseFilters(should=[{"field": "tag", "operator": "contains",
        ...                               "value": "gpu"}]).to_wire()
        {'should': [{'field': 'tag', 'operator': 'contains', 'value': 'gpu'}]}
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    must: list[FilterCondition] = Field(default_factory=list)
    must_not: list[FilterCondition] = Field(default_factory=list)
    should: list[FilterCondition] = Field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        """The ``filters`` object sent in the request (empty groups left out)."""
        wire: dict[str, Any] = {}
        for name in ("must", "must_not", "should"):
            conditions: list[FilterCondition] = getattr(self, name)
            if conditions:
                wire[name] = [condition.to_wire() for condition in conditions]
        return wire


def coerce_filters(
    value: KnowledgeBaseFilters | dict[str, Any] | None,
) -> KnowledgeBaseFilters | None:
    """``value`` as :class:`KnowledgeBaseFilters`; a ``ValueError`` saying what is wrong."""
    if value is None or isinstance(value, KnowledgeBaseFilters):
        return value
    if not isinstance(value, dict):
        raise ValueError(
            "filters must be a KnowledgeBaseFilters or a dict with 'must', 'must_not' "
            f"and/or 'should' lists, got {type(value).__name__}."
        )
    return KnowledgeBaseFilters.model_validate(value)


__all__ = ["FILTER_OPERATORS", "FilterCondition", "FilterOperator", "KnowledgeBaseFilters"]
