"""Progress of a long run on standard error: rows read, rules evaluated (n of N), the step.

A province or national audit spends minutes reading tables and evaluating rules; five coarse
steps said nothing in between. :class:`Progress` is told what happens as it happens:

* ``step(label)``: a step begins (读取规则, 读取事实, 生成报告 …);
* ``table_read(kind, rows)``: a fact table has been read (``load_tables(on_table=…)``);
* ``evaluating(total)`` then ``rule_done(rule_id)``: the rules are being evaluated, and one more
  is done (``evaluate_tables(on_rule=…)``; called from the engine's threads, hence the lock);
* ``writing()``: the report is being written.

and shows one line: ``评估规则 23/67 · 已读 1,220,860 行（29 张表）· 14 s``. With rich (the
``progress`` extra) it is a bar (the rules' fraction while evaluating); without it, a plain line
rewritten in place (at most five times a second). Either is shown only when standard error is a
terminal, and is erased when the run ends, so the report, the one-line summary and diagnostics
are never mixed with it. Piped, redirected or in CI: nothing at all.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_W = {
    "zh": {
        "rules": "读取规则",
        "facts": "读取事实",
        "evaluating": "评估规则",
        "writing": "生成报告",
        "read": "已读 {rows:,} 行（{tables} 张表）",
        "seconds": "{s:.0f} 秒",
    },
    "en": {
        "rules": "reading rules",
        "facts": "reading facts",
        "evaluating": "evaluating rules",
        "writing": "writing the report",
        "read": "{rows:,} rows read ({tables} tables)",
        "seconds": "{s:.0f} s",
    },
}

_EVERY = 0.2
"""Seconds between two redraws of the plain line."""


class Progress:
    """What a run has done so far, and the sink that shows it (``show(text, done, total)``;
    none: nothing is shown and nothing is computed)."""

    def __init__(self, lang: str, show: Callable[[str, int, int | None], None] | None) -> None:
        self.words = _W[lang]
        self._show = show
        self._lock = threading.Lock()
        self._label = ""
        self._rows = 0
        self._tables = 0
        self._done = 0
        self._total: int | None = None

    def step(self, label: str) -> None:
        """A step begins; ``label`` is one of ``rules``, ``facts``, ``writing`` or words."""
        with self._lock:
            self._label = self.words.get(label, label)
            self._total = None
            self._draw()

    def table_read(self, kind: str, rows: int) -> None:
        """One more fact table read, of ``rows`` rows."""
        with self._lock:
            if not self._label:
                self._label = self.words["facts"]
            self._tables += 1
            self._rows += rows
            self._draw()

    def evaluating(self, total: int) -> None:
        """The evaluation of ``total`` rules begins."""
        with self._lock:
            self._label, self._done, self._total = self.words["evaluating"], 0, total
            self._draw()

    def rule_done(self, rule_id: str) -> None:
        """One more rule evaluated (thread-safe)."""
        with self._lock:
            self._done += 1
            self._draw()

    def writing(self) -> None:
        """The report is being written."""
        self.step("writing")

    def _draw(self) -> None:
        if self._show is None:
            return
        text = self._label
        if self._total is not None:
            text += f" {self._done}/{self._total}"
        if self._tables:
            read = self.words["read"].format(rows=self._rows, tables=self._tables)
            text = f"{text} · {read}" if text else read
        self._show(text, self._done, self._total)


@contextmanager
def _plain(lang: str) -> Iterator[Callable[[str, int, int | None], None]]:
    """A line on standard error, rewritten in place, erased at the end."""
    started = time.monotonic()
    drawn = {"at": 0.0}
    said = {"text": ""}
    seconds = _W[lang]["seconds"]

    def show(text: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if text == said["text"] or (now - drawn["at"] < _EVERY and done != total):
            return
        drawn["at"], said["text"] = now, text
        _write(f"\r\x1b[2K{text} · {seconds.format(s=now - started)}")

    try:
        yield show
    finally:
        _write("\r\x1b[2K")


@contextmanager
def _rich() -> Iterator[Callable[[str, int, int | None], None]]:
    """A rich bar on standard error (transient: cleared at the end)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=None)

        def show(text: str, done: int, total: int | None) -> None:
            bar.update(task, description=text, completed=done, total=total)

        yield show


def _write(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:  # a closed or full standard error loses the line, never the run
        pass


@contextmanager
def progress_for(lang: str = "zh", enabled: bool | None = None) -> Iterator[Progress]:
    """A :class:`Progress` shown on standard error while the block runs, when it is a terminal
    (``enabled`` overrides the check); rich's bar when rich is installed, else a plain line."""
    if enabled is None:
        enabled = _is_terminal(sys.stderr)
    if not enabled:
        yield Progress(lang, None)
        return
    shown = _rich() if importlib.util.find_spec("rich") is not None else _plain(lang)
    with shown as show:
        yield Progress(lang, show)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, AttributeError):  # closed
        return False


__all__ = ["Progress", "progress_for"]
