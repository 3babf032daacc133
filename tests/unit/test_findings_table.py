"""The findings table (report/table.py): the same findings from either engine, counted and
walked without Python objects per finding, its spilled file removed when closed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import EXAMPLE

import hezhang_rules as hz
from hezhang_rules.columnar import evaluate_tables
from hezhang_rules.facts.tables import Tables
from hezhang_rules.findings import STATUSES
from hezhang_rules.report.context import holder_infos
from hezhang_rules.report.table import FindingsTable

AS_OF = dt.date(2022, 1, 10)


@pytest.fixture(scope="module")
def facts() -> hz.FactSet:
    return hz.load_facts([p for p in sorted(EXAMPLE.glob("*.yaml"))])


@pytest.fixture(scope="module")
def report(plan: hz.Plan, facts: hz.FactSet) -> hz.Report:
    return hz.evaluate(plan, facts, AS_OF)


def test_columnar_table_gives_back_the_batch_report(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report, tmp_path: Path
) -> None:
    result = evaluate_tables(plan, Tables.from_facts(facts), AS_OF)
    table = FindingsTable.of_columnar(result, spill_dir=tmp_path)
    spilled = list(tmp_path.rglob("*.parquet"))
    assert len(spilled) == 1
    with table:
        assert table.count() == len(report.findings)
        assert table.report() == report
    assert not list(tmp_path.rglob("*.parquet"))  # closing removes the spill


def test_counts_agree_with_the_findings(plan: hz.Plan, report: hz.Report) -> None:
    table = FindingsTable.of_report(report, plan)
    total = table.counts()
    for s in STATUSES:
        assert total.get_column(s).item() == sum(f.status == s for f in report.findings)
    by_article = table.counts("article")
    assert by_article.get_column("article").to_list() == sorted(
        {f.article for f in report.findings}
    )
    row = by_article.filter(pl.col("article") == 16).row(0, named=True)
    assert row["violated"] == sum(
        f.article == 16 and f.status == "violated" for f in report.findings
    )
    assert by_article.get_column("total").sum() == len(report.findings)


def test_batches_walk_every_finding_in_report_order(plan: hz.Plan, report: hz.Report) -> None:
    table = FindingsTable.of_report(report, plan)
    table._report = None  # built again from the rows
    sizes = [b.height for b in table.batches(size=50)]
    assert max(sizes) <= 50 and sum(sizes) == len(report.findings)
    ids = [i for b in table.batches(columns=["id"], size=50) for i in b.get_column("id")]
    assert ids == [f.id for f in report.findings]
    violated = table.collect(pl.col("status") == "violated", columns=["id"])
    assert violated.get_column("id").to_list() == [f.id for f in report.violations]
    assert table.report() == report


def test_holders_get_their_column_from_tables_as_from_facts(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report
) -> None:
    table = FindingsTable.of_report(report, plan)
    holders = table.holders()
    assert holders.height == len({f.holder.id for f in report.findings})
    from_facts = holder_infos(facts, holders)
    from_tables = holder_infos(Tables.from_facts(facts), holders)
    assert from_facts == from_tables
    assert {h.group for h in from_facts.values()} >= {"district", "township", "department"}


def test_an_empty_report_is_an_empty_table(plan: hz.Plan, report: hz.Report) -> None:
    empty = report.model_copy(update={"findings": []})
    table = FindingsTable.of_report(empty, plan)
    assert table.count() == 0
    assert table.counts("article").height == 0
    assert list(table.batches()) == []
