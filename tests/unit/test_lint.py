"""`hezhang-rules lint` on seeded defects: each makes lint exit 2 with the defect located.

Every test copies the bundled pack (with the regulation it cites, inside it) into a scratch
directory, plants one defect, runs ``lint`` and requires exactly the expected diagnostics:
code, file, line and column.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<code>hz_\w+): (?P<msg>.*)$")

CONFLICTING_PROHIBITION = """
  - id: art016.river_chiefs_must_not_inspect
    title: {zh: 河长不得巡查, en: River chiefs must not inspect}
    clause: 河长每半年至少巡查1次
    modality: prohibition
    severity: mandatory
    holder:
      post:
        roles: [river_chief, office_director]
    requires:
      type: forbid
      facts: inspections
      bind: {inspector: holder}
      per: year
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A scratch copy of the repository's pack (and its source text), no case files."""
    ignored = shutil.ignore_patterns("cases", "example", "__pycache__")
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen",
        tmp_path / "qinghemen",
        ignore=ignored,
    )
    return tmp_path / "qinghemen"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: the bundled pack changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_rule(path: Path, rule: str) -> None:
    """Insert a rule at the end of the file's ``rules:`` list."""
    edit(path, "\nunchecked:", rule.rstrip("\n") + "\n\nunchecked:")


def where(path: Path, needle: str, inner: str | None = None) -> tuple[str, int, int]:
    """(file name, line, column) of the first ``needle`` in ``path`` (of ``inner`` in it)."""
    text = path.read_text(encoding="utf-8")
    i = text.index(needle) + (needle.index(inner) if inner else 0)
    return path.name, text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)


def rule_id(path: Path, rid: str) -> tuple[str, int, int]:
    """Where a rule's id is written (the span lint gives a rule)."""
    return where(path, f"- id: {rid}\n", rid)


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[tuple[str, ...]]]:
    code = main(["lint", *args])
    err = capsys.readouterr().err
    found = [
        (Path(m["file"]).name, int(m["line"]), int(m["col"]), m["code"], m["msg"])
        for m in (LINE.match(x) for x in err.splitlines())
        if m
    ]
    return code, found


def located(found: list[tuple[str, ...]]) -> set[tuple[object, ...]]:
    return {(f, line, col, code) for f, line, col, code, _ in found}


def test_bundled_pack_is_clean_with_its_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")]) == 0
    out = capsys.readouterr().out
    assert "no problems" in out and "case files in" in out and "qinghemen/cases" in out


def test_scratch_copy_is_clean(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seeds below are the only problems: the copy itself lints clean."""
    assert lint(capsys, str(pack), "--no-cases") == (0, [])


def test_misspelled_field(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_016.yaml"
    edit(art, "- field: method", "- field: methd")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {(*where(art, "methd"), "hz_compile_unknown_field")}


def test_misspelled_field_has_a_hint(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(pack / "art_016.yaml", "- field: method", "- field: methd")
    main(["lint", str(pack), "--no-cases"])
    assert "help: did you mean `method`?" in capsys.readouterr().err


def test_wrong_role(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_016.yaml"
    edit(art, "roles: [river_chief]", "roles: [river_cheif]")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {(*where(art, "river_cheif"), "hz_rule_unknown_value")}


def test_reading_or_reason_missing_a_language(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Readings and reasons are written in both languages (issue 19): a reading without its
    Chinese, or a reason given as one plain text, is refused at the line it is written."""
    art = pack / "art_016.yaml"
    edit(
        art,
        "    reading:\n      zh: >-\n        每名河长每半年至少巡查1次。\n      en: At least one",
        "    reading:\n      en: At least one",
    )
    edit(
        art, "    reason:\n      zh: >-\n        次数由条文规定。\n      en: The", "    reason: The"
    )
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*where(art, "en: At least one inspection by each river chief"), "hz_rule_missing_key"),
        (*where(art, "reason: The number is in the text.", "The"), "hz_rule_schema"),
    }
    messages = " ".join(f[4] for f in found)
    assert "missing key `zh`" in messages and "needs both languages" in messages


def test_rule_without_a_violating_case(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pack's own cases/ are read by default; one rule loses its violating cases."""
    cases = pack / "cases"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases",
        cases,
        ignore=shutil.ignore_patterns("*.py"),
    )
    rule = "art016.river_chief_half_yearly_inspection"
    changed = 0
    for path in cases.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        hit = [e for e in data.get("expect") or [] if e["id"].startswith(rule + "/")]
        for e in hit:
            if e["status"] == "violated":
                e["status"] = "pending"
                changed += 1
        if hit:
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert changed
    code, found = lint(capsys, str(pack))
    assert code == 2
    art = pack / "art_016.yaml"
    assert located(found) == {(*rule_id(art, rule), "hz_lint_no_violating_case")}


