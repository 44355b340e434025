"""What we accept beyond DigitalOcean's published contract: the one list, each with its source.

DigitalOcean's OpenAPI file (``contract.json`` is generated from it) is the first source
for field names, types, enums and status codes. Where DigitalOcean's how-to pages, its
SDKs or real traffic show more, the emulator accepts both forms and the client may send
or read the extra form. Every such place is one :class:`Extra` in :data:`EXTRAS`; the
validator merges them into the route schemas, and ``docs/contract.md`` publishes the list.

``where`` is one of:

* ``request``: an extra request field (``field`` is a dotted path, ``[]`` steps into
  array items, e.g. ``messages[].content[].cache_control``); ``schema`` is its schema;
* ``response``: an extra response body or field the emulator may send (``field`` ``""``
  means the whole body: ``schema`` is accepted as an alternative);
* ``event``: an extra kind of stream event;
* ``enum``: extra values for the enum at ``field`` (``schema`` is ``{"enum": [...]}``);
* ``optional``: a field the contract requires in a response that may be missing;
* ``route``: a route the contract does not list (``schema`` is null; ``same_as`` names
  the contract route whose response schemas it answers with).

Example:
    >>> any(e.field == "reasoning" for e in extras_for("POST /v1/chat/completions"))
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Where = Literal["request", "response", "event", "enum", "optional", "route"]

CHAT = "POST /v1/chat/completions"
RESPONSES = "POST /v1/responses"
ASYNC = "POST /v1/async-invoke"
AGENT = "POST /api/v1/chat/completions"
_OBJECT: dict[str, Any] = {"type": "object"}
_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}


@dataclass(frozen=True)
class Extra:
    """One thing accepted beyond the contract, and the source that shows it."""

    route: str
    where: Where
    field: str
    schema: dict[str, Any] | None
    source: str
    note: str
    same_as: str | None = None
    """For ``route``: the contract route it answers as; for ``response``: the contract
    route whose 200 body is accepted as an alternative."""


_REASONING: dict[str, Any] = {
    "type": "object",
    "properties": {
        "effort": {"type": ["string", "null"]},
        "max_tokens": {"type": "integer", "minimum": 0},
        "summary": {"type": ["string", "null"]},
    },
}
_CACHE_CONTROL: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": ["ephemeral"]}, "ttl": {"enum": ["5m", "1h"]}},
}
_RESPONSE_FORMAT: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["text", "json_object", "json_schema"]},
        "json_schema": _OBJECT,
    },
}
_TEXT_PART: dict[str, Any] = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {"type": {"enum": ["text"]}, "text": {"type": "string"}},
}
_MEDIA_PART: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["image_url", "video_url"]},
        "image_url": {
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string"}, "detail": {"enum": ["auto", "low", "high"]}},
        },
        "video_url": {
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string"}},
        },
    },
}
_CONTENT_PARTS: dict[str, Any] = {
    "anyOf": [
        {"type": "array", "items": {"anyOf": [_TEXT_PART, _MEDIA_PART, {"type": "string"}]}},
        _TEXT_PART,
        _MEDIA_PART,
    ]
}
_RESPONSES_TEXT_PART: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["input_text", "output_text", "input_image"]},
        "text": {"type": "string"},
        "image_url": {"type": "string"},
    },
}
_RESPONSES_ITEMS: dict[str, Any] = {
    "type": "array",
    "items": {
        "anyOf": [
            {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "type": {"enum": ["message"]},
                    "role": {"enum": ["user", "assistant", "system", "tool", "developer"]},
                    "content": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": _RESPONSES_TEXT_PART},
                        ]
                    },
                    "tool_call_id": {"type": "string"},
                    "id": {"type": "string"},
                    "status": {"type": ["string", "null"]},
                },
            },
            {
                "type": "object",
                "required": ["type", "call_id", "name", "arguments"],
                "properties": {
                    "type": {"enum": ["function_call"]},
                    "call_id": {"type": "string"},
                    "name": {"type": "string"},
                    "arguments": {"type": "string"},
                    "id": {"type": "string"},
                    "status": {"type": ["string", "null"]},
                },
            },
            {
                "type": "object",
                "required": ["type", "call_id", "output"],
                "properties": {
                    "type": {"enum": ["function_call_output"]},
                    "call_id": {"type": "string"},
                    "output": {"type": "string"},
                    "id": {"type": "string"},
                },
            },
            {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"enum": ["reasoning"]},
                    "id": {"type": "string"},
                    "content": {"type": ["array", "null"]},
                    "summary": {"type": ["array", "null"]},
                    "encrypted_content": {"type": ["string", "null"]},
                    "status": {"type": ["string", "null"]},
                },
            },
        ]
    },
}
_OPENAI_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message"],
            "properties": {"message": {"type": "string"}},
        }
    },
}
_TYPED_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"type": "string", "pattern": "^(response|error)"}},
}

EXTRAS: tuple[Extra, ...] = (
    # ------------------------------------------------------------ chat completions
    Extra(
        CHAT,
        "request",
        "reasoning",
        _REASONING,
        "gradient-api.md §3.1 [docs page]; §13.1",
        "Anthropic-format reasoning budget; sent only when the user asks for it.",
    ),
    Extra(
        CHAT,
        "request",
        "prompt_cache_retention",
        {"enum": ["in_memory", "24h"]},
        "gradient-api.md §3.1 [docs page]; §13.1",
        "Prompt caching for OpenAI models.",
    ),
    Extra(
        CHAT,
        "request",
        "response_format",
        _RESPONSE_FORMAT,
        "gradient-api.md §3.1 (OpenAI-compatible API; not in the schema, §10 gap); §13.1",
        "Structured output; sent only when the user asks for json_mode / json_schema.",
    ),
    Extra(
        CHAT,
        "request",
        "parallel_tool_calls",
        {"type": "boolean"},
        "gradient-api.md §13.1 (named in the how-to pages, not the schema)",
        "Sent only when the user binds tools with parallel_tool_calls set.",
    ),
    Extra(
        CHAT,
        "request",
        "messages[].content",
        _CONTENT_PARTS,
        "gradient-api.md §3.1 content parts [SDK types][docs page]",
        "Content as a list of text/image_url/video_url parts or one part (the schema: string).",
    ),
    Extra(
        CHAT,
        "request",
        "messages[].content[].cache_control",
        _CACHE_CONTROL,
        "gradient-api.md §3.1 content parts [SDK types][docs page]",
        "Anthropic prompt caching marker on a text part.",
    ),
    Extra(
        CHAT,
        "enum",
        "reasoning_effort",
        {"enum": ["max"]},
        "gradient-api.md §9.8 (docs text lists max)",
        "The docs' value besides the SDK enum.",
    ),
    Extra(
        CHAT,
        "response",
        "",
        _OPENAI_ERROR,
        "gradient-api.md §13.6 [community: real responses]",
        'The real 403 for a model above the account tier: {"error": {"message": ...}}.',
    ),
    Extra(
        CHAT,
        "enum",
        "choices[].message.role",
        {"enum": [""]},
        "gradient-api.md §3.2 real quirks [docs page] (EmulatorConfig.quirks)",
        'The docs\' llama example answers "role": "".',
    ),
    Extra(
        CHAT,
        "enum",
        "choices[].delta.role",
        {"enum": [""]},
        "gradient-api.md §3.2 real quirks [docs page] (EmulatorConfig.quirks)",
        "The empty role, streamed.",
    ),
    *(
        Extra(
            CHAT,
            "optional",
            f"usage.{name}",
            None,
            "gradient-api.md §3.2 real quirks [docs page] (EmulatorConfig.quirks)",
            "The docs' usage examples omit the cache fields for non-caching calls.",
        )
        for name in ("cache_created_input_tokens", "cache_read_input_tokens", "cache_creation")
    ),
    Extra(
        CHAT,
        "event",
        "error",
        _OPENAI_ERROR,
        "gradient-api.md §11.7 (in-stream {error}); openai SDK raises on it",
        "An error inside a stream.",
    ),
    # ------------------------------------------------------------ Responses
    Extra(
        RESPONSES,
        "request",
        "input",
        _RESPONSES_ITEMS,
        "gradient-api.md §4.1 [SDK types: gradient 3.12.2, godo]",
        "Input items: messages with content parts, function_call, function_call_output, "
        "reasoning (the schema: role/content strings only).",
    ),
    Extra(
        RESPONSES,
        "request",
        "reasoning",
        _REASONING,
        "gradient-api.md §4.1 [docs page]",
        "Reasoning effort/summary for reasoning models.",
    ),
    Extra(
        RESPONSES,
        "request",
        "parallel_tool_calls",
        {"type": "boolean"},
        "gradient-api.md §4.1 [docs page]",
        "Echoed in the response body.",
    ),
    Extra(
        RESPONSES,
        "request",
        "prompt_cache_retention",
        {"enum": ["in_memory", "24h"]},
        "gradient-api.md §4.1 [docs page]",
        "Prompt caching for OpenAI models.",
    ),
    Extra(
        RESPONSES,
        "request",
        "store",
        {"type": "boolean"},
        "gradient-api.md §4.1 [docs page] (store / previous_response_id)",
        "Stored responses for previous_response_id.",
    ),
    Extra(
        RESPONSES,
        "request",
        "previous_response_id",
        {"type": "string"},
        "gradient-api.md §4.1 [docs page]",
        "Continues a stored response.",
    ),
    Extra(
        RESPONSES,
        "request",
        "text",
        _OBJECT,
        "gradient-api.md §4.1 [docs page]; gradient SDK echo field `text`",
        "Output format (structured output).",
    ),
    Extra(
        RESPONSES,
        "request",
        "include",
        {"type": "array", "items": {"type": "string"}},
        "gradient-api.md §4.1 [docs page]",
        "Extra output to include (e.g. encrypted reasoning).",
    ),
    Extra(
        RESPONSES,
        "request",
        "max_tokens",
        {"type": "integer", "minimum": 1},
        "gradient-api.md §4.1 [docs page] (alias of max_output_tokens)",
        "Accepted by the emulator; our classes send max_output_tokens.",
    ),
    Extra(
        RESPONSES,
        "request",
        "modalities",
        {"type": "array", "items": {"type": "string"}},
        "gradient-api.md §4.1 [docs page]",
        'Only ["text"].',
    ),
    Extra(
        RESPONSES,
        "event",
        "response.*",
        _TYPED_EVENT,
        "gradient-api.md §4.3 / §9.1 (godo types OpenAI typed events)",
        "The OpenAI typed-event stream, behind responses_stream_format='events'.",
    ),
    Extra(
        RESPONSES,
        "response",
        "",
        _OPENAI_ERROR,
        "gradient-api.md §13.6 [community: real responses]",
        "The real 403 tier body.",
    ),
    Extra(
        "GET /v1/responses/{response_id}",
        "route",
        "",
        None,
        "gradient-api.md §4.1 / §10 (store semantics; OpenAI-compatible)",
        "A stored response; answers as POST /v1/responses.",
        same_as=RESPONSES,
    ),
    Extra(
        "DELETE /v1/responses/{response_id}",
        "route",
        "",
        None,
        "gradient-api.md §10 (OpenAI-compatible; unconfirmed)",
        "Deletes a stored response.",
    ),
    # ------------------------------------------------------------ images, async-invoke
    Extra(
        "POST /v1/images/generations",
        "request",
        "response_format",
        {"enum": ["b64_json", "url"]},
        "gradient-api.md §5 (the blog's SD-3.5 example)",
        "Accepted; the answer is b64_json either way.",
    ),
    Extra(
        "POST /v1/images/generations",
        "enum",
        "size",
        {"enum": ["256x256", "512x512", "1024x1024"]},
        "gradient-api.md §9.7 (docs list square sizes)",
        "The docs' sizes besides the spec's.",
    ),
    Extra(
        "POST /v1/images/generations",
        "event",
        "image_generation.completed",
        {
            "type": "object",
            "required": ["type", "b64_json"],
            "properties": {
                "type": {"enum": ["image_generation.completed"]},
                "b64_json": {"type": "string"},
                "usage": {"type": "object"},
            },
        },
        "gradient-api.md §5 streaming [SDK types: gradient 3.12.2]",
        "The last event of an image stream (the contract types only partial images).",
    ),
    Extra(
        "GET /v1/async-invoke/{request_id}/status",
        "route",
        "",
        None,
        "gradient-api.md §6 / §9.6 [docs page]",
        "Job status polling; the same record as POST /v1/async-invoke.",
        same_as=ASYNC,
    ),
    Extra(
        "GET /v1/async-invoke/{request_id}",
        "route",
        "",
        None,
        "gradient-api.md §6 / §9.6 [docs page][godo]",
        "The job record with its output.",
        same_as=ASYNC,
    ),
    Extra(
        ASYNC,
        "enum",
        "status",
        {"enum": ["COMPLETE"]},
        "gradient-api.md §9.6 (docs prose says COMPLETE)",
        "The client treats COMPLETE as COMPLETED; the emulator sends COMPLETED.",
    ),
    # ------------------------------------------------------------ agents
    *(
        Extra(
            AGENT,
            "request",
            name,
            schema,
            "gradient-api.md §13.4 [community: LiteLLM gradient_ai provider]",
            "Per-request agent setting (ChatGradientAgent sends it only when set); the "
            "contract's request schema for this route lists only the chat fields.",
        )
        for name, schema in (
            ("k", {"type": "integer", "minimum": 1}),
            ("retrieval_method", {"enum": ["rewrite", "step_back", "sub_queries", "none"]}),
            ("kb_filters", {"type": "array", "items": _OBJECT}),
            ("filter_kb_content_by_query_metadata", {"type": "boolean"}),
            ("instruction_override", {"type": "string"}),
            ("include_functions_info", {"type": "boolean"}),
            ("include_retrieval_info", {"type": "boolean"}),
            ("include_guardrails_info", {"type": "boolean"}),
            ("provide_citations", {"type": "boolean"}),
        )
    ),
    Extra(
        AGENT,
        "request",
        "response_format",
        _RESPONSE_FORMAT,
        "gradient-api.md §13.4 (the chat-completions body) and §3.1, as for "
        "POST /v1/chat/completions",
        "Structured output through an agent; sent only when the user asks for json_mode / "
        "json_schema.",
    ),
    Extra(
        AGENT,
        "request",
        "parallel_tool_calls",
        {"type": "boolean"},
        "gradient-api.md §13.4 (the chat-completions body) and §13.1, as for "
        "POST /v1/chat/completions",
        "Sent only when the user binds tools with parallel_tool_calls set.",
    ),
    # ------------------------------------------------------------ messages
    Extra(
        "POST /v1/messages",
        "response",
        "",
        {
            "type": "object",
            "required": ["id", "message"],
            "properties": {"id": {"type": "string"}, "message": {"type": "string"}},
        },
        "gradient-api.md §7 (the Anthropic envelope for *some* 400s; DigitalOcean's otherwise)",
        "DigitalOcean's {id, message} envelope on a 400 the emulator raises before routing "
        "(e.g. a body that is not JSON).",
    ),
    Extra(
        "POST /v1/messages",
        "request",
        "messages[].content[].cache_control",
        _CACHE_CONTROL,
        "gradient-api.md §3.1 (cache_control works for Anthropic models); the contract's "
        "POST /v1/batches: anthropic lines follow Anthropic Message Batches conventions",
        "Anthropic prompt caching marker on a text block (ChatGradient's Anthropic batch lines).",
    ),
    Extra(
        "POST /v1/messages",
        "request",
        "system[].cache_control",
        _CACHE_CONTROL,
        "gradient-api.md §3.1 (cache_control works for Anthropic models); the contract's "
        "POST /v1/batches: anthropic lines follow Anthropic Message Batches conventions",
        "Anthropic prompt caching marker on a system text block.",
    ),
    # ------------------------------------------------------------ every route
    Extra(
        "*",
        "response",
        "",
        _OPENAI_ERROR,
        "gradient-api.md §7 (error_format='openai' switch); §13.6",
        "The OpenAI error envelope, behind EmulatorConfig.error_format='openai'.",
    ),
)


def extras_for(route: str) -> list[Extra]:
    """The extras that apply to ``route`` (``"METHOD /path"``), the catch-all ``*`` included."""
    return [e for e in EXTRAS if e.route in (route, "*")]


PENDING: tuple[Extra, ...] = ()
"""Contract rules the emulator does not enforce yet because our own classes still break
them; each names the change that removes it. Never in strict (class conformance) checks.
Delete an entry when its change has landed."""


def markdown_table(extras: tuple[Extra, ...] = EXTRAS) -> str:
    """The extras as the Markdown table ``docs/contract.md`` publishes."""
    lines = ["| route | kind | field | source | why |", "|---|---|---|---|---|"]
    for e in extras:
        field = f"`{e.field}`" if e.field else "(whole body)"
        lines.append(f"| `{e.route}` | {e.where} | {field} | {e.source} | {e.note} |")
    return "\n".join(lines).replace("| `*` |", "| every route |")
