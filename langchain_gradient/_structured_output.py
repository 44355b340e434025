"""The shared half of ``with_structured_output`` for ChatGradient and GradientResponses.

A chat model binds its own request options (a forced tool, a JSON-schema response
format, JSON mode); this module picks the langchain-core parser that turns the reply
into the schema's type and wraps it for ``include_raw``.

Example:
    >>> from pydantic import BaseModel
    >>> class Answer(BaseModel):
    ...     text: str
    >>> type(output_parser(Answer, "json_schema")).__name__
    'PydanticOutputParser'
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.base import OutputParserLike
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

if TYPE_CHECKING:
    from langchain_gradient.catalog.models import ModelInfo

StructuredOutputMethod = Literal["function_calling", "json_schema", "json_mode"]
METHODS: tuple[str, ...] = ("function_calling", "json_schema", "json_mode")


def default_method(model: ModelInfo | None) -> Literal["function_calling", "json_schema"] | None:
    """The method ``with_structured_output`` uses for ``model`` when none is given.

    The one rule the chat models and the selector share:

    * tool calling with a forced ``tool_choice`` (``capabilities.tools`` and
      ``tool_choice``): ``"function_calling"``, which works on every model that can call
      a named tool (Anthropic models and ``llama3.3-70b-instruct`` included);
    * else native JSON-schema output (``capabilities.structured_output``):
      ``"json_schema"``;
    * else ``None``: the catalog knows no way (the chat models then still try
      ``"function_calling"``; the selector rejects the model).

    A model the catalog does not know (``None``) gets ``"function_calling"``, the
    OpenAI-compatible default.

    Example:
        >>> from langchain_gradient import ModelCatalog
        >>> default_method(ModelCatalog.load()["anthropic-claude-4.5-haiku"])
        'function_calling'
    """
    if model is None:
        return "function_calling"
    caps = model.capabilities
    if caps.tools and caps.tool_choice:
        return "function_calling"
    if caps.structured_output:
        return "json_schema"
    return None


def check_method(method: str, schema: Any) -> None:
    """Raise a clear ``ValueError`` for an unknown method or a missing schema."""
    if method not in METHODS:
        raise ValueError(
            f"Unknown structured output method {method!r}; use one of {', '.join(METHODS)}."
        )
    if schema is None and method != "json_mode":
        raise ValueError(f"method={method!r} needs a schema (Pydantic class, TypedDict or dict).")


def is_pydantic_schema(schema: Any) -> bool:
    """True for a Pydantic model class (parsed into instances, not dicts)."""
    return isinstance(schema, type) and is_basemodel_subclass(schema)


def function_definition(schema: Any, strict: bool | None = None) -> dict[str, Any]:
    """``{name, description, parameters[, strict]}`` for a Pydantic / TypedDict / dict schema."""
    return dict(convert_to_openai_tool(schema, strict=strict)["function"])


def json_schema_format(schema: Any, strict: bool | None = None) -> dict[str, Any]:
    """``{name, schema[, description][, strict]}``: the JSON-schema response format body.

    Chat completions wrap it as ``{"type": "json_schema", "json_schema": ...}``; the
    Responses API as ``text.format = {"type": "json_schema", ...}``.
    """
    definition = function_definition(schema)
    # Format names allow only letters, digits, "_" and "-", at most 64 of them.
    name = re.sub(r"[^A-Za-z0-9_-]", "_", str(definition.get("name") or "output"))[:64]
    spec: dict[str, Any] = {"name": name, "schema": definition.get("parameters", {})}
    if definition.get("description"):
        spec["description"] = definition["description"]
    if strict is not None:
        spec["strict"] = strict
    return spec


def output_parser(schema: Any, method: str) -> OutputParserLike[Any]:
    """The parser for a reply produced with ``method`` for ``schema``."""
    if method == "function_calling":
        if is_pydantic_schema(schema):
            return PydanticToolsParser(tools=[schema], first_tool_only=True)
        return JsonOutputKeyToolsParser(
            key_name=function_definition(schema)["name"], first_tool_only=True
        )
    if is_pydantic_schema(schema):
        return PydanticOutputParser(pydantic_object=schema)
    return JsonOutputParser()


def with_parser(
    llm: Runnable[LanguageModelInput, BaseMessage],
    parser: OutputParserLike[Any],
    *,
    include_raw: bool,
) -> Runnable[LanguageModelInput, Any]:
    """``llm | parser``, or the ``{"raw", "parsed", "parsing_error"}`` map when ``include_raw``."""
    if not include_raw:
        return llm | parser
    parse = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    no_parse = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parse.with_fallbacks([no_parse], exception_key="parsing_error")
