"""Batch API submission, side by side: ``submit_batch`` vs hand-built raw SDK lines.

(a) Building and uploading ``LINES`` (100,000) chat lines to the emulator's Batch API
(``POST /v1/batches/files``, ``PUT`` to the presigned URL, ``POST /v1/batches``), two
clients measured in ``ROUNDS`` interleaved rounds:

* ``gradient``: ``submit_batch(ChatGradient(model=...), prompts)``: every line's body
  built by ChatGradient's own request builder (what ``invoke`` would send), split into
  files of 50,000 lines, each uploaded and created as a job;
* ``raw_sdk_lines``: the same lines as plain dicts in the shape the ``openai`` SDK's
  ``chat.completions.create(model=..., messages=[...])`` sends, ``json.dumps``-ed into
  the same part files, uploaded and created with the same ``GradientBatchClient`` calls
  (so the ratio isolates building the lines).

Both write byte-identical files (checked before timing). Figure: lines per second
(build + upload + create, wall) and the per-round ratio ``gradient / raw_sdk_lines`` of
the wall time, median [lowest-highest]. Target: ratio <= ``TARGET_RATIO``. Between
samples (untimed) the created jobs are run to the end by the emulator, so its work does
not overlap the next sample.

(b) Peak memory of submit + wait + results for ``LINES`` prompts, in a fresh child
process each: peak RSS (``ru_maxrss``) above the RSS of the bare interpreter measured
first in that child (so imports count). ``gradient``: ``job.results()`` (a list of
``AIMessage`` s, the default); target: under ``TARGET_MB``. Reported beside it:
``gradient_raw`` (``job.results(raw=True)``, the provider's lines as dicts),
``gradient_stream`` (``job.iter_results()``, each result dropped once counted) and the
reference (lines built as dicts, result lines held as dicts).

Run: ``python -m bench batch_submit`` (``BATCH_BENCH_LINES``, ``BATCH_BENCH_ROUNDS``
to change the size and rounds); writes bench/results/batch_submit.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench._harness import (
    KEY,
    ROOT,
    Checks,
    Emulator,
    interleave,
    median,
    ratio_spread,
    write_results,
)

MODEL = "openai-gpt-4o-mini"
LINES = int(os.environ.get("BATCH_BENCH_LINES", "100000"))
ROUNDS = int(os.environ.get("BATCH_BENCH_ROUNDS", "3"))
REFERENCE = "raw_sdk_lines"
TARGET_RATIO = 5.0
"""Each line goes through the request builder ``invoke`` uses (message conversion,
parameter checks), not a dict literal; 5x the literal bounds that cost. At 100,000 lines
it is seconds, against a job that runs for minutes to hours."""
TARGET_MB = 300.0
PART_LINES = 50_000
MEMORY_KINDS = ("gradient", "gradient_raw", "gradient_stream", REFERENCE)


def prompts(n: int) -> list[str]:
    return [
        f"Classify ticket {i}: my order #{i % 9973} arrived late and damaged." for i in range(n)
    ]


def _client(base_url: str) -> Any:
    from langchain_gradient._polling import PollPolicy
    from langchain_gradient.batch import GradientBatchClient

    policy = PollPolicy(initial_interval=0.2, max_interval=1.0, timeout=3600)
    return GradientBatchClient(api_key=KEY, base_url=base_url, poll_policy=policy)


def raw_lines(texts: list[str]) -> Iterator[bytes]:
    """The reference: what ``chat.completions.create(model, messages)`` would send, by hand."""
    for i, text in enumerate(texts):
        line = {
            "custom_id": str(i),
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": MODEL, "messages": [{"role": "user", "content": text}]},
        }
        yield json.dumps(line, separators=(",", ":")).encode() + b"\n"


def raw_submit(client: Any, texts: list[str], request_id: str) -> list[str]:
    """Reference submission: raw lines into part files, then the same upload and create."""
    ids = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        lines = raw_lines(texts)
        for part in range(-(-len(texts) // PART_LINES)):
            path = Path(tmp) / f"part-{part}.jsonl"
            with path.open("wb") as out:
                for _ in range(min(PART_LINES, len(texts) - part * PART_LINES)):
                    out.write(next(lines))
            file_id = client.upload_file(path)
            record = client.create(
                file_id,
                provider="openai",
                endpoint="/v1/chat/completions",
                request_id=f"{request_id}-{part}",
            )
            ids.append(record["batch_id"])
    return ids


def gradient_submit(client: Any, base_url: str, texts: list[str], request_id: str) -> list[str]:
    from langchain_gradient import ChatGradient
    from langchain_gradient.batch import submit_batch

    llm = ChatGradient(model=MODEL, api_key=KEY, base_url=base_url)
    return submit_batch(llm, texts, request_id=request_id, client=client).batch_ids


def same_files(base_url: str) -> bool:
    """Both clients upload byte-identical lines (compared on a 50-line sample)."""
    from langchain_gradient.batch import GradientBatchClient

    uploaded: list[bytes] = []

    class Recording(GradientBatchClient):
        def upload_file(self, path: str | os.PathLike[str]) -> str:
            uploaded.append(Path(path).read_bytes())
            return super().upload_file(path)

    texts = prompts(50)
    client = Recording(api_key=KEY, base_url=base_url)
    gradient_submit(client, base_url, texts, f"same-gradient-{os.getpid()}")
    raw_submit(client, texts, f"same-raw-{os.getpid()}")
    return len(uploaded) == 2 and uploaded[0] == uploaded[1]


def throughput(base_url: str) -> dict[str, Any]:
    client = _client(base_url)
    texts = prompts(LINES)
    counter = iter(range(1_000_000))
    clients: dict[str, Callable[[str], list[str]]] = {
        "gradient": lambda key: gradient_submit(client, base_url, texts, key),
        REFERENCE: lambda key: raw_submit(client, texts, key),
    }

    def sample(name: str) -> Callable[[], float]:
        def run() -> float:
            started = time.perf_counter()
            ids = clients[name](f"bench-{name}-{next(counter)}-{os.getpid()}")
            wall = time.perf_counter() - started
            for batch_id in ids:  # untimed: let the emulator finish before the next sample
                client.wait(batch_id)
            return wall

        return run

    samples = interleave({name: sample(name) for name in clients}, ROUNDS)
    wall = {name: [rnd[0] for rnd in rounds] for name, rounds in samples.items()}
    return {
        "lines": LINES,
        "rounds": ROUNDS,
        "clients": {
            name: {
                "wall_s": round(median(wall[name]), 3),
                "lines_per_second": round(LINES / median(wall[name])),
                "wall_ratio": ratio_spread(wall, name, REFERENCE),
                "wall_s_rounds": [round(v, 3) for v in wall[name]],
            }
            for name in clients
        },
    }


_CHILD = """
import json, resource, sys
from bench._harness import rss_bytes
baseline = rss_bytes()
from bench.batch_submit import child
child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"baseline_mb": baseline / 2**20, "peak_above_mb": (peak - baseline) / 2**20}))
"""


def child(kind: str, base_url: str, n: int) -> None:
    """In the child process: submit ``n`` prompts, wait, read every result."""
    import warnings

    client = _client(base_url)
    key = f"mem-{kind}-{os.getpid()}"
    # Every kind builds from a prompt list that lives only while it is submitted, so
    # no kind carries the 100,000 prompts through its results.
    if kind == "gradient":
        from langchain_gradient import ChatGradient
        from langchain_gradient.batch import GradientBatchItemError, submit_batch

        llm = ChatGradient(model=MODEL, api_key=KEY, base_url=base_url)
        job = submit_batch(llm, prompts(n), request_id=key, client=client).wait()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            results = job.results()
        assert len(results) == n and not isinstance(results[-1], GradientBatchItemError)
        return
    if kind.startswith("gradient_"):
        from langchain_gradient import ChatGradient
        from langchain_gradient.batch import submit_batch

        llm = ChatGradient(model=MODEL, api_key=KEY, base_url=base_url)
        job = submit_batch(llm, prompts(n), request_id=key, client=client).wait()
        if kind == "gradient_raw":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                assert len(job.results(raw=True)) == n
        else:
            assert sum(1 for _ in job.iter_results()) == n
        return
    ids = raw_submit(client, prompts(n), key)
    found: dict[int, Any] = {}
    for batch_id in ids:
        client.wait(batch_id)
        urls = client.result_urls(batch_id)
        for line in client.iter_result_lines(urls["output_file_url"]):
            found[int(line["custom_id"])] = line
    assert len(found) == n


def memory(base_url: str, kind: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, base_url, str(LINES)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: round(v, 1) for k, v in figures.items()}


def main() -> dict[str, Any]:
    started = time.perf_counter()
    checks = Checks("batch_submit")
    result: dict[str, Any] = {
        "clients": {
            "gradient": "submit_batch(ChatGradient(model), prompts) (ChatGradient's builder)",
            REFERENCE: "openai chat.completions.create-shaped dicts + json.dumps, "
            "same GradientBatchClient upload and create",
        },
        "reference": REFERENCE,
        "target": f"gradient <= {TARGET_RATIO}x {REFERENCE} wall for {LINES:,} lines; "
        f"submit + results peak RSS < {TARGET_MB:.0f} MB above the bare interpreter",
    }
    with Emulator(quiet=True) as emulator:
        result["identical_lines"] = same_files(emulator.base_url)
        checks.at_least("identical_lines", int(result["identical_lines"]), 1)
        figures = result["throughput"] = throughput(emulator.base_url)
        ours = figures["clients"]["gradient"]
        checks.at_most("wall_ratio", ours["wall_ratio"]["median"], TARGET_RATIO)
        print(f"{LINES:,} lines built + uploaded, {ROUNDS} rounds:")
        for name, row in figures["clients"].items():
            r = row["wall_ratio"]
            print(
                f"  {name:14} {row['wall_s']:7.2f} s  {row['lines_per_second']:8,} lines/s  "
                f"x{r['median']:.3f} [{r['min']:.3f}-{r['max']:.3f}]"
            )
        result["memory"] = {kind: memory(emulator.base_url, kind) for kind in MEMORY_KINDS}
        checks.at_most("peak_rss_mb", result["memory"]["gradient"]["peak_above_mb"], TARGET_MB)
        for kind, row in result["memory"].items():
            print(
                f"  peak RSS above the interpreter, submit + results of {LINES:,} "
                f"({kind}): {row['peak_above_mb']} MB (baseline {row['baseline_mb']} MB)"
            )
    result.update(checks.result())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    checks.report()
    path = write_results("batch_submit", result)
    print(f"wall time {result['wall_seconds']} s; wrote {path}")
    return result


if __name__ == "__main__":
    main()
