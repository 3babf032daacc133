"""Round trips: facts and rule files → model → YAML/JSON → model give the same models back.

The writers are ``hezhang_rules.testing.files``; the readers are the library's own loaders, so
what a user's tool writes from the models is read back the same, and a pack rewritten from its
models judges every fact the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.facts.loader import records_from_document
from hezhang_rules.rules.model import RuleFile
from hezhang_rules.source import parse_json, parse_yaml
from hezhang_rules.testing import worlds
from hezhang_rules.testing.files import Format, facts_text, model_text

ROOT = Path(__file__).resolve().parents[2]
RULESET = hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen")
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10
FORMATS: tuple[Format, ...] = ("yaml", "json")


def examples(n: int) -> int:
    return int(n * SCALE)


def parse(text: str, fmt: Format, name: str) -> object:
    return (parse_json if fmt == "json" else parse_yaml)(text, name)


@settings(max_examples=examples(60))
@given(worlds(max_people=3, max_per_kind=2), st.sampled_from(FORMATS))
def test_facts_round_trip(world: list[hz.Fact], fmt: Format) -> None:
    doc = (parse_json if fmt == "json" else parse_yaml)(facts_text(world, fmt), f"w.{fmt}")
    diags: list[hz.Diagnostic] = []
    records = records_from_document(doc, diags, {})
    assert not diags, [d.render() for d in diags]
    assert sorted(records, key=lambda f: f.id) == sorted(world, key=lambda f: f.id)
    assert hz.FactSet.build(records).digest() == hz.facts_from_models(world).digest()


@st.composite
def rule_files(draw: st.DrawFn) -> RuleFile:
    """A bundled rule file with some of its rules, readings and register entries left out."""
    model = draw(st.sampled_from([f.model for f in RULESET.files]))

    def some(items: list[object]) -> list[object]:
        keep = draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
        return [x for x, k in zip(items, keep, strict=True) if k]

    params = some(sorted(model.parameters))
    return model.model_copy(
        update={
            "rules": some(list(model.rules)),
            "unchecked": some(list(model.unchecked)),
            "references": some(list(model.references)),
            "parameters": {k: model.parameters[k] for k in params},  # type: ignore[index]
        }
    )


@settings(max_examples=examples(100))
@given(rule_files(), st.sampled_from(FORMATS))
def test_rule_files_round_trip(model: RuleFile, fmt: Format) -> None:
    doc = parse(model_text(model, fmt), fmt, f"art.{fmt}")
    assert RuleFile.model_validate(doc.data) == model  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rewritten_pack_judges_the_same(fmt: Format, tmp_path: Path) -> None:
    """Every file of the pack written back from its model: same plan, same report."""
    (tmp_path / "pack.yaml").write_text(model_text(RULESET.pack.model, fmt), encoding="utf-8")
    for f in RULESET.files:
        name = f"art_{f.model.article:03d}.yaml"  # JSON is YAML: the loader reads either
        (tmp_path / name).write_text(model_text(f.model, fmt), encoding="utf-8")
    again = hz.load_rules(tmp_path)
    assert [f.model for f in again.files] == [f.model for f in RULESET.files]
    assert again.pack.model == RULESET.pack.model
    original = hz.compile_rules(RULESET)
    plan = hz.compile_rules(again)
    assert [(r.id, r.requirement, r.holder, r.params) for r in plan.rules] == [
        (r.id, r.requirement, r.holder, r.params) for r in original.rules
    ]
    facts = hz.load_facts([ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"])
    day = dt.date(2022, 1, 10)
    strip = _without_sources
    assert strip(hz.evaluate(plan, facts, day)) == strip(hz.evaluate(original, facts, day))


def _without_sources(report: hz.Report) -> dict[str, object]:
    data = report.to_dict()
    data["run"].pop("rules_digest")
    for f in data["findings"]:
        f.pop("source")
    return data


@settings(max_examples=examples(200))
@given(st.text(min_size=1, max_size=30), st.sampled_from(FORMATS))
def test_any_text_round_trips(name: str, fmt: Format) -> None:
    """Texts that look like numbers, dates, nulls or YAML syntax stay texts."""
    person = hz.Person(id="p-1", name=name)
    doc = parse(facts_text([person], fmt), fmt, f"w.{fmt}")
    diags: list[hz.Diagnostic] = []
    assert records_from_document(doc, diags, {}) == [person]  # type: ignore[arg-type]
    assert not diags
