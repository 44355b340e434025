"""The one progress helper of the CLI: a live status line whose elapsed time ticks.

Every long wait (a fal job, an image generation, a demo step, a non-streamed chat
answer) shows a :class:`LiveLine` on stderr, through :meth:`Output.live`:

- on a terminal the line is redrawn in place every ``interval`` seconds, so the time
  keeps moving while the state stays the same (``QUEUED  0.4s``, ``QUEUED  0.5s``...);
  anything else printed meanwhile (stdout or stderr) clears it first and it is redrawn
  below, once the cursor is at the start of a line again;
- elsewhere (a pipe, a CI log) no carriage returns at all: one line per state change,
  and the final line with the total time;
- in ``--json`` mode nothing.

Only the innermost live line is drawn: one started while another is open (the demo's
fal step inside the demo's step line) hides the outer one until it finishes.

Example:
    >>> out = Output(json_mode=False, debug=False, redactor=Redactor())  # doctest: +SKIP
    >>> with out.live("  generating 1 image with openai-gpt-image-1") as line:  # doctest: +SKIP
    ...     generate()
    ...     line.finish("  generated 1 image")
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_gradient.cli._output import Output

CLEAR = "\r\x1b[2K"
DEFAULT_INTERVAL = 0.1
"""Seconds between redraws on a terminal (the time is shown to a tenth of a second)."""


class LiveLine:
    """A status line on stderr with the seconds since it started (see the module doc).

    ``update(text)`` is a state change; ``finish(text)`` ends the line (on a terminal the
    live line becomes a normal one). ``announce=False`` keeps the first state out of a
    non-terminal log (when the line before already says what started).
    """

    def __init__(
        self,
        out: Output,
        text: str,
        *,
        announce: bool = True,
        show_elapsed: bool = True,
        clock: Callable[[], float] = time.monotonic,
        interval: float | None = DEFAULT_INTERVAL,
    ) -> None:
        self.out = out
        self.text = text
        self.announce = announce
        self.show_elapsed = show_elapsed
        self.clock = clock
        self.interval = interval
        self.started_at = clock()
        self.finished = False
        self.live = not out.json_mode and out.stderr_is_terminal()
        self._shown = False  # drawn on the terminal right now
        self._at_line_start = True  # the last thing written ended a line
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._printed: str | None = None  # last state printed off a terminal (its text)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> LiveLine:
        """Show the first state and (on a terminal) start ticking."""
        self.out._push_live(self)
        if self.out.json_mode:
            return self
        if not self.live:
            if self.announce:
                self._print_state()
            return self
        self.render()
        if self.interval:
            self._thread = threading.Thread(target=self._tick_loop, daemon=True, name="live-line")
            self._thread.start()
        return self

    def __enter__(self) -> LiveLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if not self.finished:
            self.finish(show=False)

    # ------------------------------------------------------------------ states

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started_at

    def frame(self, *, final: bool = False) -> str:
        """What the line shows now: the state and, ticking, the seconds since the start
        (padded while it ticks, so the line does not jump)."""
        if not self.show_elapsed:
            return self.text
        if final:
            return f"{self.text.rstrip()} {self.elapsed:.1f}s"
        return f"{self.text} {self.elapsed:5.1f}s"

    def update(self, text: str) -> None:
        """A new state (printed once off a terminal; redrawn at once on one)."""
        self.text = text
        if self.out.json_mode or self.finished:
            return
        if self.live:
            self.render()
        else:
            self._print_state()

    def finish(self, text: str | None = None, *, show: bool = True) -> None:
        """End the line: ``text`` (or the last state) with the total time, or nothing."""
        if self.finished:
            return
        self.finished = True
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1)
        if text is not None:
            self.text = text
        if not self.out.json_mode:
            with self.out.write_lock:
                if self.live:
                    self._clear()
                    if show:
                        self._raw(self.frame(final=True) + "\n")
                elif show and self._printed != self.text:
                    self._raw(self.frame(final=True) + "\n")
        self.out._pop_live(self)

    def tick(self) -> None:
        """Redraw with the current time (the ticker thread calls it every ``interval``)."""
        self.render()

    # ------------------------------------------------------------------ drawing

    def render(self) -> None:
        if not self.live or self.finished or self.out._top_live() is not self:
            return
        with self.out.write_lock:
            if self._at_line_start:
                self._raw(CLEAR + self._fit(self.frame()))
                self._shown = True

    def _fit(self, frame: str) -> str:
        """``frame`` within one terminal row (a wrapped line cannot be redrawn in place):
        the state is cut with an ellipsis, the time stays."""
        width = max(int(self.out.console("stderr").width) - 1, 20)
        if len(frame) <= width:
            return frame
        tail = frame[len(self.text) :]
        return self.text[: max(width - len(tail) - 1, 1)] + "…" + tail

    @contextmanager
    def around_write(self, text: str) -> Iterator[None]:
        """Hide the line while someone else writes, and redraw it after a whole line."""
        with self.out.write_lock:
            self._clear()
            yield
            if text:
                self._at_line_start = text.endswith("\n")
            self.render()

    def hide(self) -> None:
        with self.out.write_lock:
            self._clear()

    def _clear(self) -> None:
        if self._shown:
            self._raw(CLEAR)
            self._shown = False

    def _print_state(self) -> None:
        if self.text != self._printed:
            self._printed = self.text
            with self.out.write_lock:
                self._raw(self.frame() + "\n")

    def _raw(self, text: str) -> None:
        self.out._write_stderr_raw(text)

    def _tick_loop(self) -> None:
        assert self.interval
        while not self._stop.wait(self.interval):
            self.tick()


def live_line(out: Output, text: str, **options: Any) -> LiveLine:
    """A :class:`LiveLine` for ``out`` (not started; use it in a ``with``)."""
    return LiveLine(out, text, **options)
