"""Conditions judged as columns (``columnar.conditions.Judge``) equal ``World.check``.

Every condition of every rule of the pack — a holder's, a selection's, an evidence rule's
``where`` and each of its ``must`` conditions, a response's trigger and reply tests — is judged
on every record of its kind both ways: on the golden corpus (in-memory tables; a quarter of
the cases also through Parquet and the column validator), on generated districts, and on
hand-made records for the corners where a column's truth and Python's differ (a missing list,
an empty text, a post held outside its dates or outside the scope).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, frames_from_facts, load_tables, write_tables
from hezhang_rules.columnar.conditions import Judge, supported
from hezhang_rules.compile.plan import (
    Cond,
    CountPlan,
    DeadlinePlan,
    EvidencePlan,
    ForbidPlan,
    Plan,
    ResponsePlan,
    RoleTest,
)
from hezhang_rules.evaluate.world import World
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.synth import generate
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
CASES = cases.discover([GOLDEN])
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


def condition_lists(plan: Plan) -> list[tuple[str, str, tuple[Any, ...]]]:
    """(name, kind, conditions) for every condition list of every rule; each ``must``
    condition on its own, as the evidence rule judges it."""
    out: list[tuple[str, str, tuple[Any, ...]]] = []
    for r in plan.rules:
        req = r.requirement
        if r.holder.way == "unit" and r.holder.where:
            out.append((f"{r.id}:holder", "units", r.holder.where))
        if isinstance(req, CountPlan | ForbidPlan | DeadlinePlan):
            out.append((f"{r.id}:select", req.select.kind, req.select.where))
        elif isinstance(req, EvidencePlan):
            out.append((f"{r.id}:where", req.kind, req.where))
            out += [(f"{r.id}:must{i}", req.kind, (c,)) for i, c in enumerate(req.must)]
        elif isinstance(req, ResponsePlan):
            if req.trigger_kind is not None:
                out.append((f"{r.id}:trigger", req.trigger_kind, req.trigger_where))
            out.append((f"{r.id}:reply", req.response.kind, req.response.where))
    return [x for x in out if x[2]]


LISTS = condition_lists(PLAN)


def test_every_condition_of_the_pack_is_judged_as_columns() -> None:
    refused = [name for name, kind, conds in LISTS if not supported(FACT_KINDS[kind], conds)]
    assert refused == []
    assert len(LISTS) > 80


def compare(
    facts: FactSet,
    tables: Tables,
    as_of: dt.date,
    lists: list[tuple[str, str, tuple[Any, ...]]] = LISTS,
) -> int:
    """Judge every condition list both ways; return how many (record, list) pairs agreed."""
    world = World(facts, as_of)
    judge = Judge(tables, as_of)
    n = 0
    for name, kind, conds in lists:
        if kind not in tables.frames:
            continue
        frame = tables.frame(kind)
        got = dict(zip(frame.get_column("id"), judge.rows(kind, frame, conds), strict=True))
        want = {f.id: all(world.check(c, f, f) for c in conds) for f in facts.of_kind(kind)}
        assert got == want, f"{name}: " + ", ".join(
            f"{i} columns {got.get(i)} records {w}" for i, w in want.items() if got.get(i) != w
        )
        n += len(want)
    return n


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_golden_case(path: Path) -> None:
    case = cases.load_case(path, str(path))
    facts = RUNNER.facts(case)
    compare(facts, Tables.from_facts(facts), case.model.as_of)


def test_golden_cases_through_parquet(tmp_path: Path) -> None:
    """Tables read back through the column validator judge as the records do (every case's
    facts in one Parquet folder per case, a sample of one in four cases)."""
    for n, path in enumerate(CASES[::4]):
        case = cases.load_case(path, str(path))
        facts = RUNNER.facts(case)
        folder = tmp_path / str(n)
        write_tables(frames_from_facts(facts), folder, "parquet")
        compare(facts, load_tables([folder]), case.model.as_of)


@pytest.mark.parametrize(("chiefs", "seed"), [(300, 3), (900, 11)])
def test_generated_district(chiefs: int, seed: int, tmp_path: Path) -> None:
    generate(chiefs, 2021, seed, tmp_path, "parquet")
    tables = load_tables([tmp_path])
    from hezhang_rules.columnar import tables_factset

    facts = tables_factset(tables)
    for as_of in (dt.date(2021, 6, 30), dt.date(2022, 1, 10)):
        assert compare(facts, tables, as_of) > 10_000


# --- corners -------------------------------------------------------------------------------


def _one(conds: tuple[Any, ...], kind: str, records: list[Any], as_of: dt.date) -> None:
    facts = FactSet.build(records)
    assert compare(facts, Tables.from_facts(facts), as_of, [("corner", kind, conds)]) > 0


def _base() -> list[Any]:
    return [
        hz.Jurisdiction(id="d1", name="区", level="district"),
        hz.Jurisdiction(id="t1", name="镇", level="township", parent="d1"),
        hz.Jurisdiction(id="d2", name="他区", level="district"),
        hz.Person(id="p1", name="甲"),
        hz.Person(id="p2", name="乙"),
        hz.Person(id="p3", name="丙"),
        hz.Unit(id="o1", name="区河长办", type="river_chief_office", jurisdiction="d1"),
        hz.Appointment(
            id="a1",
            person="p1",
            role="river_chief",
            jurisdiction="d1",
            start=dt.date(2021, 1, 1),
            end=dt.date(2021, 6, 30),
        ),
        hz.Appointment(
            id="a2", person="p2", role="river_chief", jurisdiction="t1", start=dt.date(2021, 3, 1)
        ),
        hz.Appointment(
            id="a3", person="p3", role="river_chief", jurisdiction="d2", start=dt.date(2020, 1, 1)
        ),
    ]


def _meeting(mid: str, day: str, **kw: Any) -> Any:
    return hz.Meeting(
        id=mid, kind="river_chief_meeting", jurisdiction="d1", date=dt.date.fromisoformat(day), **kw
    )


def test_holds_role_on_the_day_in_and_out_of_scope() -> None:
    records = [
        *_base(),
        _meeting("m1", "2021-05-01", presider="p1"),  # in post
        _meeting("m2", "2021-07-01", presider="p1"),  # after the end (inclusive end: 6-30)
        _meeting("m3", "2021-06-30", presider="p1"),  # on the last day
        _meeting("m4", "2021-02-01", presider="p2"),  # before the start
        _meeting("m5", "2021-04-01", presider="p3"),  # in post elsewhere
        _meeting("m6", "2021-04-01"),  # nobody named
    ]
    anywhere = RoleTest(frozenset({"river_chief"}), None, None)
    district = RoleTest(frozenset({"river_chief"}), frozenset({"district"}), None)
    scoped = RoleTest(frozenset({"river_chief"}), None, None, within="jurisdiction")
    for test in (anywhere, district, scoped):
        _one((Cond("presider", "holds_role", test),), "meetings", records, dt.date(2022, 1, 1))


def _summary(sid: str, day: str, copied: list[str] | None) -> Any:
    return hz.AssessmentSummary(
        id=sid,
        office="o1",
        year=2021,
        reported=dt.date.fromisoformat(day),
        recipients=["p1"],
        copied_to=copied,
    )


def test_includes_holders_of_in_scope() -> None:
    records = [
        *_base(),
        _summary("s1", "2021-04-01", ["p1", "p2"]),
        _summary("s2", "2021-04-01", ["p1"]),  # p2 left out
        _summary("s3", "2021-08-01", ["p2"]),  # p1's post ended in June
        _summary("s4", "2021-08-01", None),  # nobody copied
        _summary("s5", "2021-08-01", ["p2", "p3"]),
    ]
    for within in ("office", None):
        test = RoleTest(frozenset({"river_chief"}), None, None, within=within)
        _one(
            (Cond("copied_to", "includes_holders_of", test),),
            "assessment_summaries",
            records,
            dt.date(2022, 1, 1),
        )


@pytest.mark.parametrize(
    "cond",
    [
        Cond("minutes", "present", True),
        Cond("minutes", "nonempty", True),
        Cond("minutes.signed_by", "present", False),
        Cond("attendees", "nonempty", True),
        Cond("attendees", "nonempty", False),
        Cond("attendees", "in", frozenset({"p1"})),
        Cond("attendees", "not_in", frozenset({"p1"})),
        Cond("attendees", "equals", "p1"),
        Cond("attendees", "not_equals", "p1"),
        Cond("presider", "not_equals", "p1"),
        Cond("presider", "not_in", frozenset({"p1", "p2"})),
        Cond("presider", "in", frozenset({"p1", None})),
        Cond("minutes.signed_by", "same_as", "presider"),
        Cond("presider", "same_as", "attendees"),
        Cond("presider", "refers_to", (Cond("name", "equals", "甲"),)),
        Cond("attendees", "refers_to", (Cond("name", "in", frozenset({"乙"})),)),
        Cond(
            None,
            "one_of",
            (Cond("presider", "equals", "p2"), Cond("attendees", "in", frozenset({"p3"}))),
        ),
    ],
    ids=lambda c: f"{c.field}-{c.op}",
)
def test_corners_of_values(cond: Cond) -> None:
    m = hz.Minutes
    records = [
        *_base(),
        _meeting("m1", "2021-05-01", presider="p1", attendees=["p1", "p2"]),
        _meeting("m2", "2021-05-01", attendees=[]),
        _meeting("m3", "2021-05-01", presider="p2", minutes=m(signed_by="p2")),
        _meeting("m4", "2021-05-01", presider="p3", minutes=m(), attendees=["p3"]),
        _meeting("m5", "2021-05-01", minutes=m(signed_by="p1")),
    ]
    assert supported(FACT_KINDS["meetings"], (cond,))
    _one((cond,), "meetings", records, dt.date(2022, 1, 1))


def test_unsupported_shapes_are_refused() -> None:
    meetings = FACT_KINDS["meetings"]
    assert not supported(meetings, (Cond("minutes", "equals", "x"),))  # a nested record
    assert not supported(meetings, (Cond("no_such_field", "present", True),))
    assert not supported(meetings, (Cond("presider", "matches", "x"),))


def test_the_superset_filter_keeps_what_equals_null_matches() -> None:
    """``equals: null`` holds on an absent value; a column comparison with null cannot say
    so, so the superset filter of the batch part's rows leaves it to the exact judge instead
    of dropping the rows that match (``exprs.where_expr``)."""
    from hezhang_rules.columnar.exprs import where_expr

    unstated = Cond("jurisdiction", "equals", None)
    stated = Cond("jurisdiction", "equals", "j-qhm")
    assert where_expr("inspections", (unstated,)) is None
    frame = pl.DataFrame({"jurisdiction": ["j-qhm", None, "j-x"]})
    test = where_expr("inspections", (stated,))
    assert test is not None
    assert frame.filter(test).get_column("jurisdiction").to_list() == ["j-qhm"]
