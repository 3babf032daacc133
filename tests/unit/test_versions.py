"""Dated versions of an article and dated parameter values (docs/rule-format.md, "Amendments
and versions"): what they compile to, the located errors, and what a versioned plan judges.

The strongest check is :func:`test_split_pack_judges_as_the_unversioned_one`: every article of
the bundled pack cut into two versions with the same rules gives the unversioned findings, each
judged by exactly one version (none lost, none twice: no ``DuplicateFindingError``), escalated
duties read only the kept findings, on both anchors.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from tests.amendment_packs import compiled, example_pack, split_pack
from tests.conftest import EXAMPLE, RULES

import hezhang_rules as hz
from hezhang_rules.diagnostics import RuleLoadError
from hezhang_rules.findings import Finding

SPLIT = dt.date(2021, 10, 1)  # inside the second half of 2021: a half-year and a year span it


def _without_version(f: Finding, base: dict[str, Finding]) -> Finding:
    """``f`` as the unversioned pack gives it: no ``details.version``, the unversioned rule's
    source and parameters (the versioned one also reads the period anchor)."""
    details = {k: v for k, v in f.details.items() if k != "version"}
    other = base[f.id]
    return f.model_copy(
        update={"details": details, "source": other.source, "parameters": other.parameters}
    )


@pytest.mark.parametrize("anchor", ["start", "end"])
def test_split_pack_judges_as_the_unversioned_one(tmp_path: Path, anchor: str) -> None:
    plan = compiled(split_pack(tmp_path, SPLIT, anchor))
    base_plan = hz.compile_rules(hz.load_rules(RULES))
    facts = hz.load_facts(EXAMPLE)
    for as_of in (dt.date(2021, 12, 1), dt.date(2022, 1, 10)):
        split = hz.evaluate(plan, facts, as_of)
        base = hz.evaluate(base_plan, facts, as_of)
        by_id = {f.id: f for f in base.findings}
        assert [_without_version(f, by_id) for f in split.findings] == base.findings
        assert split.summary == base.summary
        for f in split.findings:
            rule = plan.rule(f.rule_id, f.details["version"])
            assert rule.version is not None and f.source == rule.location
            day = f.period.end if anchor == "end" and f.requirement != "response" else None
            day = day or f.period.start
            assert (f.details["version"] == "B") == (day >= SPLIT), f.id
        assert {v.version for v in split.run.versions} == {"A", "B"}


def test_unversioned_findings_have_no_version(plan: hz.Plan) -> None:
    """The bundled pack has no versions: its rules carry none, its record lists none."""
    assert all(r.version is None for r in plan.rules)
    report = hz.evaluate(plan, hz.load_facts(EXAMPLE), dt.date(2022, 1, 10))
    assert report.run.versions == []
    assert not any("version" in f.details for f in report.findings)


def test_dated_value_compiles_to_one_rule_per_window(tmp_path: Path) -> None:
    plan = compiled(example_pack(tmp_path, "dated_values"))
    rules = [r for r in plan.rules if r.id == "art016.river_chief_half_yearly_inspection"]
    windows = [
        (r.version.label, r.version.judged_from, r.version.judged_until) for r in rules if r.version
    ]
    assert windows == [
        ("2020-12-29", dt.date(2020, 12, 29), dt.date(2023, 6, 30)),
        ("2023-07-01", dt.date(2023, 7, 1), None),
    ]
    required = [r.requirement.at_least for r in rules]  # type: ignore[union-attr]
    assert required == [1, 2]
    # a rule reading no dated value is not versioned
    assert plan.rule("art016.general_chief_annual_inspection").version is None


def _edited(tmp_path: Path, old: str, new: str, example: str = "versions") -> Path:
    root = example_pack(tmp_path, example)
    path = root / "art_016.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _codes(root: Path) -> list[tuple[str, int]]:
    with pytest.raises(RuleLoadError) as info:
        compiled(root)
    return [(d.code, d.span.line) for d in info.value.diagnostics]


def _line(root: Path, text: str) -> int:
    lines = (root / "art_016.yaml").read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if text in line)


def test_versions_out_of_order_are_located(tmp_path: Path) -> None:
    root = _edited(tmp_path, 'from: "2023-04-01"', 'from: "2020-06-01"')
    assert _codes(root) == [("hz_compile_version_order", _line(root, '"2020-06-01"'))]


def test_until_that_overlaps_or_leaves_a_gap_is_located(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        "      from: {param: in_force}\n    text: |",
        '      from: {param: in_force}\n      until: "2023-06-30"\n    text: |',
    )
    assert _codes(root) == [("hz_compile_version_until", _line(root, '"2023-06-30"'))]


def test_a_first_version_after_the_article_takes_effect_is_a_gap(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        "      from: {param: in_force}\n    text: |",
        '      from: "2021-01-01"\n    text: |',
    )
    assert _codes(root) == [("hz_compile_version_gap", _line(root, '"2021-01-01"'))]


def test_a_dropped_rule_must_be_repealed(tmp_path: Path) -> None:
    root = _edited(tmp_path, "    repeals: [art016.river_chief_half_yearly_inspection]\n", "")
    codes = _codes(root)
    assert [c for c, _ in codes] == ["hz_compile_version_drops_rule"]


def test_a_repeal_of_a_kept_rule_is_refused(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        "    repeals: [art016.river_chief_half_yearly_inspection]",
        "    repeals: [art016.river_chief_half_yearly_inspection, "
        "art016.general_chief_annual_inspection]",
    )
    assert [c for c, _ in _codes(root)] == ["hz_compile_version_repeals"]


def test_rules_beside_versions_are_refused(tmp_path: Path) -> None:
    root = example_pack(tmp_path, "versions")
    path = root / "art_016.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nrules:\n" + _rule_of(RULES / "art_016.yaml"), encoding="utf-8")
    with pytest.raises(RuleLoadError) as info:
        hz.load_rules(root)
    assert [d.code for d in info.value.diagnostics] == ["hz_rule_versions_rules"]


def _rule_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: art016.general_chief_annual_inspection")
    return text[start : text.index("  - id: art016.river_chief_half_yearly_inspection")]


def test_dated_values_out_of_order_are_located(tmp_path: Path) -> None:
    root = _edited(tmp_path, '- from: "2023-07-01"', '- from: "2019-07-01"', "dated_values")
    # the first problem is the order; the parameter is then left undeclared, as one whose
    # `value` has the wrong type is, and its uses say so
    assert _codes(root)[0] == ("hz_compile_dated_value_order", _line(root, '"2019-07-01"'))


def test_a_dated_value_starting_late_leaves_a_gap(tmp_path: Path) -> None:
    root = _edited(
        tmp_path,
        '- {from: "2020-12-29", value: 1}',
        '- {from: "2021-03-01", value: 1}',
        "dated_values",
    )
    codes = _codes(root)
    assert {c for c, _ in codes} == {"hz_compile_dated_value_gap"}


def test_value_and_values_together_are_refused(tmp_path: Path) -> None:
    root = _edited(tmp_path, "    values:\n", "    value: 1\n    values:\n", "dated_values")
    with pytest.raises(RuleLoadError) as info:
        hz.load_rules(root)
    assert [d.code for d in info.value.diagnostics] == ["hz_rule_schema"]
    assert "exactly one of `value` or `values`" in info.value.diagnostics[0].message


def test_a_versioned_pack_needs_a_period_anchor(tmp_path: Path) -> None:
    root = example_pack(tmp_path, "versions")
    pack = root / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(
        text.replace("amendments:\n  period_anchor: {param: amendment_period_anchor}\n", ""),
        encoding="utf-8",
    )
    codes = {c for c, _ in _codes(root)}
    assert codes == {"hz_compile_no_period_anchor"}


def test_an_override_replaces_every_dated_value(tmp_path: Path) -> None:
    """`--param art016.river_chief_min_inspections=3` is one value for all time: no windows."""
    root = example_pack(tmp_path, "dated_values")
    plan = hz.compile_rules(hz.load_rules(root), {"art016.river_chief_min_inspections": 3})
    rules = [r for r in plan.rules if r.id == "art016.river_chief_half_yearly_inspection"]
    assert [(r.version, r.requirement.at_least) for r in rules] == [(None, 3)]  # type: ignore[union-attr]


def test_the_bundled_pack_is_unchanged_but_for_the_anchor(tmp_path: Path) -> None:
    """The example leaves the bundled pack alone: copying it is a fresh folder each time."""
    root = example_pack(tmp_path, "versions")
    assert (root / "art_016.yaml").read_bytes() != (RULES / "art_016.yaml").read_bytes()
    shutil.rmtree(root)
    assert (RULES / "art_016.yaml").is_file()


def test_lint_checks_each_version_against_the_text_it_names(tmp_path: Path) -> None:
    """The example lints clean; a version's text that differs from the amended source it names
    is located at that version's `text`, and a missing source at its `source`."""
    from hezhang_rules.cli import main

    root = example_pack(tmp_path, "versions")
    assert main(["lint", str(root)]) == 0
    amended = root / "regulation" / "qinghemen-hezhang-measures-2023-fictional.txt"
    amended.write_text(
        amended.read_text(encoding="utf-8").replace("每季度至少巡查1次", "每季度至少巡查2次"),
        encoding="utf-8",
    )
    from hezhang_rules.lint.articles import article_problems

    problems = article_problems(hz.load_rules(root))
    text_line = _line(root, "河长每季度至少巡查1次。")
    assert [(d.code, d.span.line) for d in problems] == [("hz_lint_article_text", text_line - 1)]
    amended.unlink()
    problems = article_problems(hz.load_rules(root))
    assert [(d.code, d.span.line) for d in problems] == [
        ("hz_lint_no_source", _line(root, "source: regulation/"))
    ]


