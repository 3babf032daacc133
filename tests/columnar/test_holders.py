"""Post holders' instances as columns equal the batch evaluator's (post_holders + instances).

``post_instances`` is compared with the Python path on every count rule over post holders, on
every golden case, on generated districts, on Hypothesis worlds with every period kind, policy
and force window, and on hand-made tenures for each edge case. Instances are compared as sorted
lists of tuples (the iid numbering is free, but must tie pieces to their instance), and the
not-applicable findings emitted from the frame equal the batch evaluator's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.columnar import Tables, load_tables, tables_factset
from hezhang_rules.columnar.holders import (
    INSTS_SCHEMA,
    NA_SCHEMA,
    PIECES_SCHEMA,
    emit_not_applicable,
    post_instances,
)
from hezhang_rules.compile.plan import CountPlan, PeriodPolicy, Plan, PlanRule
from hezhang_rules.evaluate.core import Run, WorldSelector, run_rules
from hezhang_rules.evaluate.instances import instances
from hezhang_rules.evaluate.world import World
from hezhang_rules.facts import FactSet
from hezhang_rules.facts.enums import Role
from hezhang_rules.facts.models import Appointment, Fact, Jurisdiction, Person
from hezhang_rules.synth import generate
from hezhang_rules.testing import as_of_dates, cases, default_window, worlds

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
CASES = cases.discover([GOLDEN])
PLAN = hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))
WINDOW = default_window(PLAN)

Rows = list[tuple[Any, ...]]


def post_count_rules(plan: Plan) -> list[PlanRule]:
    return [  # a `per_river` count is the batch code's (one duty per river): not compared
        r
        for r in plan.rules
        if isinstance(r.requirement, CountPlan)
        and r.holder.way == "post"
        and not r.requirement.per_river
    ]


def python_path(rule: PlanRule, facts: FactSet, as_of: dt.date) -> tuple[Rows, Rows, Rows]:
    """(pieces, insts, na) as ``_count``'s loop builds them, keyed by holder and label."""
    req = rule.requirement
    assert isinstance(req, CountPlan)
    pieces: Rows = []
    insts: Rows = []
    na: Rows = []
    for h in World(facts, as_of).post_holders(rule.holder.roles, rule.holder.levels):
        ids = tuple(sorted(set(h.source_ids)))
        for inst in instances(rule, h, req.per, req.periods, as_of):
            c = inst.clipped
            if inst.na:
                na.append((h.id, h.name, ids, c.start, c.end, c.label, *inst.na))
                continue
            insts.append((h.id, h.name, ids, c.start, c.end, c.label))
            for p in inst.pieces or (c,):
                pieces.append((h.id, c.label, p.start, p.end))
    return sorted(pieces), sorted(insts), sorted(na)


def columnar_path(rule: PlanRule, tables: Tables, as_of: dt.date) -> tuple[Rows, Rows, Rows]:
    req = rule.requirement
    assert isinstance(req, CountPlan)
    got = post_instances(rule, req, tables, as_of)
    assert dict(got.pieces.schema) == PIECES_SCHEMA
    assert dict(got.insts.schema) == INSTS_SCHEMA
    assert dict(got.na.schema) == NA_SCHEMA
    assert got.insts.get_column("iid").is_unique().all()
    joined = got.pieces.join(got.insts, on="iid", how="left")
    # Every piece belongs to an instance of its own person.
    assert joined.get_column("holder_id").to_list() == joined.get_column("person").to_list()
    pieces = sorted(joined.select("person", "label", "lo", "hi").iter_rows())
    insts = sorted(
        (h, n, tuple(s), a, b, lab)
        for _i, h, n, s, a, b, lab in got.insts.select(
            "iid", "holder_id", "holder_name", "source_ids", "period_start", "period_end", "label"
        ).iter_rows()
    )
    na = sorted(
        (h, n, tuple(s), a, b, lab, zh, en)
        for h, n, s, a, b, lab, zh, en in got.na.select(
            "holder_id",
            "holder_name",
            "source_ids",
            "period_start",
            "period_end",
            "label",
            "reason_zh",
            "reason_en",
        ).iter_rows()
    )
    return pieces, insts, na


def na_findings_equal(plan: Plan, rule: PlanRule, facts: FactSet, as_of: dt.date) -> None:
    """Not-applicable findings emitted from the frame equal the batch evaluator's."""
    req = rule.requirement
    assert isinstance(req, CountPlan)
    world = World(facts, as_of)
    batch = Run(plan, world, WorldSelector(world))
    run_rules(batch, [rule])
    want = sorted((f for f in batch.findings if f.status == "not_applicable"), key=lambda f: f.id)
    run = Run(plan, world, WorldSelector(world))
    emit_not_applicable(run, rule, post_instances(rule, req, Tables.from_facts(facts), as_of).na)
    assert sorted(run.findings, key=lambda f: f.id) == want


