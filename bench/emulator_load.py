"""Benchmark: how much load the Gradient emulator sustains on this machine.

Two measurements, both over real loopback HTTP against the emulator running in its
own process (``python -m langchain_gradient.emulator --port 0``), so the load
generator does not share its interpreter:

1. **throughput**: non-streaming ``POST /v1/chat/completions`` requests per second with
   50 concurrent keep-alive clients (aiohttp), after a warm-up. Bounded by a request
   count and a time limit.
2. **connections**: 1,000 concurrent connections, each sending one chat request at
   the same moment (no connection reuse); every one must get a 200.

Target (issue 3): at least 1,000 requests/s, and no error at 1,000 connections, so the
emulator is never the bottleneck when client overhead is measured.

Reference: a bare aiohttp server (same process model, same client) that answers every
request with a canned chat completion of the same size, without parsing, auth, the
scripted model or the log. Runs alternate emulator / reference, and the result reports
the emulator's rate as a ratio of the reference's, so machine load (this host is shared)
moves both numbers together. The load average is recorded next to the figures.

The ratio to the reference is the median over rounds of the per-round ratio (each round
runs both servers for ``--seconds``, in alternating order), with its lowest and highest.

Run: ``.venv/bin/python -m bench.emulator_load [--runs 7 --seconds 2]`` or
``python -m bench emulator_load`` (writes bench/results/emulator_load.json).
The machine is shared; run it when it is otherwise quiet and report the median of runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from bench._harness import (
    KEY,
    ROOT,
    Checks,
    Emulator,
    ratio_spread,
    rotated,
    write_results,
)

BODY = {
    "model": "llama3.3-70b-instruct",
    "messages": [{"role": "user", "content": "Hello! What is 2 + 3?"}],
    "max_completion_tokens": 256,
}


CANNED = json.dumps(
    {
        "id": "chatcmpl-0123456789abcdef01234567",
        "object": "chat.completion",
        "created": 1795295544,
        "model": "llama3.3-70b-instruct",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": "2 + 3 = 5.",
                    "reasoning_content": None,
                    "refusal": None,
                },
            }
        ],
        "usage": {
            "prompt_tokens": 14,
            "completion_tokens": 8,
            "total_tokens": 22,
            "cache_read_input_tokens": 0,
            "cache_created_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        },
    }
).encode()


def serve_reference() -> None:
    """The reference server: bare aiohttp, canned body, same process model."""
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=CANNED, content_type="application/json")

    async def run() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(f"http://127.0.0.1:{port}/v1", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


class ReferenceServer:
    """:func:`serve_reference` in a child process (like the emulator: its own interpreter)."""

    def __enter__(self) -> str:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.emulator_load", "--serve-reference"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self._process.stdout is not None
        base_url = self._process.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError(f"the reference server did not start (printed {base_url!r})")
        return base_url

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


async def throughput(
    base_url: str, clients: int, max_requests: int, max_seconds: float
) -> dict[str, Any]:
    url = base_url + "/chat/completions"
    headers = {"Authorization": f"Bearer {KEY}"}
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    latencies: list[float] = []
    errors = 0
    issued = 0
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        for _ in range(clients):  # warm-up: open the keep-alive connections
            async with session.post(url, json=BODY) as response:
                await response.read()
        deadline = time.perf_counter() + max_seconds

        async def worker() -> None:
            nonlocal errors, issued
            while issued < max_requests and time.perf_counter() < deadline:
                issued += 1
                started = time.perf_counter()
                async with session.post(url, json=BODY) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms_p50": round(1000 * statistics.median(latencies), 2),
        "latency_ms_p99": round(1000 * latencies[int(len(latencies) * 0.99) - 1], 2),
    }


async def connections(base_url: str, count: int, timeout: float) -> dict[str, Any]:
    url = base_url + "/chat/completions"
    headers = {"Authorization": f"Bearer {KEY}"}
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    statuses: dict[str, int] = {}
    gate = asyncio.Event()
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=client_timeout
    ) as session:

        async def one() -> None:
            await gate.wait()
            try:
                async with session.post(url, json=BODY) as response:
                    await response.read()
                    label = str(response.status)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                label = type(error).__name__
            statuses[label] = statuses.get(label, 0) + 1

        tasks = [asyncio.create_task(one()) for _ in range(count)]
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    ok = statuses.get("200", 0)
    return {
        "connections": count,
        "ok": ok,
        "errors": count - ok,
        "statuses": statuses,
        "seconds": round(elapsed, 3),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; ``argv`` are command-line flags (none when ``python -m bench``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20_000, help="max requests per run")
    parser.add_argument("--seconds", type=float, default=2.0, help="max seconds per run")
    parser.add_argument("--runs", type=int, default=7, help="rounds (emulator + reference)")
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--serve-reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv or []))
    if args.serve_reference:
        serve_reference()
        return {}

    load_before = os.getloadavg()
    runs: list[dict[str, Any]] = []
    reference_runs: list[dict[str, Any]] = []
    with Emulator() as emulator, ReferenceServer() as reference_url:
        # One round = one short run against each server, in alternating order, so the
        # ratio compares figures taken under the same machine load.
        servers = {
            "emulator": (emulator.base_url, runs),
            "reference": (reference_url, reference_runs),
        }
        for index in range(args.runs):
            for name in rotated(list(servers), index):
                url, into = servers[name]
                into.append(asyncio.run(throughput(url, args.clients, args.requests, args.seconds)))
        burst = asyncio.run(connections(emulator.base_url, args.connections, timeout=60.0))
    median_rps = statistics.median(run["requests_per_second"] for run in runs)
    reference_rps = statistics.median(run["requests_per_second"] for run in reference_runs)
    result: dict[str, Any] = {
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "throughput_runs": runs,
        "reference_runs": reference_runs,
        "median_requests_per_second": median_rps,
        "reference_median_requests_per_second": reference_rps,
        "ratio_to_reference": ratio_spread(
            {
                "emulator": [run["requests_per_second"] for run in runs],
                "reference": [run["requests_per_second"] for run in reference_runs],
            },
            "emulator",
            "reference",
        ),
        "target_requests_per_second": 1000,
        "throughput_target_met": median_rps >= 1000,
        "concurrent_connections": burst,
        "connections_target_met": burst["errors"] == 0,
    }
    checks = Checks("emulator_load")
    checks.at_least("requests_per_second", median_rps, 1000)
    checks.at_most("connection_errors", burst["errors"], 0)
    result.update(checks.result())
    path = write_results("emulator_load", result)
    for run in runs:
        print(
            f"throughput: {run['requests_per_second']:>8.1f} req/s  "
            f"({run['requests']} requests, {run['clients']} clients, errors {run['errors']}, "
            f"p50 {run['latency_ms_p50']} ms, p99 {run['latency_ms_p99']} ms)"
        )
    print(
        f"median: {median_rps} req/s (target >= 1000); bare-aiohttp reference {reference_rps} "
        f"req/s; ratio {result['ratio_to_reference']}; "
        f"load average {result['load_average_before']}"
    )
    print(
        f"{burst['connections']} concurrent connections: {burst['ok']} ok, "
        f"{burst['errors']} errors {burst['statuses']} in {burst['seconds']} s"
    )
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    raise SystemExit(0 if main(sys.argv[1:]).get("passed", True) else 1)