def test_every_format_names_the_version_and_explain_shows_its_text(tmp_path: Path) -> None:
    """A finding judged under the amended text: its version is in the text, Markdown, HTML and
    xlsx reports and in the run record, and `explain` shows the amended article."""
    import io
    import json
    import zlib
    from base64 import b64decode

    from openpyxl import load_workbook

    from hezhang_rules.report.context import build_context
    from hezhang_rules.report.explain import explain, render_explanation
    from hezhang_rules.report.render import render_report
    from hezhang_rules.testing.cases import Runner, load_case

    root = example_pack(tmp_path, "versions")
    runner = Runner(root)
    case = load_case(root / "cases" / "amendment" / "judged_under_the_version_in_force.yaml")
    plan, facts = runner.plan(case), runner.facts(case)
    report = hz.evaluate(plan, facts, case.model.as_of)
    fid = "art016.river_chief_quarterly_inspection/p-rc1/2023-Q4"
    for lang, mark in (("zh", "依“2023修正”版本判定"), ("en", "judged under version 2023修正")):
        text = render_report(report, plan, "text", lang)
        assert isinstance(text, str)
        line = next(x for x in text.splitlines() if fid in x)
        assert line.endswith(mark)
        assert ("条文版本" if lang == "zh" else "Article versions") in text
        md = render_report(report, plan, "markdown", lang)
        assert isinstance(md, str) and mark in md
        xlsx = render_report(report, plan, "xlsx", lang)
        assert isinstance(xlsx, bytes)
        sheet = load_workbook(io.BytesIO(xlsx)).worksheets
        rows = [r for ws in sheet for r in ws.iter_rows(values_only=True) if r and r[0] == fid]
        assert rows and "2023修正" in rows[0]
        ctx = build_context(facts, report, lang)
        shown = render_explanation(
            explain(report.finding(fid), plan, ctx, case.model.as_of, lang), lang
        )
        assert "河长每季度至少巡查1次。" in shown and "2023修正" in shown
    html = render_report(report, plan, "html", "zh")
    assert isinstance(html, str)
    assert "依“2023修正”版本判定" in html  # the first page, drawn before the script runs
    packed = html.split('id="findings-data"')[1].split(">", 1)[1].split("</script>")[0]
    data = json.loads(zlib.decompress(b64decode(packed)).decode("utf-8"))
    assert data["v"][data["i"].index(fid)] == "2023修正"  # the rows the script draws