def assert_same(
    rule: PlanRule, facts: FactSet, as_of: dt.date, tables: Tables | None = None
) -> None:
    want = python_path(rule, facts, as_of)
    got = columnar_path(rule, tables or Tables.from_facts(facts), as_of)
    assert got[1] == want[1], "instances differ"
    assert got[0] == want[0], "pieces differ"
    assert got[2] == want[2], "not-applicable instances differ"


def with_policy(
    rule: PlanRule,
    per: str | None = None,
    policy: PeriodPolicy | None = None,
    force: tuple[dt.date, dt.date | None] | None = None,
    levels: Any = "keep",
    roles: frozenset[str] | None = None,
) -> PlanRule:
    req = rule.requirement
    assert isinstance(req, CountPlan)
    req = dataclasses.replace(
        req,
        per=per or req.per,  # type: ignore[arg-type]
        periods=policy or req.periods,
    )
    holder = rule.holder if levels == "keep" else dataclasses.replace(rule.holder, levels=levels)
    if roles is not None:
        holder = dataclasses.replace(holder, roles=roles)
    out = dataclasses.replace(rule, requirement=req, holder=holder)
    if force is not None:
        out = dataclasses.replace(out, in_force_from=force[0], in_force_until=force[1])
    return out


# --- the plan's rules on golden cases and generated worlds -----------------------------------


def test_the_plan_has_post_count_rules() -> None:
    assert len(post_count_rules(PLAN)) >= 2


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(GOLDEN)) for p in CASES])
def test_golden_cases(path: Path) -> None:
    case = cases.load_case(path, str(path))
    plan = RUNNER.plan(case)
    facts = RUNNER.facts(case)
    as_of = case.model.as_of
    for rule in post_count_rules(plan):
        assert_same(rule, facts, as_of)
        na_findings_equal(plan, rule, facts, as_of)


@pytest.mark.parametrize(("chiefs", "seed", "fmt"), [(300, 5, "parquet"), (600, 11, "jsonl")])
def test_generated_worlds(chiefs: int, seed: int, fmt: str, tmp_path: Path) -> None:
    generate(chiefs, 2021, seed, tmp_path, fmt)
    tables = load_tables([tmp_path])
    facts = tables_factset(tables)
    for as_of in (dt.date(2021, 3, 31), dt.date(2021, 7, 1), dt.date(2022, 1, 10)):
        for rule in post_count_rules(PLAN):
            for variant in (
                rule,
                with_policy(rule, per="month", policy=PeriodPolicy("clip", 20, "clip")),
                with_policy(rule, per="quarter", policy=PeriodPolicy("exempt", 0, "exempt")),
                with_policy(rule, levels=None),
            ):
                assert_same(variant, facts, as_of, tables)
        na_findings_equal(PLAN, post_count_rules(PLAN)[0], facts, as_of)


# --- Hypothesis: generated worlds, every period kind, policy and force window ----------------


_days = st.integers(min_value=-400, max_value=900)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    worlds(plan=PLAN, kinds=["appointments"], seeded=True, max_per_kind=12, max_people=6),
    as_of_dates(WINDOW, plan=PLAN),
    st.sampled_from(post_count_rules(PLAN)),
    st.sampled_from(["year", "half_year", "quarter", "month"]),
    st.builds(
        PeriodPolicy,
        st.sampled_from(["clip", "exempt"]),
        st.sampled_from([0, 1, 15, 31, 100, 200]),
        st.sampled_from(["clip", "exempt"]),
    ),
    _days,
    st.none() | _days,
    st.booleans(),
    st.booleans(),
)
def test_property(
    world: list[Fact],
    as_of: dt.date,
    rule: PlanRule,
    per: str,
    policy: PeriodPolicy,
    start: int,
    until: int | None,
    no_levels: bool,
    any_role: bool,
) -> None:
    base = rule.in_force_from
    force = (
        base + dt.timedelta(days=start),
        None if until is None else base + dt.timedelta(days=start + abs(until)),
    )
    roles = frozenset(r.value for r in Role) if any_role else None
    variant = with_policy(
        rule, per, policy, force, levels=None if no_levels else "keep", roles=roles
    )
    facts = hz.facts_from_models(world)
    assert_same(variant, facts, as_of)


# --- hand-made edge cases --------------------------------------------------------------------


D = dt.date
AS_OF = D(2022, 1, 10)


