"""Property-based fuzzing (hypothesis) of what reads untrusted input (issue 15).

The message converters, the chat and Responses stream parsers and the pricing-page
parser: whatever arrives, the only exceptions are our typed errors.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langchain_gradient._errors import GradientError
from langchain_gradient._messages import ChatStreamConverter, check_encodable, to_chat_messages
from langchain_gradient._responses_items import messages_to_input
from langchain_gradient._responses_stream import ResponsesStreamParser
from langchain_gradient.catalog.pricing_page import parse_pricing_page

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = [
    "id",
    "model",
    "choices",
    "delta",
    "content",
    "finish_reason",
    "index",
    "usage",
    "tool_calls",
    "function",
    "name",
    "arguments",
    "reasoning_content",
    "logprobs",
    "type",
    "response",
    "item",
    "item_id",
    "output_index",
    "output",
    "status",
    "error",
    "text",
    "call_id",
    "summary",
    "incomplete_details",
    "refusal",
    "role",
]
# Dicts that use the real field names, so the fuzzing reaches deep into the parsers.
shaped = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)
EVENT_TYPES = [
    "response.created",
    "response.output_text.delta",
    "response.refusal.delta",
    "response.reasoning_text.delta",
    "response.function_call_arguments.delta",
    "response.output_item.added",
    "response.output_item.done",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "error",
]
typed_events = st.builds(
    lambda kind, rest: {**rest, "type": kind},
    st.sampled_from(EVENT_TYPES),
    st.dictionaries(st.sampled_from(KEYS), shaped, max_size=5),
)
chat_chunks = st.dictionaries(st.sampled_from(KEYS), shaped, max_size=6) | st.builds(
    lambda choices, rest: {**rest, "choices": choices},
    st.lists(st.dictionaries(st.sampled_from(KEYS), shaped, max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(KEYS), shaped, max_size=3),
)


@FUZZ
@given(st.lists(chat_chunks, max_size=6), st.sampled_from([None, "v1"]))
def test_chat_stream_converter_raises_only_our_errors(
    chunks: list[Any], version: str | None
) -> None:
    converter = ChatStreamConverter("m", output_version=version)
    try:
        for chunk in chunks:
            converter.convert(chunk)
    except GradientError:
        pass


@FUZZ
@given(st.lists(typed_events | chat_chunks, max_size=6), st.booleans())
def test_responses_stream_parser_raises_only_our_errors(events: list[Any], done: bool) -> None:
    parser = ResponsesStreamParser("m")
    try:
        for event in events:
            list(parser.feed(event))
        parser.finish(saw_done=done)
    except GradientError:
        pass


text_or_parts = st.text(max_size=30) | st.lists(
    st.text(max_size=10)
    | st.fixed_dictionaries({"type": st.just("text"), "text": st.text(max_size=20)})
    | st.fixed_dictionaries(
        {
            "type": st.just("image_url"),
            "image_url": st.fixed_dictionaries({"url": st.text(max_size=20)}),
        }
    ),
    max_size=3,
)
tool_calls = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.text(min_size=1, max_size=10),
            "args": st.dictionaries(st.text(max_size=8), json_values, max_size=3),
            "id": st.text(min_size=1, max_size=8),
        }
    ),
    max_size=2,
)
messages = st.lists(
    st.one_of(
        st.builds(HumanMessage, content=text_or_parts),
        st.builds(SystemMessage, content=st.text(max_size=30)),
        st.builds(
            lambda c, calls: AIMessage(content=c, tool_calls=calls), text_or_parts, tool_calls
        ),
        st.builds(
            lambda c, i: ToolMessage(content=c, tool_call_id=i),
            text_or_parts,
            st.text(min_size=1, max_size=8),
        ),
        st.builds(
            lambda c, r: ChatMessage(content=c, role=r),
            st.text(max_size=20),
            st.sampled_from(["user", "assistant", "developer"]),
        ),
    ),
    max_size=6,
)


@FUZZ
@given(messages)
def test_message_converters_raise_only_our_errors_or_clear_input_errors(batch: list[Any]) -> None:
    try:
        check_encodable(batch)
    except ValueError as error:  # a lone surrogate: the clear input error names it
        assert "Message" in str(error)
        return
    to_chat_messages(batch)
    try:
        messages_to_input(batch)
    except ValueError as error:  # Responses takes text only in system messages
        assert "system" in str(error) or "text" in str(error), error


page_lines = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.builds(
            lambda cells: "| " + " | ".join(cells) + " |",
            st.lists(
                st.one_of(
                    st.text(max_size=15),
                    st.sampled_from(
                        [
                            "$0.65",
                            "$1.20 per 1M tokens",
                            "Model",
                            "Input",
                            "Output",
                            "llama3.3-70b-instruct",
                            "---",
                            "$0.0035 / image",
                            "",
                        ]
                    ),
                ),
                min_size=1,
                max_size=5,
            ),
        ),
        st.sampled_from(
            ["<table><tr><td>Model</td><td>$1</td></tr></table>", "## Pricing", "<td>"]
        ),
    ),
    max_size=12,
)


@FUZZ
@given(page_lines)
def test_pricing_page_parser_raises_only_pricing_page_error(lines: list[str]) -> None:
    with contextlib.suppress(GradientError):
        parse_pricing_page("\n".join(lines))


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), shaped, max_size=6), st.booleans())
def test_whole_bodies_raise_only_our_errors(body: dict[str, Any], responses: bool) -> None:
    import httpx2

    from langchain_gradient.chat_models import ChatGradient
    from langchain_gradient.responses import GradientResponses

    if responses:
        with contextlib.suppress(GradientError):
            GradientResponses(api_key="k")._result(body)
        return
    response = httpx2.Response(200, content=json.dumps(body).encode())
    with contextlib.suppress(GradientError):
        ChatGradient._result_from_http(response, "m")
