"""Findings as columns, and the Parquet report.

Both engines' findings end as the same finding columns (``exprs.FINDING_COLUMNS``): the
columnar rules build them directly, and :func:`finding_columns` makes them from
:class:`~hezhang_rules.findings.Finding` objects (the batch part of a columnar run, and any
:class:`~hezhang_rules.findings.Report`). From them come the ``jsonl`` report's lines
(``exprs.lines_of``) and the Parquet report's rows (``exprs.parquet_of``).

**The Parquet report** (``check --format parquet --output FILE``) has one row per finding in
report order, with the fields of a ``jsonl`` line as columns (``exprs.REPORT_SCHEMA``:
``holder``, ``period`` and ``message`` as structs, ``evidence`` and ``parameters`` as lists,
``details`` as its JSON text), and the ``jsonl`` header line (as-of date, run record, summary)
as the file's key-value metadata under ``hezhang_rules.header``. It is written as a stream, in
row groups of ``ROW_GROUP`` findings whatever the engine (so both engines write the same bytes),
compressed: a national year's 9.4 million findings are a few hundred MB, where the ``jsonl``
report is 8 GB.
"""

from __future__ import annotations

import functools
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import polars as pl
from polars.io.plugins import register_io_source

from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.columnar.exprs import (
    REPORT_SCHEMA,
    by_rule,
    finding_columns,
    parquet_of,
)
from hezhang_rules.compile.plan import Plan, PlanRule
from hezhang_rules.findings import HEADER_KEY, Report, header_line

ROW_GROUP = 250_000
"""Findings per row group of a Parquet report."""

_MAKERS = 2  # builds made side by side (two cores; three measured about the same)


def write_parquet(
    builds: Iterable[Callable[[], pl.DataFrame]],
    rules: dict[str, PlanRule],
    header: str,
    target: str | Path | IO[bytes],
) -> None:
    """Finding columns, each build one rule's (or a slice of one rule's) in report order → a
    Parquet report at ``target``, streamed: rows are made when the writer asks for more, and
    handed over in row groups of exactly ``ROW_GROUP`` (the last one shorter)."""

    def made() -> Iterator[pl.DataFrame]:
        # Two builds are made side by side on threads, and kept in order, while the writer
        # encodes and compresses the rows before them (polars lets go of the interpreter).
        def rows_of(build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
            frame = build()
            if not frame.height:
                return frame
            return parquet_of(frame, rules[frame.get_column("rule_id")[0]])

        with ThreadPoolExecutor(max_workers=_MAKERS) as pool:
            ahead: deque[Future[pl.DataFrame]] = deque()
            for build in builds:
                ahead.append(pool.submit(rows_of, build))
                if len(ahead) >= _MAKERS:
                    frame = ahead.popleft().result()
                    if frame.height:
                        yield frame
            while ahead:
                frame = ahead.popleft().result()
                if frame.height:
                    yield frame

    def groups() -> Iterator[pl.DataFrame]:
        pending: list[pl.DataFrame] = []
        held = 0
        for frame in made():
            pending.append(frame)
            held += frame.height
            if held < ROW_GROUP:
                continue
            rows = pl.concat(pending)
            cut = held - held % ROW_GROUP
            for start in range(0, cut, ROW_GROUP):
                yield rows.slice(start, ROW_GROUP)
            pending = [rows.slice(cut)] if held > cut else []
            held -= cut
        if held:
            yield pl.concat(pending)

    def source(
        with_columns: list[str] | None, predicate: Any, n_rows: int | None, batch_size: Any
    ) -> Iterator[pl.DataFrame]:
        for group in groups():
            yield group.select(with_columns) if with_columns is not None else group

    register_io_source(source, schema=REPORT_SCHEMA).sink_parquet(
        target,
        row_group_size=ROW_GROUP,
        metadata={HEADER_KEY: header},
        maintain_order=True,
    )


def report_parquet(report: Report, plan: Plan, target: str | Path | IO[bytes]) -> None:
    """A :class:`Report` (any engine's) → the Parquet report, as the columnar engine writes it."""
    write_parquet(
        [functools.partial(_given, f) for f in by_rule(finding_columns(report.findings))],
        {r.id: r for r in plan.rules},
        header_line(report.as_of, report.run, report.summary, report.waivers),
        target,
    )


def _given(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


def read_parquet_report(path: str | Path) -> tuple[dict[str, Any], pl.DataFrame]:
    """A Parquet report → (its header, as the ``jsonl`` header line says it; its findings)."""
    meta = pl.read_parquet_metadata(path)
    if HEADER_KEY not in meta:
        raise ValueError(f"{path}: not a hezhang-rules report (no `{HEADER_KEY}` metadata)")
    return json.loads(meta[HEADER_KEY]), pl.read_parquet(path)


__all__ = [
    "HEADER_KEY",
    "ROW_GROUP",
    "by_rule",
    "finding_columns",
    "read_parquet_report",
    "report_parquet",
    "write_parquet",
]


def write_columnar(result: ColumnarReport, target: str | Path | IO[bytes]) -> None:
    """The Parquet report of a columnar run, streamed rule by rule."""
    header = header_line(result.as_of, result.run, result.summary, result.waivers)
    write_parquet(result.rule_builds(), result.rules, header, target)
