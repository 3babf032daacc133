"""Facts handed over in Python fail as files do: one ``FactLoadError`` of located diagnostics.

Every public entry point that takes facts as Python objects (``facts_from_models``,
``facts_from_records``, ``FactSet.build``, ``evaluate``, ``audit``, ``Monitor.submit``) is
given each kind of bad input; the error names the argument and the position in it, the record
and the field, in English (``str``) and in Chinese (``render("zh")``), and is never pydantic's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pydantic
import pytest

import hezhang_rules as hz

HAN = re.compile(r"[\u4e00-\u9fff]")
AS_OF = dt.date(2021, 12, 31)


@pytest.fixture(scope="module")
def example() -> hz.FactSet:
    return hz.load_facts([hz.pack_path("qinghemen") / "example"])


@pytest.fixture(scope="module")
def plan() -> hz.Plan:
    return hz.compile_rules(hz.load_pack("qinghemen"))


def rows_of(facts: hz.FactSet) -> dict[str, list[dict[str, Any]]]:
    """The example's records as plain rows by kind (what a platform reads from its tables)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        out.setdefault(f.KIND, []).append(f.model_dump(mode="json", exclude_none=True))
    return out


def failure(call: Callable[[], object]) -> hz.FactLoadError:
    """The error ``call`` raises: a FactLoadError (caught as one), never pydantic's."""
    try:
        call()
    except hz.FactLoadError as exc:
        assert not isinstance(exc, pydantic.ValidationError)
        return exc
    raise AssertionError("no FactLoadError raised")


def check_languages(err: hz.FactLoadError) -> None:
    """Every diagnostic is located (never ``<python>``), English in ``str``, Chinese in zh."""
    en, zh = str(err), err.render("zh")
    assert "<python>" not in en + zh
    assert not HAN.search(en), en
    for d in err.diagnostics:
        assert d.span is not None and d.span.file and d.zh and HAN.search(d.zh)
        assert d.render("zh") in zh and d.render("en") in en


# --- rows: facts_from_records -------------------------------------------------------------


def test_rows_round_trip(example: hz.FactSet) -> None:
    assert hz.facts_from_records(rows_of(example)).digest() == example.digest()
    # any mapping is a row (a database driver's row mapping is not a dict)
    read_only = {k: [MappingProxyType(r) for r in rows] for k, rows in rows_of(example).items()}
    assert hz.facts_from_records(read_only).digest() == example.digest()


@pytest.mark.parametrize(
    ("change", "code", "field", "zh_says"),
    [
        ({"date": 20210301}, "hz_facts_invalid_date", "date", "日期"),
        ({"inspector": ["p-wang"]}, "hz_facts_wrong_type", "inspector", "文本"),
        ({"date": None}, "hz_facts_invalid_date", "date", "空值"),
        ({"date": "2021-02-30"}, "hz_facts_invalid_date", "date", "日历"),
        ({"method": "by_boat"}, "hz_facts_invalid_value", "method", "取值"),
        ({"inspector": "p-nobody"}, "hz_facts_dangling_reference", "inspector", "p-nobody"),
        ({"colour": "red"}, "hz_facts_unknown_field", "colour", "未知字段"),
    ],
)
def test_bad_row_is_located(
    example: hz.FactSet, change: dict[str, Any], code: str, field: str, zh_says: str
) -> None:
    rows = rows_of(example)
    target = rows["inspections"][3]
    rows["inspections"][3] = {**target, **change}
    err = failure(lambda: hz.facts_from_records(rows))
    check_languages(err)
    [d] = [d for d in err.diagnostics if d.code == code]
    assert str(d.span) == "facts_from_records(records)[inspections][3]"
    assert d.record == f"inspections[3] (id {target['id']})"
    assert d.field_path == field
    assert zh_says in d.render("zh")


