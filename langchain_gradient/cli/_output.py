"""How every command talks to its user: Rich for people, ``--json`` for machines.

Every byte a command writes goes through :class:`Output`, which passes it through
:class:`Redactor` first, so a configured secret (model access key, DigitalOcean
token) is never printed, not in a table, an error message or a ``--debug``
traceback. Results go to stdout; progress lines and errors go to stderr, so
``langchain-gradient chat --prompt hi --json | jq`` always sees clean JSON.

Example:
    >>> out = Output(json_mode=False, debug=False, redactor=Redactor(["s3cret"]))
    >>> out.redactor.redact("key=s3cret")
    'key=***'
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal

from langchain_gradient._settings import DO_TOKEN_ENV_VARS, KEY_ENV_VARS

if TYPE_CHECKING:
    from langchain_gradient.cli._progress import LiveLine

TOKEN_ENV_VARS: tuple[str, ...] = DO_TOKEN_ENV_VARS
"""Personal access tokens for the control-plane API (``keys``), first one set wins: the
same variables, in the same order, as the retriever and the live catalog."""

MASK = "***"
# Shorter values would mask ordinary words; real keys and tokens are far longer.
_MIN_SECRET_LENGTH = 6


class Redactor:
    """Replaces every known secret in text with ``***``.

    Example:
        >>> Redactor(["abcdef123"]).redact("Bearer abcdef123")
        'Bearer ***'
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    @classmethod
    def from_environment(cls) -> Redactor:
        """A redactor for every key and token variable this package reads."""
        return cls(os.environ.get(name, "") for name in (*KEY_ENV_VARS, *TOKEN_ENV_VARS))

    def add(self, secret: str) -> None:
        secret = secret.strip()
        if len(secret) >= _MIN_SECRET_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)
            # Longest first, so a secret containing another is masked whole.
            self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def pending_prefix(self, text: str) -> int:
        """Length of the longest tail of ``text`` that could start a secret.

        A stream writer holds that tail back until the next write decides it.
        """
        longest = 0
        for secret in self._secrets:
            for size in range(min(len(secret) - 1, len(text)), longest, -1):
                if text.endswith(secret[:size]):
                    longest = size
                    break
        return longest


class RedactingStream:
    """A text stream wrapper that masks secrets, even one split across writes."""

    def __init__(self, target: IO[str], redactor: Redactor) -> None:
        self._target = target
        self._redactor = redactor
        self._held = ""
        self.guard: Callable[[str], contextlib.AbstractContextManager[None]] | None = None
        """Set by :class:`Output`: hides a live status line around each write."""

    def write(self, text: str) -> int:
        if self.guard is not None:
            with self.guard(text):
                return self._write(text)
        return self._write(text)

    def _write(self, text: str) -> int:
        data = self._redactor.redact(self._held + text)
        hold = self._redactor.pending_prefix(data)
        self._held = data[len(data) - hold :] if hold else ""
        self._target.write(data[: len(data) - hold] if hold else data)
        return len(text)

    def flush(self) -> None:
        if self._held:
            self._target.write(self._held)
            self._held = ""
        self._target.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._target, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:
        return str(getattr(self._target, "encoding", None) or "utf-8")


@dataclass(frozen=True)
class Column:
    """How a table column behaves when the terminal is narrow.

    ``kind``: ``"key"`` (ids, dates, prices, counts) never wraps and is never cut;
    ``"text"`` wraps between words (a word is never split); ``"elide"`` is cut with
    an ellipsis, only for values the command's ``--json`` form gives in full.
    ``drop``: when even the narrowest layout does not fit, columns with the highest
    ``drop`` rank are hidden first (0 = always shown); the caption names them.

    Example:
        >>> Column("source", kind="elide", drop=1).kind
        'elide'
    """

    name: str
    kind: Literal["key", "text", "elide"] = "key"
    drop: int = 0


_GAP = 2  # characters between two columns (one space of padding, one separator)
_ELIDE_MIN = 8


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)


