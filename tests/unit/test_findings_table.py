"""The findings table (report/table.py): the same findings from either engine, counted and
walked without Python objects per finding, its spilled file removed when closed."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import EXAMPLE

import hezhang_rules as hz
from hezhang_rules.columnar import evaluate_tables
from hezhang_rules.facts.tables import Tables
from hezhang_rules.findings import STATUSES, report_lines
from hezhang_rules.report.context import FactViews, build_context, holder_infos, table_context
from hezhang_rules.report.rollup import rollup
from hezhang_rules.report.table import FindingsTable, uses_columnar
from hezhang_rules.report.weights import Weights, scores

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


# --- JSON from the table, summaries as group-bys, lazy facts -------------------------------------


def test_table_lines_are_the_report_lines_and_json_is_to_json(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report, tmp_path: Path
) -> None:
    expected_jsonl = "".join(line + "\n" for line in report_lines(report))
    result = evaluate_tables(plan, Tables.from_facts(facts), AS_OF)
    for table in (FindingsTable.of_report(report, plan), FindingsTable.of_columnar(result)):
        with table:
            jsonl, js = io.StringIO(), io.StringIO()
            table.write_jsonl(jsonl)
            table.write_json(js)
            assert jsonl.getvalue() == expected_jsonl
            assert js.getvalue() == report.to_json()
    assert json.loads(report.to_json()) == report.to_dict()
    # one finding per line, each the finding's jsonl line
    inner = report.to_json().splitlines()[1:-1]
    assert [x.rstrip(",") for x in inner] == expected_jsonl.splitlines()[1:]


def test_json_of_a_report_without_findings_parses(report: hz.Report) -> None:
    empty = report.model_copy(update={"findings": []})
    assert json.loads(empty.to_json())["findings"] == []


def test_scores_and_matrix_from_the_table_equal_those_from_the_report(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report
) -> None:
    table = FindingsTable.of_report(report, plan)
    ctx = table_context(facts, table)
    weights = Weights(
        late_credit=0.25, by_article={16: 3.0}, by_rule={"art019.rectification_report_timely": 2.0}
    )
    by_hand: dict[str, dict[str, float]] = {}
    for f in report.findings:
        col = ctx.holders[f.holder.id].column
        acc = by_hand.setdefault(col, {"num": 0.0, "den": 0.0})
        if f.status in ("fulfilled", "fulfilled_late", "violated"):
            acc["num"] += weights.of(f) * weights.credit(f)
            acc["den"] += weights.of(f)
    got = {s.column.column: s for s in scores(table, ctx, weights)}
    assert set(got) == set(by_hand)
    for col, acc in by_hand.items():
        want = round(100 * acc["num"] / acc["den"], 1) if acc["den"] else None
        assert got[col].score == want
    r = rollup(table, plan, ctx, weights)
    assert r.matrix.get_column("total").sum() == len(report.findings)
    assert dict(r.by_article.select("article", "total").iter_rows()) == {
        a: sum(f.article == a for f in report.findings)
        for a in {f.article for f in report.findings}
    }
    assert {u.info.column: u.score for u in r.units} == {c: got[c].score for c in got}


def test_fact_views_are_rendered_only_when_asked_for(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report
) -> None:
    table = FindingsTable.of_report(report, plan)
    wanted = report.violations[0].evidence[0]
    over_records = table_context(facts, table).facts
    over_tables = table_context(Tables.from_facts(facts), table).facts
    assert isinstance(over_records, FactViews) and isinstance(over_tables, FactViews)
    assert over_records._views == {} and over_tables._views == {}
    assert over_records[wanted] == over_tables[wanted] == build_context(facts, report).facts[wanted]
    assert set(over_tables._views) == {wanted}
    assert "no-such-fact" not in over_tables
    over_tables.prefetch(report.violations[1].evidence)
    assert set(over_tables._views) >= set(report.violations[1].evidence)


def test_audit_picks_the_engine_and_both_give_the_same_table(
    plan: hz.Plan, facts: hz.FactSet, report: hz.Report, tmp_path: Path
) -> None:
    assert not uses_columnar(facts) and uses_columnar(Tables.from_facts(facts))
    with (
        hz.audit(plan, facts, AS_OF) as small,
        hz.audit(plan, facts, AS_OF, engine="columnar", spill_dir=tmp_path) as columnar,
    ):
        assert columnar._spill is not None and small._spill is None
        assert small.report() == columnar.report() == report
        assert small.counts("article").equals(columnar.counts("article"))
    assert hz.evaluate(plan, Tables.from_facts(facts), AS_OF) == report
    assert not list(tmp_path.rglob("*.parquet"))


@pytest.mark.parametrize(
    "text",
    [
        "a*b_[x](http://e)<b>`c`|&$~!\\ \r\nz\u2028y\u2029",
        "plain 中文",
        "``double`` and ` single",
        "line\rbreak\nand\r\nmore",
    ],
)
def test_polars_escaping_matches_the_python_helpers(text: str) -> None:
    from hezhang_rules.report import render
    from hezhang_rules.report.safe import markdown_code, markdown_text, one_line

    def one(expr: pl.Expr) -> str:
        return str(pl.select(expr).item())

    assert one(render._lined(pl.lit(text))) == one_line(text)
    assert one(render._md_text(pl.lit(text))) == markdown_text(text)
    if "`" not in text:
        assert one(render._md_code(pl.lit(text))) == markdown_code(text)


def test_a_world_without_posts_gives_the_same_findings_on_both_engines(
    plan: hz.Plan, tmp_path: Path
) -> None:
    # Found when fact files first went to the columnar engine: rules reading posts failed on
    # fact tables without an appointments table.
    world = tmp_path / "f.yaml"
    world.write_text(
        "jurisdictions:\n  - {id: j, name: 区, level: district}\n"
        "units:\n  - {id: o, name: 区河长办, type: river_chief_office, jurisdiction: j}\n"
        "meetings:\n  - {id: m, kind: general_chief_meeting, jurisdiction: j, "
        "date: 2021-03-01}\n",
        encoding="utf-8",
    )
    facts = hz.load_facts([world])
    with hz.audit(plan, facts, AS_OF, engine="columnar") as table:
        assert table.report() == hz.evaluate(plan, facts, AS_OF)
        assert table.summary.violated > 0