def _world(
    appts: Iterable[tuple[Any, ...]], *, people: bool = True, checked: bool = True
) -> FactSet:
    """Appointments (id, person, role, jurisdiction, start, end) over a district and a township."""
    facts: list[Fact] = [
        Jurisdiction(id="J-D", name="清河门区", level="district"),
        Jurisdiction(id="J-T", name="某乡", level="township", parent="J-D"),
        Jurisdiction(id="J-V", name="某村", level="village", parent="J-T"),
    ]
    rows = list(appts)
    if people:
        for p in sorted({r[1] for r in rows}):
            facts.append(Person(id=p, name=f"姓名{p}"))
    for aid, person, role, where, start, end in rows:
        facts.append(
            Appointment(id=aid, person=person, role=role, jurisdiction=where, start=start, end=end)
        )
    return FactSet.build(facts, references_checked=not checked)


def _rule(
    per: str = "half_year",
    policy: PeriodPolicy | None = None,
    force: tuple[dt.date, dt.date | None] | None = None,
    levels: Any = "keep",
) -> PlanRule:
    rule = next(r for r in post_count_rules(PLAN) if r.requirement.per == "half_year")  # type: ignore[union-attr]
    return with_policy(rule, per, policy or PeriodPolicy("clip", 0, "clip"), force, levels)


RC = "river_chief"
# Chiefs posted in the district and a township (J-D, J-T): the wider reading of
# art016.chief_levels, so that stretches in both count for these structural cases.
WIDE = frozenset({"district", "township"})


def test_open_ended_and_merged_intervals() -> None:
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2020, 3, 1), None),  # open-ended
            ("A2", "P2", RC, "J-D", D(2021, 1, 1), D(2021, 3, 31)),
            ("A3", "P2", RC, "J-T", D(2021, 4, 1), D(2021, 5, 10)),  # adjacent: one stretch
            ("A4", "P2", RC, "J-T", D(2021, 5, 1), D(2021, 5, 5)),  # inside
            ("A5", "P3", RC, "J-D", D(2021, 2, 1), None),
            ("A6", "P3", RC, "J-T", D(2021, 1, 1), D(2021, 2, 3)),  # overlaps the open one
        ]
    )
    for per in ("year", "half_year", "quarter", "month"):
        assert_same(_rule(per, levels=WIDE), facts, AS_OF)
    pieces, insts, _na = columnar_path(_rule(levels=WIDE), Tables.from_facts(facts), AS_OF)
    assert ("P2", "2021-H1", D(2021, 1, 1), D(2021, 5, 10)) in pieces
    assert ("P3", "2021-H1", D(2021, 1, 1), D(2021, 6, 30)) in pieces
    assert ("P1", "P1" and "姓名P1", ("A1",), D(2021, 7, 1), D(2021, 12, 31), "2021-H2") in insts


def test_several_stretches_in_one_period() -> None:
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2021, 1, 1), D(2021, 2, 10)),
            ("A2", "P1", RC, "J-D", D(2021, 3, 1), D(2021, 3, 20)),
            ("A3", "P1", RC, "J-T", D(2021, 5, 1), D(2021, 8, 20)),
        ]
    )
    for per in ("year", "half_year", "quarter", "month"):
        for policy in (
            PeriodPolicy("clip", 0, "clip"),
            PeriodPolicy("clip", 25, "clip"),
            PeriodPolicy("exempt", 0, "clip"),
        ):
            assert_same(_rule(per, policy, levels=WIDE), facts, AS_OF)
    pieces, insts, _na = columnar_path(_rule(levels=WIDE), Tables.from_facts(facts), AS_OF)
    assert [p for p in pieces if p[1] == "2021-H1"] == [
        ("P1", "2021-H1", D(2021, 1, 1), D(2021, 2, 10)),
        ("P1", "2021-H1", D(2021, 3, 1), D(2021, 3, 20)),
        ("P1", "2021-H1", D(2021, 5, 1), D(2021, 6, 30)),
    ]
    assert ("P1", "姓名P1", ("A1", "A2", "A3"), D(2021, 1, 1), D(2021, 6, 30), "2021-H1") in insts
    # A stretch shorter than tenure_min_days beside longer ones in the same period: the period
    # is judged once, from the first to the last day in post (docs/rule-format.md, section 9),
    # the short stretch one of its pieces (and the period is not reported not applicable).
    pieces, insts, na = columnar_path(
        _rule(policy=PeriodPolicy("clip", 25, "clip"), levels=WIDE), Tables.from_facts(facts), AS_OF
    )
    assert [p for p in pieces if p[1] == "2021-H1"] == [
        ("P1", "2021-H1", D(2021, 1, 1), D(2021, 2, 10)),
        ("P1", "2021-H1", D(2021, 3, 1), D(2021, 3, 20)),
        ("P1", "2021-H1", D(2021, 5, 1), D(2021, 6, 30)),
    ]
    assert ("P1", "姓名P1", ("A1", "A2", "A3"), D(2021, 1, 1), D(2021, 6, 30), "2021-H1") in insts
    assert not [x for x in na if x[5] == "2021-H1"]


