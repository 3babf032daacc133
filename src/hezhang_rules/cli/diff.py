"""``hezhang-rules diff A B``: what changed between two runs, by finding id (docs/store.md).

A and B are each a run of the findings store (``--store URL``): its number, ``last`` (the run
recorded last) or ``previous`` (the run "since the last run" compares ``last`` with: the latest
earlier run of the same pack with an as-of date on or before last's); or a report file written
by ``check --format json|jsonl|parquet``. A breach is what the gate counts: ``--fail-on``'s
statuses, else the statuses B's run recorded (then A's), else the ``--rules`` pack's
``breach_statuses``; mandatory findings only unless ``--fail-on-advisory``. Exit 0: a diff is
information, not a gate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from hezhang_rules.cli.common import add_rules_option, load_plan, parse_limits
from hezhang_rules.cli.gate import gate_statuses, parse_fail_on
from hezhang_rules.cli.history import STORE_HELP
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.report.changes import (
    Side,
    changes_json,
    changes_markdown,
    changes_text,
    compare,
    read_report_file,
)
from hezhang_rules.store import RunRow, Store, open_store

_NAMED = ("last", "previous")


def _is_run(text: str) -> bool:
    return text in _NAMED or (text.isascii() and text.isdigit())


def _usage(
    code: str,
    where: str,
    message: str,
    zh: str,
    help: str | None = None,
    help_zh: str | None = None,
) -> UsageError:
    return UsageError([Diagnostic(code, message, Span(where), help=help, zh=zh, help_zh=help_zh)])


def _run_of(store: Store, text: str) -> RunRow:
    """The run ``text`` names: a number, ``last`` or ``previous``."""
    runs = store.runs()
    found: RunRow | None = None
    if text.isdigit():
        found = store.run(int(text))
    elif runs.height:
        last = store.run(int(runs.get_column("run")[-1]))
        assert last is not None
        found = last if text == "last" else store.previous(last.pack, last.as_of, before=last.run)
    if found is None:
        numbers = runs.get_column("run")
        have = f"#{numbers[0]}–#{numbers[-1]}" if numbers.len() else "none"
        have_zh = f"#{numbers[0]}–#{numbers[-1]}" if numbers.len() else "无"
        raise _usage(
            "hz_diff_no_such_run",
            f"{store.db.shown} {text}",
            f"the store has no run `{text}` (runs: {have})",
            f"存档中没有运行 `{text}`（已有运行：{have_zh}）",
            "hezhang-rules history --store URL lists the runs",
            "可用 hezhang-rules history --store 地址 列出各次运行",
        )
    return found


def run(args: argparse.Namespace) -> int:
    sides = (args.a, args.b)
    store: Store | None = None
    if any(_is_run(s) for s in sides):
        if args.store is None:
            raise _usage(
                "hz_diff_no_store",
                "<command line>",
                "a run number (or last, previous) needs --store URL",
                "运行编号（或 last、previous）需要同时给出 --store 地址",
            )
        store = open_store(args.store)
    try:
        frames: list[tuple[Side, pl.LazyFrame]] = []
        rows: list[RunRow] = []
        for text in sides:
            if store is not None and _is_run(text):
                row = _run_of(store, text)
                rows.append(row)
                frames.append((store.side(row), store.findings(row.run).lazy()))
            else:
                path = Path(text)
                if not path.is_file():
                    raise _usage(
                        "hz_diff_bad_report",
                        text,
                        "no such report file (nor a run: give a number, last or previous)",
                        "没有该报告文件（也不是运行：运行请写编号、last 或 previous）",
                    )
                frames.append(read_report_file(path, text))
    finally:
        if store is not None:
            store.close()
    breach = parse_fail_on(args.fail_on)
    if breach is None:
        recorded = [r.breach_statuses for r in reversed(rows) if r.breach_statuses]
        if recorded:
            breach = frozenset(recorded[0])
        else:
            breach = gate_statuses(None, load_plan(args.rules, [], parse_limits([]), []))
    changes = compare(
        frames[0][1],
        frames[1][1],
        breach,
        advisory=args.fail_on_advisory,
        sides=(frames[0][0], frames[1][0]),
    )
    if args.format == "json":
        text = changes_json(changes)
    elif args.format == "markdown":
        text = changes_markdown(changes, args.lang)
    else:
        text = changes_text(changes, args.lang)
    sys.stdout.write(text)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "diff",
        help="list new breaches, fixed ones and other status changes between two runs or reports",
    )
    c.add_argument(
        "a",
        metavar="A",
        help="the earlier side: a run of --store (a number, last or previous) or a report file "
        "(json, jsonl or parquet)",
    )
    c.add_argument("b", metavar="B", help="the later side, as A")
    c.add_argument("--store", metavar="URL", help=STORE_HELP)
    c.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    c.add_argument(
        "--fail-on",
        metavar="STATUSES",
        help="the statuses that make a breach (default: those the later run recorded, else the "
        "pack's breach_statuses)",
    )
    c.add_argument(
        "--fail-on-advisory",
        action="store_true",
        help="count advisory findings as breaches too (by default only mandatory ones)",
    )
    add_rules_option(c, overlays=False)
    c.set_defaults(func=run)
