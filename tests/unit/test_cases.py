"""The case format (``hezhang_rules.testing.cases``): every field compared, ignores, errors.

Each test edits one golden case (art016/general_chief_inspects_on_january_1.yaml: three findings
of the general chief's yearly inspection and eight of the river chiefs' half-yearly one, every
other article ignored) and runs it on the batch evaluator, or loads it and expects a located
error.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from hezhang_rules.compile import Plan
from hezhang_rules.facts import FactSet
from hezhang_rules.findings import Report
from hezhang_rules.testing import cases

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "cases"
RUNNER = cases.Runner(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
NAME = "general_chief_inspects_on_january_1.yaml"
GC_2021 = "art016.general_chief_annual_inspection/p-gc/2021"


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    """A scratch copy of the case, beside a copy of the worlds it reads."""
    shutil.copytree(GOLDEN / "_worlds", tmp_path / "_worlds")
    (tmp_path / "art016").mkdir()
    return Path(shutil.copy(GOLDEN / "art016" / NAME, tmp_path / "art016" / NAME))


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def run(path: Path, fn: cases.Evaluator | None = None) -> cases.CaseResult:
    return RUNNER.run(cases.load_case(path, str(path)), fn=fn)


def located(path: Path, text: str, needle: str) -> str:
    """``file:line:col`` of the first ``needle`` in ``text``."""
    i = text.index(needle)
    return f"{path}:{text.count(chr(10), 0, i) + 1}:{i - text.rfind(chr(10), 0, i)}"


def test_the_case_passes_and_counts_for_the_rules_it_expects(case_file: Path) -> None:
    result = run(case_file)
    assert result.passed, result.messages()
    assert sorted(result.problems) == [
        "art016.general_chief_annual_inspection",
        "art016.river_chief_half_yearly_inspection",
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "status: violated\n    holder: {kind: person, id: p-gc",
            "status: pending\n    holder: {kind: person, id: p-gc",
            f"{GC_2021}: expected pending, got violated — Art. 16",
        ),
        (
            "name: 张建国}\n    period: {start: 2021-01-01",
            "name: 张建华}\n    period: {start: 2021-01-01",
            f"{GC_2021}: holder person p-gc (张建国), expected person p-gc (张建华)",
        ),
        (
            "holder: {kind: person, id: p-gc, name: 张建国}\n    period: {start: 2021-01-01",
            "holder: {kind: unit, id: p-gc, name: 张建国}\n    period: {start: 2021-01-01",
            f"{GC_2021}: holder person p-gc (张建国), expected unit p-gc (张建国)",
        ),
        (
            "end: 2021-12-31, label: 2021}",
            "end: 2021-12-30, label: 2021}",
            f"{GC_2021}: period 2021 (2021-01-01 to 2021-12-31), expected 2021 "
            "(2021-01-01 to 2021-12-30)",
        ),
        (
            "end: 2021-12-31, label: 2021}",
            "end: 2021-12-31, label: 2021-H1}",
            f"{GC_2021}: period 2021 (2021-01-01 to 2021-12-31), expected 2021-H1 "
            "(2021-01-01 to 2021-12-31)",
        ),
        (
            "    due: 2021-12-31\n    evidence: [a-gc]",
            "    due: null\n    evidence: [a-gc]",
            f"{GC_2021}: due 2021-12-31, expected None",
        ),
        (
            "    due: 2021-12-31\n    evidence: [a-gc]",
            "    due: 2021-12-31\n    evidence: []",
            f"{GC_2021}: evidence ['a-gc'], expected []",
        ),
    ],
    ids=["status", "holder-name", "holder-kind", "period-end", "period-label", "due", "evidence"],
)
def test_each_field_is_compared(case_file: Path, old: str, new: str, problem: str) -> None:
    edit(case_file, old, new)
    result = run(case_file)
    assert not result.passed
    assert not result.rule_passed("art016.general_chief_annual_inspection")
    assert result.rule_passed("art016.river_chief_half_yearly_inspection")
    assert len(result.messages()) == 1 and result.messages()[0].startswith(problem)


def with_message(case_file: Path, zh: str, en: str) -> None:
    """The case with ``message`` stated on its expectation of ``GC_2021``."""
    edit(
        case_file,
        "    due: 2021-12-31\n    evidence: [a-gc]\n",
        f"    due: 2021-12-31\n    evidence: [a-gc]\n    message:\n      zh: {zh}\n"
        + (f'      en: "{en}"\n' if en else ""),
    )


def test_a_message_is_compared_exactly_in_each_language(case_file: Path) -> None:
    zh, en = _message(GC_2021)
    original = case_file.read_text(encoding="utf-8")
    with_message(case_file, zh, en)
    assert run(case_file).passed
    for lang, wrong_zh, wrong_en in (
        ("zh", zh.replace("张建国", "张建国 "), en),
        ("en", zh, en.replace("Art. 16", "Art.16")),
    ):
        case_file.write_text(original, encoding="utf-8")
        with_message(case_file, wrong_zh, wrong_en)
        (problem,) = run(case_file).messages()
        wrong = wrong_zh if lang == "zh" else wrong_en
        right = zh if lang == "zh" else en
        assert problem == f"{GC_2021}: message ({lang}) {right!r}, expected {wrong!r}"


def test_a_message_states_both_languages(case_file: Path) -> None:
    with_message(case_file, _message(GC_2021)[0], "")
    with pytest.raises(cases.CaseError) as err:
        cases.load_case(case_file, str(case_file))
    (d,) = err.value.diagnostics
    assert d.code == "hz_case_schema" and d.message == "missing key `en`"


def test_a_finding_the_case_does_not_expect_fails_by_name(case_file: Path) -> None:
    """Removing one expectation of a rule the case does not ignore: that finding is named."""
    fid = "art016.river_chief_half_yearly_inspection/p-rc2/2021-H2"
    text = case_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {fid}\n")
    end = text.index("  - id: ", start + 1)
    case_file.write_text(text[:start] + text[end:], encoding="utf-8")
    result = run(case_file)
    assert result.messages() == [f"unexpected finding {fid}: violated — " + _en(fid)]
    assert not result.rule_passed("art016.river_chief_half_yearly_inspection")


def test_an_expectation_no_finding_matches_fails(case_file: Path) -> None:
    edit(case_file, "/p-gc/2022\n", "/p-gc/2023\n")
    assert run(case_file).messages() == [
        "unexpected finding art016.general_chief_annual_inspection/p-gc/2022: fulfilled — "
        + _en("art016.general_chief_annual_inspection/p-gc/2022"),
        "missing finding art016.general_chief_annual_inspection/p-gc/2023 (expected fulfilled)",
    ]


def test_an_article_no_longer_ignored_must_be_expected(case_file: Path) -> None:
    """Dropping ``art005.*`` from ``ignore``: art. 5's findings in the world are unexpected."""
    edit(case_file, "ignore: [art005.*, ", "ignore: [")
    result = run(case_file)
    art5 = [m for m in result.messages() if m.startswith("unexpected finding art005.")]
    assert art5 and len(art5) == len(result.messages())
    assert {m.split()[2].split("/")[0] for m in art5} <= set(result.problems)


