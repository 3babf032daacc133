"""Fuzzing in the normal run (hypothesis): hostile text and data never escape as a crash.

The loader raises only the library's own errors on arbitrary text; fact validation raises only
FactLoadError on arbitrary records; the evaluator never raises on valid worlds and gives the
same report for the same facts. Longer runs: the atheris harness in fuzz/ (docs/limits.md).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.facts.loader import records_from_document
from hezhang_rules.source import Document, Limits, SourceError, parse_json, parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10


def examples(n: int) -> int:
    return int(n * SCALE)


SMALL = Limits(max_depth=20, max_nodes=5_000, max_alias_nodes=500, max_scalar_chars=2_000)

yaml_alphabet = st.sampled_from([*list("abc:-[]{},&*!|>'\"#%@`? \n\t0123456789.~"), "河", "\ufeff"])
yamlish = st.text(yaml_alphabet, max_size=200)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(
        ["2021-02-30", "2021-03-01", "p-1", "u-o", "j-d", "district", "river_chief", "no", "010"]
    )
)
json_values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
    max_leaves=25,
)


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish)
def test_yaml_loader_raises_only_our_errors(text: str) -> None:
    try:
        doc = parse_yaml(text, "fuzz.yaml", SMALL)
    except SourceError as exc:
        assert exc.diagnostics and all(d.code.startswith("hz_load_") for d in exc.diagnostics)
        return
    json.dumps(doc.data, default=str)  # plain data only: dict, list, str, int, float, bool, None


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=200))
def test_json_loader_raises_only_our_errors(data: bytes) -> None:
    try:
        parse_json(data.decode("utf-8", errors="replace"), "fuzz.json", SMALL)
    except SourceError as exc:
        assert all(d.code.startswith("hz_load_") for d in exc.diagnostics)


KINDS = sorted(hz.FACT_KINDS)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*KINDS, "bogus"]), st.lists(json_values, max_size=3), max_size=4
    )
)
def test_fact_validation_raises_only_fact_errors(data: dict[str, object]) -> None:
    diags: list[hz.Diagnostic] = []
    records = records_from_document(Document("fuzz.yaml", data), diags, {})
    if diags:
        assert all(d.code.startswith("hz_") and d.span is not None for d in diags)
        return
    try:
        hz.FactSet.build(records)
    except hz.FactLoadError as exc:
        assert all(d.code.startswith("hz_facts_") for d in exc.diagnostics)


@pytest.fixture(scope="module")
def full_plan() -> hz.Plan:
    return hz.compile_rules(hz.load_rules(ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"))


days = st.dates(dt.date(2020, 6, 1), dt.date(2022, 12, 31))


@st.composite
def worlds(draw: st.DrawFn) -> list[hz.Fact]:
    """Small valid worlds touching many articles (people, posts, inspections, opinions …)."""
    facts: list[hz.Fact] = [
        hz.Jurisdiction(id="j-d", name="区", level="district"),  # type: ignore[arg-type]
        hz.Jurisdiction(id="j-t", name="镇", level="township", parent="j-d"),  # type: ignore[arg-type]
        hz.Unit(id="u-o", name="河长办", type="river_chief_office", jurisdiction="j-d"),  # type: ignore[arg-type]
        hz.Unit(
            id="u-w",
            name="水利局",
            type="department",
            jurisdiction="j-d",  # type: ignore[arg-type]
            assessment_role=True,
        ),
    ]
    n = draw(st.integers(1, 4))
    roles = ["general_chief", "deputy_general_chief", "river_chief", "office_director"]
    for i in range(n):
        start = draw(days)
        end = draw(st.none() | days.filter(lambda d, s=start: d >= s))
        facts.append(hz.Person(id=f"p{i}", name=f"人{i}"))
        facts.append(
            hz.Appointment(
                id=f"a{i}",
                person=f"p{i}",
                role=draw(st.sampled_from(roles)),  # type: ignore[arg-type]
                jurisdiction=draw(st.sampled_from(["j-d", "j-t"])),
                start=start,
                end=end,
            )
        )
    for k in range(draw(st.integers(0, 6))):
        problems = draw(st.none() | st.just([]) | st.just([{"id": f"pr{k}", "description": "x"}]))
        record = draw(st.none() | st.just({"time": "上午", "place": "河", "content": "巡"}))
        if record is not None:
            record = {**record, "problems": problems, "requirements": []}
        facts.append(
            hz.Inspection.model_validate(
                {
                    "id": f"i{k}",
                    "inspector": f"p{draw(st.integers(0, n - 1))}",
                    "date": draw(days),
                    "record": record,
                }
            )
        )
    for k in range(draw(st.integers(0, 3))):
        facts.append(
            hz.Meeting.model_validate(
                {
                    "id": f"m{k}",
                    "kind": draw(st.sampled_from(["general_chief_meeting", "river_chief_meeting"])),
                    "jurisdiction": "j-d",
                    "date": draw(days),
                    "presider": f"p{draw(st.integers(0, n - 1))}",
                    "organiser": "u-o",
                    "minutes": draw(st.none() | st.just({"signed_by": "p0"})),
                }
            )
        )
    for k in range(draw(st.integers(0, 2))):
        facts.append(
            hz.AssessmentResult.model_validate(
                {
                    "id": f"r{k}",
                    "department": "u-w",
                    "year": draw(st.sampled_from([2021, 2022])),
                    "submitted": draw(days),
                    "to": "u-o",
                    "formal_document": draw(st.booleans()),
                }
            )
        )
    return facts


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), days)
def test_evaluator_never_raises_and_is_deterministic(
    full_plan: hz.Plan, world: list[hz.Fact], as_of: dt.date
) -> None:
    facts = hz.facts_from_models(world)
    first = hz.evaluate(full_plan, facts, as_of)
    again = hz.evaluate(full_plan, hz.facts_from_models(list(reversed(world))), as_of)
    assert first.to_json() == again.to_json()
    ids = [f.id for f in first.findings]
    assert len(ids) == len(set(ids))
    for f in first.findings:
        assert (
            f.status != "violated"
            or as_of >= (f.due or f.period.end)
            or f.requirement in ("evidence", "forbid")
        )
