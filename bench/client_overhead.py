"""Client overhead, side by side: ChatGradient vs the raw ``openai`` SDK vs ``ChatOpenAI``.

Every figure comes from one run against the emulator in its own process on loopback
(see :mod:`bench._harness`), with the clients interleaved round by round:

* **invoke / stream**: wall time per call (and CPU time of this process per call,
  ``time.process_time`` in a thread-free loop) for the same request, the clients called
  in turn (ABCD ABCD ...); ratio to the raw SDK = median over rounds of (client's median
  / SDK's median in that round). Targets: ChatGradient <= 1.10x the SDK and below
  ChatOpenAI. A fourth client, ``lc_minimal`` (a bare ``BaseChatModel`` calling the SDK),
  shows the floor langchain-core's own machinery sets for any integration.
* **first token**: time from the call to the first chunk with text, from the stream
  rounds (plain emulator) and again with a 20 ms slow first byte. Target <= 1.05x.
* **async throughput**: requests/s of ``ainvoke`` / ``AsyncOpenAI`` with 50 and 500
  concurrent requests in one event loop, every client on its defaults; failed calls
  and SDK retries are counted. Target >= 0.9x the SDK, no errors.
* **memory per 1,000 in-flight requests**: a fresh process per client fires 1,000
  ``ainvoke`` / ``AsyncOpenAI`` calls at an emulator that holds every answer for one
  model (slow first byte); once 1,000 sockets are open, RSS (and, in a second pass,
  tracemalloc) minus the warmed-up baseline; then the calls are cancelled.

Import time and memory after import are ``bench.import_time``.

Run: ``python -m bench client_overhead`` (``CLIENT_BENCH_SCALE=0.5`` halves the request
counts); writes bench/results/client_overhead.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from bench._harness import (
    KEY,
    MODEL,
    ROOT,
    Emulator,
    interleave,
    median,
    ratio_spread,
    rotated,
    round_ratios,
    rss_bytes,
    spread,
    write_results,
)

PROMPT = "Hello! What is 2 + 3?"
MESSAGES = [{"role": "user", "content": PROMPT}]
MEMORY_CLIENTS = ("sdk", "gradient")  # the pair; a probe costs seconds
SCALE = float(os.environ.get("CLIENT_BENCH_SCALE", "1"))
SYNC_CALLS = max(10, int(60 * SCALE))  # per client per round, called in turn
SYNC_ROUNDS = 8
TTFT_DELAY = 0.02  # seconds of slow first byte for the delayed first-token rounds
TTFT_CALLS = max(10, int(20 * SCALE))
TTFT_ROUNDS = 4
CONCURRENCY = {50: max(100, int(150 * SCALE)), 500: 500}  # requests per burst
# 500 concurrent swung 0.84-2.00x between runs with 3 bursts per client; 9 give a median
# of per-round ratios with a usable spread (reported as ratio_spread).
ASYNC_ROUNDS = {50: 6, 500: 9}
ASYNC_SECONDS = 30.0  # per burst, a bound on top of the request count
INFLIGHT = 1000
INFLIGHT_HOLD = 60.0  # seconds the emulator holds HELD_MODEL's answers (probes cancel)
HELD_MODEL = "llama3-8b-instruct"
TARGETS = {"overhead": 1.10, "first_token": 1.05, "throughput": 0.9}


# ----------------------------------------------------------------------- the clients


def sync_calls(base_url: str) -> dict[str, dict[str, Callable[[], float | None]]]:
    """Per mode, per client: one call that returns ``perf_counter()`` at the first text."""
    from langchain_openai import ChatOpenAI
    from openai import OpenAI

    from langchain_gradient import ChatGradient

    sdk = OpenAI(base_url=base_url, api_key=KEY)
    gradient = ChatGradient(model=MODEL, base_url=base_url, api_key=KEY)
    chatopenai = ChatOpenAI(model=MODEL, base_url=base_url, api_key=KEY, stream_usage=True)

    def sdk_invoke() -> float | None:
        response = sdk.chat.completions.create(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]
        assert response.choices[0].message.content
        return None

    def sdk_stream() -> float | None:
        first = None
        for chunk in sdk.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,  # type: ignore[arg-type]
            stream=True,
            stream_options={"include_usage": True},
        ):
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter()
        return first

    def lc_invoke(model: Any) -> Callable[[], float | None]:
        def call() -> float | None:
            assert model.invoke(PROMPT).content
            return None

        return call

    def lc_stream(model: Any) -> Callable[[], float | None]:
        def call() -> float | None:
            first = None
            for chunk in model.stream(PROMPT):
                if first is None and chunk.content:
                    first = time.perf_counter()
            return first

        return call

    minimal = minimal_chat_model(sdk, None)
    return {
        "invoke": {
            "sdk": sdk_invoke,
            "gradient": lc_invoke(gradient),
            "chatopenai": lc_invoke(chatopenai),
            "lc_minimal": lc_invoke(minimal),
        },
        "stream": {
            "sdk": sdk_stream,
            "gradient": lc_stream(gradient),
            "chatopenai": lc_stream(chatopenai),
            "lc_minimal": lc_stream(minimal),
        },
    }


def minimal_chat_model(sdk: Any, async_sdk: Any) -> Any:
    """The least a LangChain chat model can do over the SDK: its overhead is langchain-core's
    (callbacks, run tree, message objects), the floor every integration pays."""
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

    def result(response: Any) -> ChatResult:
        message = AIMessage(content=response.choices[0].message.content or "")
        return ChatResult(generations=[ChatGeneration(message=message)])

    class MinimalChat(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "minimal"

        def _generate(self, messages: Any, stop: Any = None, **kwargs: Any) -> ChatResult:
            wire = [{"role": "user", "content": m.content} for m in messages]
            model = kwargs.get("model", MODEL)
            return result(sdk.chat.completions.create(model=model, messages=wire))

        async def _agenerate(self, messages: Any, stop: Any = None, **kwargs: Any) -> ChatResult:
            wire = [{"role": "user", "content": m.content} for m in messages]
            model = kwargs.get("model", MODEL)
            return result(await async_sdk.chat.completions.create(model=model, messages=wire))

        def _stream(self, messages: Any, stop: Any = None, **kwargs: Any) -> Any:
            wire = [{"role": "user", "content": m.content} for m in messages]
            for chunk in sdk.chat.completions.create(
                model=MODEL, messages=wire, stream=True, stream_options={"include_usage": True}
            ):
                text = chunk.choices[0].delta.content if chunk.choices else ""
                yield ChatGenerationChunk(message=AIMessageChunk(content=text or ""))

    return MinimalChat()


def async_calls(
    base_url: str,
) -> tuple[dict[str, Callable[..., Awaitable[Any]]], Callable[[], Any]]:
    """One non-streaming async call per client, ``call(model=MODEL)``, and a coroutine
    function closing the clients' connection pools (build and close in the same loop)."""
    from langchain_openai import ChatOpenAI
    from openai import AsyncOpenAI

    from langchain_gradient import ChatGradient

    sdk = AsyncOpenAI(base_url=base_url, api_key=KEY)
    gradient = ChatGradient(model=MODEL, base_url=base_url, api_key=KEY)
    chatopenai = ChatOpenAI(model=MODEL, base_url=base_url, api_key=KEY)
    minimal_sdk = AsyncOpenAI(base_url=base_url, api_key=KEY)
    minimal = minimal_chat_model(None, minimal_sdk)

    async def sdk_call(model: str = MODEL) -> Any:
        response = await sdk.chat.completions.create(model=model, messages=MESSAGES)  # type: ignore[arg-type]
        assert response.choices[0].message.content
        return response

    async def gradient_call(model: str = MODEL) -> Any:
        return await gradient.ainvoke(PROMPT, model=model)

    async def chatopenai_call(model: str = MODEL) -> Any:
        return await chatopenai.ainvoke(PROMPT, model=model)

    async def minimal_call(model: str = MODEL) -> Any:
        return await minimal.ainvoke(PROMPT, model=model)

    async def close() -> None:
        for client in (sdk, minimal_sdk, gradient.root_async_client):
            await client.close()

    calls = {
        "sdk": sdk_call,
        "gradient": gradient_call,
        "chatopenai": chatopenai_call,
        "lc_minimal": minimal_call,
    }
    return calls, close


