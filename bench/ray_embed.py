"""Embeddings through Ray (2 workers) vs one process's ``aembed_documents``, one rate budget.

``python -m bench ray_embed`` (or ``python -m bench.ray_embed --texts 10000``): the
emulator runs in its own process (``--serve`` below) enforcing the same requests per
minute as the budget; both clients embed the same short texts under a
:class:`~langchain_gradient.ray.RateBudget` of ``--rpm``. Reported: throughput
(texts/s) of each and their ratio, the peak requests per second the emulator saw
(its request log, 1 s windows), and the number of 429s (target: 0, else
``passed=False``). Needs the ``[ray]`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from bench._harness import KEY, ROOT, write_results

TARGET_429 = 0


def _serve(rpm: int) -> None:
    """Child process: an emulator enforcing ``rpm``; answers ``stats`` / ``reset`` on stdin."""
    from langchain_gradient.emulator import GradientEmulator, KeyPolicy

    emulator = GradientEmulator(
        keys={KEY: KeyPolicy()},
        enforce_rate_limit=True,
        requests_per_minute=rpm,
        rate_limit=10**9,
    )
    with emulator:
        print(emulator.base_url, flush=True)
        for line in sys.stdin:
            records = emulator.request_log.records("/v1/embeddings")
            if line.strip() == "stats":
                seconds: dict[int, int] = {}
                for record in records:
                    seconds[int(record.started_at)] = seconds.get(int(record.started_at), 0) + 1
                stats = {
                    "requests": len(records),
                    "status_429": sum(r.status == 429 for r in records),
                    "peak_rps": max(seconds.values(), default=0),
                }
                print(json.dumps(stats), flush=True)
            elif line.strip() == "reset":
                emulator.reset()
                emulator.state.rate_counters.clear()
                print("{}", flush=True)


class _Child:
    def __init__(self, rpm: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.ray_embed", "--serve", "--rpm", str(rpm)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.terminate()
        self.process.wait(timeout=10)


def main(argv: Sequence[str] = ()) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--rpm", type=int, default=6000, help="the shared budget (and quota)")
    parser.add_argument("--chunk", type=int, default=100, help="texts per request")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv))
    if args.serve:
        _serve(args.rpm)
        return {}

    import ray

    from langchain_gradient import GradientEmbeddings
    from langchain_gradient._ratelimit import use_budget
    from langchain_gradient.ray import RateBudget, embed_dataset

    texts = [f"short text number {i}" for i in range(args.texts)]
    child = _Child(args.rpm)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=200 * 1024**2,
        runtime_env={"env_vars": {"MODEL_ACCESS_KEY": KEY}},
        log_to_driver=False,
    )
    try:
        embeddings = GradientEmbeddings(
            api_key=KEY, base_url=child.base_url, chunk_size=args.chunk, max_concurrency=8
        )
        budget = RateBudget(requests_per_minute=args.rpm)
        started = time.perf_counter()
        with use_budget(budget):
            vectors = asyncio.run(embeddings.aembed_documents(texts))
        single_s = time.perf_counter() - started
        assert len(vectors) == len(texts)
        single = child.ask("stats")
        child.ask("reset")

        budget = RateBudget(requests_per_minute=args.rpm)
        ds = ray.data.from_items([{"text": t} for t in texts])
        started = time.perf_counter()
        out = embed_dataset(
            ds, embeddings, budget=budget, workers=2, batch_size=2000, chunk_size=args.chunk
        )
        # select only the error column: the vectors need not travel to the driver here
        errors = sum(r["error"] is not None for r in out.select_columns(["error"]).take_all())
        ray_s = time.perf_counter() - started
        on_ray = child.ask("stats")
    finally:
        ray.shutdown()
        child.close()

    result = {
        "texts": args.texts,
        "budget_requests_per_minute": args.rpm,
        "texts_per_request": args.chunk,
        "single_process": {"seconds": round(single_s, 2), **single},
        "ray_2_workers": {"seconds": round(ray_s, 2), "row_errors": errors, **on_ray},
        "throughput_ratio_ray_vs_single": round(single_s / ray_s, 3),
        "budget_rps": round(args.rpm / 60, 1),
        "target_429": TARGET_429,
    }
    result["passed"] = (
        single["status_429"] == TARGET_429 and on_ray["status_429"] == TARGET_429 and not errors
    )
    print(json.dumps(result, indent=2))
    print(f"wrote {write_results('ray_embed', result)}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
