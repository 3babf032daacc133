"""``hezhang-rules monitor``: facts as JSON lines in, events as JSON lines out, then the report.

Each input line is one fact: ``{"kind": "<fact kind>", "record": {...}}`` (the record as in a fact
file; the envelope keeps ``kind`` apart from records that have a ``kind`` field of their own, such
as meetings). Blank lines are skipped. With ``--clock follow`` (the default) the clock moves to
each fact's own date as it arrives (never back, never past ``--as-of``), so events come out as the
stream makes them knowable; with ``--clock end`` only at the end of input. At end of input the
clock advances to ``--as-of`` and the report is printed, after the event lines, in the same
JSON as ``check --format json``. Exit codes as ``check``: 1 if the report has a violation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO

from hezhang_rules.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    load_plan,
    parse_as_of,
    parse_days,
    parse_limits,
)
from hezhang_rules.monitor import Monitor, MonitorEvent
from hezhang_rules.monitor.jsonl import read_lines


def _event_line(e: MonitorEvent) -> str:
    return json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    warn = parse_days(args.warn_days, "--warn-days")
    plan = load_plan(args.rules, args.param, limits)
    out = sys.stdout

    def show(e: MonitorEvent) -> None:
        out.write(_event_line(e))
        out.flush()

    name = "<stdin>" if args.facts == "-" else args.facts
    with Monitor(plan, warn_days=warn, on_event=show) as m:
        stream: IO[str]
        if args.facts == "-":
            stream = sys.stdin
            close = False
        else:
            stream = Path(args.facts).open(encoding="utf-8")  # noqa: SIM115
            close = True
        try:
            for fact in read_lines(stream, name, limits):
                m.submit(fact)
                day = fact.fact_date()
                if args.clock == "follow" and day is not None:
                    day = min(day, as_of)
                    if m.clock is None or day > m.clock:
                        m.advance_to(day)
        finally:
            if close:
                stream.close()
        m.advance_to(as_of)
        report = m.report(as_of)
    out.write(report.to_json())
    return EXIT_VIOLATIONS if report.summary.violated else EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "monitor", help="stream facts (JSON lines) through the live monitor; events, then report"
    )
    c.add_argument("facts", nargs="?", default="-", help="FACTS.jsonl, or - for standard input")
    c.add_argument("--as-of", required=True, help="the clock at end of input, YYYY-MM-DD")
    c.add_argument("--rules", help="rule pack directory (default: the bundled qinghemen pack)")
    c.add_argument(
        "--clock",
        choices=("follow", "end"),
        default="follow",
        help="follow: the clock moves to each fact's date as it arrives (default); end: only at "
        "the end of input",
    )
    c.add_argument(
        "--warn-days", default="14", metavar="DAYS", help="due-soon warning window (default 14)"
    )
    c.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. art034.results_due_inclusive=false",
    )
    c.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change an input limit, e.g. max_bytes=1000000 (docs/limits.md)",
    )
    c.set_defaults(func=run)
