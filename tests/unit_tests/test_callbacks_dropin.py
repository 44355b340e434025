"""get_gradient_callback() as a drop-in for get_openai_callback(), embeddings, threads."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from langchain_gradient import GradientEmbeddings
from langchain_gradient.callbacks import get_gradient_callback
from tests.unit_tests.test_callbacks import LLAMA, LLAMA_COST, LLAMA_USAGE, UsageChat

# The attributes langchain_community's OpenAICallbackHandler offers (get_openai_callback).
OPENAI_CALLBACK_ATTRIBUTES = (
    "total_tokens",
    "prompt_tokens",
    "prompt_tokens_cached",
    "completion_tokens",
    "reasoning_tokens",
    "successful_requests",
    "total_cost",
)


def test_every_get_openai_callback_attribute_with_the_same_meaning() -> None:
    usage = {
        "input_tokens": 1000,
        "output_tokens": 1000,
        "total_tokens": 2000,
        "input_token_details": {"cache_read": 400},
        "output_token_details": {"reasoning": 300},
    }
    with get_gradient_callback() as cb:
        UsageChat(model_name="openai-gpt-oss-120b", usage=usage).invoke("hi")
    for name in OPENAI_CALLBACK_ATTRIBUTES:
        assert hasattr(cb, name), name
    assert (cb.prompt_tokens, cb.prompt_tokens_cached) == (1000, 400)  # cached is part of it
    assert (cb.completion_tokens, cb.reasoning_tokens) == (1000, 300)
    assert cb.total_tokens == 2000 and cb.successful_requests == 1
    assert cb.total_cost > 0 and cb.total_cost == cb.total_cost_usd
    text = str(cb)
    assert "Prompt Tokens Cached: 400" in text and "Reasoning Tokens: 300" in text
    assert not cb.cost_partial and "partial" not in text


def test_unpriced_model_is_never_a_silent_zero() -> None:
    with pytest.warns(UserWarning), get_gradient_callback() as cb:
        UsageChat(model_name="no-such-model-x1", usage=LLAMA_USAGE).invoke("hi")
    assert cb.total_cost == 0.0
    assert cb.cost_partial and cb.unpriced_models == ["no-such-model-x1"]
    assert "partial: no price for no-such-model-x1" in str(cb)


def embeddings_model() -> GradientEmbeddings:
    def reply(request: httpx2.Request) -> httpx2.Response:
        body: dict[str, Any] = {
            "object": "list",
            "model": "bge-m3",
            "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
            "usage": {"prompt_tokens": 7, "total_tokens": 7},
        }
        return httpx2.Response(200, json=body)

    async def areply(request: httpx2.Request) -> httpx2.Response:
        return reply(request)

    return GradientEmbeddings(
        model="bge-m3",
        api_key="test-key-123456",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(reply)),
        http_async_client=httpx2.AsyncClient(transport=httpx2.MockTransport(areply)),
    )


async def test_embeddings_calls_are_counted() -> None:
    emb = embeddings_model()
    with get_gradient_callback() as cb:
        emb.embed_query("hello")
        await emb.aembed_query("hello")
    assert cb.per_model["bge-m3"].requests == 2
    assert cb.prompt_tokens == 14
    assert cb.total_cost > 0 and not cb.cost_partial


def test_process_scope_counts_plain_worker_threads_and_tasks_exactly() -> None:
    llm = UsageChat(model_name=LLAMA, usage=LLAMA_USAGE)

    async def tasks() -> None:
        await asyncio.gather(*(llm.ainvoke("t") for _ in range(100)))

    # a plain pool: no context copied into its threads
    with get_gradient_callback(scope="process") as cb, ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(llm.invoke, "p") for _ in range(100)]
        runner = threading.Thread(target=asyncio.run, args=(tasks(),))
        runner.start()
        for future in futures:
            future.result()
        runner.join()
    assert cb.per_model[LLAMA].requests == 200
    assert cb.total_cost == pytest.approx(200 * LLAMA_COST)
    with ThreadPoolExecutor(max_workers=2) as pool:  # after the block: not counted
        pool.submit(llm.invoke, "late").result()
    assert cb.successful_requests == 200


def test_context_scope_does_not_see_plain_threads_as_documented() -> None:
    llm = UsageChat(model_name=LLAMA, usage=LLAMA_USAGE)
    with get_gradient_callback() as cb, ThreadPoolExecutor(max_workers=2) as pool:
        pool.submit(llm.invoke, "p").result()
        llm.invoke("here")
    assert cb.successful_requests == 1


def test_nested_context_and_process_scopes_count_once_each() -> None:
    llm = UsageChat(model_name=LLAMA, usage=LLAMA_USAGE)
    with get_gradient_callback(scope="process") as outer, get_gradient_callback() as inner:
        llm.invoke("x")
    assert outer.successful_requests == 1 and inner.successful_requests == 1