def test_an_ignored_rule_by_id_and_by_article(case_file: Path) -> None:
    """Ignoring the river chiefs' rule by its id lets its expectations go; so does its article
    (which here also takes the general chief's rule, whose expectations must then go too)."""
    text = case_file.read_text(encoding="utf-8")
    cut = text.index("  # the other findings of art. 16")
    case_file.write_text(text[:cut], encoding="utf-8")
    with_rule = edit(case_file, "ignore: [", "ignore: [art016.river_chief_half_yearly_inspection, ")
    assert run(case_file).passed
    case_file.write_text(
        with_rule.replace("art016.river_chief_half_yearly_inspection", "art016.*", 1)
    )
    with pytest.raises(cases.CaseError) as err:
        run(case_file)
    assert {d.code for d in err.value.diagnostics} == {"hz_case_ignored_expectation"}
    assert len(err.value.diagnostics) == 3


def test_an_ignore_entry_matching_no_rule_is_located(case_file: Path) -> None:
    text = edit(case_file, "art013.*", "art014.*")
    with pytest.raises(cases.CaseError) as err:
        run(case_file)
    (d,) = err.value.diagnostics
    assert d.code == "hz_case_unknown_rule" and "`art014.*`" in d.message
    assert str(d.span) == located(case_file, text, "art014.*")