def plan_columns(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
) -> tuple[list[int], list[int]]:
    """Pick the columns to show and their widths for a terminal ``width`` wide.

    Returns ``(shown column indexes, widths)``. ``key`` columns keep their natural
    width; ``text`` columns shrink down to their longest word, ``elide`` columns
    down to a few characters; then the highest ``drop`` ranks are hidden.

    Example:
        >>> plan_columns([Column("id"), Column("note", kind="text")],
        ...              [["abc", "one two three"]], 12)
        ([0, 1], [3, 7])
    """
    from rich.cells import cell_len

    natural = [
        max([cell_len(c.name), *(cell_len(row[i]) for row in rows)]) for i, c in enumerate(columns)
    ]
    least = []
    for i, c in enumerate(columns):
        if c.kind == "text":
            words = [_longest_word(c.name), *(_longest_word(row[i]) for row in rows)]
            least.append(min(natural[i], max(words)))
        elif c.kind == "elide":
            least.append(min(natural[i], max(cell_len(c.name), _ELIDE_MIN)))
        else:
            least.append(natural[i])
    shown = list(range(len(columns)))

    def total(widths: Callable[[int], int]) -> int:
        return sum(widths(i) for i in shown) + _GAP * (len(shown) - 1)

    while total(lambda i: least[i]) > width:
        droppable = [i for i in shown if columns[i].drop > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    widths = {i: natural[i] for i in shown}
    excess = total(lambda i: widths[i]) - width
    for kind in ("text", "elide"):
        while excess > 0:
            candidates = [i for i in shown if columns[i].kind == kind and widths[i] > least[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
    return shown, [widths[i] for i in shown]


class Output:
    """The writer handed to every command (through the click context).

    ``json_mode`` decides between :meth:`json` (machines) and the Rich renderers
    (people); :meth:`progress` and :meth:`warn` always go to stderr.
    """

    def __init__(self, *, json_mode: bool, debug: bool, redactor: Redactor) -> None:
        self.json_mode = json_mode
        self.debug = debug
        self.redactor = redactor
        self._stdout = RedactingStream(sys.stdout, redactor)
        self._stderr = RedactingStream(sys.stderr, redactor)
        self._consoles: dict[str, Any] = {}
        self.write_lock = threading.RLock()
        """Held while anything is written, so a live line's ticker never cuts a write."""
        self._lives: list[LiveLine] = []
        self._stdout.guard = self._stderr.guard = self._around_write

    # -- low level -------------------------------------------------------------------------

    def console(self, stream: str = "stdout") -> Any:
        """A Rich console on the (redacting) stdout or stderr, created on first use."""
        if stream not in self._consoles:
            from rich.console import Console

            target = self._stdout if stream == "stdout" else self._stderr
            interactive = target.isatty()
            self._consoles[stream] = Console(
                file=target,  # type: ignore[arg-type]
                # None: the terminal's width, else COLUMNS, else 80 (Rich's rule)
                width=None,
                highlight=False,
                soft_wrap=False,
                force_terminal=interactive or None,
                no_color=not interactive or None,
            )
        return self._consoles[stream]

    def write(self, text: str) -> None:
        """Raw text to stdout (used for streamed tokens); flushed right away."""
        self._stdout.write(text)
        self._stdout.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def say(self, text: str = "") -> None:
        """A line of narration on stdout for people (silent in ``--json`` mode)."""
        if not self.json_mode:
            self.line(text)

    def heading(self, text: str) -> None:
        """A section rule on stdout for people (silent in ``--json`` mode)."""
        if not self.json_mode:
            self.console().rule(text, align="left", characters="─")

    def flush(self) -> None:
        self._stdout.flush()
        self._stderr.flush()

    # -- results ---------------------------------------------------------------------------

    def json(self, data: Any) -> None:
        """One JSON document on stdout."""
        self.line(json.dumps(data, indent=2, default=_json_default, ensure_ascii=False))

    def result(self, data: Any, render: Callable[[], None]) -> None:
        """Print ``data`` as JSON in ``--json`` mode, else call ``render`` for people."""
        if self.json_mode:
            self.json(data)
        else:
            render()

    def table(
        self,
        columns: Sequence[str | Column],
        rows: Iterable[Sequence[object]],
        *,
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        """A Rich table on stdout that fits the terminal; ``None`` cells print as ``-``.

        A plain string column is a ``key`` column (never wrapped, never cut); see
        :class:`Column` for wrapping and elided columns. Hidden columns are named in
        the caption.
        """
        from rich import box
        from rich.table import Table

        specs = [c if isinstance(c, Column) else Column(c) for c in columns]
        cells = [["-" if cell is None else str(cell) for cell in row] for row in rows]
        console = self.console()
        shown, widths = plan_columns(specs, cells, console.width)
        hidden = [c.name for i, c in enumerate(specs) if i not in shown]
        if hidden:
            note = f"Hidden at {console.width} columns: {', '.join(hidden)} (see --json)."
            caption = f"{caption} {note}" if caption else note
        table = Table(
            title=title,
            caption=caption,
            title_justify="left",
            caption_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
        )
        for index, width in zip(shown, widths, strict=True):
            spec = specs[index]
            table.add_column(
                spec.name,
                width=width,
                no_wrap=spec.kind != "text",
                # only reached when even key columns cannot fit: cut visibly, never split
                overflow="ellipsis",
            )
        for row in cells:
            table.add_row(*(row[i] for i in shown))
        console.print(table)

    def copyable(self, lines: Iterable[str]) -> None:
        """Lines a person pastes into a shell, on stderr, never wrapped or re-flowed."""
        if not self.json_mode:
            for line in lines:
                self._stderr.write(line + "\n")
            self._stderr.flush()

    def media_result(self, result: Mapping[str, Any], *, title: str, detail: str) -> None:
        """Generated files: ``result`` as JSON, or a table of ``result["files"]`` (path
        or URL, the ``detail`` field, type, bytes) and the cost line on stderr."""

        def render() -> None:
            files = result.get("files") or []
            self.table(
                ["file", Column(detail, drop=3), Column("type", drop=2), Column("bytes", drop=1)],
                (
                    [
                        _short_path(f.get("path")) or f.get("url"),
                        f.get(detail),
                        f.get("mime_type"),
                        f.get("size_bytes"),
                    ]
                    for f in files
                ),
                title=title,
            )
            if "cost_usd" in result:
                self.progress(f"cost {format_usd(result['cost_usd'])}")

        self.result(result, render)

    def key_values(self, pairs: Iterable[tuple[str, object]], *, title: str | None = None) -> None:
        """A two-column table of labelled values."""
        self.table(["field", "value"], pairs, title=title)

    # -- stderr ----------------------------------------------------------------------------

    def progress(self, text: str) -> None:
        """A progress or status line for people on stderr (silent in ``--json`` mode)."""
        if not self.json_mode:
            self.console("stderr").print(text, markup=False, style="dim")

    def live(self, text: str, **options: Any) -> LiveLine:
        """A live status line on stderr whose elapsed time ticks (use it in a ``with``;
        see :mod:`._progress`): the one progress helper of every command."""
        from langchain_gradient.cli._progress import LiveLine

        return LiveLine(self, text, **options)

    def status(self, text: str, *, done: bool = False) -> None:
        """A state of the current live line (one is started if none is open); ``done``
        ends it. Rewritten in place on a terminal, one line per change otherwise."""
        line = self._top_live() or self.live(text, show_elapsed=False).start()
        if done:
            line.finish(text)
        else:
            line.update(text)

    def stderr_is_terminal(self) -> bool:
        return self._stderr.isatty()

    def _top_live(self) -> LiveLine | None:
        return self._lives[-1] if self._lives else None

    def _push_live(self, line: LiveLine) -> None:
        with self.write_lock:
            if self._lives:
                self._lives[-1].hide()
            self._lives.append(line)

    def _pop_live(self, line: LiveLine) -> None:
        with self.write_lock:
            if line in self._lives:
                self._lives.remove(line)
            if self._lives:
                self._lives[-1].render()

    def _around_write(self, text: str) -> contextlib.AbstractContextManager[None]:
        top = self._top_live()
        if top is None or not top.live:
            return contextlib.nullcontext()
        return top.around_write(text)

    def _write_stderr_raw(self, text: str) -> None:
        """A live line's own drawing: redacted, straight to stderr, past the guard."""
        self._stderr._write(text)
        self._stderr.flush()

    def log(self, text: str) -> None:
        """A log line on stderr, even in ``--json`` mode (asked for with ``--log``); safe
        to call from another thread (one write per line)."""
        self._stderr.write(text + "\n")
        self._stderr.flush()

    def warn(self, text: str) -> None:
        self.console("stderr").print(f"Warning: {text}", markup=False, style="yellow")

    def error(self, exc: BaseException) -> None:
        """Report a failure: one line, or the redacted traceback with ``--debug``."""
        for line in reversed(self._lives):  # end open live lines first (their last state)
            line.finish()
        if self.debug:
            self._stderr.write("".join(traceback.format_exception(exc)))
        self._stderr.write(f"Error: {describe_error(exc)}\n")
        if not self.debug:
            self._stderr.write("(run with --debug for the traceback)\n")
        self._stderr.flush()


def _short_path(path: str | None) -> str | None:
    """``path`` relative to the working directory when it lies under it (fits a table)."""
    if not path:
        return None
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative


def describe_error(exc: BaseException) -> str:
    """The message a person should read for ``exc``.

    A pydantic ``ValidationError`` from building a model or tool is reduced to the
    messages of the errors inside it (e.g. the missing-key explanation), without
    pydantic's echo of the input values.

    Example:
        >>> describe_error(ValueError("bad size"))
        'bad size'
    """
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False, include_input=False):
            inner = (error.get("ctx") or {}).get("error")
            message = str(inner) if isinstance(inner, BaseException) else str(error["msg"])
            where = ".".join(str(part) for part in error["loc"])
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc) or type(exc).__name__


def _json_default(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def format_usd(value: float | None) -> str:
    """``$0.000123`` style; ``unknown`` for a cost the catalog cannot price.

    Example:
        >>> format_usd(0.0000123)
        '$0.0000123'
        >>> format_usd(None)
        'unknown'
    """
    if value is None:
        return "unknown"
    if value == 0:
        return "$0"
    if abs(value) >= 0.01:
        whole, _, decimals = f"{value:,.4f}".partition(".")
        return f"${whole}.{decimals.rstrip('0').ljust(2, '0')}"
    if abs(value) < 1e-8:
        return "<$0.00000001"
    return f"${value:.8f}".rstrip("0")
