"""Bodies that look fine but are not answers raise GradientMalformedResponseError,
keeping usage and the request id (issue 15): chat without choices, Responses without
output, images without data, a finished fal job without output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from langchain_core.callbacks import BaseCallbackHandler

from langchain_gradient import (
    ChatGradient,
    FalPollPolicy,
    GradientFalTool,
    GradientImageTool,
    GradientMalformedResponseError,
    GradientResponses,
)
from tests.unit_tests.fake_gradient import TEST_KEY

BASE = "http://127.0.0.1:9/v1"
USAGE = {"prompt_tokens": 11, "completion_tokens": 0, "total_tokens": 11}


def _clients(reply: Callable[[httpx2.Request], httpx2.Response]) -> dict[str, Any]:
    async def areply(request: httpx2.Request) -> httpx2.Response:
        return reply(request)

    return {
        "api_key": TEST_KEY,
        "base_url": BASE,
        "max_retries": 0,
        "http_client": httpx2.Client(transport=httpx2.MockTransport(reply)),
        "http_async_client": httpx2.AsyncClient(transport=httpx2.MockTransport(areply)),
    }


def _json(body: Any) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda request: httpx2.Response(200, json=body, headers={"x-request-id": "req-9"})


class _Errors(BaseCallbackHandler):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(error)


CHAT_BODIES = {
    "empty-choices": {"id": "c1", "object": "chat.completion", "choices": [], "usage": USAGE},
    "null-choices": {"id": "c1", "choices": None, "usage": USAGE},
    "choice-without-message": {"id": "c1", "choices": [{"index": 0}], "usage": USAGE},
}


@pytest.mark.parametrize("body", CHAT_BODIES.values(), ids=CHAT_BODIES.keys())
async def test_chat_without_choices_raises_keeping_usage_and_request_id(
    body: dict[str, Any],
) -> None:
    errors = _Errors()
    llm = ChatGradient(callbacks=[errors], **_clients(_json(body)))
    with pytest.raises(GradientMalformedResponseError) as caught:
        llm.invoke("hi")
    assert caught.value.usage == USAGE
    assert caught.value.request_id == "req-9"
    assert "req-9" in str(caught.value)
    assert errors.errors and isinstance(errors.errors[0], GradientMalformedResponseError)
    with pytest.raises(GradientMalformedResponseError):
        await llm.ainvoke("hi")


RESPONSES_BODIES = {
    "no-output": {"id": "resp_1", "status": "completed", "usage": {"total_tokens": 4}},
    "output-null": {"id": "resp_1", "status": "completed", "output": None},
    "output-string": {"id": "resp_1", "status": "completed", "output": "hello"},
    "empty-output-completed": {"id": "resp_1", "status": "completed", "output": []},
    "chat-shaped-empty": {"id": "c1", "choices": [], "usage": {"total_tokens": 4}},
}


@pytest.mark.parametrize("body", RESPONSES_BODIES.values(), ids=RESPONSES_BODIES.keys())
def test_responses_without_output_raises(body: dict[str, Any]) -> None:
    llm = GradientResponses(**_clients(_json(body)))
    with pytest.raises(GradientMalformedResponseError) as caught:
        llm.invoke("hi")
    assert caught.value.request_id is None or isinstance(caught.value.request_id, str)


def test_responses_incomplete_with_no_output_is_an_empty_answer_not_an_error() -> None:
    body = {
        "id": "resp_1",
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "output": [],
    }
    message = GradientResponses(**_clients(_json(body))).invoke("hi")
    assert message.content == ""
    assert message.response_metadata["finish_reason"] == "length"


@pytest.mark.parametrize(
    "body",
    [{"created": 1, "data": []}, {"created": 1}, {"created": 1, "data": None}],
    ids=["empty", "missing", "null"],
)
def test_image_response_without_data_raises(body: dict[str, Any], tmp_path: Path) -> None:
    tool = GradientImageTool(output_dir=tmp_path, **_clients(_json(body)))
    call = {"type": "tool_call", "id": "1", "name": tool.name, "args": {"prompt": "a cat"}}
    with pytest.raises(GradientMalformedResponseError, match="image data"):
        tool.invoke(call)
    assert list(tmp_path.iterdir()) == []


def test_completed_fal_job_without_output_raises_with_its_request_id(tmp_path: Path) -> None:
    record = {"request_id": "job-7", "status": "COMPLETED", "model_id": "fal-ai/flux/schnell"}
    seen: list[str] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx2.Response(200, json=record)

    tool = GradientFalTool(
        model_id="fal-ai/flux/schnell",
        output_dir=tmp_path,
        poll_policy=FalPollPolicy(initial_interval=0.01, max_interval=0.02, timeout=5),
        **_clients(reply),
    )
    call = {"type": "tool_call", "id": "1", "name": tool.name, "args": {"prompt": "a cat"}}
    with pytest.raises(GradientMalformedResponseError, match="job-7") as caught:
        tool.invoke(call)
    assert caught.value.request_id == "job-7"
    assert "GET /v1/async-invoke/job-7" in seen  # the full record was asked for first
