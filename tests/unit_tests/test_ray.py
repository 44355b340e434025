"""langchain_gradient.ray on a local Ray cluster (one per module) against the emulator.

Ray's start-up is the slow part: one cluster (``num_cpus=2``, no dashboard, a small
object store) serves every test here; the emulator runs in this process and the
workers reach it on loopback, with the key from the cluster's ``runtime_env``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

ray = pytest.importorskip("ray", reason="needs the [ray] extra")

from langchain_gradient import (  # noqa: E402
    ChatGradient,
    GradientEmbeddings,
    GradientResponses,
)
from langchain_gradient.emulator import Fault  # noqa: E402
from langchain_gradient.emulator.runtime import GradientEmulator  # noqa: E402
from langchain_gradient.ray import (  # noqa: E402
    RateBudget,
    chat_dataset,
    embed_dataset,
)

RPM = 3600  # 60 requests per second, for every worker together


@pytest.fixture(scope="module")
def emulator() -> Iterator[GradientEmulator]:
    with GradientEmulator(enforce_rate_limit=True, requests_per_minute=RPM + 60) as emu:
        yield emu


@pytest.fixture(scope="module")
def cluster(emulator: GradientEmulator) -> Iterator[None]:
    os.environ.pop("MODEL_ACCESS_KEY", None)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024**2,
        runtime_env={"env_vars": {"MODEL_ACCESS_KEY": emulator.api_key}},
        log_to_driver=False,
    )
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def emu(emulator: GradientEmulator, cluster: None) -> GradientEmulator:
    emulator.reset()
    return emulator


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _assert_within_budget(emu: GradientEmulator, path: str, rpm: float) -> list[Any]:
    """No 429 from the emulator's own quota, and the log's arrival times within the budget:
    over every 5 s window at most 5 s of budget plus 0.5 s for scheduling jitter (the log
    stamps arrival at the server, after the client's wait and the machine's delays)."""
    records = emu.request_log.records(path)
    assert not [r for r in records if r.status == 429 and r.fault is None]
    in_five_seconds = _max_in_window([r.started_at for r in records], 5.0)
    assert in_five_seconds <= rpm / 60 * 5.5, in_five_seconds
    return records


def test_the_key_is_not_pickled_and_workers_read_it_from_the_runtime_env(
    emu: GradientEmulator,
) -> None:
    embeddings = GradientEmbeddings(api_key=emu.api_key, base_url=emu.base_url)

    @ray.remote
    def worker_view(obj: GradientEmbeddings) -> str:
        return obj.key_source

    import pickle

    assert emu.api_key.encode() not in pickle.dumps(embeddings)
    assert ray.get(worker_view.remote(embeddings)) == "MODEL_ACCESS_KEY"


def test_ten_thousand_texts_embedded_aligned_with_row_errors_inside_the_budget(
    emu: GradientEmulator,
) -> None:
    emu.inject(Fault.status(500), times=3, path="/v1/embeddings")  # 3 requests fail for good
    texts = [f"document number {i}" for i in range(10_000)]
    ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(texts)])
    budget = RateBudget(requests_per_minute=RPM)
    embeddings = GradientEmbeddings(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
    rows = embed_dataset(ds, embeddings, budget=budget, batch_size=1000, chunk_size=50)
    rows = rows.take_all()
    assert sorted(r["id"] for r in rows) == list(range(10_000))
    failed = [r for r in rows if r["error"] is not None]
    assert len(failed) == 3 * 50 and all(r["embedding"] is None for r in failed)
    assert all("500" in r["error"] or "Server" in r["error"] for r in failed)
    records = _assert_within_budget(emu, "/v1/embeddings", RPM)
    assert len(records) == 10_000 // 50  # one request per chunk, the failed ones included
    # Every row carries its own text's vector: the emulator's vectors are a function of
    # the text, so each row is checked against a direct call (a shifted or reordered
    # result would fail here, not only a dropped one).
    by_id = {r["id"]: r for r in rows}
    assert all(by_id[i]["text"] == texts[i] for i in range(10_000))
    direct = GradientEmbeddings(api_key=emu.api_key, base_url=emu.base_url)
    ok = [r for r in rows if r["error"] is None]
    assert [list(r["embedding"]) for r in ok] == direct.embed_documents([r["text"] for r in ok])


def test_sdk_retries_draw_from_the_shared_budget_too(emu: GradientEmulator) -> None:
    """A retried request is a request the quota counts: each attempt books a slot."""
    emu.inject(Fault.status(503), times=2, path="/v1/embeddings")
    ds = ray.data.from_items([{"id": i, "text": f"note {i}"} for i in range(200)])
    budget = RateBudget(requests_per_minute=RPM)
    embeddings = GradientEmbeddings(api_key=emu.api_key, base_url=emu.base_url, max_retries=2)
    rows = embed_dataset(ds, embeddings, budget=budget, batch_size=100, chunk_size=50)
    assert [r["error"] for r in rows.take_all()] == [None] * 200
    attempts = emu.request_log.records("/v1/embeddings")
    assert len(attempts) == 200 // 50 + 2  # two 503s, each retried by the SDK
    assert budget.state()["reservations"] == len(attempts)


DIGITS = [
    "alfa",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
]


def spelled(i: int) -> str:
    """``i`` as three words the scripted model echoes (it leaves digits out): 17 ->
    "alfa bravo hotel"."""
    return " ".join(DIGITS[int(c)] for c in f"{i:03d}")


class Verdict(BaseModel):
    label: str


def test_a_thousand_prompts_answered_aligned_with_usage_on_the_driver(
    emu: GradientEmulator,
) -> None:
    emu.inject(Fault.status(400, message="bad prompt"), times=2, path="/v1/chat/completions")
    ds = ray.data.from_items([{"id": i, "prompt": f"Spell {spelled(i)}"} for i in range(1000)])
    budget = RateBudget(requests_per_minute=RPM)
    llm = ChatGradient(api_key=emu.api_key, base_url=emu.base_url, max_tokens=24)
    rows = chat_dataset(ds, llm, budget=budget, batch_size=100).take_all()
    assert sorted(r["id"] for r in rows) == list(range(1000))
    failed = [r for r in rows if r["error"] is not None]
    assert len(failed) == 2 and all("bad prompt" in r["error"] for r in failed)
    # The scripted model repeats a prompt's words, so each answer names its own row's id.
    answered = [r for r in rows if not r["error"]]
    assert [f"spell {spelled(r['id'])}" in r["answer"] for r in answered] == [True] * 998
    _assert_within_budget(emu, "/v1/chat/completions", RPM)
    usage = budget.usage()
    assert usage.successful_requests == 998
    assert usage.total_cost_usd > 0 and usage.cost_known
    log_tokens = sum(1 for r in emu.request_log.records("/v1/chat/completions") if r.status == 200)
    assert log_tokens == 998


def test_gradient_responses_answers_each_row_through_v1_responses(emu: GradientEmulator) -> None:
    ds = ray.data.from_items([{"id": i, "prompt": f"Spell {spelled(i)}"} for i in range(40)])
    llm = GradientResponses(api_key=emu.api_key, base_url=emu.base_url)
    rows = chat_dataset(ds, llm, budget=RateBudget(RPM), batch_size=10).take_all()
    assert sorted(r["id"] for r in rows) == list(range(40))
    assert all(r["error"] is None and f"spell {spelled(r['id'])}" in r["answer"] for r in rows)
    assert len(emu.request_log.records("/v1/responses")) == 40


def test_structured_output_runs_per_row_as_in_abatch(emu: GradientEmulator) -> None:
    ds = ray.data.from_items([{"prompt": f"Classify {i}"} for i in range(6)])
    llm = ChatGradient(api_key=emu.api_key, base_url=emu.base_url).with_structured_output(Verdict)
    rows = chat_dataset(ds, llm, budget=RateBudget(RPM), batch_size=3).take_all()
    assert all(r["error"] is None and isinstance(r["answer"]["label"], str) for r in rows)


def test_bound_tools_answer_with_the_tool_calls_per_row(emu: GradientEmulator) -> None:
    from langchain_core.tools import tool

    @tool
    def get_weather(city: str) -> str:
        """Weather for a city."""
        return "sunny"

    ds = ray.data.from_items([{"id": i, "prompt": f"Weather in city {i}?"} for i in range(6)])
    llm = ChatGradient(api_key=emu.api_key, base_url=emu.base_url).bind_tools(
        [get_weather], tool_choice="get_weather"
    )
    rows = chat_dataset(ds, llm, budget=RateBudget(RPM), batch_size=3).take_all()
    assert sorted(r["id"] for r in rows) == list(range(6))
    for row in rows:
        assert row["error"] is None
        [call] = row["answer"]
        assert call["name"] == "get_weather" and isinstance(call["args"], dict)


def test_the_budget_pauses_on_a_spent_quota_and_lowers_to_published_limits() -> None:
    from langchain_gradient.ray import _Buckets

    buckets = _Buckets(requests_per_minute=600, tokens_per_minute=None, burst=1)
    waits = [buckets.reserve(1) for _ in range(3)]
    assert waits[0] <= 0 and 0.09 <= waits[2] - waits[1] <= 0.11  # 10 per second, spaced
    buckets.observe({"requests": {"limit": 60, "remaining": 5}})
    assert buckets.limits["requests"] == 60
    import time

    buckets.observe({"requests": {"limit": 60, "remaining": 0, "reset_at": time.time() + 5}})
    assert buckets.reserve(1) >= 4.5
