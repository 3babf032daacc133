"""Issue 20's four features in one audit, on every engine: the bundled pack with the fictional
amendment of art. 16 (examples/amendment/versions), the Hexi town overlay (examples/overlays),
a waiver file, and who answers for each finding.

Each feature has its own golden cases; this test holds that they compose: one plan compiled
from a versioned pack and an overlay, one waiver file, the same report (byte for byte) from the
batch evaluator, the columnar engine and the live monitor.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.testing.cases import EVALUATORS

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
AMENDMENT = ROOT / "examples" / "amendment" / "versions"
HEXI = ROOT / "examples" / "overlays" / "hexi_town"
AS_OF = dt.date(2023, 7, 10)

WAIVERS = """\
waivers:
  - id: w-2023-wang-leave
    rule: art016.river_chief_quarterly_inspection
    holder: p-wang-*
    period: 2023-Q2
    approver: 区总河长
    approved: 2023-05-10
    reason: 经批准休假（示例）
    expires: 2023-12-31
  - id: w-unused
    rule: hexi.art004.*
    holder: p-nobody
    approver: 镇河长办
    approved: 2023-01-05
    reason: 不匹配任何检查结果（示例）
    expires: 2023-12-31
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[hz.Plan, hz.FactSet, hz.Waivers]:
    root = tmp_path_factory.mktemp("together")
    pack = root / "qinghemen"
    shutil.copytree(PACK, pack, ignore=shutil.ignore_patterns("cases", "example"))
    shutil.copy(AMENDMENT / "art_016.yaml", pack / "art_016.yaml")
    for text in (AMENDMENT / "regulation").iterdir():
        shutil.copy(text, pack / "regulation" / text.name)
    plan = hz.compile_rules(hz.load_rules(pack), overlays=[hz.load_rules(HEXI)])
    facts = hz.load_facts([PACK / "example", HEXI / "example"])
    waivers_file = root / "waivers.yaml"
    waivers_file.write_text(WAIVERS, encoding="utf-8")
    return plan, facts, hz.load_waivers(waivers_file, "waivers.yaml")


@pytest.fixture(scope="module")
def reports(setup: tuple[hz.Plan, hz.FactSet, hz.Waivers]) -> dict[str, hz.Report]:
    plan, facts, waivers = setup
    return {name: run(plan, facts, AS_OF, waivers) for name, run in EVALUATORS.items()}


def test_every_engine_gives_the_same_report(reports: dict[str, hz.Report]) -> None:
    batch = reports["batch"].to_json()
    for name, report in reports.items():
        assert report.to_json() == batch, name


def test_a_waived_finding_judged_under_the_amended_text(reports: dict[str, hz.Report]) -> None:
    report = reports["batch"]
    waived = [f for f in report.findings if f.status == "waived"]
    assert [f.id for f in waived] == [
        "art016.river_chief_quarterly_inspection/p-wang-jianjun/2023-Q2"
    ]
    (f,) = waived
    assert f.details["version"] == "2023修正"
    assert f.waiver is not None and f.waiver.id == "w-2023-wang-leave"
    assert f.waiver.status == "violated"
    used = {w.id: (w.state, w.matched, w.waived) for w in report.waivers}
    assert used == {"w-2023-wang-leave": ("in_force", 1, 1), "w-unused": ("in_force", 0, 0)}


def test_the_amended_text_judges_from_its_day(reports: dict[str, hz.Report]) -> None:
    report = reports["batch"]
    versions = {
        (f.rule_id, f.period.label): f.details.get("version")
        for f in report.findings
        if f.rule_id.startswith("art016.")
    }
    # the first half of 2023 began before 2023-04-01: judged under the 2020 text (anchor start)
    assert versions[("art016.river_chief_half_yearly_inspection", "2023-H1")] == "2020"
    assert ("art016.river_chief_half_yearly_inspection", "2023-H2") not in versions
    assert versions[("art016.river_chief_quarterly_inspection", "2023-Q2")] == "2023修正"
    assert ("art016.river_chief_quarterly_inspection", "2023-Q1") not in versions
    judged = {(v.overlay, v.article, v.version): v.rules for v in report.run.versions}
    # the overlay's copies judge under the base article's versions, listed with it
    assert set(judged) == {(None, 16, "2020"), (None, 16, "2023修正")}
    assert "hexi.art016.river_chief_quarterly_inspection" in judged[(None, 16, "2023修正")]


def test_the_overlay_binds_its_town_only(reports: dict[str, hz.Report]) -> None:
    report = reports["batch"]
    town = [f for f in report.findings if f.rule_id.startswith("hexi.")]
    assert town and any(f.status == "violated" for f in town)
    assert all(f.source.startswith("hexi/") for f in town)
    assert [o.pack for o in report.run.overlays] == ["hexi"]
    # the overlay's copies of the amended article carry its versions too
    assert {f.details.get("version") for f in town if "art016" in f.rule_id} >= {"2023修正"}


def test_everyone_answers(reports: dict[str, hz.Report]) -> None:
    report = reports["batch"]
    assert all(f.answerable is not None for f in report.findings)
    assert all(f.answerable.kind in ("person", "unit") for f in report.findings if f.answerable)
    rolled = sum(r.counts.total for r in report.responsibility)
    assert rolled == report.summary.total
