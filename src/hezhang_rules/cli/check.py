"""``hezhang-rules check``: evaluate rules over facts at an as-of date and write the report."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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
from hezhang_rules.cli.output import atomic_file, atomic_text, emit, output_file
from hezhang_rules.cli.progress import Progress, progress_for
from hezhang_rules.cli.summary import say_written
from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.compile import Plan
from hezhang_rules.dburl import is_db_url, parse_db_url
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.evaluate import evaluate
from hezhang_rules.extras import need
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.sources import load_sources
from hezhang_rules.facts.tables import Tables
from hezhang_rules.findings import STATUSES, Report
from hezhang_rules.report import EQUAL, FORMATS, Weights, load_weights, render_report
from hezhang_rules.report.changes import Since
from hezhang_rules.report.context import AuditContext, table_context
from hezhang_rules.report.render import FILTERED_FORMATS, parse_only, write_report
from hezhang_rules.report.table import Engine, FindingsTable, uses_columnar
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.source import Limits
from hezhang_rules.store import Store, opened, since_last


@dataclass
class Evaluated:
    """What an audit read and found: the plan, the facts (fact tables, or the records of fact
    files), the weights and limits, and the engine's result: a columnar run (the default) or
    the batch engine's :class:`Report` (``--engine records``)."""

    plan: Plan
    facts: FactSet | Tables
    result: ColumnarReport | Report
    weights: Weights
    limits: Limits

    def table(self) -> FindingsTable:
        """The findings as one table (a columnar run spilled to a temporary Parquet file:
        close the table when done)."""
        if isinstance(self.result, Report):
            return FindingsTable.of_report(self.result, self.plan)
        return FindingsTable.of_columnar(self.result)


def evaluated(args: argparse.Namespace, shown: Progress | None = None) -> Evaluated:
    """The shared front of check, explain and todo: options, rules, facts, weights, findings.

    ``--engine auto`` (the default) evaluates fact tables, and fact files of ``COLUMNAR_FROM``
    records or more (through ``Tables.from_facts``), with the columnar engine, smaller fact
    files with the batch evaluator; ``columnar`` and ``records`` force one (the engine agreement
    tests hold both to the same findings). Every input is checked before anything is evaluated
    or written. ``shown`` (``cli.progress``) is told of each table read and each rule done.
    """
    from hezhang_rules.columnar import evaluate_tables, tables_factset

    shown = shown or Progress(getattr(args, "lang", "zh"), None)
    engine: Engine = getattr(args, "engine", "auto")
    as_of = parse_as_of(args.as_of)
    limits = parse_limits(args.limit)
    shown.step("rules")
    plan = load_plan(args.rules, args.param, limits, args.overlay)
    waivers = load_checked_waivers(getattr(args, "waivers", None), plan, limits)
    weights_file = getattr(args, "weights", None)
    weights = load_weights(weights_file, plan, limits) if weights_file else EQUAL
    shown.step("facts")
    facts: FactSet | Tables
    facts = load_sources(args.facts, limits, on_table=shown.table_read)
    result: ColumnarReport | Report
    if not uses_columnar(facts, engine):
        shown.step("evaluating")
        records = facts if isinstance(facts, FactSet) else tables_factset(facts)
        result = evaluate(plan, records, as_of, waivers)
    else:
        tables = facts if isinstance(facts, Tables) else Tables.from_facts(facts)
        shown.evaluating(len(plan.rules))
        result = evaluate_tables(plan, tables, as_of, on_rule=shown.rule_done, waivers=waivers)
    shown.writing()
    return Evaluated(plan, facts, result, weights, limits)


def audit(
    args: argparse.Namespace, shown: Progress | None = None
) -> tuple[Evaluated, FindingsTable]:
    """:func:`evaluated` and its findings table (close it when done)."""
    done = evaluated(args, shown)
    return done, done.table()


