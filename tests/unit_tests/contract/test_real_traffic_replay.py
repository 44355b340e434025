"""The real responses of gradient-api.md §13.6, replayed through ChatGradient.

Each body is what public posts printed from the real service (and what the emulator now
sends by default); the client must handle each without surprise.
"""

from __future__ import annotations

import pytest

from langchain_gradient._errors import GradientPermissionDeniedError
from tests.unit_tests.fake_gradient import FakeGradient, json_reply, sse_reply

MODEL = "llama3.3-70b-instruct"
BASE = {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": MODEL}
CHUNK = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": MODEL}


def test_tier_403_body_raises_permission_error_with_the_real_message() -> None:
    body = {"error": {"message": "this model is not available for your subscription tier"}}
    fake = FakeGradient(json_reply(body, status=403))
    with pytest.raises(GradientPermissionDeniedError, match="subscription tier"):
        fake.chat(model="anthropic-claude-4.5-sonnet", max_retries=0).invoke("Hi")


def test_choices_empty_chunk_without_include_usage_is_skipped() -> None:
    events = [
        {**CHUNK, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]},
        {**CHUNK, "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]},
        {**CHUNK, "choices": []},
    ]
    fake = FakeGradient(sse_reply(events))
    chunks = list(fake.chat(model=MODEL, stream_usage=False).stream("Hi"))
    assert "".join(str(c.content) for c in chunks) == "Hello"


def test_usage_with_prompt_tokens_details_and_null_speed() -> None:
    usage = {
        "prompt_tokens": 20,
        "completion_tokens": 5,
        "total_tokens": 25,
        "prompt_tokens_details": {"cached_tokens": 8},
        "speed": None,
    }
    choice = {
        "index": 0,
        "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Hi there"},
    }
    fake = FakeGradient(json_reply({**BASE, "choices": [choice], "usage": usage}))
    message = fake.chat(model=MODEL).invoke("Hi")
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == 20
    assert message.usage_metadata["output_tokens"] == 5
    assert message.usage_metadata.get("input_token_details", {}).get("cache_read") == 8


def test_null_content_when_the_budget_is_spent() -> None:
    choice = {
        "index": 0,
        "finish_reason": "length",
        "message": {"role": "assistant", "content": None, "reasoning_content": "Let me think"},
    }
    usage = {"prompt_tokens": 5, "completion_tokens": 256, "total_tokens": 261}
    fake = FakeGradient(json_reply({**BASE, "choices": [choice], "usage": usage}))
    message = fake.chat(model="openai-gpt-oss-120b").invoke("Hi")
    assert message.content in ("", [])
    assert message.response_metadata["finish_reason"] == "length"
    assert message.additional_kwargs.get("reasoning_content") == "Let me think"
