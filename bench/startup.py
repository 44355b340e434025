"""One-request CLI start-up: ``langchain-gradient models --json`` against the emulator.

Each sample is a fresh process running the installed console script against the emulator
(its own process, loopback), timed from spawn to exit. Interleaved with it, in the same
rounds, the bare interpreter (``python -c pass``) as the floor every command pays, and the
same command made to take its openai SDK path (the plain GET patched to give up, as every
one-request command did before issue 19: the "before" figure, measured in the same run).
Figures: median wall seconds with the 10th-90th percentile, and per-round ratios to the
bare interpreter and to the SDK path. Target (issue 19, this machine): ``models --json``
median <= 0.45 s.

Run: ``python -m bench startup`` (``STARTUP_BENCH_ROUNDS``, default 15); writes
bench/results/startup.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._harness import (
    KEY,
    ROOT,
    Checks,
    Emulator,
    compile_sources,
    interleave,
    ratio_spread,
    spread,
)
from bench._harness import write_results as write

ROUNDS = int(os.environ.get("STARTUP_BENCH_ROUNDS", "15"))
TARGET_S = 0.45
SCRIPT = Path(sys.executable).with_name("langchain-gradient")


SDK_PATH = "models --json, SDK path"


def commands(base_url: str) -> dict[str, list[str]]:
    argv = ["langchain-gradient", "--base-url", base_url, "models", "--json"]
    through_sdk = (
        "import sys\nimport langchain_gradient.cli._plain_get as plain\n"
        "plain.get_json = lambda connection, path: None  # what the command did before\n"
        f"from langchain_gradient.cli import main\nsys.argv = {argv!r}\nmain()\n"
    )
    return {
        "models --json": [str(SCRIPT), *argv[1:]],
        SDK_PATH: [sys.executable, "-c", through_sdk],
        "python -c pass": [sys.executable, "-c", "pass"],
    }


def run_timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def imports_openai(base_url: str, env: dict[str, str]) -> bool:
    """Whether ``models --json`` imports the openai SDK (it should not on a 200)."""
    code = (
        "import sys\nfrom langchain_gradient.cli import main\n"
        f"sys.argv = ['langchain-gradient', '--base-url', {base_url!r}, 'models', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('OPENAI=' + str('openai' in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    return "OPENAI=True" in run.stderr


def main() -> dict[str, Any]:
    checks = Checks("startup")
    compile_sources()  # as installed (see bench._harness.compile_sources)
    env = {**os.environ, "MODEL_ACCESS_KEY": KEY}
    with Emulator() as emulator:
        runs = commands(emulator.base_url)
        for command in runs.values():  # warm the file cache and .pyc files
            run_timed(command, env)
        samples = interleave(
            {name: lambda c=c: run_timed(c, env) for name, c in runs.items()}, ROUNDS
        )
        openai_imported = imports_openai(emulator.base_url, env)
    seconds = {name: [rnd[0] for rnd in rounds] for name, rounds in samples.items()}
    figures = {name: spread(values) for name, values in seconds.items()}
    result: dict[str, Any] = {
        "rounds": ROUNDS,
        "seconds": figures,
        "ratio_to_bare_python": ratio_spread(seconds, "models --json", "python -c pass"),
        "ratio_to_sdk_path": ratio_spread(seconds, "models --json", SDK_PATH),
        "models_imports_openai": openai_imported,
        "target_s": TARGET_S,
    }
    checks.at_most("models_json_s", figures["models --json"]["median"], TARGET_S)
    result.update(checks.result())
    for name, row in figures.items():
        print(f"{name:24} median {row['median']:.3f} s [{row['p10']:.3f}-{row['p90']:.3f}]")
    after_before = result["ratio_to_sdk_path"]
    print(
        f"models --json / SDK path (after / before): x{after_before['median']:.3f} "
        f"[{after_before['min']:.3f}-{after_before['max']:.3f}]"
    )
    print(f"models --json imports openai: {openai_imported}")
    checks.report()
    print(f"wrote {write('startup', result)}")
    return result


if __name__ == "__main__":
    main()
