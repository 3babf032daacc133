"""``hezhang-rules monitor``: facts as JSON lines in; events as JSON lines and the report out.

Each input line is one fact: ``{"kind": "<fact kind>", "record": {...}}`` (the record as in a fact
file; the envelope keeps ``kind`` apart from records that have a ``kind`` field of their own, such
as meetings). Blank lines are skipped. With ``--clock follow`` (the default) the clock moves to
each fact's own date as it arrives (never back, never past ``--as-of``), so events come out as the
stream makes them knowable; with ``--clock end`` only at the end of input. At end of input the
clock advances to ``--as-of`` and the report is made. Exit codes as ``check``: 1 if a finding
fails the gate (``--fail-on``, ``cli.gate``).

Two outputs, never mixed on one stream (docs/monitor.md, "Command line"):

* the **events**, one JSON line each as they arise: on standard output, or in ``--events FILE``
  (written as they arise, so the file can be followed; it replaces whatever was at FILE when
  the run starts, a symbolic link included, never written through);
* the **report**, in ``--format`` (default ``json``, as ``check --format json``) and
  ``--lang``: in ``--output FILE``, written atomically when the stream has ended; or, when the
  events went to a file, on standard output. With neither option the report is not written
  (standard output holds the events alone) and the line on standard error says so.

When the report is written to a file, or not written at all, one line on standard error gives
the counts by status and the seconds (:mod:`hezhang_rules.cli.summary`). ``--output`` and
``--events`` are checked as every output is (:func:`hezhang_rules.cli.output.output_file`:
never an input, a device or a folder) before the stream is read, and may not be one file.

Every bad line stops the run with exit 2 and one diagnostic ``FILE:LINE:COL: code: message``
(``<stdin>:LINE:COL`` for standard input); no report follows the events already written. See
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
import tempfile
import time
from pathlib import Path
from typing import IO, TextIO

from hezhang_rules.cli.check import FORMAT_EXTRAS
from hezhang_rules.cli.common import (
    add_limit_option,
    add_param_option,
    add_rules_option,
    add_waivers_option,
    load_checked_waivers,
    load_plan,
    parse_as_of,
    parse_days,
    parse_limits,
)
from hezhang_rules.cli.gate import add_gate_options, gate_exit, gate_statuses, parse_fail_on
from hezhang_rules.cli.output import emit, output_file
from hezhang_rules.cli.summary import say_written
from hezhang_rules.compile import Plan
from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span, UsageError, os_reason_zh
from hezhang_rules.extras import need
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.models import Fact
from hezhang_rules.facts.stream import read_stream
from hezhang_rules.findings import Report
from hezhang_rules.monitor import Monitor, MonitorEvent
from hezhang_rules.report import FORMATS, build_context, render_report
from hezhang_rules.rules.packs import resolve_rules

PLAIN_FORMATS = ("json", "jsonl", "junit")
"""Formats that group no holders into towns and departments: no audit context is built."""


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


def _outputs(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """``--output`` and ``--events``, checked before anything is read: neither an input nor
    a device, and not one file."""
    reading: list[str | Path] = [resolve_rules(r) for r in (args.rules, *args.overlay)]
    if args.waivers:
        reading.append(args.waivers)
    if args.facts != "-":
        reading.append(args.facts)
    out = output_file(args.output, reading)
    events = output_file(args.events, reading, "--events")
    if out is not None and events is not None and os.path.abspath(out) == os.path.abspath(events):
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_output_is_events",
                    f"--output and --events name one file, `{args.output}`",
                    Span("<command line>"),
                    help="give the report and the events a file each",
                    zh=f"--output 与 --events 指向同一个文件 `{args.output}`",
                    help_zh="请为报告和事件流各指定一个文件",
                )
            ]
        )
    return out, events


def _live_file(path: Path) -> TextIO:
    """``path`` replaced now by a new, empty file (made exclusively beside it and renamed over
    it: a symbolic link there is replaced, not followed), open for writing UTF-8 lines."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return open(fd, "w", encoding="utf-8", newline="\n")


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    need("monitor", "hezhang-rules monitor")
    if args.format in FORMAT_EXTRAS:
        need(FORMAT_EXTRAS[args.format], f"--format {args.format}")
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    warn = parse_days(args.warn_days, "--warn-days")
    out, events = _outputs(args)
    fail_on = parse_fail_on(args.fail_on)
    plan = load_plan(args.rules, args.param, limits, args.overlay)
    waivers = load_checked_waivers(args.waivers, plan, limits)
    statuses = gate_statuses(fail_on, plan)
    name = "<stdin>" if args.facts == "-" else args.facts
    stream = _stream(args.facts, name)
    sink: TextIO = sys.stdout
    seen: list[Fact] = []
    try:
        if events is not None:
            sink = _live_file(events)

        def show(e: MonitorEvent) -> None:
            sink.write(_event_line(e))
            sink.flush()

        with Monitor(plan, warn_days=warn, on_event=show, waivers=waivers) as m:
            for fact, origin in read_stream(stream, name, limits):
                m.submit(fact, origin)
                seen.append(fact)
                day = fact.fact_date()
                if args.clock == "follow" and day is not None:
                    day = min(day, as_of)
                    if m.clock is None or day > m.clock:
                        m.advance_to(day)
            if not seen:
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
        if sink is not sys.stdout:
            sink.close()
    if out is not None or events is not None:
        emit(out, _rendered(report, plan, seen, args))
    if out is not None or events is None:
        say_written(args.output, report.summary, started, args.lang)
    return gate_exit(report, plan, statuses, args.fail_on_advisory)


def _rendered(
    report: Report, plan: Plan, seen: list[Fact], args: argparse.Namespace
) -> str | bytes:
    """The report in ``--format`` and ``--lang``; holders grouped from the facts streamed
    (formats that group none get no context)."""
    context = None
    if args.format not in PLAIN_FORMATS:
        context = build_context(FactSet.build(seen), report, args.lang)
    return render_report(report, plan, args.format, args.lang, context=context)


def _stream(facts: str, name: str) -> IO[bytes] | IO[str]:
    """The stream to read: standard input (``-``) or the file (closed by the caller)."""
    if facts != "-":
        return _open_stream(facts)
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
    return stdin


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "monitor",
        help="stream facts (JSON lines) through the live monitor: events as they arise, then "
        "the report",
    )
    c.add_argument("facts", nargs="?", default="-", help="FACTS.jsonl, or - for standard input")
    c.add_argument("--as-of", required=True, help="the clock at end of input, YYYY-MM-DD")
    add_rules_option(c)
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
        "--format",
        choices=FORMATS,
        default="json",
        help="the report's format (default json, as check --format json)",
    )
    c.add_argument("--lang", choices=("zh", "en"), default="zh", help="the report's language")
    c.add_argument(
        "--output",
        help="write the report here (atomically) when the stream ends; without it the report is "
        "written to standard output only when --events takes the events elsewhere",
    )
    c.add_argument(
        "--events",
        metavar="FILE",
        help="write the events (JSON lines, as they arise) here instead of standard output",
    )
    add_gate_options(c)
    add_param_option(c)
    add_limit_option(c)
    add_waivers_option(c)
    c.set_defaults(func=run)


def _readable(stream: IO[bytes] | IO[str]) -> bool:
    """Whether a stream's descriptor was opened for reading (``0>FILE`` opens it write-only,
    and the first read would fail with EBADF)."""
    try:
        mode = fcntl.fcntl(stream.fileno(), fcntl.F_GETFL) & os.O_ACCMODE
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return True  # not a descriptor (a test's StringIO): reading will tell
    return mode != os.O_WRONLY
