"""get_gradient_callback: per-model tokens and USD across sync, async, streaming and threads."""

from __future__ import annotations

import asyncio
import contextvars
import uuid
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun, dispatch_custom_event
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableLambda

from langchain_gradient.callbacks import (
    GRADIENT_MEDIA_USAGE_EVENT,
    GradientCostCallbackHandler,
    UnknownCostWarning,
    get_gradient_callback,
    report_media_usage,
)

SONNET = "anthropic-claude-4.5-sonnet"
LLAMA = "llama3.3-70b-instruct"
# Sonnet ($3 in, $15 out, $3.75 cache write): 14 uncached + 1043 cache-written + 100 out
SONNET_USAGE = {
    "input_tokens": 1057,
    "output_tokens": 100,
    "total_tokens": 1157,
    "input_token_details": {"cache_creation": 1043},
}
SONNET_COST = (14 * 3 + 1043 * 3.75 + 100 * 15) / 1e6
# Llama ($0.65 both ways): 1000 in + 1000 out
LLAMA_USAGE = {"input_tokens": 1000, "output_tokens": 1000, "total_tokens": 2000}
LLAMA_COST = 2000 * 0.65 / 1e6


class UsageChat(BaseChatModel):
    """Answers 'ok' and reports fixed usage under a Gradient model name."""

    model_name: str = SONNET
    usage: dict[str, Any] = SONNET_USAGE

    @property
    def _llm_type(self) -> str:
        return "usage-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(
            content="ok",
            usage_metadata=self.usage,  # type: ignore[arg-type]
            response_metadata={"model_name": self.model_name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield ChatGenerationChunk(message=AIMessageChunk(content="o"))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="k",
                usage_metadata=self.usage,  # type: ignore[arg-type]
                response_metadata={"model_name": self.model_name},
            )
        )


def test_sync_invoke_totals_per_model() -> None:
    with get_gradient_callback() as cb:
        UsageChat().invoke("hi")
        UsageChat().invoke("hi")
        UsageChat(model_name=LLAMA, usage=LLAMA_USAGE).invoke("hi")
    totals = cb.per_model
    assert totals[SONNET].requests == 2
    assert totals[SONNET].input_tokens == 2114
    assert totals[SONNET].cache_write_tokens == 2086
    assert totals[SONNET].cost_usd == pytest.approx(2 * SONNET_COST)
    assert totals[LLAMA].cost_usd == pytest.approx(LLAMA_COST)
    assert cb.total_cost_usd == pytest.approx(2 * SONNET_COST + LLAMA_COST)
    assert cb.cost_known and cb.successful_requests == 3
    assert cb.total_tokens == 2 * 1157 + 2000


def test_nothing_is_tracked_outside_the_block() -> None:
    with get_gradient_callback() as cb:
        pass
    UsageChat().invoke("hi")
    assert cb.successful_requests == 0


def test_streaming_counts_the_final_usage_once() -> None:
    with get_gradient_callback() as cb:
        assert "".join(str(c.content) for c in UsageChat().stream("hi")) == "ok"
    assert cb.per_model[SONNET].requests == 1
    assert cb.total_cost_usd == pytest.approx(SONNET_COST)


async def test_async_invoke_stream_and_gather() -> None:
    with get_gradient_callback() as cb:
        await UsageChat().ainvoke("hi")
        async for _ in UsageChat().astream("hi"):
            pass
        await asyncio.gather(
            *(UsageChat(model_name=LLAMA, usage=LLAMA_USAGE).ainvoke("x") for _ in range(5))
        )
    assert cb.per_model[SONNET].requests == 2
    assert cb.per_model[LLAMA].requests == 5
    assert cb.total_cost_usd == pytest.approx(2 * SONNET_COST + 5 * LLAMA_COST)


def test_threads_batch_and_copied_context() -> None:
    llm = UsageChat(model_name=LLAMA, usage=LLAMA_USAGE)
    with get_gradient_callback() as cb:
        llm.batch(["a"] * 8, config={"max_concurrency": 4})
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, llm.invoke, "b") for _ in range(16)
            ]
            for future in futures:
                future.result()
    assert cb.per_model[LLAMA].requests == 24
    assert cb.per_model[LLAMA].input_tokens == 24_000
    assert cb.total_cost_usd == pytest.approx(24 * LLAMA_COST)


