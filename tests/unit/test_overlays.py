"""Overlays (art. 37): a town's measures compiled into the district's plan.

The example overlay ``examples/overlays/hexi_town`` (《河西镇河长制工作实施办法》) refines the
bundled pack for 河西镇: its own article 4 adds a duty, its article 3 tightens three readings of
the district's art. 16. These tests hold the compiled plan (ids, scope, articles, what the
reports cite), the holders' scope on the example district, the strictness check (each way an
overlay can be less strict, refused with the overlay's clause and the base parameter named),
and the command line (``--overlay``; a second ``--rules`` refused).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.compile.plan import CountPlan
from hezhang_rules.diagnostics import RuleLoadError
from hezhang_rules.evaluate.world import World
from hezhang_rules.findings import STATUSES
from hezhang_rules.lint import lint_pack

ROOT = Path(__file__).resolve().parents[2]
HEXI = ROOT / "examples" / "overlays" / "hexi_town"
BASE = hz.pack_path("qinghemen")
EXAMPLE = BASE / "example"
AS_OF = dt.date(2022, 1, 10)


def overlay_plan(*overlays: Path) -> hz.Plan:
    return hz.compile_rules(hz.load_pack(), overlays=[hz.load_rules(o) for o in overlays])


def copy_of_hexi(tmp_path: Path, old: str, new: str) -> Path:
    """The example overlay with one edit of its pack.yaml (``old`` must occur once)."""
    target = tmp_path / "hexi"
    shutil.copytree(HEXI, target)
    text = (target / "pack.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (target / "pack.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return target


def refused(overlay: Path) -> list[hz.Diagnostic]:
    with pytest.raises(RuleLoadError) as caught:
        overlay_plan(overlay)
    return list(caught.value.diagnostics)


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- the compiled plan -------------------------------------------------------------------------


def test_the_overlay_adds_rules_and_keeps_every_base_rule() -> None:
    base = hz.compile_rules(hz.load_pack())
    plan = overlay_plan(HEXI)
    assert plan.rules[: len(base.rules)] == base.rules
    added = {r.id: r for r in plan.rules[len(base.rules) :]}
    assert sorted(added) == [
        "hexi.art004.river_chief_meeting_half_yearly",
        "hexi.art016.general_chief_annual_inspection",
        "hexi.art016.river_chief_half_yearly_inspection",
    ]
    for rule in added.values():
        assert rule.overlay == "hexi"
        assert rule.holder.scope == "j-hexi"
        assert rule.location.startswith("hexi/")
        assert rule.in_force_from == dt.date(2021, 3, 1)  # the town's measures, art. 5
    river = added["hexi.art016.river_chief_half_yearly_inspection"]
    assert isinstance(river.requirement, CountPlan)
    assert river.requirement.per == "quarter"
    assert river.article == 3 and river.clause == "镇河长每季度至少巡查1次"
    assert river.title.zh == "镇河长每季度至少巡查1次"
    assert river.holder.levels == frozenset({"district", "township"})
    line = line_of(HEXI / "pack.yaml", "art016.river_chief_period:")
    assert river.location == f"hexi/pack.yaml:{line}:3"
    general = added["hexi.art016.general_chief_annual_inspection"]
    assert isinstance(general.requirement, CountPlan) and general.requirement.at_least == 2
    names = {u.name for u in river.params}
    assert {"hexi.art016.river_chief_period", "hexi.art016.chief_levels"} <= names
    assert "art016.river_chief_period" not in names
    assert plan.overlays[0].pack == "hexi" and plan.overlays[0].scope == "j-hexi"
    assert plan.overlays[0].digest == hz.load_rules(HEXI).digest()


def test_the_overlay_articles_are_its_own() -> None:
    plan = overlay_plan(HEXI)
    river = plan.rule("hexi.art016.river_chief_half_yearly_inspection")
    article = plan.article_of(river)
    assert article is not None and article.overlay == "hexi"
    assert article.text.startswith("第三条　镇总河长每年至少巡查2次")
    base_three = plan.article_of(dataclasses.replace(river, overlay=None))
    assert base_three is not None and base_three.title.zh == "适用范围"
    assert {a.number for a in plan.base_articles()} == set(range(1, 39))
    tightened = {p.name: p for p in plan.parameters if p.name.startswith("hexi.art016.")}
    assert tightened["hexi.art016.river_chief_period"].value == "quarter"
    assert tightened["hexi.art016.river_chief_period"].article == 3


def test_a_pack_that_refines_another_does_not_run_alone() -> None:
    with pytest.raises(RuleLoadError) as caught:
        hz.compile_rules(hz.load_rules(HEXI))
    (d,) = caught.value.diagnostics
    assert d.code == "hz_overlay_as_base"
    assert "--overlay" in (d.help or "") and d.help_zh


# --- the scope, on the example district ---------------------------------------------------------


def test_only_holders_in_the_town_answer_under_its_measures() -> None:
    plan = overlay_plan(HEXI)
    facts = hz.load_facts([EXAMPLE, HEXI / "example"])
    report = hz.evaluate(plan, facts, AS_OF)
    world = World(facts, AS_OF)
    town = {f.holder.id for f in report.findings if f.rule_id.startswith("hexi.")}
    assert town == {"p-gao-yan", "p-lin-feng", "u-hexi-office"}
    # without the scope, the river chiefs of the other townships would answer too
    township_chiefs = {h.id for h in world.post_holders(frozenset({"river_chief"}), None)}
    assert township_chiefs - {"p-lin-feng"}
    in_town = world.post_holders(frozenset({"river_chief"}), None, "j-hexi")
    assert [h.id for h in in_town] == ["p-lin-feng"]
    offices = world.unit_holders(frozenset({"river_chief_office"}), None, (), "j-hexi")
    assert [h.id for h in offices] == ["u-hexi-office"]
    towns = world.jurisdiction_holders(frozenset({"township"}), "j-hexi")
    assert [h.id for h in towns] == ["j-hexi"]


def test_the_base_findings_do_not_change() -> None:
    facts = hz.load_facts([EXAMPLE, HEXI / "example"])
    base = hz.evaluate(hz.compile_rules(hz.load_pack()), facts, AS_OF)
    both = hz.evaluate(overlay_plan(HEXI), facts, AS_OF)
    assert [f for f in both.findings if not f.rule_id.startswith("hexi.")] == base.findings
    town = [f.status for f in both.findings if f.rule_id.startswith("hexi.")]
    counts = {s: town.count(s) for s in STATUSES}
    assert counts == {
        "violated": 1,
        "fulfilled_late": 0,
        "pending": 3,
        "waived": 0,
        "fulfilled": 3,
        "not_applicable": 3,
    }
    assert both.run.overlays[0].pack == "hexi" and base.run.overlays == []


# --- strictness: each way to be less strict is refused, located --------------------------------


@pytest.mark.parametrize(
    ("old", "new", "param", "field"),
    [
        ("    value: quarter", "    value: year", "art016.river_chief_period", "requires.per"),
        (
            "    value: [district, township]",
            "    value: [township]",
            "art016.chief_levels",
            "holder.levels",
        ),
    ],
)
def test_a_looser_value_is_refused_naming_the_clause(
    tmp_path: Path, old: str, new: str, param: str, field: str
) -> None:
    overlay = copy_of_hexi(tmp_path, old, new)
    diags = [d for d in refused(overlay) if d.code == "hz_overlay_looser"]
    assert diags, "a looser value compiled"
    pack = overlay / "pack.yaml"
    line = line_of(pack, new.strip())
    for d in diags:
        assert d.span is not None and Path(d.span.file) == pack
        assert f"`{param}`" in d.message and field in d.message
        assert re.search(r"qinghemen/art_016\.yaml:\d+:3", d.help or "")
        assert d.zh and "宽松" in d.zh and d.help_zh
    assert {d.span.line for d in diags if d.span is not None} == {line}


def _tighten(tmp_path: Path, name: str, value: str) -> Path:
    """The example with one more tightening, of ``name`` to ``value`` (YAML), in its art. 3."""
    entry = (
        f"  {name}:\n    value: {value}\n    article: 3\n    reads: 镇总河长每年至少巡查2次\n"
        "    reading: {zh: 示例, en: example}\n    reason: {zh: 示例, en: example}\n"
    )
    return copy_of_hexi(tmp_path, "tightens:\n", "tightens:\n" + entry)


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("art019.opinion_days", "45", "requires.due_days"),  # a response due later
        ("art028.joint_meetings_per_year", "1", "requires.at_least"),  # fewer than twice
        ("art024.township_evaluation_due", '"2022-01-31"', "requires.due"),  # a later due date
        ("art034.results_due_inclusive", "true", None),  # the same value: not looser
        ("in_force", '"2021-06-01"', "in_force_from"),  # a later start
    ],
)
def test_lower_counts_later_deadlines_and_dates_are_refused(
    tmp_path: Path, name: str, value: str, field: str | None
) -> None:
    overlay = _tighten(tmp_path, name, value)
    if field is None:
        assert overlay_plan(overlay).rule("hexi.art034.department_results_by_december_5")
        return
    looser = [d for d in refused(overlay) if d.code == "hz_overlay_looser"]
    assert looser and all(f"`{name}`" in d.message and field in d.message for d in looser)


def test_earlier_deadlines_are_accepted(tmp_path: Path) -> None:
    plan = overlay_plan(_tighten(tmp_path, "art019.opinion_days", "15"))
    rule = plan.rule("hexi.art019.office_issues_rectification_opinion")
    assert rule.requirement.due_days == 15  # type: ignore[union-attr]
    assert rule.holder.scope == "j-hexi"


def test_a_value_the_base_refuses_is_said_at_the_tightening(tmp_path: Path) -> None:
    overlay = copy_of_hexi(tmp_path, "    value: 2\n", "    value: 0\n")
    (d,) = refused(overlay)
    assert d.code == "hz_compile_bad_count"
    assert d.span is not None and d.span.line == line_of(overlay / "pack.yaml", "value: 0")


def test_a_change_of_unknown_direction_is_refused(tmp_path: Path) -> None:
    overlay = _tighten(tmp_path, "art016.counting_methods", "[site_survey]")
    codes = {d.code for d in refused(overlay)}
    assert codes == {"hz_overlay_not_comparable"}


def test_an_unknown_parameter_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    overlay = copy_of_hexi(tmp_path, "  art016.river_chief_period:", "  art016.river_chief_perod:")
    (d,) = refused(overlay)
    assert d.code == "hz_overlay_unknown_parameter"
    assert "art016.river_chief_period" in (d.help or "")
    assert d.span is not None and d.span.line == line_of(overlay / "pack.yaml", "river_chief_perod")


def test_an_overlay_of_another_pack_is_refused(tmp_path: Path) -> None:
    overlay = copy_of_hexi(tmp_path, "  pack: qinghemen", "  pack: fuxin")
    (d,) = refused(overlay)
    assert d.code == "hz_overlay_wrong_base" and "fuxin" in d.message


def test_an_overlay_may_not_redefine_a_base_rule(tmp_path: Path) -> None:
    overlay = copy_of_hexi(tmp_path, "pack: hexi", "pack: hexi")
    text = (overlay / "art_004.yaml").read_text(encoding="utf-8")
    text = text.replace("article: 4", "article: 16").replace(
        "art004.river_chief_meeting_half_yearly", "art016.river_chief_half_yearly_inspection"
    )
    (overlay / "art_016.yaml").write_text(text, encoding="utf-8")
    (d,) = refused(overlay)
    assert d.code == "hz_overlay_redefines"
    assert d.span is not None and Path(d.span.file) == overlay / "art_016.yaml"
    assert "art016.river_chief_half_yearly_inspection" in d.message


# --- the command line --------------------------------------------------------------------------


def test_a_second_rules_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["check", str(EXAMPLE), "--as-of", "2022-01-10", "--rules", "qinghemen", "--rules", "x"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "hz_usage_rules_twice" in err and "--overlay" in err


def test_check_with_an_overlay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    args = ["check", str(EXAMPLE), str(HEXI / "example"), "--as-of", "2022-01-10"]
    code = main([*args, "--overlay", str(HEXI), "--format", "json", "--output", str(out)])
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [o["pack"] for o in data["run"]["overlays"]] == ["hexi"]
    ours = [f for f in data["findings"] if f["rule_id"].startswith("hexi.")]
    assert len(ours) == 10
    assert {f["source"].split(":")[0] for f in ours} == {"hexi/pack.yaml", "hexi/art_004.yaml"}


def test_lint_refuses_a_looser_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEZHANG_LANG", "en")
    overlay = copy_of_hexi(tmp_path, "    value: quarter", "    value: year")
    assert main(["lint", "--overlay", str(overlay), "--no-cases"]) == 2
    err = capsys.readouterr().err
    where = f"{overlay / 'pack.yaml'}:{line_of(overlay / 'pack.yaml', 'value: year')}"
    assert where in err and "hz_overlay_looser" in err and "art016.river_chief_period" in err


def test_lint_passes_the_example_with_its_cases() -> None:
    result = lint_pack(BASE, [BASE / "cases", HEXI / "cases"], overlays=[HEXI])
    assert result.ok, [d.message for d in result.diagnostics if d.severity == "error"]
    assert result.plan is not None and result.plan.overlays[0].pack == "hexi"


def test_an_overlay_parameter_is_overridden_by_its_plan_name() -> None:
    overrides = {"hexi.art004.meetings_per_half_year": 2, "art016.count_per_river": True}
    plan = hz.compile_rules(hz.load_pack(), overrides, [hz.load_rules(HEXI)])
    meeting = plan.rule("hexi.art004.river_chief_meeting_half_yearly")
    assert isinstance(meeting.requirement, CountPlan) and meeting.requirement.at_least == 2
    overridden = {p.name for p in plan.parameters if p.overridden}
    assert overridden == {"hexi.art004.meetings_per_half_year", "art016.count_per_river"}
    with pytest.raises(RuleLoadError) as caught:
        hz.compile_rules(
            hz.load_pack(), {"hexi.art004.meetings_per_half_yer": 2}, [hz.load_rules(HEXI)]
        )
    (d,) = caught.value.diagnostics
    assert d.code == "hz_usage_unknown_override"
    assert "`hexi.art004.meetings_per_half_yer`" in d.message
    assert d.help is not None and "hexi.art004.meetings_per_half_year" in d.help


def test_an_overlay_must_refine_and_come_once() -> None:
    base = hz.load_pack()
    with pytest.raises(RuleLoadError) as caught:
        hz.compile_rules(base, overlays=[base])
    assert [d.code for d in caught.value.diagnostics] == ["hz_overlay_duplicate"]
    with pytest.raises(RuleLoadError) as caught:
        hz.compile_rules(base, overlays=[hz.load_rules(HEXI), hz.load_rules(HEXI)])
    assert [d.code for d in caught.value.diagnostics] == ["hz_overlay_duplicate"]


def test_a_pack_without_refines_is_no_overlay(tmp_path: Path) -> None:
    overlay = copy_of_hexi(
        tmp_path, "refines:\n  pack: qinghemen\n", "refined:\n  pack: qinghemen\n"
    )
    text = (overlay / "pack.yaml").read_text(encoding="utf-8")
    start = text.index("refined:")
    end = text.index("tightens:")
    (overlay / "pack.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    codes = [d.code for d in refused(overlay)]
    assert codes == ["hz_overlay_not_overlay"]