# ------------------------------------------------------------------ sync per call


class Sample(NamedTuple):
    wall: float
    cpu: float
    first: float | None


def timed(call: Callable[[], float | None]) -> Callable[[], Sample]:
    """``call`` wrapped to return its wall time, this process's CPU time and first-text delay."""

    def sample() -> Sample:
        cpu_started = time.process_time()
        started = time.perf_counter()
        first = call()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        return Sample(wall, cpu, None if first is None else first - started)

    return sample


def per_call(
    calls: dict[str, Callable[[], float | None]], per_round: int, rounds: int
) -> dict[str, Any]:
    """Wall, CPU and first-text time per call, the clients called in turn (ABCABC...)."""
    for call in calls.values():  # warm-up: connections, imports, caches
        for _ in range(10):
            call()
    samples = interleave({name: timed(call) for name, call in calls.items()}, rounds, per_round)
    figures: dict[str, Any] = {}
    for metric in Sample._fields:
        values = {
            name: [[getattr(s, metric) for s in batch] for batch in batches]
            for name, batches in samples.items()
        }
        if any(v is None for rows in values.values() for batch in rows for v in batch):
            continue  # no first text (invoke)
        per_round = {name: [median(batch) for batch in rows] for name, rows in values.items()}
        figures[metric] = {
            name: {
                "ms": spread([v for batch in rows for v in batch], scale=1000),
                "ratio_to_sdk": round_ratios(per_round, name, "sdk"),
            }
            for name, rows in values.items()
        }
    return figures


