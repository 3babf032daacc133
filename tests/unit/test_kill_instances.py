"""The periods a holder answers for, cut by tenure and by the rules' taking effect, under each
period policy (docs/rule-format.md, section 9), stated on river chiefs of art. 16 who join,
leave or come back in 2021 (the mutation score's survivors in ``evaluate/instances.py``,
docs/testing.md "Mutation score")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kill_world import evaluate, finding

from hezhang_rules.findings import Finding, Report

D = dt.date
RULE = "art016.river_chief_half_yearly_inspection"


def post(id_: str, person: str, start: dt.date, end: dt.date | None = None) -> dict[str, Any]:
    """An appointment as a district river chief on the Xihe (no ``end``: still in post)."""
    a: dict[str, Any] = {"id": id_, "person": person, "role": "river_chief",
                         "jurisdiction": "j-qhm", "rivers": ["r-xihe"], "start": start}  # fmt: skip
    return {**a, "end": end} if end else a


FACTS = {
    "people": [
        {"id": "p-a", "name": "甲"},
        {"id": "p-b", "name": "乙"},
        {"id": "p-c", "name": "丙"},
        {"id": "p-d", "name": "丁"},
    ],
    "appointments": [
        post("a-a", "p-a", D(2021, 6, 10)),  # joins 21 days before the half-year ends
        post("a-b1", "p-b", D(2021, 1, 1), D(2021, 3, 31)),  # out of post in April
        post("a-b2", "p-b", D(2021, 5, 1)),
        post("a-c", "p-c", D(2021, 2, 1), D(2021, 5, 31)),  # in post four months
        post("a-d", "p-d", D(2021, 1, 1), D(2021, 6, 30)),  # exactly the first half-year
    ],
    "inspections": [
        {"id": "i-gap", "inspector": "p-b", "date": D(2021, 4, 15), "jurisdiction": "j-qhm",
         "rivers": ["r-xihe"], "method": "site_survey"},
        {"id": "i-c", "inspector": "p-c", "date": D(2021, 6, 15), "jurisdiction": "j-qhm",
         "rivers": ["r-xihe"], "method": "site_survey"},
    ],
}  # fmt: skip


def h1(report: Report, person: str) -> Finding:
    """The person's finding of 2021-H1."""
    return finding(report, f"{RULE}/{person}/2021-H1")


def span(f: Finding) -> tuple[dt.date, dt.date]:
    """The finding's period, first and last day."""
    return (f.period.start, f.period.end)


def test_a_period_is_cut_to_the_tenure(tmp_path: Path) -> None:
    """By default (``partial_tenure: clip``, 30 days) a period is judged on the days in post."""
    report = evaluate(tmp_path, FACTS, D(2021, 7, 1))
    c = h1(report, "p-c")  # an act after leaving the post does not count
    assert (c.status, span(c), c.due, c.details) == (
        "violated",
        (D(2021, 2, 1), D(2021, 5, 31)),
        D(2021, 5, 31),
        {"count": 0, "required": 1},
    )
    assert [f.id for f in report.findings if f.id.startswith(f"{RULE}/p-c/")] == [
        f"{RULE}/p-c/2021-H1"
    ]  # no second half-year: out of post by then


def test_two_stretches_in_post_make_one_period_without_the_gap(tmp_path: Path) -> None:
    b = h1(evaluate(tmp_path, FACTS, D(2021, 7, 1)), "p-b")
    assert (b.status, span(b), b.evidence) == (
        "violated",
        (D(2021, 1, 1), D(2021, 6, 30)),
        ["a-b1", "a-b2"],
    )
    assert b.details["count"] == 0  # the inspection of 15 April fell in the gap


def test_too_few_days_in_post_are_not_judged(tmp_path: Path) -> None:
    report = evaluate(tmp_path, FACTS, D(2021, 7, 1))
    a = h1(report, "p-a")
    assert (a.status, span(a), a.due, a.details) == (
        "not_applicable",
        (D(2021, 6, 10), D(2021, 6, 30)),
        None,
        {},
    )
    assert a.message.zh.endswith("不适用（本期任职仅21天，少于30天）")
    assert a.message.en.endswith("not applicable (in post for 21 days, fewer than 30)")
    zero = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"partial_tenure_min_days": 0})
    assert h1(zero, "p-a").status == "violated"
    at_21 = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"partial_tenure_min_days": 21})
    assert h1(at_21, "p-a").status == "violated"  # 21 days are enough when 21 are asked
    at_22 = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"partial_tenure_min_days": 22})
    assert h1(at_22, "p-a").status == "not_applicable"


def test_a_period_the_tenure_cuts_may_be_exempt(tmp_path: Path) -> None:
    report = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"partial_tenure": "exempt"})
    for person in ("p-a", "p-b", "p-c"):
        f = h1(report, person)
        assert (f.status, f.due) == ("not_applicable", None), person
        assert f.message.zh.endswith("不适用（任职未覆盖整个期间，按参数不计）")
        assert f.message.en.endswith(
            "not applicable (the tenure does not cover the whole period; exempt)"
        )
    for person in ("p-rc1", "p-d"):  # in post the whole half-year, ends included: judged
        whole = h1(report, person)
        assert (whole.status, span(whole)) == ("violated", (D(2021, 1, 1), D(2021, 6, 30))), person


def test_the_first_period_is_judged_from_the_rules_taking_effect_when_clipped(
    tmp_path: Path,
) -> None:
    """``partial_first_period: clip``: 2020-H2 is judged on its three days under the rules; it is
    not cut by the tenure, so no minimum of days applies."""
    report = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"partial_first_period": "clip"})
    first = finding(report, f"{RULE}/p-rc1/2020-H2")
    assert (first.status, span(first), first.due) == (
        "violated",
        (D(2020, 12, 29), D(2020, 12, 31)),
        D(2020, 12, 31),
    )
    exempt = finding(evaluate(tmp_path, FACTS, D(2021, 7, 1)), f"{RULE}/p-rc1/2020-H2")
    assert (exempt.status, span(exempt)) == ("not_applicable", (D(2020, 12, 29), D(2020, 12, 31)))


def test_a_period_beginning_the_day_the_rules_take_effect_is_whole(tmp_path: Path) -> None:
    """Rules in force from 1 January: the first half-year is not one "begun before" them."""
    report = evaluate(tmp_path, FACTS, D(2021, 7, 1), {"in_force": D(2021, 1, 1)})
    first = h1(report, "p-rc1")
    assert (first.status, span(first)) == ("violated", (D(2021, 1, 1), D(2021, 6, 30)))
    assert not [f for f in report.findings if f.id.startswith(f"{RULE}/p-rc1/2020")]
