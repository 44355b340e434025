"""Non-streaming calls: the documented response, request bodies, tolerated shapes, errors."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_gradient import (
    GradientAuthenticationError,
    GradientBadRequestError,
    GradientNotFoundError,
)

from .conftest import DOCUMENTED_RESPONSE, TEST_KEY, FakeResponsesServer, text_response


def test_documented_response_reasoning_first_message_second(server: FakeResponsesServer) -> None:
    server.reply(DOCUMENTED_RESPONSE)
    message = server.model().invoke("What is the capital of France?")

    assert isinstance(message, AIMessage)
    assert message.content == "The capital of France is **Paris**."
    assert message.additional_kwargs["reasoning_content"] == "We need to answer…"
    assert message.additional_kwargs["reasoning_items"][0]["id"] == "rs_1"
    assert message.tool_calls == [
        {
            "name": "get_weather",
            "args": {"location": "San Francisco"},
            "id": "call_abc123",
            "type": "tool_call",
        }
    ]
    assert message.response_metadata == {
        "id": "resp_67ccd2bed1ec8190",
        "status": "completed",
        "model_name": "openai-gpt-oss-20b",
        "model_provider": "gradient",
        "finish_reason": "tool_calls",
    }
    assert message.usage_metadata == {
        "input_tokens": 72,
        "output_tokens": 35,
        "total_tokens": 107,
        "input_token_details": {"cache_read": 32},
        "output_token_details": {"reasoning": 17},
    }


def test_output_version_v1_gives_standard_reasoning_blocks(server: FakeResponsesServer) -> None:
    server.reply(DOCUMENTED_RESPONSE)
    message = server.model(output_version="v1").invoke("hi")

    assert isinstance(message.content, list)
    assert [block["type"] for block in message.content] == ["reasoning", "text", "tool_call"]
    assert message.content[0]["reasoning"] == "We need to answer…"  # type: ignore[index]


def test_request_body_carries_parameters(server: FakeResponsesServer) -> None:
    server.reply(text_response("ok"))
    llm = server.model(
        model="openai-gpt-oss-20b",
        max_tokens=64,
        temperature=0.2,
        top_p=0.9,
        reasoning={"effort": "low"},
        store=False,
        instructions="Answer in French.",
        metadata={"run": "1"},
        parallel_tool_calls=False,
        prompt_cache_retention="24h",
        stop=["END"],
        model_kwargs={"user": "u-1"},
        extra_body={"truncation": "auto", "metadata": {"run": "1"}},
    )
    llm.invoke([SystemMessage("Be brief."), HumanMessage("Capital of France?")])

    assert server.bodies == [
        {
            "model": "openai-gpt-oss-20b",
            "instructions": "Answer in French.\n\nBe brief.",
            "max_output_tokens": 64,
            "temperature": 0.2,
            "top_p": 0.9,
            "reasoning": {"effort": "low"},
            "store": False,
            "metadata": {"run": "1"},
            "parallel_tool_calls": False,
            "prompt_cache_retention": "24h",
            "stop": ["END"],
            "user": "u-1",
            "truncation": "auto",
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "Capital of France?"}],
                }
            ],
        }
    ]
    assert server.requests[0].url.path == "/v1/responses"
    assert server.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"


def test_default_model_and_minimal_body(server: FakeResponsesServer) -> None:
    server.reply(text_response("ok"))
    server.model().invoke("hi")
    assert server.bodies[0]["model"] == "openai-gpt-oss-120b"
    assert set(server.bodies[0]) == {"model", "input"}


def test_invalid_tool_arguments_become_invalid_tool_calls(server: FakeResponsesServer) -> None:
    body = text_response("", output=[])
    body["output"] = [
        {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{not json"}
    ]
    server.reply(body)
    message = server.model().invoke("hi")

    assert message.tool_calls == []
    assert message.invalid_tool_calls[0]["id"] == "call_1"
    assert message.invalid_tool_calls[0]["args"] == "{not json"
    assert message.response_metadata["finish_reason"] == "tool_calls"


def test_incomplete_response_reports_length(server: FakeResponsesServer) -> None:
    server.reply(
        text_response(
            "The capital", status="incomplete", incomplete_details={"reason": "max_output_tokens"}
        )
    )
    message = server.model().invoke("hi")
    assert message.response_metadata["status"] == "incomplete"
    assert message.response_metadata["finish_reason"] == "length"


def test_chat_completions_shaped_body_is_tolerated(server: FakeResponsesServer) -> None:
    server.reply(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "llama3.3-70b-instruct",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls",
                    "message": {
                        "role": "assistant",
                        "content": "Checking.",
                        "reasoning_content": "Use the tool.",
                        "tool_calls": [
                            {
                                "id": "call_9",
                                "type": "function",
                                "function": {"name": "f", "arguments": '{"x": 1}'},
                            }
                        ],
                    },
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
        }
    )
    message = server.model().invoke("hi")

    assert message.content == "Checking."
    assert message.additional_kwargs["reasoning_content"] == "Use the tool."
    assert message.tool_calls[0]["args"] == {"x": 1}
    assert message.tool_calls[0]["id"] == "call_9"
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == 14


def test_gradient_sdk_flat_text_item_is_read(server: FakeResponsesServer) -> None:
    body = text_response("")
    body["output"] = [{"type": "text", "text": "Paris."}]
    server.reply(body)
    assert server.model().invoke("hi").content == "Paris."


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (
            401,
            {"id": "unauthorized", "message": "Unable to authenticate you."},
            GradientAuthenticationError,
        ),
        (400, {"error": {"message": "bad max_output_tokens"}}, GradientBadRequestError),
        (404, {"id": "not_found", "message": "model not found"}, GradientNotFoundError),
    ],
)
def test_errors_are_translated_and_never_show_the_key(
    server: FakeResponsesServer, status: int, error: dict[str, Any], expected: type[Exception]
) -> None:
    server.reply(error, status=status)
    with pytest.raises(expected) as caught:
        server.model().invoke("hi")
    assert TEST_KEY not in str(caught.value)
    assert TEST_KEY not in repr(caught.value)


async def test_async_invoke_matches_sync(server: FakeResponsesServer) -> None:
    server.reply(DOCUMENTED_RESPONSE)
    message = await server.model().ainvoke("hi")
    assert message.content == "The capital of France is **Paris**."
    assert message.tool_calls[0]["id"] == "call_abc123"
    assert server.bodies[0]["input"][0]["role"] == "user"


async def test_async_errors_are_translated(server: FakeResponsesServer) -> None:
    server.reply({"id": "unauthorized", "message": "no"}, status=401)
    with pytest.raises(GradientAuthenticationError):
        await server.model().ainvoke("hi")


def test_non_object_body_raises(server: FakeResponsesServer) -> None:
    server.reply(["not", "an", "object"])
    with pytest.raises(Exception, match="not a JSON object"):
        server.model().invoke("hi")


def test_streaming_flag_aggregates_the_stream(server: FakeResponsesServer) -> None:
    server.stream(
        {"type": "response.output_text.delta", "item_id": "m", "delta": "Pa"},
        {"type": "response.output_text.delta", "item_id": "m", "delta": "ris"},
        {"type": "response.completed", "response": text_response("Paris")},
    )
    message = server.model(streaming=True).invoke("hi")
    assert message.content == "Paris"
    assert server.bodies[0]["stream"] is True


def test_per_call_model_override(server: FakeResponsesServer) -> None:
    server.reply(text_response("ok"))
    llm = server.model()
    llm.invoke("hi", model="openai-gpt-oss-20b")
    assert server.bodies[0]["model"] == "openai-gpt-oss-20b"
    assert llm._get_ls_params(model="openai-gpt-oss-20b")["ls_model_name"] == "openai-gpt-oss-20b"


def test_ls_params() -> None:
    from langchain_gradient import GradientResponses

    llm = GradientResponses(api_key="k", temperature=0.1, max_tokens=9, stop=["x"])
    assert llm._get_ls_params() == {
        "ls_provider": "gradient",
        "ls_model_name": "openai-gpt-oss-120b",
        "ls_model_type": "chat",
        "ls_temperature": 0.1,
        "ls_max_tokens": 9,
        "ls_stop": ["x"],
    }


def test_profile_comes_from_the_catalog() -> None:
    from langchain_gradient import GradientResponses

    profile = GradientResponses(api_key="k").profile
    assert profile is not None
    assert profile["reasoning_output"] is True
    assert profile["tool_calling"] is True
    assert GradientResponses(api_key="k", model="no-such-model").profile is None


def test_unknown_arguments_move_to_model_kwargs(server: FakeResponsesServer) -> None:
    with pytest.warns(UserWarning, match="'truncation' is not a GradientResponses parameter"):
        llm = server.model(truncation="auto")
    assert llm.model_kwargs == {"truncation": "auto"}
    server.reply(text_response("ok"))
    llm.invoke("hi")
    assert server.bodies[0]["truncation"] == "auto"
    with pytest.raises(ValueError, match="temperature should be passed as GradientResponses"):
        server.model(model_kwargs={"temperature": 1})
