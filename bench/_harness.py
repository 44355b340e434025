"""Shared plumbing for the benchmarks: the emulator in its own process, interleaved
rounds, medians and ratios, machine facts, and the results file.

The emulator runs in a SEPARATE process (``python -m langchain_gradient.emulator``),
so the server never competes with the measured clients for the GIL. Clients are
measured in rounds, each round running every client once in a rotated order
(ABC, BCA, CAB, ...), optionally call by call (ABCABC...), so drift in machine load
hits them alike; a figure is the median over rounds of the per-round ratio to the
reference.

Example:
    >>> samples = interleave({"a": lambda: 1.0, "b": lambda: 2.0}, rounds=3)
    >>> round_ratios({name: [median(r) for r in rounds] for name, rounds in samples.items()},
    ...              "b", "a")
    2.0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(
    os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results"
)
"""Where results are written; ``BENCH_RESULTS_DIR`` redirects them (the harness tests)."""
KEY = "bench-key"
MODEL = "llama3.3-70b-instruct"
PACKAGES = (
    "langchain-gradient",
    "langchain-core",
    "langchain-openai",
    "openai",
    "httpx2",
    "pydantic",
    "aiohttp",
)
T = TypeVar("T")


# --------------------------------------------------------------------- the emulator


class Emulator:
    """The Gradient emulator in a child process, on loopback, for one benchmark.

    With no options it is the command users run, ``python -m langchain_gradient.emulator
    --port 0``; ``slow_first_byte`` (seconds before every chat completion answers, or
    only those for ``slow_model``) and
    ``stream_event_delay`` (seconds between stream events) start this module's
    ``serve`` entry point instead, which sets them up in the child. ``quiet`` drops the
    server's stderr (for runs that cut connections on purpose).

    Example:
        >>> with Emulator(slow_first_byte=2.0) as emu:  # doctest: +SKIP
        ...     emu.base_url
        'http://127.0.0.1:41234/v1'
    """

    def __init__(
        self,
        *,
        slow_first_byte: float = 0.0,
        slow_model: str | None = None,
        stream_event_delay: float = 0.0,
        quiet: bool = False,
    ) -> None:
        self.quiet = quiet
        self.slow_first_byte = slow_first_byte
        self.slow_model = slow_model
        self.stream_event_delay = stream_event_delay
        self.key = KEY
        self.base_url = ""
        self._process: subprocess.Popen[str] | None = None

    def command(self) -> list[str]:
        if not (self.slow_first_byte or self.stream_event_delay):
            return [sys.executable, "-m", "langchain_gradient.emulator", "--port", "0"]
        command = [sys.executable, "-m", "bench._harness"]
        command += ["--slow-first-byte", str(self.slow_first_byte)]
        command += ["--stream-event-delay", str(self.stream_event_delay)]
        return command + (["--slow-model", self.slow_model] if self.slow_model else [])

    def __enter__(self) -> Emulator:
        process = subprocess.Popen(
            [*self.command(), "--key", self.key],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if self.quiet else None,
            text=True,
            cwd=ROOT,
        )
        self._process = process
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError(f"the emulator did not start (printed {line!r})")
        self.base_url = line
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None


def _serve(argv: Sequence[str] | None = None) -> None:
    """Child-process entry: an emulator with a slow first byte and/or stream event delay."""
    parser = argparse.ArgumentParser(prog="python -m bench._harness")
    parser.add_argument("--slow-first-byte", type=float, default=0.0)
    parser.add_argument("--slow-model", default=None, help="slow only this model's requests")
    parser.add_argument("--stream-event-delay", type=float, default=0.0)
    parser.add_argument("--key", default=KEY)
    args = parser.parse_args(argv)

    import threading

    from langchain_gradient.emulator import Fault, GradientEmulator, KeyPolicy

    emulator = GradientEmulator(
        keys={args.key: KeyPolicy()}, stream_event_delay=args.stream_event_delay
    )
    if args.slow_first_byte:
        emulator.inject(
            Fault.slow_first_byte(args.slow_first_byte),
            times=None,
            path="/v1/chat/completions",
            model=args.slow_model,
        )
    with emulator:
        sys.stdout.write(emulator.base_url + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


# ------------------------------------------------------------- rounds and statistics


def rotated(names: Sequence[str], index: int) -> list[str]:
    """``names`` rotated by ``index`` places: round ``index``'s running order.

    Example:
        >>> rotated(["a", "b", "c"], 1)
        ['b', 'c', 'a']
    """
    shift = index % len(names)
    return [*names[shift:], *names[:shift]]


def interleave(
    clients: Mapping[str, Callable[[], T]], rounds: int, calls: int = 1
) -> dict[str, list[list[T]]]:
    """Per client, per round, the results of ``calls`` calls made ABCABC... in turn.

    Each round runs the clients in a rotated order (ABC, BCA, CAB), one call each, ``calls``
    times over, so every client sees the same machine load.

    Example:
        >>> order = []
        >>> log = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
        >>> samples = interleave(log, rounds=2, calls=2)
        >>> "".join(order)
        'ababbaba'
    """
    names = list(clients)
    samples: dict[str, list[list[T]]] = {name: [] for name in names}
    for index in range(rounds):
        order = rotated(names, index)
        results: dict[str, list[T]] = {name: [] for name in names}
        for _ in range(calls):
            for name in order:
                results[name].append(clients[name]())
        for name in names:
            samples[name].append(results[name])
    return samples


def median(values: Sequence[float]) -> float:
    """The median (``nan`` for no values)."""
    return statistics.median(values) if values else float("nan")


def round_ratios(samples: Mapping[str, Sequence[float]], client: str, reference: str) -> float:
    """Median over rounds of ``client / reference`` for one figure per round.

    Example:
        >>> round_ratios({"a": [1.0, 2.0, 4.0], "b": [1.1, 2.4, 4.0]}, "b", "a")
        1.1
    """
    pairs = zip(samples[client], samples[reference], strict=True)
    return round(statistics.median(c / r for c, r in pairs), 4)


def spread(values: Sequence[float], scale: float = 1.0, digits: int = 3) -> dict[str, float]:
    """Median, 10th and 90th percentile of ``values`` times ``scale``, rounded.

    Example:
        >>> spread([1.0, 2.0, 3.0, 4.0, 5.0])
        {'median': 3.0, 'p10': 1.4, 'p90': 4.6, 'n': 5}
    """
    ordered = sorted(values)
    if len(ordered) < 2:
        value = round(ordered[0] * scale, digits) if ordered else float("nan")
        return {"median": value, "p10": value, "p90": value, "n": len(ordered)}
    deciles = statistics.quantiles(ordered, n=10, method="inclusive")
    return {
        "median": round(statistics.median(ordered) * scale, digits),
        "p10": round(deciles[0] * scale, digits),
        "p90": round(deciles[-1] * scale, digits),
        "n": len(ordered),
    }


def per_round_ratios(
    samples: Mapping[str, Sequence[float]], client: str, reference: str
) -> list[float]:
    """``client / reference`` for each round (both measured in that round).

    Example:
        >>> per_round_ratios({"a": [1.0, 2.0], "b": [1.5, 2.0]}, "b", "a")
        [1.5, 1.0]
    """
    pairs = zip(samples[client], samples[reference], strict=True)
    return [c / r for c, r in pairs]


def ratio_spread(
    samples: Mapping[str, Sequence[float]], client: str, reference: str, digits: int = 3
) -> dict[str, Any]:
    """Median, lowest and highest of the per-round ratios ``client / reference``, and n.

    The median is what :func:`round_ratios` reports; ``min``/``max`` are the spread a
    reader needs to judge it (with few rounds the deciles would only interpolate them).

    Example:
        >>> ratio_spread({"a": [1.0, 2.0, 4.0], "b": [1.1, 2.4, 4.0]}, "b", "a")
        {'median': 1.1, 'min': 1.0, 'max': 1.2, 'n': 3}
    """
    ratios = per_round_ratios(samples, client, reference)
    return {
        "median": round(statistics.median(ratios), digits),
        "min": round(min(ratios), digits),
        "max": round(max(ratios), digits),
        "n": len(ratios),
    }


# -------------------------------------------------------------------------- targets

TARGETS_ENV = "BENCH_TARGETS"
"""JSON object overriding targets, ``{"<module>.<check>": limit}``: the harness test sets
an impossible one to prove that a miss fails ``python -m bench``."""


class Checks:
    """A benchmark's targets and whether this run met them, in one place.

    ``at_most`` / ``at_least`` record ``value`` against ``limit`` (overridable through
    ``BENCH_TARGETS``); :meth:`result` gives the ``checks`` (name -> met), the
    ``check_details`` (value, comparison, limit) and ``passed`` that ``python -m bench``
    reads to decide its exit code.

    Example:
        >>> checks = Checks("demo")
        >>> checks.at_most("ratio", 0.9, 1.0)
        True
        >>> checks.result()["passed"]
        True
    """

    def __init__(self, module: str) -> None:
        self.module = module
        self.met: dict[str, bool] = {}
        self.details: dict[str, dict[str, Any]] = {}
        self._overrides: dict[str, float] = json.loads(os.environ.get(TARGETS_ENV) or "{}")

    def limit(self, name: str, default: float) -> float:
        """The target for ``name``: ``default`` unless ``BENCH_TARGETS`` overrides it."""
        return float(self._overrides.get(f"{self.module}.{name}", default))

    def _record(self, name: str, value: float, op: str, limit: float, ok: bool) -> bool:
        self.met[name] = ok
        self.details[name] = {"value": value, "op": op, "target": limit}
        return ok

    def at_most(self, name: str, value: float, default: float) -> bool:
        limit = self.limit(name, default)
        return self._record(name, value, "<=", limit, value <= limit)

    def at_least(self, name: str, value: float, default: float) -> bool:
        limit = self.limit(name, default)
        return self._record(name, value, ">=", limit, value >= limit)

    def result(self) -> dict[str, Any]:
        return {
            "checks": dict(self.met),
            "check_details": dict(self.details),
            "passed": all(self.met.values()),
        }

    def report(self) -> None:
        """Print one line per target: value, comparison, target, met or MISSED."""
        for name, ok in self.met.items():
            d = self.details[name]
            print(
                f"target {name}: {d['value']} {d['op']} {d['target']}: "
                + ("met" if ok else "MISSED")
            )


def missed_targets(result: object) -> list[str]:
    """What a module's ``main()`` result says was missed (empty when every target was met).

    Reads ``checks`` (name -> met, with ``check_details`` when there are any), rows
    carrying ``passed``, then ``passed`` / ``meets_target``; an int result is an exit code.

    Example:
        >>> missed_targets({"checks": {"a": True, "b": False}, "passed": False})
        ['b']
        >>> missed_targets(1)
        ['exit code 1']
    """
    if not isinstance(result, dict):
        return [] if result in (0, None) else [f"exit code {result}"]
    missed: list[str] = []
    checks = result.get("checks")
    details = result.get("check_details") or {}
    if isinstance(checks, dict):
        for name, ok in checks.items():
            if ok is False:
                d = details.get(name)
                missed.append(f"{name} ({d['value']} {d['op']} {d['target']})" if d else name)
    for row in result.get("rows") or []:
        if isinstance(row, dict) and row.get("passed") is False:
            missed.append(str(row.get("name") or row.get("statement") or row))
    if not missed and not result.get("passed", result.get("meets_target", True)):
        missed.append("passed=false")
    return missed


# --------------------------------------------------------------- machine and results


def compile_sources(directory: Path | str = ROOT / "langchain_gradient") -> None:
    """Byte-compile a source tree, as a wheel install does, before timing its imports.

    pip writes ``.pyc`` files when it installs a wheel (the dependencies here have
    theirs); an editable checkout has none until an import writes them, and with
    ``PYTHONDONTWRITEBYTECODE`` set (as on this workplace's machines) no import ever
    does, so each fresh interpreter would compile our sources again and the import
    figures would charge us for it.
    """
    import compileall

    compileall.compile_dir(str(directory), quiet=1)


def rss_bytes() -> int:
    """Resident set size of this process now (Linux ``/proc``; else peak RSS)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def machine_info() -> dict[str, Any]:
    """CPU count and model, OS, Python, load average and the package versions measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
        "packages": versions,
    }


def write_results(name: str, result: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write ``bench/results/<name>.json`` (or ``path``) with the date and the machine
    added: every benchmark's results go through here."""
    path = path or RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        **result,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (from the repository root); its stdout."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


if __name__ == "__main__":
    _serve()
