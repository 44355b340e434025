"""Import time of langchain_gradient as ratios to langchain-core imports, in one run.

Each measurement is a fresh interpreter timing only the import statement (startup
excluded). All statements are interleaved round by round so machine noise hits them
alike (in alternating order); each figure is the median of per-round ratios to its
reference.

Rows and targets:

* ``import langchain_gradient`` / ``import langchain_core.language_models``: the
  package import the issue pins; target <= 1.15.
* ``from langchain_gradient import ChatGradient`` / ``from langchain_core.language_models
  import BaseChatModel``: the cost we add on top of the base class every chat model
  must import (``langchain_core.language_models`` alone is lazy and does not load it);
  target <= 1.10 (issue 19). The same row against ``import langchain_core.language_models`` and
  ``ChatOpenAI`` against the base class are reported for comparison.

Memory after import, in separate fresh interpreters (tracemalloc would slow the timed
imports): RSS growth over the bare interpreter and the bytes tracemalloc sees allocated
by the import, per statement, interleaved over ``IMPORT_MEMORY_ROUNDS`` rounds
(default 3), as ratios to the same references. Reported, no target.

Before and after in one run: ``ChatGradient`` as it was on main just before issue 19's
work (commit ``BEFORE_COMMIT``, its ``langchain_gradient`` folder taken with ``git
archive`` and put first on ``sys.path``, same installed dependencies) is timed in the same
interleaved rounds; reported against the base class and as after / before. Skipped, with
a line saying so, where the git history is not there.

Every tree is byte-compiled first (:func:`bench._harness.compile_sources`), as an
installed wheel is: the dependencies are, and with ``PYTHONDONTWRITEBYTECODE`` set an
editable checkout would otherwise be compiled again in every sample.

Run: ``python -m bench import_time`` (``IMPORT_BENCH_ROUNDS`` sets the rounds, default 15).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import NamedTuple

from bench._harness import (
    compile_sources,
    interleave,
    median,
    ratio_spread,
    round_ratios,
    run_python,
    write_results,
)

LANGUAGE_MODELS = "import langchain_core.language_models"
BASE_CHAT_MODEL = "from langchain_core.language_models import BaseChatModel"
PACKAGE = "import langchain_gradient"
CHAT_GRADIENT = "from langchain_gradient import ChatGradient"
CHAT_OPENAI = "from langchain_openai import ChatOpenAI"


BEFORE_COMMIT = "2001c0f"
"""Main just before issue 19 (the merge base of its branch): import 1.10-1.17x there."""


def before_statement(directory: str) -> str:
    """The ``ChatGradient`` import from the old tree at ``directory``."""
    return f"import sys; sys.path.insert(0, {directory!r})\n{CHAT_GRADIENT}"


def label(statement: str) -> str:
    """A statement as printed: the old-tree import gets a name instead of its path."""
    if statement.startswith("import sys; sys.path.insert"):
        return f"ChatGradient before issue 19 ({BEFORE_COMMIT})"
    return statement


def extract_before(directory: str) -> bool:
    """``langchain_gradient`` as of ``BEFORE_COMMIT`` into ``directory``; False without git."""
    archive = subprocess.run(
        ["git", "archive", BEFORE_COMMIT, "langchain_gradient"],
        capture_output=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    if archive.returncode != 0:
        return False
    subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
    return True


class Row(NamedTuple):
    statement: str
    reference: str
    target: float | None


ROWS = (
    Row(PACKAGE, LANGUAGE_MODELS, 1.15),
    Row(CHAT_GRADIENT, BASE_CHAT_MODEL, 1.10),
    Row(CHAT_GRADIENT, LANGUAGE_MODELS, None),
    Row(CHAT_OPENAI, BASE_CHAT_MODEL, None),
)

_TIMER = "import time\nt0 = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t0)\n"
_MEMORY = (
    "import os, tracemalloc\n"
    "def rss_bytes():\n"
    "    with open('/proc/self/statm') as f:\n"
    "        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
    "trace = {trace}\nrss0 = rss_bytes()\n"
    "if trace: tracemalloc.start()\n"
    "{statement}\n"
    "print(tracemalloc.get_traced_memory()[0] if trace else rss_bytes() - rss0, rss_bytes())\n"
)


def time_import(statement: str) -> float:
    """Seconds the import statement takes in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _TIMER.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def import_memory(statement: str) -> tuple[int, int, int]:
    """RSS growth, RSS after, and tracemalloc bytes of the import in fresh interpreters."""
    rss_delta, rss_after = map(
        int, run_python(_MEMORY.format(statement=statement, trace=False)).split()
    )
    traced = int(run_python(_MEMORY.format(statement=statement, trace=True)).split()[0])
    return rss_delta, rss_after, traced


