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
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import polars as pl

from hezhang_rules.columnar.evaluate import ColumnarReport, evaluate_tables
from hezhang_rules.columnar.exprs import (
    REPORT_SCHEMA,
    answer_groups,
    by_rule,
    finding_columns,
    parquet_of,
)
from hezhang_rules.compile.plan import Plan, PlanRule
from hezhang_rules.evaluate import evaluate as evaluate_records
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.factset import not_a_collection
from hezhang_rules.facts.tables import Tables, tables_factset
from hezhang_rules.findings import (
    STATUSES,
    Finding,
    Report,
    Responsible,
    RunRecord,
    Summary,
    WaiverUse,
    header_line,
    json_head,
    json_tail,
    responsibility,
)
from hezhang_rules.waivers import Waivers

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
    waivers: Sequence[WaiverUse] = ()
    _spill: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    _report: Report | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)  # the spilled Parquet report

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
        return cls(
            report.as_of,
            report.run,
            report.summary,
            frame.lazy(),
            rules,
            report.waivers,
            _report=report,
        )

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
        return cls(
            result.as_of,
            result.run,
            result.summary,
            frame,
            result.rules,
            result.waivers,
            _spill=spill,
            _path=path,
        )

    @classmethod
    def of_rows(cls, table: FindingsTable, rows: pl.DataFrame) -> FindingsTable:
        """Some rows of ``table`` (e.g. one finding) as a table in memory, with its header."""
        return cls(table.as_of, table.run, table.summary, rows.lazy(), table.rules, table.waivers)

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

    def answerers(self) -> pl.DataFrame:
        """Each answerer once (``answerer``): columns ``id``, ``kind``, ``name`` (by id)."""
        keys = [answerer(k) for k in ("id", "kind", "name")]
        return self.frame.select(keys).unique(subset=["id"], keep="first").sort("id").collect()

    def lines(self, where: pl.Expr | None = None, *, size: int = BATCH) -> Iterator[pl.Series]:
        """The matching findings as ``jsonl`` lines (compact JSON, sorted keys: the bytes
        :func:`~hezhang_rules.findings.finding_line` writes), a series of at most ``size``
        lines at a time, encoded by polars."""
        lf = self.frame if where is None else self.frame.filter(where)
        for chunk in lf.select(LINE).collect_batches(chunk_size=size, maintain_order=True):
            if chunk.height:
                yield chunk.get_column("line")

    def write_jsonl(self, out: IO[str], where: pl.Expr | None = None) -> None:
        """The ``jsonl`` report: the header line, then one line per finding matching
        ``where``, batch by batch."""
        out.write(header_line(self.as_of, self.run, self.summary, self.waivers) + "\n")
        for lines in self.lines(where):
            out.write(lines.str.join("\n").item() + "\n")

    def write_json(self, out: IO[str], where: pl.Expr | None = None) -> None:
        """The ``json`` report (:meth:`Report.to_json`'s bytes when ``where`` is None): the
        header's keys around the findings array, one compact finding per line, written
        batch by batch."""
        out.write(json_head(self.as_of))
        first = True
        for lines in self.lines(where):
            out.write(("\n" if first else ",\n") + lines.str.join(",\n").item())
            first = False
        out.write(json_tail(self.run, self.summary, self.responsibility(where), self.waivers))

    def responsibility(self, where: pl.Expr | None = None) -> list[Responsible]:
        """The roll-up per answerer of the findings matching ``where`` (one group-by)."""
        lf = self.frame if where is None else self.frame.filter(where)
        return responsibility(answer_groups(lf).collect().iter_rows())

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
                as_of=self.as_of,
                run=self.run,
                summary=self.summary,
                findings=findings,
                waivers=list(self.waivers),
            )
        return self._report


