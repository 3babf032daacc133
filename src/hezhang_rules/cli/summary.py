"""The one line a command prints on standard error after writing a report to ``--output``.

``check --output FILE`` used to print nothing: a run of minutes ended in silence, and the
reader had to open the file to learn whether anything was breached. Now, once the file is in
place (renamed whole), one line says the counts by status, the path as given and the seconds
the run took, in the command's ``--lang``::

    已写出 r.html：未履行 64 · 逾期履行 10 · 待履行 34 · 已履行 218 · 不适用 40 · 合计 366 …
    wrote r.html: violated 64 · fulfilled late 10 · pending 34 · fulfilled 218 · not applicable 40 …

Standard output stays empty (the report is in the file); without ``--output`` the report is on
standard output and no line is printed, so a pipe reads the report alone.
"""

from __future__ import annotations

import time

from hezhang_rules.cli.common import say
from hezhang_rules.findings import Summary, shown_statuses
from hezhang_rules.report.i18n import status_name

_W = {
    "zh": {
        "line": "已写出 {path}：{counts} · 合计 {total} · 用时 {s:.1f} 秒",
        "unwritten": "报告未写出（用 --output FILE 写出）：{counts} · 合计 {total} · "
        "用时 {s:.1f} 秒",
        "sep": " · ",
    },
    "en": {
        "line": "wrote {path}: {counts} · total {total} · {s:.1f} s",
        "unwritten": "report not written (--output FILE writes it): {counts} · total {total} · "
        "{s:.1f} s",
        "sep": " · ",
    },
}


def summary_line(path: str | None, summary: Summary, seconds: float, lang: str = "zh") -> str:
    """The line (without its line end): counts by status, ``path`` as given (control
    characters escaped; ``None``: the report was written nowhere, as ``monitor`` without
    ``--output``), the seconds."""
    w = _W[lang]
    counts = w["sep"].join(
        f"{status_name(s, lang)} {getattr(summary, s)}" for s in shown_statuses(summary)
    )
    if path is None:
        return w["unwritten"].format(counts=counts, total=summary.total, s=seconds)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)
    return w["line"].format(path=shown, counts=counts, total=summary.total, s=seconds)


def say_written(path: str | None, summary: Summary, started: float, lang: str = "zh") -> None:
    """Print :func:`summary_line` on standard error; ``started`` is the run's
    ``time.monotonic()`` at its start."""
    say(summary_line(path, summary, time.monotonic() - started, lang) + "\n")


__all__ = ["say_written", "summary_line"]