def _stream(done: Evaluated, result: ColumnarReport, fmt: str, out: Path | None) -> None:
    """A columnar run → the ``json``, ``jsonl`` or ``parquet`` report, written as a stream
    (never one Python object, no table in between)."""
    from hezhang_rules.report.parquet import write_columnar

    if fmt == "parquet":
        if out is None:  # a few hundred MB for a national year; refused on a terminal
            buf = io.BytesIO()
            write_columnar(result, buf)
            emit(None, buf.getvalue())
        else:
            with atomic_file(out) as fh:
                write_columnar(result, fh)
    else:
        write = result.write_json if fmt == "json" else result.write_jsonl
        if out is None:
            write(sys.stdout)
        else:
            with atomic_text(out) as text:
                write(text)


def inputs(args: argparse.Namespace) -> list[str | Path]:
    """What an audit reads (fact files and folders, the rule pack, the weights and waiver
    files): an output may be none of them nor lie inside one."""
    rules: str | Path = resolve_rules(args.rules)
    overlays = [resolve_rules(o) for o in args.overlay]
    weights = getattr(args, "weights", None)
    waivers = getattr(args, "waivers", None)
    return [
        *fact_paths(args.facts),
        rules,
        *overlays,
        *([weights] if weights else []),
        *([waivers] if waivers else []),
    ]


def fact_paths(sources: list[str]) -> list[str | Path]:
    """The files fact sources are read from: a path as given, a SQLite address's file (an
    output may not overwrite it either), a PostgreSQL address none (it is no file here)."""
    out: list[str | Path] = []
    for source in sources:
        if not is_db_url(source):
            out.append(source)
            continue
        db = parse_db_url(source)
        if db.path is not None:
            out.append(db.path)
    return out


FORMAT_EXTRAS = {"parquet": "tables", "xlsx": "xlsx"}
"""Report formats that need an extra (:mod:`hezhang_rules.extras`); the others are in the core."""


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    if args.format in FORMAT_EXTRAS:
        need(FORMAT_EXTRAS[args.format], f"--format {args.format}")
    store_file = _store_file(getattr(args, "store", None))
    out = output_file(args.output, [*inputs(args), *store_file])
    within = parse_days(args.within)
    only = _only(args)
    fail_on = parse_fail_on(args.fail_on)
    with contextlib.ExitStack() as stack:
        # a store that cannot be opened is refused before anything is evaluated or written
        given = getattr(args, "store", None)
        store = stack.enter_context(opened(given, create=True)) if given else None
        with progress_for(args.lang) as shown:
            done = evaluated(args, shown)
            statuses = gate_statuses(fail_on, done.plan)  # a bad pack reading: before writing
            summary = done.result.summary
            if (
                isinstance(done.result, ColumnarReport)
                and args.format in ("json", "jsonl", "parquet")
                and only is None
                and store is None  # a recorded run is read once, as a table
            ):
                _stream(done, done.result, args.format, out)
            else:
                _render(done, args, out, only, within, Recording(store, statuses))
    if out is not None:
        say_written(args.output, summary, started, args.lang)
    return gate_exit(done.result, done.plan, statuses, args.fail_on_advisory)


@dataclass(frozen=True)
class Recording:
    """``--store``: the findings store the run is recorded in (None: no store), and the
    statuses the gate counts as breaches (kept with the run, and what "since the last run"
    calls a breach)."""

    store: Store | None
    statuses: frozenset[str]

    def since(self, table: FindingsTable, advisory: bool) -> Since | None:
        """The changes since the previous run of the store (docs/store.md), or None without a
        store."""
        if self.store is None:
            return None
        return since_last(self.store, table, self.statuses, advisory=advisory)

    def record(self, table: FindingsTable) -> None:
        """Record the run (after its report is written)."""
        if self.store is not None:
            self.store.record(table, self.statuses)


def _store_file(url: str | None) -> list[str | Path]:
    """The SQLite file of ``--store`` (the report may not overwrite it), if any."""
    if url is None or not is_db_url(url):
        return []
    path = parse_db_url(url).path
    return [] if path is None else [path]


