"""Who answers for a finding (issue 20): the rule-file ``answers``, resolved by
``evaluate.answers`` once for every engine, and every finding of the example naming a person
or a unit."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.diagnostics import RuleLoadError
from hezhang_rules.facts.models import Appointment, Jurisdiction, Person, Unit
from hezhang_rules.findings import Answerable, Report
from hezhang_rules.testing.cases import EVALUATORS
from hezhang_rules.testing.reference.evaluate import reference_evaluate

PACK = hz.pack_path("qinghemen")
RULE = "art024.townships_evaluated"
FID = f"{RULE}/j-hexi/once"
BY_UNIT = "      by: unit\n      types: [river_chief_office]\n"


def _pack(tmp_path: Path, answers: str, holder_answers: str = BY_UNIT) -> Path:
    """The bundled pack with art. 24's township evaluation answered as ``answers`` says."""
    folder = tmp_path / "pack"
    shutil.copytree(PACK, folder, ignore=shutil.ignore_patterns("cases", "example"))
    path = folder / "art_024.yaml"
    text = path.read_text(encoding="utf-8")
    assert holder_answers in text
    path.write_text(text.replace(holder_answers, answers), encoding="utf-8")
    return folder


def _plan(folder: Path, **overrides: Any) -> hz.Plan:
    return hz.compile_rules(hz.load_rules(folder), overrides=overrides)


def _chiefs(*posts: tuple[str, str, str | None]) -> hz.FactSet:
    """A district and one township; general chiefs of the district (person, start, end)."""
    people = {p for p, _, _ in posts}
    return hz.facts_from_models(
        [
            Jurisdiction(id="j-qhm", name="清河门区", level="district"),
            Jurisdiction(id="j-hexi", name="河西镇", level="township", parent="j-qhm"),
            *(Person(id=p, name={"p-a": "张三", "p-b": "李四"}[p]) for p in sorted(people)),
            *(
                Appointment(
                    id=f"a-{p}",
                    person=p,
                    role="general_chief",
                    jurisdiction="j-qhm",
                    start=dt.date.fromisoformat(start),
                    end=dt.date.fromisoformat(end) if end else None,
                )
                for p, start, end in posts
            ),
        ]
    )


def _answerable(plan: hz.Plan, facts: hz.FactSet, as_of: dt.date) -> Answerable:
    """The finding's answerable, the same on every engine and the reference evaluator."""
    runs = {**EVALUATORS, "reference": reference_evaluate}
    found = {name: run(plan, facts, as_of).finding(FID).answerable for name, run in runs.items()}
    first = found["batch"]
    assert first is not None
    assert all(a == first for a in found.values()), found
    return first


POST = "      by: post\n      roles: [general_chief]\n"
HANDOVER = (("p-a", "2021-01-01", "2021-06-30"), ("p-b", "2021-07-01", None))


def test_the_chief_in_post_on_the_due_date_answers(tmp_path: Path) -> None:
    """The general chief changes mid-year: whoever holds the post on the due date answers."""
    plan = _plan(_pack(tmp_path, POST))
    facts = _chiefs(*HANDOVER)
    a = _answerable(plan, facts, dt.date(2022, 1, 10))
    assert (a.kind, a.id, a.name) == ("person", "p-b", "李四")
    assert (a.basis.article, a.basis.by, a.basis.on, a.basis.vacant) == (
        24,
        "post",
        dt.date(2021, 12, 29),
        False,
    )
    # due before the handover: the first chief
    early = _plan(
        _pack(tmp_path / "early", POST), **{"art024.township_evaluation_due": "2021-05-31"}
    )
    assert _answerable(early, facts, dt.date(2022, 1, 10)).id == "p-a"


def test_a_duty_not_yet_due_is_read_on_the_as_of_date(tmp_path: Path) -> None:
    """Who holds the post on a future due date is not known: the as-of date is read."""
    plan = _plan(_pack(tmp_path, POST))
    a = _answerable(plan, _chiefs(*HANDOVER), dt.date(2021, 6, 15))
    assert (a.id, a.basis.on) == ("p-a", dt.date(2021, 6, 15))


def test_no_one_in_post_names_the_holder_as_vacant(tmp_path: Path) -> None:
    """The post is empty on the day: the finding is kept, under its holder, marked vacant."""
    plan = _plan(_pack(tmp_path, POST))
    a = _answerable(plan, _chiefs(("p-a", "2021-01-01", "2021-10-31")), dt.date(2022, 1, 10))
    assert (a.kind, a.id, a.name, a.basis.vacant) == ("jurisdiction", "j-hexi", "河西镇", True)


