"""Run every benchmark module in this package: ``python -m bench [name ...]``.

Exits 1 when any module missed a target, naming each missed target; 2 for an unknown name.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

from bench._harness import missed_targets


def benchmark_modules() -> list[str]:
    """Names of the benchmark modules (every module here except the package plumbing and
    ``report``, which writes docs/performance.md from the results)."""
    here = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(here)])
        if not info.name.startswith("_") and info.name not in ("results", "report")
    )


def passed(result: object) -> bool:
    """A module's verdict: ``main()`` returns a dict (``passed`` / ``meets_target`` /
    ``checks``) or an exit code (0 = every target met)."""
    return not missed_targets(result)


def main(argv: list[str]) -> int:
    names = argv or benchmark_modules()
    unknown = sorted(set(names) - set(benchmark_modules()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {benchmark_modules()}")
        return 2
    failed: dict[str, list[str]] = {}
    timings = {}
    for name in names:
        print(f"== bench.{name}", flush=True)
        started = time.perf_counter()
        sys.argv = [f"bench.{name}"]  # each module parses its own (default) arguments
        result = importlib.import_module(f"bench.{name}").main()
        timings[name] = time.perf_counter() - started
        missed = missed_targets(result)
        if missed:
            failed[name] = missed
    print("== wall time: " + ", ".join(f"{n} {s:.0f} s" for n, s in timings.items()))
    print(f"total {sum(timings.values()):.0f} s")
    for name, missed in failed.items():
        print(f"MISSED target(s) in bench.{name}: {'; '.join(missed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