@pytest.mark.parametrize("key", ["status", "holder", "period", "due", "evidence"])
def test_every_field_but_message_is_required(case_file: Path, key: str) -> None:
    text = case_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {GC_2021}\n")
    line_start = text.index(f"\n    {key}: ", start) + 1
    line_end = text.index("\n", line_start) + 1
    case_file.write_text(text[:line_start] + text[line_end:], encoding="utf-8")
    with pytest.raises(cases.CaseError) as err:
        cases.load_case(case_file, str(case_file))
    (d,) = err.value.diagnostics
    assert d.code == "hz_case_schema" and d.message == f"missing key `{key}`"
    assert str(d.span) == located(case_file, text, f"id: {GC_2021}")  # the expectation
    assert d.help is not None and "null" in d.help


def test_the_old_rules_key_is_refused_with_a_hint(case_file: Path) -> None:
    text = edit(
        case_file, "ignore: [", "rules: [art016.general_chief_annual_inspection]\nignore: ["
    )
    with pytest.raises(cases.CaseError) as err:
        cases.load_case(case_file, str(case_file))
    (d,) = err.value.diagnostics
    assert d.message == "unknown key `rules`" and d.help is not None and "ignore" in d.help
    assert str(d.span) == located(case_file, text, "rules:")


def test_a_finding_expected_twice_is_located(case_file: Path) -> None:
    text = case_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {GC_2021}\n")
    end = text.index("  - id: ", start + 1)
    text = text + text[start:end]
    case_file.write_text(text, encoding="utf-8")
    with pytest.raises(cases.CaseError) as err:
        cases.load_case(case_file, str(case_file))
    (d,) = err.value.diagnostics
    assert d.message == f"finding `{GC_2021}` is expected twice"
    i = text.rindex(GC_2021)  # the second expectation
    assert (
        str(d.span)
        == f"{case_file}:{text.count(chr(10), 0, i) + 1}:{i - text.rfind(chr(10), 0, i)}"
    )


def test_a_report_holding_one_id_twice_fails_the_case(case_file: Path) -> None:
    """An evaluator outside the registry may repeat a finding; the case says so, it does not
    collapse the two."""

    def twice(fn: cases.Evaluator) -> Callable[[Plan, FactSet, dt.date], Report]:
        def run_twice(plan: Plan, facts: FactSet, as_of: dt.date) -> Report:
            report = fn(plan, facts, as_of)
            again = report.finding(GC_2021)
            return report.model_copy(update={"findings": [*report.findings, again]})

        return run_twice

    result = run(case_file, twice(cases.EVALUATORS["batch"]))
    assert result.messages() == [f"finding {GC_2021} is in the report twice"]


def test_year_and_day_labels_may_be_written_unquoted() -> None:
    p = cases.PeriodExpectation.model_validate(
        {"start": "2021-01-01", "end": "2021-12-31", "label": 2021}
    )
    assert p.label == "2021"
    day = dt.date(2021, 7, 1)
    assert (
        cases.PeriodExpectation.model_validate({"start": day, "end": day, "label": day}).label
        == "2021-07-01"
    )
    with pytest.raises(ValueError):
        cases.PeriodExpectation.model_validate({"start": day, "end": day, "label": True})


def _message(fid: str) -> tuple[str, str]:
    """The messages of the finding ``fid`` in the golden case, as the engine gives them."""
    case = cases.load_case(GOLDEN / "art016" / NAME)
    report = cases.EVALUATORS["batch"](RUNNER.plan(case), RUNNER.facts(case), case.model.as_of)
    message = report.finding(fid).message
    return message.zh, message.en


def _en(fid: str) -> str:
    return _message(fid)[1]
