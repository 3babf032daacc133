"""Waivers (docs/waivers.md): patterns, the in-force window, which findings change and which
waiver wins, escalation, and the columnar expression agreeing with the Python function."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.columnar.exprs import finding_columns
from hezhang_rules.columnar.waive import waive_frame
from hezhang_rules.evaluate.waive import apply_waivers, waive_report_findings
from hezhang_rules.findings import Finding
from hezhang_rules.source import parse_yaml
from hezhang_rules.testing import cases
from hezhang_rules.waivers import (
    Waiver,
    WaiverLoadError,
    Waivers,
    pattern_matches,
    pattern_regex,
    waiver_problems,
    waivers_from_document,
)

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
AS_OF = dt.date(2022, 1, 10)


@pytest.fixture(scope="module")
def plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(PACK))


@pytest.fixture(scope="module")
def report(plan: hz.Plan) -> hz.Report:
    return hz.evaluate(plan, hz.load_facts([PACK / "example"]), AS_OF)


def waiver(**fields: Any) -> Waiver:
    base: dict[str, Any] = {
        "id": "w",
        "rule": "*",
        "approver": "区总河长",
        "approved": "2021-01-01",
        "reason": "经批准",
        "expires": "2022-12-31",
    }
    return Waiver.model_validate(base | fields)


def of(*ws: Waiver) -> Waivers:
    return Waivers(tuple(ws), "<test>", "sha256:test")


# --- patterns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("art016.*", "art016.river_chief_half_yearly_inspection", True),
        ("art016.*", "art0161.x", False),  # the dot is a dot
        ("2021-H*", "2021-H1", True),
        ("2021-H*", "2021", False),
        ("2021", "2021-H1", False),  # a pattern matches the whole text
        ("*", "", True),
        ("p-*-07", "p-chief-07", True),
        ("a(b)", "a(b)", True),
        ("a[b]", "ab", False),
        ("a+b", "aab", False),
        ("河西*", "河西镇", True),
    ],
)
def test_a_star_matches_any_run_and_nothing_else_is_special(
    pattern: str, text: str, expected: bool
) -> None:
    assert pattern_matches(pattern, text) is expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab.*+?()[]{}|^$\\-/河", max_size=6),
    st.lists(st.text(alphabet="ab.*+?()[]{}|^$\\-/河", max_size=6), min_size=1, max_size=8),
)
def test_polars_reads_a_pattern_as_python_does(pattern: str, texts: list[str]) -> None:
    """The columnar engine matches with polars (Rust's regex), the others with ``re``."""
    got = pl.Series(texts).str.contains(pattern_regex(pattern)).to_list()
    assert got == [pattern_matches(pattern, t) for t in texts]


# --- the in-force window -----------------------------------------------------------------------


def test_a_waiver_is_in_force_from_approval_to_expiry_both_included() -> None:
    w = waiver(approved="2021-03-01", expires="2021-06-30")
    assert w.state(dt.date(2021, 2, 28)) == "not_yet_approved"
    assert w.state(dt.date(2021, 3, 1)) == "in_force"
    assert w.state(dt.date(2021, 6, 30)) == "in_force"
    assert w.state(dt.date(2021, 7, 1)) == "expired"


# --- applying ----------------------------------------------------------------------------------


def _by_status(report: hz.Report, status: str) -> Finding:
    return next(f for f in report.findings if f.status == status and not f.escalated_from)


@pytest.mark.parametrize("status", ["violated", "fulfilled_late", "pending"])
def test_an_open_finding_becomes_waived_and_keeps_its_status(
    report: hz.Report, status: str
) -> None:
    f = _by_status(report, status)
    w = waiver(id="w-1", finding=f.id, rule=f.rule_id)
    out, used = waive_report_findings(report.findings, of(w), AS_OF)
    got = next(g for g in out if g.id == f.id)
    assert got.status == "waived"
    assert got.waiver is not None and got.waiver.id == "w-1" and got.waiver.status == status
    assert (used[0].matched, used[0].waived, used[0].state) == (1, 1, "in_force")
    others = [g for g in out if g.id != f.id]
    assert others == [g for g in report.findings if g.id != f.id]


@pytest.mark.parametrize("status", ["fulfilled", "not_applicable"])
def test_a_closed_finding_stays_as_it_is_but_counts_as_matched(
    report: hz.Report, status: str
) -> None:
    f = _by_status(report, status)
    out, used = waive_report_findings(report.findings, of(waiver(finding=f.id)), AS_OF)
    assert out == report.findings
    assert (used[0].matched, used[0].waived) == (1, 0)


def test_an_expired_or_future_waiver_applies_to_nothing_and_the_report_says_so(
    report: hz.Report,
) -> None:
    f = _by_status(report, "violated")
    expired = waiver(id="old", finding=f.id, approved="2020-01-01", expires="2022-01-09")
    future = waiver(id="new", finding=f.id, approved="2022-01-11", expires="2022-12-31")
    out, used = waive_report_findings(report.findings, of(expired, future), AS_OF)
    assert out == report.findings
    assert [(u.id, u.state, u.matched, u.waived) for u in used] == [
        ("old", "expired", 1, 0),
        ("new", "not_yet_approved", 1, 0),
    ]


def test_the_first_waiver_in_force_in_file_order_wins(report: hz.Report) -> None:
    f = _by_status(report, "violated")
    first = waiver(id="a", rule=f.rule_id)
    second = waiver(id="b", finding=f.id)
    out, used = waive_report_findings(report.findings, of(first, second), AS_OF)
    assert next(g for g in out if g.id == f.id).waiver.id == "a"  # type: ignore[union-attr]
    assert used[1].matched == 1 and used[1].waived == 0


def test_a_waiver_naming_nothing_says_so(report: hz.Report) -> None:
    out, used = waive_report_findings(
        report.findings, of(waiver(rule="art016.*", holder="p-nobody")), AS_OF
    )
    assert out == report.findings and (used[0].matched, used[0].waived) == (0, 0)


def test_an_escalation_of_a_waived_breach_is_waived_by_the_same_waiver(report: hz.Report) -> None:
    escalated = next(f for f in report.findings if f.escalated_from and f.status == "violated")
    source = report.finding(escalated.escalated_from or "")
    out, used = waive_report_findings(report.findings, of(waiver(finding=source.id)), AS_OF)
    got = {f.id: f for f in out}
    assert got[source.id].status == "waived"
    assert got[escalated.id].status == "waived"
    assert got[escalated.id].waiver == got[source.id].waiver.model_copy(  # type: ignore[union-attr]
        update={"status": "violated"}
    )
    assert used[0].waived == 2


def test_an_escalation_named_by_its_own_waiver_keeps_it(report: hz.Report) -> None:
    escalated = next(f for f in report.findings if f.escalated_from and f.status == "violated")
    own = waiver(id="own", finding=escalated.id)
    source = waiver(id="source", finding=escalated.escalated_from)
    out, _ = waive_report_findings(report.findings, of(own, source), AS_OF)
    assert next(f for f in out if f.id == escalated.id).waiver.id == "own"  # type: ignore[union-attr]


def test_an_escalation_of_an_unwaived_breach_stays(report: hz.Report) -> None:
    escalated = next(f for f in report.findings if f.escalated_from and f.status == "violated")
    source = report.finding(escalated.escalated_from or "")
    expired = waiver(finding=source.id, expires="2021-12-31")
    out, _ = waive_report_findings(report.findings, of(expired), AS_OF)
    assert out == report.findings


def test_a_chain_of_escalations_is_waived_through(report: hz.Report) -> None:
    """A finding escalated from an escalation of a waived breach is waived too."""
    base = _by_status(report, "violated")
    middle = base.model_copy(update={"id": "m", "escalated_from": base.id})
    last = base.model_copy(update={"id": "z", "escalated_from": "m", "status": "pending"})
    out, matched, waived = apply_waivers([last, middle, base], of(waiver(finding=base.id)), AS_OF)
    assert [f.status for f in out] == ["waived", "waived", "waived"]
    assert out[0].waiver is not None and out[0].waiver.status == "pending"
    assert (matched, waived) == ([3], [3])


# --- the columnar expression -------------------------------------------------------------------


@st.composite
def waiver_sets(draw: st.DrawFn, findings: list[Finding]) -> Waivers:
    """Waivers drawn from the findings' own rules, holders, periods and ids (some cut to a
    ``*`` pattern), in force, expired or not yet approved."""
    out = []
    for i in range(draw(st.integers(1, 5))):
        f = draw(st.sampled_from(findings))

        def cut(text: str) -> str:
            k = draw(st.integers(0, len(text)))
            return text if k == len(text) else text[:k] + "*"

        fields: dict[str, Any] = {"id": f"w{i}", "rule": cut(f.rule_id)}
        if draw(st.booleans()):
            fields["finding"] = cut(f.id)
        else:
            if draw(st.booleans()):
                fields["holder"] = cut(f.holder.id)
            if draw(st.booleans()):
                fields["period"] = cut(f.period.label)
        start = draw(st.dates(dt.date(2021, 1, 1), dt.date(2022, 6, 30)))
        end = draw(st.dates(start, dt.date(2023, 1, 1)))
        out.append(waiver(**fields, approved=start.isoformat(), expires=end.isoformat()))
    return of(*out)


def test_the_columnar_expression_decides_as_the_python_function(report: hz.Report) -> None:
    """``waive_frame`` over finding columns equals ``apply_waivers`` over the findings (the
    columnar rules never escalate, so findings escalated from another are left out here)."""
    plain = [f for f in report.findings if not f.escalated_from]

    @settings(max_examples=150, deadline=None)
    @given(waiver_sets(plain))
    def check(waivers: Waivers) -> None:
        want, matched, waived = apply_waivers(plain, waivers, AS_OF)
        frame, got_matched, got_waived = waive_frame(finding_columns(plain), waivers, AS_OF)
        assert frame.equals(finding_columns(want))
        assert (got_matched, got_waived) == (matched, waived)

    check()


# --- the file ----------------------------------------------------------------------------------


def test_problems_are_located_in_the_file(plan: hz.Plan) -> None:
    text = (
        "waivers:\n"
        "  - {id: a, rule: art016.river_chief_half_yearly_inspection, approver: x,\n"
        "     approved: 2021-01-01, reason: r, expires: 2021-12-31}\n"
        "  - {id: b, rule: art99.*, approver: x, approved: 2021-01-01, reason: r,\n"
        "     expires: 2021-12-31}\n"
    )
    doc = parse_yaml(text, "w.yaml")
    ws = waivers_from_document(doc, doc.data, "sha256:x")
    problems = waiver_problems(ws, (r.id for r in plan.rules))
    assert [(p.code, str(p.span)) for p in problems] == [("hz_waiver_unknown_rule", "w.yaml:4:19")]


def test_a_period_written_as_a_number_is_its_label() -> None:
    assert waiver(period=2021).period == "2021"


def test_a_case_refuses_waivers_of_rules_the_pack_lacks(tmp_path: Path, plan: hz.Plan) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "description: d\nas_of: 2021-07-01\nwaivers:\n"
        "  - {id: a, rule: art016.nothing, approver: x, approved: 2021-01-01, reason: r,\n"
        "     expires: 2021-12-31}\nexpect: []\n",
        encoding="utf-8",
    )
    case = cases.load_case(path, "case.yaml")
    problems = case.rule_problems({r.id for r in plan.rules})
    assert [(p.code, str(p.span)) for p in problems] == [
        ("hz_waiver_unknown_rule", "case.yaml:4:19")
    ]


def test_a_case_with_a_malformed_waiver_is_refused_located(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        "description: d\nas_of: 2021-07-01\nwaivers:\n  - {id: a, rule: x}\nexpect: []\n",
        encoding="utf-8",
    )
    with pytest.raises(cases.CaseError) as err:
        cases.load_case(path, "case.yaml")
    assert {d.code for d in err.value.diagnostics} == {"hz_waiver_schema"}
    assert all(str(d.span).startswith("case.yaml:4:") for d in err.value.diagnostics)


def test_the_loader_refuses_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(WaiverLoadError):
        hz.load_waivers(path)
