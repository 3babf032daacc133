"""The operator table (``compile.operators.OPERATORS``) is what the documentation states and
what the engines do.

- docs/rule-format.md's table of operators gives, for every operator, the table's rule for an
  absent value, in the table's own words (so the two cannot drift apart);
- ``World.check`` (the batch evaluator) and the columnar ``Judge`` both judge a record whose
  field is absent as the table says, for every operator that reads a field (hand-made records:
  a field not stated, and a field under a nested record that is itself absent);
- the table covers the rule format's operators, and its failure texts quote the record's value
  exactly where it says they do.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.columnar import Tables
from hezhang_rules.columnar.conditions import Judge, supported
from hezhang_rules.compile.operators import OPERATORS, Absent, Op, holds_when_absent
from hezhang_rules.compile.plan import Cond, RoleTest
from hezhang_rules.evaluate.world import World
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import get_path
from hezhang_rules.rules import model as M

DOC = Path(__file__).resolve().parents[2] / "docs" / "rule-format.md"
AS_OF = dt.date(2022, 1, 1)


def _doc_rows() -> dict[str, dict[str, str]]:
    """The rows of the rule format's table of operators: operator name → column → text."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 10. Conditions") : text.index("## 11.")]
    lines = [x for x in section.splitlines() if x.startswith("| ")]
    header = [h.strip() for h in lines[0].strip("|").split(" | ")]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[1:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        found = re.match(r"`(\w+):", cells[0])
        if found is None:
            continue  # `… within: <field>`: a part of the role tests, not an operator
        assert len(cells) == len(header), line
        assert found.group(1) not in rows, f"two rows for `{found.group(1)}`"
        rows[found.group(1)] = dict(zip(header, cells, strict=True))
    return rows


def test_the_document_states_the_absent_value_rule_of_every_operator() -> None:
    rows = _doc_rows()
    assert set(rows) == {str(op) for op in Op}
    for op, info in OPERATORS.items():
        assert rows[op]["an absent value"] == info.absent.value, op


def test_the_table_covers_the_rule_format() -> None:
    assert set(OPERATORS) == set(Op)
    assert {str(op) for op in Op} == set(M.OPERATORS)
    no_field = {op for op, info in OPERATORS.items() if not info.reads_field}
    assert no_field == {Op.ONE_OF, Op.RELATED}  # the operators `rules.model` takes without field


def test_failure_texts_quote_the_value_where_the_table_says() -> None:
    for op, info in OPERATORS.items():
        texts = [info.fails, *([info.fails_if_false] if info.fails_if_false else [])]
        for words in texts:
            assert ("{value}" in words.zh) == info.quotes_value, op
            assert ("{value}" in words.en) == info.quotes_value, op


# --- the engines on an absent value --------------------------------------------------------


def _records() -> list[Any]:
    day = dt.date(2021, 5, 1)
    return [
        hz.Jurisdiction(id="d1", name="区", level="district"),
        hz.Person(id="p1", name="甲"),
        hz.Appointment(
            id="a1", person="p1", role="river_chief", jurisdiction="d1", start=dt.date(2021, 1, 1)
        ),
        # every optional field absent
        hz.Meeting(id="m1", kind="river_chief_meeting", jurisdiction="d1", date=day),
        # minutes stated, its fields absent
        hz.Meeting(
            id="m2", kind="river_chief_meeting", jurisdiction="d1", date=day, minutes=hz.Minutes()
        ),
        hz.Inspection(id="i1", inspector="p1", date=day),
        hz.Inspection(id="i2", inspector="p1", date=day, record=hz.InspectionRecord()),
    ]


_CHIEF = RoleTest(frozenset({"river_chief"}), None, None)  # p1 holds it on the day
_NOBODY = RoleTest(frozenset({"general_chief"}), None, None)  # nobody holds it
_MAJOR = (Cond("major", Op.PRESENT, True),)
_NAMED = (Cond("name", Op.EQUALS, "甲"),)

CASES: list[tuple[str, Cond]] = [
    ("meetings", Cond("presider", Op.PRESENT, True)),
    ("meetings", Cond("minutes.signed_by", Op.PRESENT, False)),
    ("meetings", Cond("attendees", Op.NONEMPTY, True)),
    ("meetings", Cond("attendees", Op.NONEMPTY, False)),
    ("meetings", Cond("presider", Op.EQUALS, "p1")),
    ("meetings", Cond("presider", Op.EQUALS, None)),
    ("meetings", Cond("attendees", Op.EQUALS, None)),
    ("meetings", Cond("presider", Op.NOT_EQUALS, "p1")),
    ("meetings", Cond("presider", Op.NOT_EQUALS, None)),
    ("meetings", Cond("attendees", Op.NOT_EQUALS, None)),
    ("meetings", Cond("minutes.signed_by", Op.IN, frozenset({"p1"}))),
    ("meetings", Cond("presider", Op.IN, frozenset({"p1", None}))),
    ("meetings", Cond("attendees", Op.IN, frozenset({"p1"}))),
    ("meetings", Cond("attendees", Op.IN, frozenset({"p1", None}))),
    ("meetings", Cond("minutes.signed_by", Op.NOT_IN, frozenset({"p1"}))),
    ("meetings", Cond("attendees", Op.NOT_IN, frozenset({"p1"}))),
    ("meetings", Cond("attendees", Op.CONTAINS_ALL, frozenset({"p1"}))),
    ("meetings", Cond("attendees", Op.CONTAINS_ALL, frozenset())),
    ("meetings", Cond("minutes.signed_by", Op.SAME_AS, "jurisdiction")),
    ("inspections", Cond("record.problems", Op.ANY, _MAJOR)),
    ("inspections", Cond("record.problems", Op.ALL, _MAJOR)),
    ("meetings", Cond("presider", Op.REFERS_TO, _NAMED)),
    ("meetings", Cond("attendees", Op.REFERS_TO, _NAMED)),
    ("meetings", Cond("presider", Op.HOLDS_ROLE, _CHIEF)),
    ("meetings", Cond("attendees", Op.HOLDS_ROLE, _CHIEF)),
    ("meetings", Cond("attendees", Op.INCLUDES_HOLDERS_OF, _CHIEF)),
    ("meetings", Cond("attendees", Op.INCLUDES_HOLDERS_OF, _NOBODY)),
]


def test_every_operator_reading_a_field_is_exercised() -> None:
    fielded = {op for op, info in OPERATORS.items() if info.reads_field}
    assert {c.op for _, c in CASES} == fielded


@pytest.mark.parametrize(("kind", "cond"), CASES, ids=lambda x: getattr(x, "op", x))
def test_engines_judge_an_absent_value_as_the_table_says(kind: str, cond: Cond) -> None:
    facts = FactSet.build(_records())
    world = World(facts, AS_OF)
    records = facts.of_kind(kind)
    assert records and all(get_path(r, cond.field or "") is None for r in records)
    by_records = {f.id: world.check(cond, f, f) for f in records}
    tables = Tables.from_facts(facts)
    frame = tables.frame(kind)
    assert supported(FACT_KINDS[kind], (cond,))
    rows = Judge(tables, AS_OF).rows(kind, frame, (cond,))
    by_columns = dict(zip(frame.get_column("id"), rows, strict=True))
    assert by_columns == by_records
    want = holds_when_absent(cond)
    if OPERATORS[cond.op].absent is Absent.HOLDS_IF_NOBODY:
        assert want is None
        want = cond.operand is _NOBODY  # p1 holds a river chief's post on the day
    assert set(by_records.values()) == {want}


def test_operators_without_a_field_have_no_absent_rule() -> None:
    for op in (Op.ONE_OF, Op.RELATED):
        assert OPERATORS[op].absent is Absent.NO_FIELD
        assert holds_when_absent(Cond(None, op, ())) is None
