"""The columnar engine writes its JSON lines itself: they must be ``finding_line``'s, byte for byte.

The lines of the columnar rules are assembled key by key from columns; a name with a quote, a
backslash, a line break or another control character must come out escaped exactly as
``json.dumps(..., ensure_ascii=False)`` escapes it, and anything else (Chinese text, a U+2028)
left as it is.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, evaluate_tables
from hezhang_rules.columnar.evaluate import columnar_rule
from hezhang_rules.columnar.exprs import escape_column, json_text
from hezhang_rules.evaluate import evaluate
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import report_lines

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2022, 1, 10)
NASTY = [
    '引号"',
    "反斜杠\\",
    "换行\n",
    "制表\t",
    "控制\x01\x1f",
    "退格\x08\x0c\r",
    "\u2028分隔",
    "普通",
]


@pytest.fixture(scope="module")
def plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


def _renamed(facts: FactSet) -> FactSet:
    """The example district with every person, unit and jurisdiction given a name to escape."""
    out = []
    for i, f in enumerate(facts):
        if f.KIND in ("people", "units", "jurisdictions"):
            f = f.model_copy(update={"name": f"{NASTY[i % len(NASTY)]}{f.id}"})
        out.append(f)
    return FactSet.build(out)


def test_names_to_escape_give_the_batch_lines(plan: hz.Plan) -> None:
    facts = _renamed(
        hz.load_facts([ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"])
    )
    tables = Tables.from_facts(facts)
    result = evaluate_tables(plan, tables, AS_OF)
    buf = io.StringIO()
    result.write_jsonl(buf)
    got = buf.getvalue().split("\n")[:-1]  # not splitlines(): U+2028 is no line break here
    batch = evaluate(plan, facts, AS_OF)
    batch = batch.model_copy(update={"run": result.run})  # the tables name their own digest
    want = list(report_lines(batch))
    assert got == want
    # The rules written as columns are among those lines, with names that needed escaping.
    columnar = {r.id for r in plan.rules if columnar_rule(r)}
    escaped = [x for x in got[1:] if any(f'"rule_id":"{c}"' in x for c in columnar)]
    assert any('\\"' in x for x in escaped)
    assert any("\\u0001" in x for x in escaped)


def test_escape_column_escapes_only_what_json_escapes() -> None:
    import polars as pl

    frame = pl.DataFrame({"name": [*NASTY, None]})
    got = escape_column(frame, "name").get_column("name").to_list()
    assert got == [json_text(x) for x in NASTY] + [None]
    assert got[-2] == "普通" and got[-3] == "\u2028分隔"  # left as they are


def test_a_report_written_twice_is_the_same_twice(plan: hz.Plan) -> None:
    facts = hz.load_facts([ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"])
    result = evaluate_tables(plan, Tables.from_facts(facts), AS_OF)
    first, second = io.StringIO(), io.StringIO()
    result.write_jsonl(first)
    lines = list(result.lines())
    result.write_jsonl(second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().split("\n")[1:-1] == lines
    assert len(lines) == result.summary.total > 0


def test_large_rules_written_in_slices_keep_report_order(
    plan: hz.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules with a finding per record are encoded in sorted slices: slices of 7 findings give
    the same lines as the batch evaluator."""
    from hezhang_rules.columnar import exprs

    monkeypatch.setattr(exprs, "SLICE", 7)
    facts = hz.load_facts([ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"])
    result = evaluate_tables(plan, Tables.from_facts(facts), AS_OF)
    sliced = [p for p in result.parts if p.chunks is not None]
    assert sliced and any(len(list(p.chunks())) > 1 for p in sliced)  # type: ignore[misc]
    batch = evaluate(plan, facts, AS_OF).model_copy(update={"run": result.run})
    assert list(result.lines()) == list(report_lines(batch))[1:]