def _render(
    done: Evaluated,
    args: argparse.Namespace,
    out: Path | None,
    only: tuple[str, ...] | None,
    within: int,
    recording: Recording,
) -> None:
    """Every format but a streamed jsonl/parquet: from the findings table."""
    with done.table() as table:
        # json and jsonl read no holder columns nor facts
        ctx = (
            None
            if args.format in ("json", "jsonl")
            else table_context(done.facts, table, args.lang)
        )
        if ctx is not None and args.format in ("html", "xlsx"):
            ctx = dataclasses.replace(ctx, since=recording.since(table, args.fail_on_advisory))
        if args.format not in FILTERED_FORMATS:
            data = render_report(
                table,
                done.plan,
                args.format,
                args.lang,
                context=ctx,
                weights=done.weights,
                within=within,
            )
            emit(out, data)
        elif out is None:
            _write(table, done, args, sys.stdout, ctx, only)
        else:
            with atomic_text(out) as text:
                _write(table, done, args, text, ctx, only)
        recording.record(table)


def _write(
    table: FindingsTable,
    done: Evaluated,
    args: argparse.Namespace,
    out: TextIO,
    ctx: AuditContext | None,
    only: tuple[str, ...] | None,
) -> None:
    write_report(
        table, done.plan, args.format, out, args.lang, context=ctx, weights=done.weights, only=only
    )


def _only(args: argparse.Namespace) -> tuple[str, ...] | None:
    """``--only``: the statuses to list, for the formats that list findings."""
    text = getattr(args, "only", None)
    if text is None:
        return None
    if args.format not in FILTERED_FORMATS:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_only",
                    f"--only applies to --format {', '.join(FILTERED_FORMATS)}, not {args.format}",
                    Span("<command line>"),
                    zh=f"--only 只适用于 --format {'、'.join(FILTERED_FORMATS)}，不适用于 "
                    f"{args.format}",
                )
            ]
        )
    try:
        return parse_only(text)
    except ValueError as exc:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_only",
                    f"--only: {exc.args[0]}",
                    Span("<command line>"),
                    zh=f"--only：未知状态 `{exc.args[1]}`（可用状态：{'、'.join(STATUSES)}）",
                )
            ]
        ) from None


def add_audit_options(c: argparse.ArgumentParser) -> None:
    """--as-of, --rules, --overlay, --lang, --param, --limit and --waivers, shared by check,
    explain and todo."""
    c.add_argument("--as-of", required=True, help="the audit date, YYYY-MM-DD")
    add_rules_option(c)
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_param_option(c)
    add_limit_option(c)
    add_waivers_option(c)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("check", help="evaluate rules over facts at an as-of date")
    c.add_argument(
        "facts",
        nargs="+",
        help="fact files (.yaml/.yml/.json) or directories, or a folder of fact tables "
        "(<kind>.parquet / <kind>.jsonl, e.g. from `hezhang-rules synth`), or one database "
        "(sqlite:///PATH, postgresql://USER@HOST/DB)",
    )
    c.add_argument(
        "--engine",
        choices=("auto", "columnar", "records"),
        default="auto",
        help="auto (default: columnar for fact tables and for 100,000 fact records or more, "
        "else records), columnar, or records (every fact as a pydantic record, the batch "
        "evaluator); all give the same report",
    )
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--output", help="write the report here (atomically) instead of stdout")
    c.add_argument(
        "--only",
        metavar="STATUSES",
        help="list only findings of these statuses, e.g. violated,fulfilled_late (text, "
        "markdown, json, jsonl; the report says which were left out)",
    )
    c.add_argument("--weights", help="assessment weights file (YAML; default: every rule weighs 1)")
    c.add_argument(
        "--within",
        default="30",
        metavar="DAYS",
        help="to-do warning window in days for html and xlsx (default 30)",
    )
    c.add_argument(
        "--store",
        metavar="URL",
        help="record the run and its findings in this findings store (sqlite:///PATH or "
        "postgresql://USER@HOST[:PORT]/DB; docs/store.md); html and xlsx then show what "
        "changed since the last run",
    )
    add_gate_options(c)
    add_audit_options(c)
    c.set_defaults(func=run)
