"""Arguments of another class are refused with a pointer; tracing metadata stays local."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from langchain_gradient import ChatGradient, GradientResponses
from tests.unit_tests.fake_gradient import FakeGradient
from tests.unit_tests.responses.conftest import FakeResponsesServer, text_response


@pytest.mark.parametrize(
    ("cls", "name", "value", "pointer"),
    [
        (ChatGradient, "use_responses_api", True, "GradientResponses"),
        (ChatGradient, "previous_response_id", "resp_1", "GradientResponses"),
        (ChatGradient, "dimensions", 256, "GradientEmbeddings"),
        (GradientResponses, "n", 2, "ChatGradient"),
        (GradientResponses, "use_responses_api", True, "always uses /v1/responses"),
    ],
)
def test_argument_of_another_class_is_refused_with_a_pointer(
    cls: Any, name: str, value: Any, pointer: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        cls(api_key="k", **{name: value})
    message = str(caught.value)
    assert name in message and pointer in message


def test_tracing_metadata_is_not_sent_by_chat() -> None:
    fake = FakeGradient()
    llm = fake.chat(metadata={"run": "tracing-only"})
    llm.invoke("hi", config={"metadata": {"also": "tracing"}})
    assert "metadata" not in fake.bodies[-1]


def test_request_metadata_is_sent_when_asked_for_explicitly() -> None:
    fake = FakeGradient()
    llm = fake.chat(metadata={"run": "tracing-only"}, extra_body={"metadata": {"team": "a"}})
    llm.invoke("hi")
    assert fake.bodies[-1]["metadata"] == {"team": "a"}


def test_tracing_metadata_is_not_sent_by_responses() -> None:
    server = FakeResponsesServer()
    server.reply(text_response("ok"))
    server.reply(text_response("ok"))
    server.model(metadata={"run": "tracing-only"}).invoke("hi")
    assert "metadata" not in server.bodies[-1]
    server.model(extra_body={"metadata": {"team": "a"}}).invoke("hi")
    assert server.bodies[-1]["metadata"] == {"team": "a"}
