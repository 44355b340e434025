"""A stream that ends without its terminal signal is not a whole answer (issue 15).

Chat: neither a ``finish_reason`` nor ``[DONE]``. Responses: no ``response.completed``
(typed events), no ``finish_reason`` (chat-like chunks) and no ``[DONE]``. Each raises
GradientStreamError with the partial text, and callbacks see ``on_llm_error``.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from langchain_gradient import GradientStreamError
from tests.unit_tests.fake_gradient import FakeGradient, chunk, sse_reply, usage_chunk
from tests.unit_tests.responses.conftest import FakeResponsesServer


@pytest.fixture
def server() -> FakeResponsesServer:
    return FakeResponsesServer()


class _Errors(BaseCallbackHandler):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(error)


CUT = [chunk({"role": "assistant", "content": "The capital"}), chunk({"content": " of Fr"})]


def test_chat_stream_cut_without_finish_reason_or_done_raises_with_the_partial_text() -> None:
    errors = _Errors()
    llm = FakeGradient(sse_reply(CUT, done=False)).chat(callbacks=[errors])
    received: list[str] = []
    with pytest.raises(GradientStreamError, match="cut off") as caught:
        for piece in llm.stream("capital of France?"):
            received.append(str(piece.content))
    assert caught.value.partial_text == "The capital of Fr"
    assert "".join(received) == "The capital of Fr"  # what arrived was still streamed
    assert len(errors.errors) == 1 and isinstance(errors.errors[0], GradientStreamError)


async def test_chat_astream_and_invoke_with_streaming_raise_too() -> None:
    fake = FakeGradient(sse_reply(CUT, done=False))
    with pytest.raises(GradientStreamError) as caught:
        async for _ in fake.chat().astream("hi"):
            pass
    assert caught.value.partial_text == "The capital of Fr"
    with pytest.raises(GradientStreamError):
        fake.chat(streaming=True).invoke("hi")  # not taken as a whole answer


def test_chat_stream_cut_after_usage_but_before_finish_raises() -> None:
    events = [*CUT, usage_chunk({"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7})]
    with pytest.raises(GradientStreamError):
        list(FakeGradient(sse_reply(events, done=False)).chat().stream("hi"))


def test_chat_stream_without_done_but_with_finish_reason_still_works() -> None:
    events = [*CUT, chunk({"content": "ance is Paris."}, finish_reason="stop")]
    text = "".join(
        str(c.content) for c in FakeGradient(sse_reply(events, done=False)).chat().stream("hi")
    )
    assert text == "The capital of France is Paris."


def test_chat_stream_with_done_but_no_finish_reason_still_works() -> None:
    text = "".join(
        str(c.content) for c in FakeGradient(sse_reply(CUT, done=True)).chat().stream("hi")
    )
    assert text == "The capital of Fr"


def test_an_empty_chat_stream_is_not_an_empty_answer() -> None:
    with pytest.raises(GradientStreamError, match="no text"):
        FakeGradient(sse_reply([], done=False)).chat().invoke("hi", stream=True)


# -- Responses -------------------------------------------------------------------------------

TYPED = [
    {"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}},
    {"type": "response.output_text.delta", "item_id": "m1", "delta": "Half an "},
    {"type": "response.output_text.delta", "item_id": "m1", "delta": "answ"},
]
COMPLETED = {
    "type": "response.completed",
    "response": {"id": "resp_1", "status": "completed", "usage": {"input_tokens": 2}},
}


def test_responses_typed_stream_without_completed_raises(server: FakeResponsesServer) -> None:
    errors = _Errors()
    server.stream(*TYPED, done=False)
    with pytest.raises(GradientStreamError, match=r"response\.completed") as caught:
        list(server.model(callbacks=[errors]).stream("hi"))
    assert caught.value.partial_text == "Half an answ"
    assert errors.errors


async def test_responses_async_stream_without_completed_raises(
    server: FakeResponsesServer,
) -> None:
    server.stream(*TYPED, done=False)
    with pytest.raises(GradientStreamError):
        async for _ in server.model().astream("hi"):
            pass


def test_responses_typed_stream_with_completed_works(server: FakeResponsesServer) -> None:
    server.stream(*TYPED, COMPLETED, done=False)
    chunks = list(server.model().stream("hi"))
    assert "".join(str(c.content) for c in chunks) == "Half an answ"


def test_responses_chat_like_stream_without_finish_reason_raises(
    server: FakeResponsesServer,
) -> None:
    chat_like = {"id": "r", "object": "response.chunk", "choices": [{"delta": {"content": "Hi"}}]}
    server.stream(chat_like, done=False)
    with pytest.raises(GradientStreamError, match="finish_reason") as caught:
        server.model(streaming=True).invoke("hi")
    assert caught.value.partial_text == "Hi"


def test_responses_chat_like_stream_with_finish_reason_and_no_done_works(
    server: FakeResponsesServer,
) -> None:
    last = {"choices": [{"delta": {"content": "!"}, "finish_reason": "stop"}]}
    server.stream({"choices": [{"delta": {"content": "Hi"}}]}, last, done=False)
    assert server.model().invoke("hi", stream=True).content == "Hi!"
