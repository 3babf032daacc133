"""The findings table: the one report model every format reads.

Every engine's findings end as one table, one row per finding in report order, with the
columns of the Parquet report (``columnar.exprs.REPORT_SCHEMA``: ``holder``, ``period`` and
``message`` as structs, ``evidence`` and ``parameters`` as lists, ``details`` as JSON text),
plus the report's header (as-of date, run record, summary). Reporters read it with polars:
summaries are group-bys, listings are filtered batches, so a report of ten million findings is
never ten million Python objects.

* A columnar run (:class:`~hezhang_rules.columnar.ColumnarReport`) is streamed once into a
  Parquet file in a private temporary folder (the ``parquet`` report's own writer) and the table
  scans it: memory stays bounded by a row group whatever the size. The folder is removed by
  :meth:`FindingsTable.close` (the table is a context manager).
* A :class:`~hezhang_rules.findings.Report` (the batch engine's, or any caller's) becomes an
  in-memory table of the same columns.

:meth:`FindingsTable.report` gives the pydantic :class:`Report` back, built only when asked
(small callers and tests); :meth:`counts` and :meth:`batches` are what reporters use.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from hezhang_rules.columnar.evaluate import ColumnarReport
from hezhang_rules.columnar.exprs import REPORT_SCHEMA, by_rule, finding_columns, parquet_of
from hezhang_rules.compile.plan import Plan, PlanRule
from hezhang_rules.findings import STATUSES, Finding, Report, RunRecord, Summary

BATCH = 50_000
"""Findings per batch handed to a reporter that walks the rows (:meth:`FindingsTable.batches`)."""


@dataclass
class FindingsTable:
    """A report's findings as one table (``frame``: ``REPORT_SCHEMA`` columns, report order)
    and its header."""

    as_of: dt.date
    run: RunRecord
    summary: Summary
    frame: pl.LazyFrame
    rules: Mapping[str, PlanRule]
    _spill: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    _report: Report | None = field(default=None, repr=False)

    # --- made from an engine's result ------------------------------------------------------

    @classmethod
    def of_report(cls, report: Report, plan: Plan) -> FindingsTable:
        """A :class:`Report` (any engine's) as a table held in memory."""
        rules = {r.id: r for r in plan.rules}
        parts = [
            parquet_of(f, rules[f.get_column("rule_id")[0]])
            for f in by_rule(finding_columns(report.findings))
        ]
        frame = pl.concat(parts) if parts else pl.DataFrame(schema=REPORT_SCHEMA)
        return cls(report.as_of, report.run, report.summary, frame.lazy(), rules, _report=report)

    @classmethod
    def of_columnar(
        cls, result: ColumnarReport, spill_dir: str | Path | None = None
    ) -> FindingsTable:
        """A columnar run's findings, streamed into a Parquet file in a new temporary folder
        (under ``spill_dir``, else the system's) and scanned from there."""
        from hezhang_rules.report.parquet import write_columnar

        spill = tempfile.TemporaryDirectory(prefix="hezhang-findings-", dir=spill_dir)
        path = Path(spill.name) / "findings.parquet"
        try:
            write_columnar(result, path)
        except BaseException:
            spill.cleanup()
            raise
        frame = pl.scan_parquet(path)
        return cls(result.as_of, result.run, result.summary, frame, result.rules, _spill=spill)

    # --- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Remove the spilled Parquet file, if any; the table cannot be read after."""
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None

    def __enter__(self) -> FindingsTable:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- reading ---------------------------------------------------------------------------

    def collect(
        self,
        where: pl.Expr | None = None,
        *,
        columns: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> pl.DataFrame:
        """The rows matching ``where`` (all if None), in report order, at most ``limit``."""
        lf = self.frame if where is None else self.frame.filter(where)
        if columns is not None:
            lf = lf.select(columns)
        if limit is not None:
            lf = lf.head(limit)
        return lf.collect()

    def batches(
        self,
        where: pl.Expr | None = None,
        *,
        columns: Sequence[str] | None = None,
        size: int = BATCH,
    ) -> Iterator[pl.DataFrame]:
        """The rows matching ``where``, in report order, as frames of at most ``size`` rows:
        for reporters that write every finding (text, JSON) without holding them all."""
        lf = self.frame if where is None else self.frame.filter(where)
        if columns is not None:
            lf = lf.select(columns)
        for chunk in lf.collect_batches(chunk_size=size, maintain_order=True):
            if chunk.height:
                yield from chunk.iter_slices(size)

    def count(self, where: pl.Expr | None = None) -> int:
        """How many findings match ``where`` (all if None)."""
        lf = self.frame if where is None else self.frame.filter(where)
        return int(lf.select(pl.len()).collect().item())

    def counts(self, *by: str | pl.Expr) -> pl.DataFrame:
        """Findings per group of ``by``: one row per group (sorted by the group's values), a
        column per status in ``STATUSES`` (0 where none) and ``total``."""
        keys = list(by)
        grouped = self.frame.group_by([*keys, "status"]).agg(pl.len().alias("n")).collect()
        names = [k if isinstance(k, str) else k.meta.output_name() for k in keys]
        if not names:
            grouped = grouped.with_columns(pl.lit(0).alias("_all"))
            names = ["_all"]
        wide = grouped.pivot(on="status", index=names, values="n", aggregate_function="sum")
        missing = [pl.lit(0, pl.UInt32).alias(s) for s in STATUSES if s not in wide.columns]
        wide = wide.with_columns(missing).with_columns(
            [pl.col(s).fill_null(0).cast(pl.UInt32) for s in STATUSES]
        )
        wide = wide.with_columns(pl.sum_horizontal(list(STATUSES)).alias("total"))
        out = wide.select([*names, *STATUSES, "total"]).sort(names)
        return out.drop("_all") if names == ["_all"] else out

    def holders(self) -> pl.DataFrame:
        """Each holder once: columns ``id``, ``kind``, ``name`` (sorted by id)."""
        return (
            self.frame.select(pl.col("holder").struct.unnest())
            .unique(subset=["id"], keep="first")
            .sort("id")
            .collect()
        )

    def report(self) -> Report:
        """The findings as a pydantic :class:`Report` (built on first use, then kept): for
        small callers; a large run should read the table."""
        if self._report is None:
            findings = [
                finding_of_row(row)
                for batch in self.batches()
                for row in batch.iter_rows(named=True)
            ]
            self._report = Report(
                as_of=self.as_of, run=self.run, summary=self.summary, findings=findings
            )
        return self._report


def finding_of_row(row: Mapping[str, Any]) -> Finding:
    """One row of the table (``REPORT_SCHEMA``, as ``iter_rows(named=True)`` gives it) as a
    :class:`Finding`."""
    data = dict(row)
    data["details"] = json.loads(data["details"]) if data["details"] else {}
    return Finding.model_validate(data)


__all__ = ["BATCH", "FindingsTable", "finding_of_row"]
