"""``hezhang-rules monitor``: facts as JSON lines in, events as JSON lines out, then the report.

Each input line is one fact: ``{"kind": "<fact kind>", "record": {...}}`` (the record as in a fact
file; the envelope keeps ``kind`` apart from records that have a ``kind`` field of their own, such
as meetings). Blank lines are skipped. With ``--clock follow`` (the default) the clock moves to
each fact's own date as it arrives (never back, never past ``--as-of``), so events come out as the
stream makes them knowable; with ``--clock end`` only at the end of input. At end of input the
clock advances to ``--as-of`` and the report is printed, after the event lines, in the same
JSON as ``check --format json``. Exit codes as ``check``: 1 if the report has a violation.

Every bad line stops the run with exit 2 and one diagnostic ``FILE:LINE:COL: code: message``
(``<stdin>:LINE:COL`` for standard input); no report follows the events already printed. See
docs/monitor.md ("Stream errors").
"""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import stat
import sys
from typing import IO

from hezhang_rules.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    RULES_HELP,
    add_limit_option,
    add_param_option,
    load_plan,
    parse_as_of,
    parse_days,
    parse_limits,
)
from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span, UsageError, os_reason_zh
from hezhang_rules.extras import need
from hezhang_rules.facts.stream import read_stream
from hezhang_rules.monitor import Monitor, MonitorEvent


def _event_line(e: MonitorEvent) -> str:
    return json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"


def _open_stream(path: str) -> IO[bytes]:
    """The stream file, opened for reading bytes: a regular file or a FIFO (a live feed).

    A directory, device or socket is refused before it is opened, so ``monitor /dev/zero`` or
    ``monitor /dev/tty`` neither reads forever nor waits.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "bad path"
        raise UsageError(
            [
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read the stream: {reason}",
                    Span(path),
                    zh="无法读取事实流："
                    + (os_reason_zh(exc) if isinstance(exc, OSError) else "路径无效"),
                )
            ]
        ) from None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "a device or socket"
        raise UsageError(
            [
                Diagnostic(
                    "hz_load_not_a_file",
                    f"{what}: the stream is a file, a named pipe or - (standard input)",
                    Span(path),
                    zh=("目录" if stat.S_ISDIR(st.st_mode) else "设备或套接字")
                    + "：事实流须为文件、命名管道或 -（标准输入）",
                )
            ]
        )
    try:
        return open(path, "rb")  # closed by the caller
    except OSError as exc:
        raise UsageError(
            [
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read the stream: {exc.strerror}",
                    Span(path),
                    zh=f"无法读取事实流：{os_reason_zh(exc)}",
                )
            ]
        ) from None


def run(args: argparse.Namespace) -> int:
    need("monitor", "hezhang-rules monitor")
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    warn = parse_days(args.warn_days, "--warn-days")
    plan = load_plan(args.rules, args.param, limits)
    out = sys.stdout

    def show(e: MonitorEvent) -> None:
        out.write(_event_line(e))
        out.flush()

    name = "<stdin>" if args.facts == "-" else args.facts
    stream: IO[bytes] | IO[str]
    if args.facts == "-":
        # Bytes when there are (a real standard input), so bad UTF-8 is located, not a crash.
        stdin = getattr(sys.stdin, "buffer", None) or sys.stdin
        if stdin is None:  # started with standard input closed
            raise UsageError(
                [
                    Diagnostic(
                        "hz_load_unreadable",
                        "standard input is closed",
                        Span(name),
                        zh="标准输入已关闭",
                    )
                ]
            )
        if not _readable(stdin):
            raise UsageError(
                [
                    Diagnostic(
                        "hz_load_unreadable",
                        "standard input is not open for reading",
                        Span(name),
                        zh="标准输入未以读取方式打开",
                    )
                ]
            )
        stream = stdin
    else:
        stream = _open_stream(args.facts)
    read = 0
    try:
        with Monitor(plan, warn_days=warn, on_event=show) as m:
            for fact, origin in read_stream(stream, name, limits):
                m.submit(fact, origin)
                read += 1
                day = fact.fact_date()
                if args.clock == "follow" and day is not None:
                    day = min(day, as_of)
                    if m.clock is None or day > m.clock:
                        m.advance_to(day)
            if read == 0:
                raise FactLoadError(
                    [
                        Diagnostic(
                            "hz_monitor_empty_stream",
                            "the stream holds no fact lines: nothing to monitor",
                            Span(name, 1, 1),
                            help='an empty feed is refused rather than reported as "no violation"',
                            zh="事实流中没有事实行：无可监控",
                            help_zh="空的事实流会被拒绝，而不会报告为“无违规”",
                        )
                    ]
                )
            m.advance_to(as_of)
            report = m.report(as_of)
    finally:
        if args.facts != "-":
            stream.close()
    out.write(report.to_json())
    return EXIT_VIOLATIONS if report.summary.violated else EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "monitor", help="stream facts (JSON lines) through the live monitor; events, then report"
    )
    c.add_argument("facts", nargs="?", default="-", help="FACTS.jsonl, or - for standard input")
    c.add_argument("--as-of", required=True, help="the clock at end of input, YYYY-MM-DD")
    c.add_argument("--rules", help=RULES_HELP)
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
    add_param_option(c)
    add_limit_option(c)
    c.set_defaults(func=run)


def _readable(stream: IO[bytes] | IO[str]) -> bool:
    """Whether a stream's descriptor was opened for reading (``0>FILE`` opens it write-only,
    and the first read would fail with EBADF)."""
    try:
        mode = fcntl.fcntl(stream.fileno(), fcntl.F_GETFL) & os.O_ACCMODE
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return True  # not a descriptor (a test's StringIO): reading will tell
    return mode != os.O_WRONLY