def test_missing_field_and_wrong_row_type(example: hz.FactSet) -> None:
    rows = rows_of(example)
    del rows["people"][0]["name"]
    rows["rivers"][1] = "a river"
    err = failure(lambda: hz.facts_from_records(rows))
    check_languages(err)
    by_code = {d.code: d for d in err.diagnostics}
    missing = by_code["hz_facts_missing_field"]
    assert (str(missing.span), missing.field_path) == (
        "facts_from_records(records)[people][0]",
        "name",
    )
    wrong = by_code["hz_facts_wrong_type"]
    assert str(wrong.span) == "facts_from_records(records)[rivers][1]"
    assert "映射" in wrong.render("zh") and "found str" in str(wrong)


def test_duplicate_row_names_both_positions(example: hz.FactSet) -> None:
    rows = rows_of(example)
    rows["people"].append(dict(rows["people"][2]))
    err = failure(lambda: hz.facts_from_records(rows))
    check_languages(err)
    [d] = err.diagnostics
    last = len(rows["people"]) - 1
    assert d.code == "hz_facts_duplicate_id"
    assert str(d.span) == f"facts_from_records(records)[people][{last}]"
    assert "facts_from_records(records)[people][2]" in (d.help or "")
    assert "facts_from_records(records)[people][2]" in (d.help_zh or "")


def test_bad_shapes_of_the_argument() -> None:
    err = failure(lambda: hz.facts_from_records([{"id": "x"}]))  # type: ignore[arg-type]
    assert str(err.diagnostics[0].span) == "facts_from_records(records)"
    err = failure(lambda: hz.facts_from_records({"inspection": [], "people": "p-1"}))
    check_languages(err)
    codes = {(str(d.span), d.code) for d in err.diagnostics}
    assert codes == {
        ("facts_from_records(records)[inspection]", "hz_facts_unknown_kind"),
        ("facts_from_records(records)[people]", "hz_facts_wrong_type"),
    }
    assert "inspections" in (err.diagnostics[0].help or "")


# --- models: facts_from_models, FactSet.build --------------------------------------------

MODEL_ENTRIES: list[tuple[str, Callable[[list[Any]], object]]] = [
    ("facts_from_models(facts)", hz.facts_from_models),
    ("FactSet.build(facts)", hz.FactSet.build),
]


@pytest.mark.parametrize(("where", "entry"), MODEL_ENTRIES)
@pytest.mark.parametrize("thing", [{"id": "p-1", "name": "王"}, "p-1", 7, None])
def test_not_a_model(example: hz.FactSet, where: str, entry: Any, thing: object) -> None:
    facts: list[Any] = list(example)
    facts.insert(5, thing)
    err = failure(lambda: entry(facts))
    check_languages(err)
    [d] = err.diagnostics
    assert (str(d.span), d.code) == (f"{where}[5]", "hz_facts_wrong_type")
    assert type(thing).__name__ in str(d)
    if isinstance(thing, dict):
        assert "facts_from_records" in (d.help or "") and "facts_from_records" in (d.help_zh or "")


@pytest.mark.parametrize(("where", "entry"), MODEL_ENTRIES)
def test_duplicate_model_names_both_positions(example: hz.FactSet, where: str, entry: Any) -> None:
    facts = list(example)
    copy = facts[7].model_copy()
    err = failure(lambda: entry([*facts, copy]))
    check_languages(err)
    [d] = err.diagnostics
    assert (str(d.span), d.code, d.field_path) == (
        f"{where}[{len(facts)}]",
        "hz_facts_duplicate_id",
        "id",
    )
    assert d.record == f"{copy.KIND} (id {copy.id})"
    assert f"{where}[7]" in (d.help or "") and f"{where}[7]" in (d.help_zh or "")


def test_the_same_object_twice_names_both_positions(example: hz.FactSet) -> None:
    facts = list(example)
    err = failure(lambda: hz.facts_from_models([*facts, facts[4]]))
    [d] = err.diagnostics
    assert str(d.span) == f"facts_from_models(facts)[{len(facts)}]"
    assert "at facts_from_models(facts)[4]" in (d.help or "")