def test_tenure_policies() -> None:
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2021, 6, 20), D(2021, 9, 15)),
            ("A2", "P1", RC, "J-D", D(2021, 9, 20), D(2021, 9, 25)),
            ("A3", "P2", RC, "J-D", D(2020, 1, 1), None),
        ]
    )
    for policy in (
        PeriodPolicy("exempt", 0, "clip"),
        PeriodPolicy("clip", 11, "clip"),
        PeriodPolicy("clip", 12, "clip"),
        PeriodPolicy("exempt", 30, "exempt"),
    ):
        for per in ("half_year", "quarter", "month"):
            assert_same(_rule(per, policy), facts, AS_OF)
            na_findings_equal(PLAN, _rule(per, policy), facts, AS_OF)
    _p, _i, na = columnar_path(
        _rule(policy=PeriodPolicy("clip", 12, "clip")), Tables.from_facts(facts), AS_OF
    )
    assert ("P1", "姓名P1", ("A1", "A2"), D(2021, 6, 20), D(2021, 6, 30), "2021-H1") == na[0][:6]
    assert na[0][6:] == ("本期任职仅11天，少于12天", "in post for 11 days, fewer than 12")
    _p, _i, na = columnar_path(
        _rule(policy=PeriodPolicy("exempt", 0, "clip")), Tables.from_facts(facts), AS_OF
    )
    # 2021-H2 holds two stretches in post: one period cut by tenure, from the first to the
    # last day in post, reported once.
    h2 = [x for x in na if x[0] == "P1" and x[5] == "2021-H2"]
    assert [x[3:5] for x in h2] == [(D(2021, 7, 1), D(2021, 9, 25))]
    assert h2[0][6:] == (
        "任职未覆盖整个期间，按参数不计",
        "the tenure does not cover the whole period; exempt",
    )


def test_force_window() -> None:
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2019, 5, 1), None),
            ("A2", "P2", RC, "J-T", D(2021, 2, 1), D(2021, 10, 31)),
        ]
    )
    windows: list[tuple[dt.date, dt.date | None]] = [
        (D(2020, 12, 29), None),
        (D(2021, 1, 1), None),
        (D(2020, 12, 29), D(2021, 8, 15)),
        (D(2021, 3, 1), D(2021, 3, 1)),
        (D(2023, 1, 1), None),  # in force after the as-of date: nothing
    ]
    for force in windows:
        for policy in (
            PeriodPolicy("clip", 0, "clip"),
            PeriodPolicy("clip", 0, "exempt"),
            PeriodPolicy("exempt", 40, "exempt"),
        ):
            for per in ("year", "half_year", "quarter", "month"):
                assert_same(_rule(per, policy, force), facts, AS_OF)
    _p, _i, na = columnar_path(
        _rule("year", PeriodPolicy("clip", 0, "exempt"), (D(2020, 12, 29), None)),
        Tables.from_facts(facts),
        AS_OF,
    )
    assert na[0][:6] == ("P1", "姓名P1", ("A1",), D(2020, 12, 29), D(2020, 12, 31), "2020")
    assert na[0][6:] == (
        "本期始于办法施行（2020-12-29）之前，按参数不计",
        "the period began before the rules took effect (2020-12-29); exempt",
    )


def test_levels_and_roles() -> None:
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2021, 1, 1), None),
            ("A2", "P1", RC, "J-V", D(2020, 1, 1), D(2020, 12, 31)),  # village: not at levels
            ("A3", "P2", RC, "J-V", D(2021, 1, 1), None),
            ("A4", "P3", "general_chief", "J-D", D(2021, 1, 1), None),  # another role
        ]
    )
    _p, insts, _na = columnar_path(_rule(), Tables.from_facts(facts), AS_OF)
    assert {(x[0], x[2]) for x in insts} == {("P1", ("A1",))}
    _p, insts, _na = columnar_path(_rule(levels=None), Tables.from_facts(facts), AS_OF)
    assert {(x[0], x[2]) for x in insts} == {("P1", ("A1", "A2")), ("P2", ("A3",))}
    for levels in ("keep", None, frozenset({"village"})):
        assert_same(_rule(levels=levels), facts, AS_OF)