COLUMNAR_FROM = 100_000
"""Fact records from which :func:`audit` and ``check`` take the columnar engine for a
:class:`FactSet` (fact tables always do). Measured on generated worlds (one shared machine, one
run; batch evaluation vs records → tables → columnar evaluation → spilled table):
the example district (259 facts) 0.06 s vs 0.85 s; 200 chiefs (2,006 facts) 0.45 s vs 2.3 s;
3,000 chiefs (29,323 facts) 6.3 s vs 5.0 s; 10,000 chiefs (97,659 facts) 19.0 s vs 26.0 s
(turning the records into tables alone took 19.7 s). Time does not favour either engine
below this size; the batch engine's memory grows with its findings as Python objects (a
province: 16 GB), the columnar engine's stays bounded, so large fact sets go columnar."""

Engine = Literal["auto", "columnar", "records"]


def uses_columnar(facts: FactSet | Tables, engine: Engine = "auto") -> bool:
    """Whether ``engine`` (``auto``: by :data:`COLUMNAR_FROM`) evaluates ``facts`` in columns."""
    if engine != "auto":
        return engine == "columnar"
    return isinstance(facts, Tables) or len(facts) >= COLUMNAR_FROM


def _require_facts(facts: object, where: str) -> None:
    """Refuse, with a located diagnostic, ``facts`` that are not a fact set or fact tables."""
    if not isinstance(facts, FactSet | Tables):
        raise not_a_collection(
            facts, where, "a FactSet or fact tables", "事实集（FactSet）或事实表"
        )


def audit(
    plan: Plan,
    facts: FactSet | Tables,
    as_of: dt.date,
    *,
    engine: Engine = "auto",
    spill_dir: str | Path | None = None,
    waivers: Waivers | None = None,
) -> FindingsTable:
    """Evaluate ``plan`` over ``facts`` (records, or fact tables from
    ``hezhang_rules.columnar.load_tables``) as of ``as_of`` and return the findings as one
    table, at any size: summaries as group-bys (:meth:`FindingsTable.counts`), findings in
    batches, the pydantic :class:`Report` on request (:meth:`FindingsTable.report`).

    ``engine``: ``columnar`` (streamed into a temporary Parquet file under ``spill_dir``;
    close the table, or use it as a context manager, to remove it), ``records`` (the batch
    evaluator, in memory), or ``auto``: columnar for fact tables and for ``COLUMNAR_FROM``
    records or more. Both engines give the same findings. Raises :class:`UsageError` for an
    as-of date outside ``facts.bounds``. ``waivers`` (``hezhang_rules.load_waivers``): applied
    by either engine alike (docs/waivers.md). Anything but a :class:`FactSet` or fact tables
    as ``facts`` raises :class:`FactLoadError` located at ``audit(facts)``."""
    _require_facts(facts, "audit(facts)")
    if uses_columnar(facts, engine):
        tables = facts if isinstance(facts, Tables) else Tables.from_facts(facts)
        result = evaluate_tables(plan, tables, as_of, waivers=waivers)
        return FindingsTable.of_columnar(result, spill_dir)
    records = facts if isinstance(facts, FactSet) else tables_factset(facts)
    return FindingsTable.of_report(evaluate_records(plan, records, as_of, waivers), plan)


def evaluate(
    plan: Plan, facts: FactSet | Tables, as_of: dt.date, waivers: Waivers | None = None
) -> Report:
    """Evaluate ``plan`` over ``facts`` as of ``as_of`` and return the report.

    Records (a :class:`FactSet`) go to the batch evaluator, fact tables (from
    ``hezhang_rules.columnar.load_tables``) to the columnar engine: both give the same report.
    (A :class:`Report` holds every finding as a Python object, which the batch evaluator builds
    as it goes; the columnar engine building one from records was slower at every size
    measured, see :data:`COLUMNAR_FROM`.) A large audit is better read as a table
    (:func:`audit`). Raises :class:`UsageError` for an as-of date outside ``facts.bounds``.
    ``waivers``: the waiver file's waivers (``hezhang_rules.load_waivers``), applied as of
    ``as_of`` (docs/waivers.md). Anything but a :class:`FactSet` or fact tables as ``facts``
    (a list of models, a mapping of rows) raises :class:`FactLoadError` located at
    ``evaluate(facts)``, naming the function that builds one."""
    _require_facts(facts, "evaluate(facts)")
    if isinstance(facts, Tables):
        return evaluate_tables(plan, facts, as_of, waivers=waivers).to_report()
    return evaluate_records(plan, facts, as_of, waivers)