def memory_rows(statements: list[str], rounds: int, rows: Sequence[Row]) -> dict[str, object]:
    """Interleaved memory samples per statement; medians and ratios per ROWS pair."""
    samples = interleave({s: lambda s=s: import_memory(s) for s in statements}, rounds)
    figures = {
        kind: {s: [sample[index] for (sample,) in samples[s]] for s in statements}
        for index, kind in enumerate(("rss_delta", "rss_after", "traced"))
    }
    medians = {
        label(s): {kind: int(median(values[s])) for kind, values in figures.items()}
        for s in statements
    }
    out = [
        {
            "statement": label(row.statement),
            "reference": label(row.reference),
            **{
                f"{kind}_ratio": round_ratios(values, row.statement, row.reference)
                for kind, values in figures.items()
            },
        }
        for row in rows
    ]
    return {"rounds": rounds, "median_bytes": medians, "rows": out}


def measure(statements: list[str], rounds: int) -> dict[str, list[float]]:
    """Interleaved samples: every round times each statement once; the order flips
    every other round so no statement always runs right after the same neighbour."""
    samples: dict[str, list[float]] = {s: [] for s in statements}
    for round_number in range(rounds):
        order = statements if round_number % 2 == 0 else statements[::-1]
        for statement in order:
            samples[statement].append(time_import(statement))
    return samples


def main() -> dict[str, object]:
    rounds = int(os.environ.get("IMPORT_BENCH_ROUNDS", "15"))
    compile_sources()  # as installed: .pyc files, on both sides of every ratio
    with tempfile.TemporaryDirectory(prefix="bench-before-") as before:
        found = extract_before(before)
        if found:
            compile_sources(before)
        return run(rounds, before if found else None)


def run(rounds: int, before: str | None) -> dict[str, object]:
    rows: list[Row] = list(ROWS)
    if before is None:
        print(f"no git history here: the before-issue-19 row ({BEFORE_COMMIT}) is skipped")
    else:
        old = before_statement(before)
        rows += [Row(old, BASE_CHAT_MODEL, None), Row(CHAT_GRADIENT, old, None)]
    statements = list(dict.fromkeys(s for row in rows for s in (row.reference, row.statement)))
    for statement in statements:  # warm the file-system cache and .pyc files once
        time_import(statement)
    samples = measure(statements, rounds)

    print(f"{'statement':48} {'median ms':>9}")
    for statement in statements:
        print(f"{label(statement):48} {statistics.median(samples[statement]) * 1000:9.1f}")
    print(f"\n{'statement':44} {'reference':58} {'ratio':>6} target")
    found = []
    for row in rows:
        spread = ratio_spread(samples, row.statement, row.reference)
        ratio = spread["median"]
        ok = row.target is None or ratio <= row.target
        verdict = "-" if row.target is None else f"<= {row.target} {'ok' if ok else 'OVER'}"
        print(
            f"{label(row.statement):44} {label(row.reference):58} {ratio:6.2f} "
            f"[{spread['min']:.2f}-{spread['max']:.2f}] {verdict}"
        )
        found.append(
            {
                **row._asdict(),
                "statement": label(row.statement),
                "reference": label(row.reference),
                "ratio": round(ratio, 3),
                "ratio_spread": spread,
                "passed": ok,
            }
        )

    memory = memory_rows(statements, int(os.environ.get("IMPORT_MEMORY_ROUNDS", "3")), rows)
    print(f"\n{'statement':48} {'RSS growth MiB':>14} {'RSS MiB':>8} {'tracemalloc MiB':>15}")
    for statement, m in memory["median_bytes"].items():  # type: ignore[attr-defined]
        print(
            f"{statement:48} {m['rss_delta'] / 2**20:14.1f} {m['rss_after'] / 2**20:8.1f} "
            f"{m['traced'] / 2**20:15.1f}"
        )
    print(f"\n{'statement':44} {'reference':58} {'RSS growth':>10} {'tracemalloc':>11}")
    for mrow in memory["rows"]:  # type: ignore[attr-defined]
        print(
            f"{mrow['statement']:44} {mrow['reference']:58} {mrow['rss_delta_ratio']:10.2f} "
            f"{mrow['traced_ratio']:11.2f}"
        )

    result: dict[str, object] = {
        "rounds": rounds,
        "median_ms": {label(s): round(statistics.median(v) * 1000, 2) for s, v in samples.items()},
        "rows": found,
        "memory": memory,
        "passed": all(row["passed"] for row in found),
    }
    print(f"wrote {write_results('import_time', result)}")
    return result


if __name__ == "__main__":
    main()
