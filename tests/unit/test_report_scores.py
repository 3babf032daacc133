"""The assessment roll-up (docs/report.md): weighted share of credit over decided findings."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_rules.findings import (
    Finding,
    HolderRef,
    Message,
    PeriodRef,
    Report,
    RunRecord,
    summarize,
)
from hezhang_rules.report.context import AuditContext, HolderInfo
from hezhang_rules.report.weights import Weights, scores

DAY = dt.date(2021, 12, 31)


def _finding(rule: str, article: int, holder: str, status: str, n: int) -> Finding:
    return Finding(
        id=f"{rule}/{holder}/{n}",
        rule_id=rule,
        article=article,
        status=status,  # type: ignore[arg-type]
        severity="mandatory",
        modality="obligation",
        requirement="count",
        holder=HolderRef(kind="unit", id=holder, name=holder),
        period=PeriodRef(start=DAY, end=DAY, label=str(n)),
        due=DAY,
        evidence=[],
        message=Message(zh="", en=""),
        source="x:1:1",
    )


def _report(findings: list[Finding]) -> Report:
    run = RunRecord(
        package_version="0", pack="p", rules_digest="r", facts_digest="f", facts_count=0
    )
    return Report(as_of=DAY, run=run, summary=summarize(findings), findings=findings)


def _ctx() -> AuditContext:
    town = HolderInfo("u-town", "镇政府", "unit", "township", "j-town", "某镇", (1, "j-town"))
    dept = HolderInfo("u-dept", "某局", "unit", "department", "u-dept", "某局", (2, "u-dept"))
    return AuditContext(holders={"u-town": town, "u-dept": dept}, columns=(town, dept))


def test_weighted_share_of_credit_over_decided_findings() -> None:
    findings = [
        _finding("art016.a", 16, "u-town", "fulfilled", 1),  # weight 3 (article), credit 1
        _finding("art016.a", 16, "u-town", "violated", 2),  # weight 3, credit 0
        _finding("art019.b", 19, "u-town", "fulfilled_late", 3),  # weight 4 (rule), credit 0.5
        _finding("art005.c", 5, "u-town", "fulfilled", 4),  # weight 1 (default), credit 1
        _finding("art005.c", 5, "u-town", "pending", 5),  # not decided: left out
        _finding("art005.c", 5, "u-town", "not_applicable", 6),  # left out
        _finding("art037.d", 37, "u-dept", "violated", 7),  # weight 0: left out
        _finding("art037.d", 37, "u-dept", "pending", 8),
    ]
    w = Weights(default=1, late_credit=0.5, by_article={16: 3, 37: 0}, by_rule={"art019.b": 4})
    town, dept = scores(_report(findings), _ctx(), w)
    # (3×1 + 3×0 + 4×0.5 + 1×1) / (3 + 3 + 4 + 1) = 6 / 11
    assert town.score == pytest.approx(round(100 * 6 / 11, 1))
    assert town.weight == 11
    assert town.counts == {
        "fulfilled": 2,
        "violated": 1,
        "fulfilled_late": 1,
        "pending": 1,
        "not_applicable": 1,
    }
    assert dept.score is None  # nothing weighted is decided yet


def test_late_credit_and_equal_weights() -> None:
    findings = [
        _finding("art016.a", 16, "u-town", "fulfilled_late", 1),
        _finding("art016.a", 16, "u-town", "fulfilled", 2),
    ]
    (town, _) = scores(_report(findings), _ctx(), Weights(late_credit=0))
    assert town.score == 50.0
    (town, _) = scores(_report(findings), _ctx(), Weights(late_credit=1))
    assert town.score == 100.0