def test_escalation_cycle(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_025.yaml"
    edit(
        art,
        "finding_of: art025.rectified_in_time",
        "finding_of: art025.cycle_back",
    )
    add_rule(
        art,
        """
  - id: art025.cycle_back
    title: {zh: x, en: x}
    clause: 未按要求落实整改的，应纳入督察督办事项。
    modality: obligation
    severity: mandatory
    holder:
      unit: {types: [river_chief_office]}
    requires:
      type: response
      trigger: {finding_of: art025.unrectified_matter_supervised}
      response: {facts: supervision_opinions, link: source}
      due: {days: 10}
""",
    )
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    cycle = [f for f in found if f[3] == "hz_compile_escalation_cycle"]
    assert located(cycle) == {(*rule_id(art, "art025.cycle_back"), "hz_compile_escalation_cycle")}
    assert "art025.cycle_back → art025.unrectified_matter_supervised" in cycle[0][4]


def test_obligation_prohibition_conflict(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_016.yaml"
    add_rule(art, CONFLICTING_PROHIBITION)
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*rule_id(art, "art016.river_chiefs_must_not_inspect"), "hz_lint_duty_conflict")
    }
    assert "art016.river_chief_half_yearly_inspection" in found[0][4]


def test_prohibition_of_other_acts_is_no_conflict(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Forbidding one method leaves the others to meet the duty: no conflict."""
    rule = CONFLICTING_PROHIBITION.replace(
        "      per: year", "      where: [{field: method, equals: other}]\n      per: year"
    )
    add_rule(pack / "art_016.yaml", rule)
    assert lint(capsys, str(pack), "--no-cases") == (0, [])


def test_prohibition_of_other_holders_is_no_conflict(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = CONFLICTING_PROHIBITION.replace("[river_chief, office_director]", "[office_director]")
    add_rule(pack / "art_016.yaml", rule)
    assert lint(capsys, str(pack), "--no-cases") == (0, [])


def test_conflicting_deadlines(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_034.yaml"
    add_rule(
        art,
        """
  - id: art034.results_by_november_30
    title: {zh: x, en: x}
    clause: 各部门应在每年12月5日前将年度考核结果 … 报送区河长办
    modality: obligation
    severity: mandatory
    holder:
      unit:
        types: [department]
        where: [{field: assessment_role, equals: true}]
    requires:
      type: deadline
      facts: assessment_results
      where:
        - {field: formal_document, equals: true}
        - field: to
          refers_to:
            - {field: type, equals: river_chief_office}
            - {field: jurisdiction, refers_to: [{field: level, equals: district}]}
      bind: {department: holder}
      period_field: year
      date_field: submitted
      per: year
      due: {month_day: "11-30"}
""",
    )
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*rule_id(art, "art034.results_by_november_30"), "hz_lint_deadline_conflict")
    }
    assert "due 12-05" in found[0][4] and "due 11-30" in found[0][4]


UNREACHABLE = """
  - id: art016.{name}
    title: {{zh: x, en: x}}
    clause: 河长每半年至少巡查1次
    modality: obligation
    severity: mandatory
    holder:
{holder}
    requires:
      type: count
      facts: inspections
      where:
{where}
      per: year
      at_least: 1
"""


@pytest.mark.parametrize(
    "name, holder, where_, code, needle",
    [
        (
            "two_methods_at_once",
            "      post: {roles: [river_chief]}",
            "        - {field: method, equals: site_survey}\n"
            "        - {field: method, equals: other}",
            "hz_lint_unfulfillable",
            "- {field: method, equals: other}",
        ),
        (
            "unit_type_against_where",
            "      unit:\n        types: [department]\n"
            "        where: [{field: type, equals: river_chief_office}]",
            "        - {field: method, equals: other}",
            "hz_lint_unreachable",
            "{field: type, equals: river_chief_office}",
        ),
        (
            "nobody",
            "      post: {roles: []}",
            "        - {field: method, equals: other}",
            "hz_lint_unreachable",
            "roles: []",
        ),
        (
            "level_against_where",
            "      unit:\n        types: [department]\n        levels: [township]\n"
            "        where:\n          - field: jurisdiction\n            refers_to:\n"
            "              - {field: level, equals: district}",
            "        - {field: method, equals: other}",
            "hz_lint_unreachable",
            "- field: jurisdiction",
        ),
        (
            "record_absent_yet_place_stated",
            "      post: {roles: [river_chief]}",
            "        - {field: record, present: false}\n"
            "        - {field: record.place, present: true}",
            "hz_lint_unfulfillable",
            "- {field: record.place, present: true}",
        ),
    ],
)
def test_unreachable_rules(
    pack: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    holder: str,
    where_: str,
    code: str,
    needle: str,
) -> None:
    art = pack / "art_016.yaml"
    add_rule(art, UNREACHABLE.format(name=name, holder=holder, where=where_))
    status, found = lint(capsys, str(pack), "--no-cases")
    assert status == 2
    file, line, col = where(art, needle)
    if needle.startswith("- "):
        col += 2  # the condition, not its list dash
    if needle == "roles: []":
        col += len("roles: ")
    assert located(found) == {(file, line, col, code)}, found


def test_escalation_waiting_for_a_status_that_never_comes(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    art = pack / "art_016.yaml"
    add_rule(
        art,
        """
  - id: art016.late_inspections_supervised
    title: {zh: x, en: x}
    clause: 河长每半年至少巡查1次
    modality: obligation
    severity: mandatory
    holder:
      unit: {types: [river_chief_office]}
    requires:
      type: response
      trigger:
        finding_of: art016.river_chief_half_yearly_inspection
        statuses: [fulfilled_late]
      response: {facts: supervision_opinions, link: source}
      due: {days: 10}
""",
    )
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {(*where(art, "[fulfilled_late]"), "hz_lint_unreachable")}


def test_unused_parameter(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_034.yaml"
    edit(
        art,
        "parameters:\n",
        "parameters:\n  spare_days:\n    type: days\n    basis: supplied\n    value: 3\n"
        "    reads: x\n    reading: {zh: x, en: x}\n    reason: {zh: x, en: x}\n",
    )
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {(*where(art, "spare_days"), "hz_lint_unused_parameter")}
    assert "art034.spare_days" in found[0][4]


def test_period_policy_defaults_count_as_used(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """partial_tenure … are used by every count rule that does not set `periods` itself."""
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    assert "partial_tenure_min_days" in text
    assert not re.search(r"\{param: partial_tenure_min_days\}", _all_rule_text(pack))
    assert lint(capsys, str(pack), "--no-cases") == (0, [])


def _all_rule_text(pack: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(pack.glob("art_*.yaml")))


def test_missing_article(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pack / "art_017.yaml").unlink()
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    source = where(pack / "pack.yaml", "regulation/")
    assert located(found) == {(*source, "hz_lint_missing_article")}
    assert "article 17" in found[0][4]


def test_article_text_differs_from_source(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = pack / "art_018.yaml"
    edit(art, "巡查应建立巡查记录", "巡查须建立巡查记录")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    text = art.read_text(encoding="utf-8")
    line = text[: text.index("\ntext:")].count("\n") + 2
    assert [(f, ln, c) for f, ln, c, _ in located(found)] == [("art_018.yaml", line, 7)]
    assert {c for *_, c in located(found)} == {"hz_lint_article_text"}


def test_missing_source(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(pack / "regulation")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {(*where(pack / "pack.yaml", "regulation/"), "hz_lint_no_source")}


def test_case_naming_an_unknown_rule(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(
        ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases",
        cases,
        ignore=shutil.ignore_patterns("*.py"),
    )
    case = cases / "art016" / "general_chief_inspects_on_december_31.yaml"
    edit(
        case,
        "ignore: [art005.*,",
        "ignore: [art005.*, art016.general_chief_anual,",
    )
    code, found = lint(capsys, str(pack), "--cases", str(cases))
    assert code == 2
    assert located(found) == {(*where(case, "art016.general_chief_anual"), "hz_case_unknown_rule")}


def test_no_such_case_directory(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(pack), "--cases", str(pack / "nowhere")]) == 2
    assert f"{pack / 'nowhere'}: hz_usage_no_cases:" in capsys.readouterr().err


def test_within_must_name_a_place_of_the_trigger(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`within` reads a field of the trigger naming a jurisdiction or unit."""
    art = pack / "art_019.yaml"
    edit(art, "within: jurisdiction", "within: inspector")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*where(art, "within: inspector", "inspector"), "hz_compile_field_type")
    }


def test_within_on_an_escalation_reads_the_source_trigger(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    art = pack / "art_025.yaml"
    edit(art, "within: jurisdiction", "within: jurisdictionn")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*rule_id(art, "art025.unrectified_matter_supervised"), "hz_compile_field_type")
    }


def test_within_in_a_role_test_names_a_place(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    art = pack / "art_034.yaml"
    edit(art, "within: office", "within: recipients")
    code, found = lint(capsys, str(pack), "--no-cases")
    assert code == 2
    assert located(found) == {
        (*where(art, "within: recipients", "recipients"), "hz_compile_field_type")
    }