@pytest.mark.parametrize(("where", "entry"), MODEL_ENTRIES)
def test_dangling_reference_of_a_model(example: hz.FactSet, where: str, entry: Any) -> None:
    facts = list(example)
    i = next(n for n, f in enumerate(facts) if f.KIND == "inspections")
    facts[i] = facts[i].model_copy(update={"inspector": "p-nobody"})
    err = failure(lambda: entry(facts))
    check_languages(err)
    [d] = err.diagnostics
    assert (str(d.span), d.code, d.field_path) == (
        f"{where}[{i}]",
        "hz_facts_dangling_reference",
        "inspector",
    )
    assert d.record == f"inspections (id {facts[i].id})"
    assert "p-nobody" in d.render("zh")


@pytest.mark.parametrize(("where", "entry"), MODEL_ENTRIES)
def test_the_argument_itself(example: hz.FactSet, where: str, entry: Any) -> None:
    one = next(iter(example))
    for bad in (one, {"people": []}, "facts", 3, None):
        err = failure(lambda bad=bad: entry(bad))
        check_languages(err)
        [d] = err.diagnostics
        assert (str(d.span), d.code) == (where, "hz_facts_wrong_type")


# --- evaluate and audit ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["evaluate", "audit"])
def test_evaluate_and_audit_want_a_fact_set(plan: hz.Plan, example: hz.FactSet, name: str) -> None:
    entry = getattr(hz, name)
    for bad in (list(example), rows_of(example), None):
        err = failure(lambda bad=bad: entry(plan, bad, AS_OF))
        check_languages(err)
        [d] = err.diagnostics
        assert (str(d.span), d.code) == (f"{name}(facts)", "hz_facts_wrong_type")
        assert "facts_from_models" in (d.help or "") and "facts_from_records" in (d.help_zh or "")


# --- the monitor -------------------------------------------------------------------------


def test_monitor_submissions_are_located(plan: hz.Plan, example: hz.FactSet) -> None:
    facts = list(example)
    with hz.Monitor(plan) as m:
        m.submit_many(facts[:3])
        err = failure(lambda: m.submit({"id": "p-1"}))  # type: ignore[arg-type]
        check_languages(err)
        assert str(err.diagnostics[0].span) == "Monitor.submit(fact)[3]"
        err = failure(lambda: m.submit(facts[1].model_copy()))
        check_languages(err)
        [d] = err.diagnostics
        assert (str(d.span), d.code) == ("Monitor.submit(fact)[3]", "hz_facts_duplicate_id")
        assert "Monitor.submit(fact)[1]" in (d.help or "")
        i = next(n for n, f in enumerate(facts) if f.KIND == "inspections")
        rest = facts[3:]
        rest[i - 3] = rest[i - 3].model_copy(update={"inspector": "p-nobody"})
        m.submit_many(rest)
        err = failure(lambda: m.report(AS_OF))
        check_languages(err)
        [d] = err.diagnostics
        assert (str(d.span), d.code, d.field_path) == (
            f"Monitor.submit(fact)[{i}]",
            "hz_facts_dangling_reference",
            "inspector",
        )


def test_one_except_catches_every_entry_point(plan: hz.Plan, example: hz.FactSet) -> None:
    calls: list[Callable[[], object]] = [
        lambda: hz.facts_from_models([1]),
        lambda: hz.facts_from_records({"people": [{"id": 1}]}),
        lambda: hz.FactSet.build(["x"]),
        lambda: hz.evaluate(plan, [], AS_OF),  # type: ignore[arg-type]
        lambda: hz.audit(plan, {}, AS_OF),  # type: ignore[arg-type]
        lambda: hz.Monitor(plan).submit(None),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(hz.HezhangError):
            try:
                call()
            except hz.FactLoadError:
                raise
            except Exception as exc:  # pragma: no cover - the failure this test exists for
                pytest.fail(f"{type(exc).__name__}: {exc}")