def write_table_parquet(table: FindingsTable, plan: Plan, target: str | Path | IO[bytes]) -> None:
    """The Parquet report of ``table``: a columnar run's spilled file is that report, copied
    as it is; any other table is written as :func:`~hezhang_rules.report.parquet.report_parquet`
    writes a :class:`Report` (the same bytes whatever the engine)."""
    from hezhang_rules.report.parquet import report_parquet

    if table._path is not None:
        with table._path.open("rb") as src:
            if isinstance(target, str | Path):
                with Path(target).open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                shutil.copyfileobj(src, target)
        return
    report_parquet(table.report(), plan, target)


def answerer(key: str) -> pl.Expr:
    """A finding's answerer's ``key`` (``id``, ``kind`` or ``name``): its ``answerable``, or
    its holder in a report written before the field; named ``key``."""
    field = pl.col("answerable").struct.field(key)
    return pl.coalesce(field, pl.col("holder").struct.field(key)).alias(key)


def findings_frame(findings: FindingsTable | Report) -> pl.LazyFrame:
    """The columns summaries group by (``article``, ``rule_id``, ``status``, ``holder``) of a
    table, or of a :class:`Report`'s findings (no table built)."""
    if isinstance(findings, FindingsTable):
        return findings.frame.select("article", "rule_id", "status", "holder")
    holder = REPORT_SCHEMA["holder"]
    return pl.LazyFrame(
        {
            "article": [f.article for f in findings.findings],
            "rule_id": [f.rule_id for f in findings.findings],
            "status": [f.status for f in findings.findings],
            "holder": [f.holder.model_dump() for f in findings.findings],
        },
        schema={"article": pl.Int32, "rule_id": pl.String, "status": pl.String, "holder": holder},
    )


def _line() -> pl.Expr:
    """A row as its JSON line: every column but ``details`` encoded by polars (byte for byte
    ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``: the columns and struct
    fields are in sorted order), ``answerable`` first, ``details`` (JSON text already) spliced in
    after ``article``, its place in key order."""
    rest = [c for c in REPORT_SCHEMA if c not in ("answerable", "article", "details")]
    details = pl.col("details")
    answerable = pl.col("answerable")
    return pl.concat_str(
        pl.lit('{"answerable":'),
        pl.when(answerable.is_null())
        .then(pl.lit("null"))
        .otherwise(answerable.struct.json_encode()),
        pl.lit(',"article":'),
        pl.col("article").cast(pl.String),
        pl.lit(',"details":'),
        pl.when(details.is_null() | (details == "")).then(pl.lit("{}")).otherwise(details),
        pl.lit(","),
        pl.struct(rest).struct.json_encode().str.slice(1),
    ).alias("line")


LINE = _line()
"""The expression making a row's ``jsonl`` line (column ``line``)."""


def finding_of_row(row: Mapping[str, Any]) -> Finding:
    """One row of the table (``REPORT_SCHEMA``, as ``iter_rows(named=True)`` gives it) as a
    :class:`Finding`."""
    data = dict(row)
    data["details"] = json.loads(data["details"]) if data["details"] else {}
    return Finding.model_validate(data)


__all__ = [
    "BATCH",
    "LINE",
    "FindingsTable",
    "answerer",
    "finding_of_row",
    "findings_frame",
    "write_table_parquet",
]
