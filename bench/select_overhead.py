"""Decision overhead: ``select_model`` time per call on the bundled catalog (target < 1 ms).

Measured in one run, side by side with a reference: the naive "sort by per-token price"
ranking that LiteLLM-style cost routing does (no token counts, no capabilities, no
reasons), so the ratio shows what the auditable decision costs on top of a bare sort.
Three request shapes are timed: a token count, a short chat (the message walk is
included), and a tool-calling request with capability requirements and a budget.

Run: ``python bench/select_overhead.py [--calls 2000]``; writes
bench/results/select_overhead.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench._harness import write_results
from langchain_gradient.catalog.models import ModelInfo
from langchain_gradient.selection import Requirements, select_model

RESULTS = Path(__file__).parent / "results" / "select_overhead.json"
TARGET_MS = 1.0


def bundled_models() -> tuple[list[ModelInfo], str]:
    from langchain_gradient.catalog.catalog import ModelCatalog

    catalog = ModelCatalog.load()
    return list(catalog.models()), "bundled ModelCatalog snapshot"


def per_call_ms(function: Callable[[], Any], calls: int, repeats: int = 5) -> float:
    """Best-of-``repeats`` mean milliseconds per call (the least disturbed run)."""
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - start) * 1000 / calls)
    return min(samples)


def main(argv: Sequence[str] = ()) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args(list(argv))
    warnings.simplefilter("ignore")  # a stale-figures warning must not be timed as I/O
    models, source = bundled_models()
    chat = [m for m in models if m.kind == "chat"]

    def naive_sort() -> Any:
        priced = [m for m in models if m.pricing.has_token_prices]
        return sorted(priced, key=lambda m: (m.pricing.input_per_1m, m.id))[0]

    messages = [("system", "You are terse."), ("user", "Name three prime numbers above 100.")]
    cases: dict[str, Callable[[], Any]] = {
        "tokens": lambda: select_model(input_tokens=1200, catalog=models),
        "messages": lambda: select_model(messages, catalog=models),
        "tools+budget": lambda: select_model(
            input_tokens=4000,
            expected_output_tokens=800,
            require=Requirements(tools=True, structured_output=True, min_context=32_000),
            max_cost_per_request=0.01,
            catalog=models,
        ),
    }
    reference = per_call_ms(naive_sort, args.calls)
    results: dict[str, Any] = {
        "catalog": source,
        "models": len(models),
        "chat_models": len(chat),
        "calls_per_sample": args.calls,
        "reference": "naive sort by input price",
        "reference_ms": reference,
        "target_ms": TARGET_MS,
        "python": platform.python_version(),
        "load_average_1m": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        "cases": {},
    }
    print(
        f"select_model over {len(models)} models ({source}); reference: naive price sort "
        f"{reference * 1000:.1f} us/call; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (absolute times scale with load, ratios less so)"
    )
    for name, function in cases.items():
        ms = per_call_ms(function, args.calls)
        results["cases"][name] = {
            "ms_per_call": ms,
            "ratio_vs_reference": ms / reference,
            "under_target": ms < TARGET_MS,
        }
        print(
            f"  {name:<13} {ms * 1000:8.1f} us/call  ({ms / reference:5.1f}x reference)  "
            f"{'< 1 ms: ok' if ms < TARGET_MS else 'OVER 1 ms'}"
        )
    results["worst_ms"] = max(case["ms_per_call"] for case in results["cases"].values())
    results["median_ms"] = statistics.median(c["ms_per_call"] for c in results["cases"].values())
    results["passed"] = results["worst_ms"] < TARGET_MS
    print(f"wrote {write_results('select_overhead', results, RESULTS)}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