# ------------------------------------------------------------------ async throughput


class RetryCounter(logging.Handler):
    """Counts the openai SDK's "Retrying request" log lines (retries hide errors)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Retrying request"):
            self.count += 1


async def burst(
    call: Callable[[], Awaitable[Any]], requests: int, concurrency: int, retries: RetryCounter
) -> dict[str, Any]:
    """``requests`` calls by ``concurrency`` workers; requests/s, errors and retries."""
    errors: Counter[str] = Counter()
    remaining = requests
    done = 0
    deadline = time.perf_counter() + ASYNC_SECONDS
    retries_before = retries.count

    async def worker() -> None:
        nonlocal remaining, done
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            try:
                await call()
                done += 1
            except Exception as error:
                errors[type(error).__name__] += 1

    cpu_started = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "rps": done / elapsed,
        "cpu_ms_per_request": 1000 * cpu / max(done, 1),
        "requests": done,
        "seconds": round(elapsed, 3),
        "errors": dict(errors),
        "retries": retries.count - retries_before,
    }


async def throughput(base_url: str) -> dict[str, Any]:
    calls, close = async_calls(base_url)
    retries = RetryCounter()
    sdk_logger = logging.getLogger("openai._base_client")
    sdk_logger.addHandler(retries)
    previous_level = sdk_logger.level
    sdk_logger.setLevel(logging.INFO)
    try:
        figures: dict[str, Any] = {}
        for call in calls.values():  # warm-up: build the clients, open connections
            await burst(call, 100, 50, retries)
        for concurrency, requests in CONCURRENCY.items():
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in calls}
            for index in range(ASYNC_ROUNDS[concurrency]):  # interleaved burst by burst
                for name in rotated(list(calls), index):
                    runs[name].append(await burst(calls[name], requests, concurrency, retries))
            rps = {name: [r["rps"] for r in rs] for name, rs in runs.items()}
            cpu = {name: [r["cpu_ms_per_request"] for r in rs] for name, rs in runs.items()}
            figures[str(concurrency)] = {
                name: {
                    "requests_per_second": spread(rps[name], digits=1),
                    "ratio_to_sdk": round_ratios(rps, name, "sdk"),
                    "ratio_spread": ratio_spread(rps, name, "sdk"),
                    "client_cpu_ms_per_request": spread(cpu[name]),
                    "cpu_ratio_to_sdk": round_ratios(cpu, name, "sdk"),
                    "requests": sum(r["requests"] for r in rs),
                    "errors": sum(sum(r["errors"].values()) for r in rs),
                    "error_kinds": dict(sum((Counter(r["errors"]) for r in rs), Counter())),
                    "retries": sum(r["retries"] for r in rs),
                }
                for name, rs in runs.items()
            }
        return figures
    finally:
        await close()
        sdk_logger.removeHandler(retries)
        sdk_logger.setLevel(previous_level)


# ------------------------------------------------------------- memory while in flight


def open_sockets() -> int:
    return sum(
        1
        for fd in os.listdir("/proc/self/fd")
        if _readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    )


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


async def _inflight(client: str, base_url: str, count: int, trace: bool) -> dict[str, Any]:
    import gc
    import tracemalloc

    calls, close = async_calls(base_url)
    call = calls[client]
    await call()  # warm-up (a fast model): client built, connection open, modules imported
    gc.collect()
    sockets_before = open_sockets()
    if trace:
        tracemalloc.start()
    rss_before = rss_bytes()
    tasks = [asyncio.create_task(call(HELD_MODEL)) for _ in range(count)]
    deadline = time.perf_counter() + 20.0
    while open_sockets() - sockets_before < count - 1 and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # let the last requests be written
    in_flight = sum(not task.done() for task in tasks)
    sockets = open_sockets() - sockets_before
    delta = rss_bytes() - rss_before
    traced = tracemalloc.get_traced_memory()[0] if trace else None
    if trace:
        tracemalloc.stop()
    failed = Counter(
        type(task.exception()).__name__ for task in tasks if task.done() and task.exception()
    )
    for task in tasks:  # the emulator would hold them for INFLIGHT_HOLD s: stop here
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await close()
    return {
        "in_flight": in_flight,
        "sockets_opened": sockets,
        "rss_delta_bytes": delta,
        "traced_bytes": traced,
        "errors": dict(failed),
    }


def inflight_probe(client: str, base_url: str, count: int, trace: bool) -> None:
    """Child-process entry: print the memory figures of ``count`` in-flight calls as JSON."""
    print(json.dumps(asyncio.run(_inflight(client, base_url, count, trace))))


def inflight_memory(base_url: str) -> dict[str, Any]:
    """Each client's probe in a fresh process, one at a time, interleaved over two passes
    (RSS, then tracemalloc, which would inflate RSS)."""

    def probe(client: str, trace: bool) -> dict[str, Any]:
        code = (
            "from bench.client_overhead import inflight_probe; "
            f"inflight_probe({client!r}, {base_url!r}, {INFLIGHT}, {trace})"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    figures: dict[str, Any] = {client: {"errors": {}} for client in MEMORY_CLIENTS}
    for trace in (False, True):
        for client in MEMORY_CLIENTS:
            result = probe(client, trace)
            row = figures[client]
            if trace:
                row["tracemalloc_kib_per_request"] = round(
                    result["traced_bytes"] / 1024 / INFLIGHT, 2
                )
            else:
                row["rss_kib_per_request"] = round(result["rss_delta_bytes"] / 1024 / INFLIGHT, 2)
                row["in_flight_at_measure"] = result["in_flight"]
                row["sockets_opened"] = result["sockets_opened"]
            for kind, n in result["errors"].items():
                row["errors"][kind] = row["errors"].get(kind, 0) + n
    for client in MEMORY_CLIENTS:
        for key in ("rss_kib_per_request", "tracemalloc_kib_per_request"):
            figures[client][key.replace("_per_request", "_ratio_to_sdk")] = round(
                figures[client][key] / figures["sdk"][key], 3
            )
    return figures


# ------------------------------------------------------------------------ the report


def verdicts(result: dict[str, Any]) -> dict[str, bool]:
    checks: dict[str, bool] = {}
    for mode in ("invoke", "stream"):
        wall = result[mode]["wall"]
        ratio = wall["gradient"]["ratio_to_sdk"]
        checks[f"{mode}<=1.10x_sdk"] = ratio <= TARGETS["overhead"]
        checks[f"{mode}<chatopenai"] = ratio < wall["chatopenai"]["ratio_to_sdk"]
    checks["first_token<=1.05x_sdk"] = (
        result["stream"]["first"]["gradient"]["ratio_to_sdk"] <= TARGETS["first_token"]
    )
    checks["first_token_delayed<=1.05x_sdk"] = (
        result["first_token_delayed"]["first"]["gradient"]["ratio_to_sdk"] <= TARGETS["first_token"]
    )
    for level, rows in result["async_throughput"].items():
        checks[f"throughput@{level}>=0.9x_sdk"] = (
            rows["gradient"]["ratio_to_sdk"] >= TARGETS["throughput"]
        )
        checks[f"no_errors@{level}"] = rows["gradient"]["errors"] == 0
    return checks


def print_table(result: dict[str, Any]) -> None:
    for mode in ("invoke", "stream"):
        for metric, label in (
            ("wall", "wall ms/call"),
            ("cpu", "client CPU ms/call"),
            ("first", "first token ms"),
        ):
            if metric not in result[mode]:
                continue
            rows = result[mode][metric]
            print(
                f"{mode:<7} {label:<20} "
                + "  ".join(
                    f"{name} {row['ms']['median']:.3f} ({row['ratio_to_sdk']:.3f}x)"
                    for name, row in rows.items()
                )
            )
    rows = result["first_token_delayed"]["first"]
    print(
        f"stream  first token, {TTFT_DELAY * 1000:.0f} ms slow first byte: "
        + "  ".join(
            f"{name} {row['ms']['median']:.2f} ({row['ratio_to_sdk']:.3f}x)"
            for name, row in rows.items()
        )
    )
    for level, rows in result["async_throughput"].items():
        print(
            f"async {level:>3} concurrent req/s: "
            + "  ".join(
                f"{name} {row['requests_per_second']['median']:.0f} ({row['ratio_to_sdk']:.3f}x, "
                f"CPU {row['client_cpu_ms_per_request']['median']:.2f} ms/req "
                f"{row['cpu_ratio_to_sdk']:.2f}x, errors {row['errors']}, "
                f"retries {row['retries']})"
                for name, row in rows.items()
            )
        )
    for name, row in result["inflight_memory"].items():
        print(
            f"memory per in-flight request, {name}: RSS {row['rss_kib_per_request']} KiB "
            f"({row['rss_kib_ratio_to_sdk']}x), "
            f"tracemalloc {row['tracemalloc_kib_per_request']} KiB "
            f"({row['tracemalloc_kib_ratio_to_sdk']}x); "
            f"{row['in_flight_at_measure']} in flight, "
            f"errors {row['errors']}"
        )


def main() -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {
        "clients": {
            "sdk": "openai.OpenAI / AsyncOpenAI .chat.completions.create",
            "gradient": "langchain_gradient.ChatGradient invoke / stream / ainvoke",
            "chatopenai": "langchain_openai.ChatOpenAI(base_url=...) invoke / stream / ainvoke",
        },
        "request": {"model": MODEL, "messages": MESSAGES},
        "settings": {
            "sync_calls_per_round": SYNC_CALLS,
            "sync_rounds": SYNC_ROUNDS,
            "ttft_delay_s": TTFT_DELAY,
            "async_requests_per_round": CONCURRENCY,
            "async_rounds": ASYNC_ROUNDS,
            "inflight_requests": INFLIGHT,
        },
        "targets": TARGETS,
    }
    seconds = result["section_seconds"] = {}
    with Emulator() as emulator:
        calls = sync_calls(emulator.base_url)
        for mode in ("invoke", "stream"):
            section = time.perf_counter()
            result[mode] = per_call(calls[mode], SYNC_CALLS, SYNC_ROUNDS)
            seconds[mode] = round(time.perf_counter() - section, 1)
        section = time.perf_counter()
        result["async_throughput"] = asyncio.run(throughput(emulator.base_url))
        seconds["async_throughput"] = round(time.perf_counter() - section, 1)
    section = time.perf_counter()
    with Emulator(slow_first_byte=TTFT_DELAY) as emulator:
        calls = sync_calls(emulator.base_url)
        result["first_token_delayed"] = per_call(calls["stream"], TTFT_CALLS, TTFT_ROUNDS)
    seconds["first_token_delayed"] = round(time.perf_counter() - section, 1)
    section = time.perf_counter()
    # quiet: the probes cancel 1,000 held requests, which the server logs one by one
    with Emulator(slow_first_byte=INFLIGHT_HOLD, slow_model=HELD_MODEL, quiet=True) as emulator:
        result["inflight_memory"] = inflight_memory(emulator.base_url)
    seconds["inflight_memory"] = round(time.perf_counter() - section, 1)
    result["checks"] = verdicts(result)
    result["passed"] = all(result["checks"].values())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print_table(result)
    for name, ok in result["checks"].items():
        print(f"target {name}: {'met' if ok else 'MISSED'}")
    path = write_results("client_overhead", result)
    print(f"wall time {result['wall_seconds']} s {seconds}; wrote {path}")
    return result


if __name__ == "__main__":
    main()
