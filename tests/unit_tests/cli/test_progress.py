"""Live progress lines: the elapsed time ticks while the state stays the same on a
terminal; off a terminal one line per state change and no carriage returns."""

from __future__ import annotations

import io
import re
import sys
from typing import Any

import pytest

from langchain_gradient.cli._output import Output, RedactingStream, Redactor
from langchain_gradient.cli._progress import CLEAR
from tests.unit_tests.cli.conftest import Run

FLUX = "fal-ai/flux/schnell"
FRAME = re.compile(r"^(.*?)\s+(\d+\.\d)s$")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_output(
    monkeypatch: pytest.MonkeyPatch, *, tty: bool, json_mode: bool = False
) -> tuple[Output, io.StringIO, io.StringIO]:
    stdout, stderr = (Terminal(), Terminal()) if tty else (io.StringIO(), io.StringIO())
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    return Output(json_mode=json_mode, debug=False, redactor=Redactor()), stdout, stderr


def frames(raw: str) -> list[tuple[str, float]]:
    """(state, seconds) of every frame drawn in place."""
    found = []
    for part in raw.split(CLEAR):
        match = FRAME.match(part.strip("\n"))
        if match:
            found.append((match.group(1).strip(), float(match.group(2))))
    return found


def test_on_a_terminal_the_time_ticks_while_the_state_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, _, stderr = make_output(monkeypatch, tty=True)
    clock = FakeClock()
    with out.live("job abc: QUEUED", clock=clock, interval=None) as line:
        for _ in range(3):
            clock.now += 0.4
            line.tick()
        line.update("job abc: IN_PROGRESS")
        clock.now += 0.5
        line.finish("job abc: COMPLETED")
    shown = frames(stderr.getvalue())
    assert shown[:4] == [
        ("job abc: QUEUED", 0.0),
        ("job abc: QUEUED", 0.4),
        ("job abc: QUEUED", 0.8),
        ("job abc: QUEUED", 1.2),
    ]
    assert shown[-2:] == [("job abc: IN_PROGRESS", 1.2), ("job abc: COMPLETED", 1.7)]
    assert stderr.getvalue().endswith("job abc: COMPLETED 1.7s\n")


def test_off_a_terminal_one_line_per_state_and_no_carriage_return(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, _, stderr = make_output(monkeypatch, tty=False)
    clock = FakeClock()
    with out.live("job abc: QUEUED", clock=clock, interval=None) as line:
        for _ in range(5):
            clock.now += 0.3
            line.tick()
            line.update("job abc: QUEUED")  # the same state again: no new line
        line.update("job abc: IN_PROGRESS")
        clock.now += 1
        line.finish("job abc: COMPLETED")
    assert "\r" not in stderr.getvalue() and "\x1b" not in stderr.getvalue()
    assert stderr.getvalue().splitlines() == [
        "job abc: QUEUED   0.0s",
        "job abc: IN_PROGRESS   1.5s",
        "job abc: COMPLETED 2.5s",
    ]


def test_other_output_clears_the_line_and_it_comes_back_after_a_whole_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, stdout, stderr = make_output(monkeypatch, tty=True)
    clock = FakeClock()
    with out.live("step: running", clock=clock, interval=None) as line:
        before = stderr.getvalue()
        out.write("streamed tok")  # half a line: the live line must not be drawn into it
        assert stderr.getvalue() == before + CLEAR
        clock.now += 1
        line.tick()
        assert stderr.getvalue() == before + CLEAR
        out.write("ens\n")
        assert stderr.getvalue().endswith(CLEAR + "step: running   1.0s")
        line.finish(show=False)
    assert stdout.getvalue() == "streamed tokens\n"
    assert stderr.getvalue().endswith(CLEAR)


def test_json_mode_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    out, stdout, stderr = make_output(monkeypatch, tty=True, json_mode=True)
    with out.live("job: QUEUED", interval=None) as line:
        line.tick()
        line.finish("job: COMPLETED")
    assert stdout.getvalue() == stderr.getvalue() == ""


def test_the_inner_line_hides_the_outer_until_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    out, _, stderr = make_output(monkeypatch, tty=True)
    clock = FakeClock()
    with out.live("demo step", clock=clock, interval=None) as outer:
        with out.live("fal job: QUEUED", clock=clock, interval=None) as inner:
            clock.now += 1
            outer.tick()  # hidden: draws nothing
            inner.tick()
            inner.finish("fal job: COMPLETED")
        assert [f[0] for f in frames(stderr.getvalue())] == [
            "demo step",
            "fal job: QUEUED",
            "fal job: QUEUED",
            "fal job: COMPLETED",
            "demo step",
        ]


def test_a_ticking_line_never_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out, _, stderr = make_output(monkeypatch, tty=True)
    with out.live("  " + "fal-ai/some/very-long-model-name " * 3, interval=None) as line:
        line.tick()
    drawn = [part for part in stderr.getvalue().split(CLEAR) if part]
    assert drawn and all(len(part) <= 39 and part.endswith("0.0s") for part in drawn)


# ------------------------------------------------------------------ a real, slow job


@pytest.fixture
def slow_jobs(emulator: Any) -> Any:
    emulator.config.default_job_duration = (0.8, 1.0)
    yield emulator
    emulator.config.default_job_duration = (0.1, 0.2)


def test_fal_line_ticks_while_queued(
    run: Run, slow_jobs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RedactingStream, "isatty", lambda self: True)
    result = run("fal", "-m", FLUX, "--prompt", "A boat")
    assert result.exit_code == 0, result.output
    queued = [t for state, t in frames(result.stderr) if state.endswith("QUEUED")]
    assert len(queued) >= 3, result.stderr
    assert queued == sorted(queued) and queued[-1] - queued[0] >= 0.3
    states = [state.split(": ")[-1] for state, _ in frames(result.stderr)]
    assert "IN_PROGRESS" in states and states.index("IN_PROGRESS") > states.index("QUEUED")
    assert re.search(r": COMPLETED \d+\.\ds\n", result.stderr)


def test_fal_line_in_a_pipe_is_one_line_per_state(run: Run, slow_jobs: Any) -> None:
    result = run("fal", "-m", FLUX, "--prompt", "A boat")
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr
    states = [line.split(": ")[1].split()[0] for line in result.stderr.splitlines() if FLUX in line]
    assert states == ["QUEUED", "IN_PROGRESS", "COMPLETED"]


def test_image_generation_shows_its_wait(run: Run, emulator: Any) -> None:
    result = run("image", "-p", "A lighthouse", "-o", "out.png")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "image(s) with" in line]
    assert lines[0].startswith("  generating 1 image(s) with openai-gpt-image-1")
    assert re.match(r"^  generated 1 image\(s\) with openai-gpt-image-1 \d+\.\ds$", lines[1])