def test_unknown_model_is_unknown_cost_warned_once() -> None:
    name = f"mystery-{uuid.uuid4().hex[:8]}"
    llm = UsageChat(model_name=name, usage=LLAMA_USAGE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with get_gradient_callback() as cb:
            llm.invoke("a")
            llm.invoke("b")
            UsageChat(model_name=LLAMA, usage=LLAMA_USAGE).invoke("c")
    unknown = [w for w in caught if issubclass(w.category, UnknownCostWarning)]
    assert len(unknown) == 1 and name in str(unknown[0].message)
    assert not cb.cost_known and not cb.per_model[name].cost_known
    assert cb.per_model[name].requests == 2 and cb.per_model[name].input_tokens == 2000
    assert cb.total_cost_usd == pytest.approx(LLAMA_COST)  # the known part
    assert f"(partial: no price for {name})" in repr(cb)
    assert cb.cost_partial and cb.unpriced_models == [name]
    assert cb.total_cost == cb.total_cost_usd


def test_media_usage_from_tools() -> None:
    def tool_body(_: str) -> str:
        dispatch_custom_event(
            GRADIENT_MEDIA_USAGE_EVENT, {"model": "fal-ai/flux/schnell", "megapixels": 2.0}
        )
        return "done"

    with get_gradient_callback() as cb:
        report_media_usage("fal-ai/fast-sdxl", seconds=3.0)
        report_media_usage("stable-diffusion-3.5-large", images=2)
        RunnableLambda(tool_body).invoke("go")
    totals = cb.per_model
    assert totals["fal-ai/fast-sdxl"].seconds == 3.0
    assert totals["stable-diffusion-3.5-large"].images == 2
    assert totals["fal-ai/flux/schnell"].megapixels == 2.0
    assert cb.total_cost_usd == pytest.approx(3 * 0.0011 + 2 * 0.065 + 2 * 0.003)
    assert report_media_usage("fal-ai/fast-sdxl", seconds=1) is None  # no tracker active


def test_handler_as_an_explicit_callback_and_raw_usage_bodies() -> None:
    handler = GradientCostCallbackHandler()
    UsageChat(model_name=LLAMA, usage=LLAMA_USAGE).invoke("hi", config={"callbacks": [handler]})
    # a raw Anthropic body: prompt_tokens excludes cache, so total input is 14 + 1043
    handler.add_usage(
        SONNET,
        {
            "prompt_tokens": 14,
            "completion_tokens": 100,
            "total_tokens": 114,
            "cache_created_input_tokens": 1043,
        },
    )
    assert handler.per_model[SONNET].input_tokens == 1057
    assert handler.total_cost_usd == pytest.approx(LLAMA_COST + SONNET_COST)


def test_usage_events_in_the_media_tools_shape() -> None:
    from langchain_gradient.tools._events import MEDIA_USAGE_EVENT, usage_event

    assert MEDIA_USAGE_EVENT == GRADIENT_MEDIA_USAGE_EVENT
    events = [
        usage_event("gradient_fal", "fal-ai/stable-audio-25/text-to-audio", {"seconds": 30}),
        usage_event("gradient_fal", "fal-ai/elevenlabs/tts/multilingual-v2", {"characters": 2500}),
        # gpt-image-1 is billed by tokens ($5 in / $40 out per 1M); the image count is kept
        usage_event(
            "gradient_image",
            "openai-gpt-image-1",
            {"images": 1, "input_tokens": 20, "output_tokens": 1056, "total_tokens": 1076},
        ),
    ]

    def tool_body(_: str) -> str:
        for event in events:
            dispatch_custom_event(GRADIENT_MEDIA_USAGE_EVENT, event)
        return "done"

    with get_gradient_callback() as cb:
        RunnableLambda(tool_body).invoke("go")
    totals = cb.per_model
    assert totals["openai-gpt-image-1"].images == 1
    assert totals["openai-gpt-image-1"].output_tokens == 1056
    expected = 30 * 0.00058 + 2.5 * 0.10 + (20 * 5 + 1056 * 40) / 1e6
    assert cb.total_cost_usd == pytest.approx(expected)
    assert cb.cost_known


def test_a_unit_the_tool_could_not_measure_makes_the_cost_unknown() -> None:
    model = "fal-ai/stable-audio-25/text-to-audio"

    def tool_body(_: str) -> str:
        dispatch_custom_event(
            GRADIENT_MEDIA_USAGE_EVENT,
            {"tool": "gradient_fal", "model": model, "usage": {"seconds": None}},
        )
        return "done"

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownCostWarning)
        with get_gradient_callback() as cb:
            RunnableLambda(tool_body).invoke("go")
    assert cb.per_model[model].requests == 1
    assert not cb.cost_known