def test_the_nearest_unit_at_the_levels_answers(tmp_path: Path) -> None:
    """`by: unit`: the township's own office is nearer, but `levels: [district]` skips it; a
    unit dissolved before the due date does not answer."""
    plan = hz.compile_rules(hz.load_pack("qinghemen"))
    base = [
        Jurisdiction(id="j-qhm", name="清河门区", level="district"),
        Jurisdiction(id="j-hexi", name="河西镇", level="township", parent="j-qhm"),
        Unit(
            id="u-hexi-office",
            name="河西镇河长办",
            type="river_chief_office",
            jurisdiction="j-hexi",
        ),
    ]
    office = Unit(id="u-office", name="区河长办", type="river_chief_office", jurisdiction="j-qhm")
    a = _answerable(plan, hz.facts_from_models([*base, office]), dt.date(2022, 1, 10))
    assert (a.kind, a.id, a.basis.by, a.basis.vacant) == ("unit", "u-office", "unit", False)
    gone = office.model_copy(update={"dissolved": dt.date(2021, 11, 30)})
    a = _answerable(plan, hz.facts_from_models([*base, gone]), dt.date(2022, 1, 10))
    assert (a.kind, a.id, a.basis.vacant) == ("jurisdiction", "j-hexi", True)


def test_a_file_level_answers_applies_to_its_rules(tmp_path: Path) -> None:
    """`answers` at the top of an article file is every rule's that names none."""
    block = (
        "answers:\n  by: holder\n  article: 24\n  reads: 区河长办应组织\n"
        "  reading: {zh: 由责任主体负责, en: the holder answers}\n"
        "  reason: {zh: 条文如此, en: the text says so}\n"
    )
    folder = _pack(tmp_path, POST)
    path = folder / "art_024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rules:\n", block + "rules:\n", 1))
    plan = _plan(folder)
    rules = {r.id: r.answers for r in plan.rules if r.article == 24}
    assert rules[RULE].by == "post"
    assert {rules[r].by for r in rules if r != RULE} == {"holder"}
    assert {rules[r].article for r in rules} == {24}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("", "a jurisdiction holds this duty but cannot answer for it"),
        ("      by: unit\n", "`answers: {by: unit}` takes `types`"),
        ("      by: holder\n", "`answers: {by: holder}` on a rule held by jurisdictions"),
        ("      by: post\n      types: [river_chief_office]\n", "takes `roles`"),
    ],
)
def test_a_rule_that_names_no_answerer_is_refused(
    answers: str, message: str, tmp_path: Path
) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(PACK, folder, ignore=shutil.ignore_patterns("cases", "example"))
    path = folder / "art_024.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    answers:\n")
    end = text.index("    requires:\n", start)
    if answers:
        kept = text[start:end].replace(BY_UNIT, answers)
        text = text[:start] + kept + text[end:]
    else:
        text = text[:start] + text[end:]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleLoadError) as caught:
        hz.compile_rules(hz.load_rules(folder))
    codes = [(d.code, d.message) for d in caught.value.diagnostics]
    assert any(c == "hz_compile_answers" and message in m for c, m in codes), codes


def test_every_finding_of_the_example_names_a_person_or_unit() -> None:
    """Before issue 20, 4 findings of the example (art. 24, one per township) were held by a
    jurisdiction and named no one who answers; now none is without a person or unit."""
    plan = hz.compile_rules(hz.load_pack("qinghemen"))
    facts = hz.load_facts([PACK / "example"])
    report: Report = hz.evaluate(plan, facts, dt.date(2022, 1, 10))
    by_jurisdiction = [f for f in report.findings if f.holder.kind == "jurisdiction"]
    assert len(by_jurisdiction) == 4
    assert all(f.answerable is not None for f in report.findings)
    nobody = [
        f.id
        for f in report.findings
        if f.answerable is None or f.answerable.kind == "jurisdiction" or f.answerable.basis.vacant
    ]
    assert nobody == []
    office = {f.answerable.id for f in by_jurisdiction if f.answerable is not None}
    assert office == {"u-office"}
    # the roll-up per answerer counts every finding once
    assert sum(r.counts.total for r in report.responsibility) == report.summary.total
    ids = [(r.kind, r.id) for r in report.responsibility]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
