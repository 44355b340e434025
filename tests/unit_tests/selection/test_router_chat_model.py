"""GradientRouter as a chat model: streaming (buffered lower rungs, live top rung), async
streaming, callbacks, per-call options, and langchain-tests' standard unit suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler, CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_tests.unit_tests import ChatModelUnitTests

from langchain_gradient.selection import GradientRouter

from .fakes import ScriptedChatModel, model_info, reply

CHEAP = model_info("cheap", 1.0, 2.0, tools=True)
STRONG = model_info("strong", 10.0, 30.0, tools=True)


class StreamingScripted(ScriptedChatModel):
    """Streams its scripted reply word by word; usage on the last chunk; records ``stop``."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Any:
        result = super()._generate(messages, None, run_manager, **kwargs)
        self.calls[-1]["stop"] = stop
        return result

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._generate(messages, stop, None, **kwargs).generations[0].message
        words = str(message.content).split(" ")
        for index, word in enumerate(words):
            last = index == len(words) - 1
            chunk = AIMessageChunk(
                content=word if index == 0 else " " + word,
                response_metadata=dict(message.response_metadata) if last else {},
                usage_metadata=message.usage_metadata if last else None,
            )
            if run_manager is not None:
                run_manager.on_llm_new_token(chunk.text)
            yield ChatGenerationChunk(message=chunk)


class Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.by_parent: dict[Any, list[str]] = {}

    def on_llm_new_token(self, token: Any, *, parent_run_id: Any = None, **kw: Any) -> None:
        self.by_parent.setdefault(parent_run_id, []).append(str(token))


def streaming_ladder(
    cheap_text: str, cheap_finish: str = "stop"
) -> tuple[GradientRouter, StreamingScripted, StreamingScripted]:
    cheap = StreamingScripted(
        model_name="cheap", replies=[reply(cheap_text, finish_reason=cheap_finish)]
    )
    strong = StreamingScripted(model_name="strong", replies=[reply("the full strong answer")])
    return GradientRouter(models=[cheap, strong], vouched_models=[CHEAP, STRONG]), cheap, strong


def test_a_late_escalation_never_streams_the_rejected_answer() -> None:
    router, cheap, strong = streaming_ladder("a cut off", cheap_finish="length")
    tokens = Tokens()
    chunks = list(router.stream("hard question", config={"callbacks": [tokens]}))
    text = "".join(str(c.content) for c in chunks)
    assert text == "the full strong answer"
    assert "cut" not in text and len(cheap.calls) == 1 and len(strong.calls) == 1
    # The top rung streamed live: one chunk per word, then the closing routing chunk.
    assert [c.content for c in chunks[:-1]] == ["the", " full", " strong", " answer"]
    routing = chunks[-1].response_metadata["gradient_routing"]
    assert routing["answered_by"] == "strong" and routing["escalations"][0]["from"] == "cheap"
    assert all(c.usage_metadata is None for c in chunks)
    # The router's own run got exactly the tokens the caller saw.
    assert "".join(tokens.by_parent[None]) == text


def test_an_accepted_lower_rung_is_released_after_its_checks() -> None:
    router, _, strong = streaming_ladder("short and fine")
    chunks = list(router.stream("easy"))
    assert "".join(str(c.content) for c in chunks) == "short and fine"
    assert not strong.calls
    assert chunks[-1].response_metadata["gradient_routing"]["accepted"]


async def test_async_streaming_matches_sync() -> None:
    router, _, strong = streaming_ladder("a cut off", cheap_finish="length")
    chunks = [chunk async for chunk in router.astream("hard question")]
    assert "".join(str(c.content) for c in chunks) == "the full strong answer"
    assert chunks[-1].response_metadata["gradient_routing"]["answered_by"] == "strong"
    assert len(strong.calls) == 1


async def test_ainvoke_returns_the_routed_message_without_its_own_usage() -> None:
    router, _, _ = streaming_ladder("short and fine")
    message = await router.ainvoke("easy")
    assert message.usage_metadata is None
    routing = message.response_metadata["gradient_routing"]
    assert routing["usage"]["output_tokens"] == 50  # the answering call's usage


def test_stop_and_bound_options_reach_every_rung() -> None:
    router, cheap, strong = streaming_ladder("a cut off", cheap_finish="length")
    router.bind(stop=["END"]).invoke("hi")
    assert cheap.calls[0]["stop"] == ["END"]
    assert strong.calls[0]["stop"] == ["END"]


class TestGradientRouterStandard(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[GradientRouter]:
        return GradientRouter

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "models": ["openai-gpt-4o-mini", "openai-gpt-4o"],
            "chat_model_kwargs": {"api_key": "test-access-key", "base_url": "http://127.0.0.1:9"},
        }

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @pytest.mark.xfail(
        reason="GradientRouter is not langchain-serializable (its rungs are live objects).",
        strict=False,
    )
    def test_serdes(self, model: Any, snapshot: Any) -> None:
        super().test_serdes(model, snapshot)