def test_missing_people_and_jurisdictions() -> None:
    # Unchecked references: a person without a record is named by the id (name_of), an
    # appointment whose jurisdiction is missing has no level (only kept without levels).
    facts = _world(
        [
            ("A1", "P1", RC, "J-D", D(2021, 1, 1), None),
            ("A2", "P2", RC, "J-GONE", D(2021, 1, 1), None),
            ("A3", "P1", RC, "J-GONE", D(2020, 3, 1), D(2020, 5, 1)),
        ],
        people=False,
        checked=False,
    )
    for levels in ("keep", None):
        assert_same(_rule(levels=levels), facts, AS_OF)
    _p, insts, _na = columnar_path(_rule(levels=None), Tables.from_facts(facts), AS_OF)
    assert {(x[0], x[1]) for x in insts} == {("P1", "P1"), ("P2", "P2")}
    # No people or jurisdictions table at all.
    tables = Tables.from_facts(facts)
    bare = Tables({"appointments": tables.frame("appointments")}, {}, tables.digest())
    assert columnar_path(_rule(levels=None), bare, AS_OF) == python_path(
        _rule(levels=None), facts, AS_OF
    )
    assert columnar_path(_rule(), bare, AS_OF) == ([], [], [])


def test_no_appointments() -> None:
    facts = _world([])
    got = post_instances(_rule(), _rule().requirement, Tables.from_facts(facts), AS_OF)  # type: ignore[arg-type]
    assert (got.pieces.height, got.insts.height, got.na.height) == (0, 0, 0)
    assert dict(got.insts.schema) == {
        "iid": pl.Int64,
        "holder_id": pl.String,
        "holder_name": pl.String,
        "source_ids": pl.List(pl.String),
        "period_start": pl.Date,
        "period_end": pl.Date,
        "label": pl.String,
    }
    assert list(got.pieces.schema) == ["iid", "person", "lo", "hi"]
    assert list(got.na.schema) == [
        "holder_id",
        "holder_name",
        "source_ids",
        "period_start",
        "period_end",
        "label",
        "reason_zh",
        "reason_en",
    ]


_BOUNDS = [
    D(2020, 12, 28),
    D(2020, 12, 31),
    D(2021, 1, 1),
    D(2021, 1, 15),
    D(2021, 3, 31),
    D(2021, 4, 1),
    D(2021, 6, 29),
    D(2021, 6, 30),
    D(2021, 7, 1),
    D(2021, 7, 2),
    D(2021, 12, 31),
    D(2022, 1, 1),
]
_day = st.sampled_from(_BOUNDS) | st.dates(D(2019, 6, 1), D(2023, 6, 1))
_appointment = st.tuples(
    st.sampled_from(["P1", "P2", "P3"]),
    st.sampled_from([RC, RC, "general_chief"]),
    st.sampled_from(["J-D", "J-T", "J-V", "J-GONE"]),
    _day,
    st.none() | _day,
    st.booleans(),  # begin the day after the previous appointment ends (adjacent stretches)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_appointment, max_size=8),
    st.sampled_from(_BOUNDS) | st.dates(D(2020, 6, 1), D(2023, 6, 1)),
    st.sampled_from(["year", "half_year", "quarter", "month"]),
    st.builds(
        PeriodPolicy,
        st.sampled_from(["clip", "exempt"]),
        st.sampled_from([0, 1, 2, 15, 31, 100]),
        st.sampled_from(["clip", "exempt"]),
    ),
    st.sampled_from(_BOUNDS),
    st.none() | st.sampled_from(_BOUNDS),
    st.sampled_from(["keep", None, frozenset({"village"})]),
    st.booleans(),
)
def test_dense_tenures(
    appts: list[tuple[Any, ...]],
    as_of: dt.date,
    per: str,
    policy: PeriodPolicy,
    force_from: dt.date,
    force_until: dt.date | None,
    levels: Any,
    people: bool,
) -> None:
    """Many stretches per person across period boundaries, every policy and force window
    (a missing jurisdiction and missing people too; ends before starts are left as drawn)."""
    if force_until is not None and force_until < force_from:
        force_from, force_until = force_until, force_from
    rows: list[tuple[Any, ...]] = []
    for i, (person, role, where, start, end, chain) in enumerate(appts):
        if chain and rows and rows[-1][-1] is not None:
            person, start = rows[-1][1], rows[-1][-1] + dt.timedelta(days=1)
        rows.append((f"A{i}", person, role, where, start, end))
    facts = _world(rows, people=people, checked=False)
    rule = _rule(per, policy, (force_from, force_until), levels)
    assert_same(rule, facts, as_of)
