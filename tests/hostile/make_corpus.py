"""Writes the malformed-input corpus (tests/hostile/corpus/) and builds its large cases.

    .venv/bin/python tests/hostile/make_corpus.py        # rewrite the committed corpus

Each file is named ``<expected diagnostic code>__<what is wrong>.<ext>``. Small cases are
committed; cases of a megabyte or more (10⁶-deep nesting, huge strings, too many records) are
built at test time by :func:`large_cases` so the repository stays small.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

BASE = {
    "jurisdictions": [{"id": "j-d", "name": "区", "level": "district"}],
    "people": [{"id": "p-1", "name": "张三"}],
    "units": [{"id": "u-o", "name": "河长办", "type": "river_chief_office", "jurisdiction": "j-d"}],
}

# One minimal valid record per fact kind, using the ids of BASE.
MINIMAL: dict[str, dict[str, object]] = {
    "jurisdictions": {"id": "x", "name": "镇", "level": "township", "parent": "j-d"},
    "people": {"id": "x", "name": "李四"},
    "units": {"id": "x", "name": "局", "type": "department", "jurisdiction": "j-d"},
    "appointments": {
        "id": "x",
        "person": "p-1",
        "role": "river_chief",
        "jurisdiction": "j-d",
        "start": "2020-01-01",
    },
    "rivers": {"id": "x", "name": "细河", "jurisdictions": ["j-d"]},
    "meetings": {
        "id": "x",
        "kind": "office_meeting",
        "jurisdiction": "j-d",
        "date": "2021-03-01",
        "presider": "p-1",
    },
    "inspections": {"id": "x", "inspector": "p-1", "date": "2021-03-01"},
    "rectification_opinions": {
        "id": "x",
        "issued_by": "u-o",
        "issued": "2021-03-01",
        "addressed_to": ["p-1"],
    },
    "rectification_reports": {
        "id": "x",
        "responds_to": "y",
        "submitted_by": "p-1",
        "submitted": "2021-03-01",
    },
    "supervision_opinions": {
        "id": "x",
        "issued_by": "u-o",
        "level": "river_chief_office",
        "addressed_to": ["p-1"],
        "issued": "2021-03-01",
    },
    "evaluations": {"id": "x", "organised_by": "u-o", "evaluated": "u-o", "date": "2021-03-01"},
    "complaint_cases": {"id": "x", "received_by": "u-o", "received": "2021-03-01"},
    "case_transfers": {
        "id": "x",
        "case": "y",
        "from_unit": "u-o",
        "to_unit": "u-o",
        "date": "2021-03-01",
    },
    "case_results": {
        "id": "x",
        "case": "y",
        "reported_by": "u-o",
        "reported_to": "u-o",
        "reported": "2021-03-01",
    },
    "enforcement_cases": {"id": "x", "unit": "u-o", "opened": "2021-03-01"},
    "penalties": {"id": "x", "case": "y", "unit": "u-o", "kind": "fine", "date": "2021-03-01"},
    "liaison_lists": {
        "id": "x",
        "unit": "u-o",
        "filed_with": "u-o",
        "filed": "2021-03-01",
        "liaisons": ["p-1"],
    },
    "assessment_indicators": {
        "id": "x",
        "department": "u-o",
        "year": 2021,
        "submitted": "2020-12-30",
    },
    "assessment_plans": {"id": "x", "drafted_by": "u-o", "year": 2021, "drafted": "2021-01-05"},
    "assessment_implementation_rules": {
        "id": "x",
        "department": "u-o",
        "year": 2021,
        "issued": "2021-02-01",
    },
    "assessment_results": {
        "id": "x",
        "department": "u-o",
        "year": 2021,
        "submitted": "2021-12-01",
        "formal_document": True,
    },
    "assessment_summaries": {
        "id": "x",
        "office": "u-o",
        "year": 2021,
        "reported": "2021-12-20",
        "recipients": ["p-1"],
    },
    "rewards": {
        "id": "x",
        "granted_by": "u-o",
        "recipient": "p-1",
        "year": 2021,
        "date": "2022-01-05",
    },
    "accountability_actions": {
        "id": "x",
        "taken_by": "u-o",
        "subject": "p-1",
        "date": "2021-06-01",
    },
    "information_reports": {
        "id": "x",
        "sender": "u-o",
        "recipients": ["p-1"],
        "date": "2021-03-01",
    },
    "notifications": {"id": "x", "issued_by": "u-o", "recipients": ["p-1"], "date": "2021-03-01"},
    "disclosures": {"id": "x", "by": "u-o", "channel": "platform", "date": "2021-03-01"},
    "information_platforms": {
        "id": "x",
        "operated_by": "u-o",
        "recorded": "2021-03-01",
        "functions": ["query"],
    },
    "implementing_measures": {
        "id": "x",
        "issued_by": "u-o",
        "kind": "measures",
        "issued": "2021-03-01",
    },
}
# Records some minimal records point at ("y").
TARGETS = {
    "rectification_reports": (
        "rectification_opinions",
        {"id": "y", "issued_by": "u-o", "issued": "2021-03-01", "addressed_to": ["p-1"]},
    ),
    "case_transfers": (
        "complaint_cases",
        {"id": "y", "received_by": "u-o", "received": "2021-03-01"},
    ),
    "case_results": (
        "complaint_cases",
        {"id": "y", "received_by": "u-o", "received": "2021-03-01"},
    ),
    "penalties": ("enforcement_cases", {"id": "y", "unit": "u-o", "opened": "2021-03-01"}),
}
REQUIRED_FIELD = {k: next(f for f in v if f != "id") for k, v in MINIMAL.items()}
REF_FIELDS = {
    "appointments": "person",
    "meetings": "presider",
    "inspections": "inspector",
    "rectification_opinions": "issued_by",
    "rectification_reports": "submitted_by",
    "supervision_opinions": "issued_by",
    "evaluations": "organised_by",
    "complaint_cases": "received_by",
    "case_transfers": "to_unit",
    "case_results": "reported_by",
    "enforcement_cases": "unit",
    "penalties": "unit",
    "liaison_lists": "filed_with",
    "assessment_indicators": "department",
    "assessment_plans": "drafted_by",
    "assessment_implementation_rules": "department",
    "assessment_results": "department",
    "assessment_summaries": "office",
    "rewards": "granted_by",
    "accountability_actions": "subject",
    "information_reports": "sender",
    "notifications": "issued_by",
    "disclosures": "by",
    "information_platforms": "operated_by",
    "implementing_measures": "issued_by",
    "units": "jurisdiction",
    "jurisdictions": "parent",
}


def world(kind: str, record: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {k: [dict(r) for r in v] for k, v in BASE.items()}
    if kind in TARGETS:
        tkind, target = TARGETS[kind]
        out.setdefault(tkind, []).append(target)  # type: ignore[union-attr]
    out.setdefault(kind, []).append(record)  # type: ignore[union-attr]
    return out


def yaml_text(data: object) -> str:
    """JSON is YAML; quoting every string keeps the mutation, not YAML typing, under test."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def fact_cases() -> Iterator[tuple[str, str | bytes]]:
    base = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)
    for kind, rec in MINIMAL.items():
        yield (
            f"hz_facts_unknown_field__{kind}.yaml",
            yaml_text(world(kind, {**rec, "bogus_field": 1})),
        )
        yield (
            f"hz_facts_missing_field__{kind}.json",
            yaml_text(world(kind, {k: v for k, v in rec.items() if k != REQUIRED_FIELD[kind]})),
        )
        yield (
            f"hz_facts_wrong_type__{kind}_id_number.yaml",
            yaml_text(world(kind, {**rec, "id": 12345})),
        )
        if kind in REF_FIELDS:
            field = REF_FIELDS[kind]
            value: object = "nope" if not isinstance(rec.get(field), list) else ["nope"]
            yield (
                f"hz_facts_dangling_reference__{kind}_{field}.yaml",
                yaml_text(world(kind, {**rec, field: value})),
            )
    # syntax
    for i, text in enumerate(
        [
            "people: [\n",
            "people:\n  - {id: p, name: x\n",
            "people:\n - id: p\n  name: x\n",
            "people:\n\t- id: p\n",
            "people:\n  - id: 'p\n",
            'people:\n  - id: "p\n',
            ": x\n",
            "people:\n  - id: p\n    name: x\n   bad: y\n",
            "[1, 2]]\n",
            "{a: 1}}\n",
            "people: - id: p\n",
            "a: b: c\n",
            "%YAML 9.9\n---\na: 1\n",
            "people:\n  - id: p\n    name: |\n  x\n",
        ]
    ):
        yield f"hz_load_syntax__yaml_{i:02d}.yaml", text
    for i, text in enumerate(
        [
            '{"people": [}',
            '{"people": [1,]}',
            "{'a': 1}",
            '{"a": NaN',
            '{"a": 1',
            "[1, 2",
            '{"a" 1}',
            "\x01",
        ]
    ):
        yield f"hz_load_syntax__json_{i:02d}.json", text
    # tags (no code may run)
    for i, tag in enumerate(
        [
            "!!python/object/apply:os.system ['touch /tmp/hz-pwned']",
            "!!python/object/new:os.system ['touch /tmp/hz-pwned']",
            "!!python/name:os.system",
            "!!python/module:os",
            "!!python/object:builtins.dict {}",
            "!!python/tuple [1, 2]",
            "!!python/bytes aGk=",
            "!!binary aGk=",
            "!!timestamp 2021-01-01",
            "!!set {a, b}",
            "!!omap [a: 1]",
            "!!pairs [a: 1]",
            "!custom x",
            "!<tag:example.com,2000:x> y",
            "!!map {a: 1}",
            "!!seq [1]",
            "!!int abc",
            "!!float x1",
            "!!bool maybe",
        ]
    ):
        code = "hz_load_tag_not_allowed"
        if tag.startswith(("!!map", "!!seq")):
            code = "hz_facts_unknown_kind"
        yield f"{code}__tag_{i:02d}.yaml", f"people:\n  - id: p\n    name: x\nbad: {tag}\n"
    # aliases
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 7):
        p, c = chr(96 + i), chr(97 + i)
        bomb += f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        if i >= 4:
            yield f"hz_load_alias_limit__bomb_{i}.yaml", bomb
    yield "hz_load_key_not_string__complex_key.yaml", "people:\n  - ? [a]\n    : b\n"
    yield "hz_load_key_not_string__number_key.yaml", "1: a\n"
    yield "hz_load_merge_key__merge.yaml", "a: &a {x: 1}\nb:\n  <<: *a\n"
    yield "hz_load_syntax__unknown_alias.yaml", "a: *nothing\n"
    # depth
    for depth in (65, 100, 1000, 10_000):
        yield f"hz_load_too_deep__flow_{depth}.yaml", "[" * depth + "]" * depth + "\n"
        yield f"hz_load_too_deep__json_{depth}.json", "[" * depth + "]" * depth
    yield (
        "hz_load_too_deep__block_70.yaml",
        "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\n",
    )
    # duplicates
    yield "hz_load_duplicate_key__top.yaml", base + "people: []\n"
    yield "hz_load_duplicate_key__record.yaml", "people:\n  - id: a\n    id: b\n    name: x\n"
    yield (
        "hz_load_duplicate_key__nested.yaml",
        ("inspections:\n  - id: i\n    record:\n      place: a\n      place: b\n"),
    )
    yield "hz_load_duplicate_key__json.json", '{"people": [{"id": "a", "id": "b", "name": "x"}]}'
    yield (
        "hz_facts_duplicate_id__two_people.yaml",
        yaml_text({**BASE, "people": [{"id": "p-1", "name": "a"}, {"id": "p-1", "name": "b"}]}),
    )
    yield (
        "hz_facts_duplicate_id__across_kinds.yaml",
        yaml_text({**BASE, "rivers": [{"id": "p-1", "name": "河", "jurisdictions": ["j-d"]}]}),
    )
    # implicit typing traps (YAML 1.1 readings must not sneak in)
    traps = {
        "hz_facts_wrong_type__bool_no": "units:\n  - {id: u, name: x, type: department, "
        "jurisdiction: j-d, assessment_role: no}\n",
        "hz_facts_wrong_type__bool_yes": "units:\n  - {id: u, name: x, type: department, "
        "jurisdiction: j-d, assessment_role: yes}\n",
        "hz_facts_wrong_type__bool_on": "assessment_results:\n  - {id: r, department: u-o, "
        "year: 2021, submitted: 2021-12-01, formal_document: on}\n",
        "hz_facts_wrong_type__year_string": "assessment_results:\n  - {id: r, department: u-o, "
        "year: '2021', submitted: 2021-12-01, formal_document: true}\n",
        "hz_facts_wrong_type__year_float": "assessment_results:\n  - {id: r, department: u-o, "
        "year: 2021.0, submitted: 2021-12-01, formal_document: true}\n",
        "hz_facts_wrong_type__id_octal": "people:\n  - {id: 010, name: x}\n",
        "hz_facts_wrong_type__id_sexagesimal_is_text_but_name_number": "people:\n"
        "  - {id: '12:30', name: 1230}\n",
        "hz_facts_wrong_type__name_null_is_required": "people:\n  - {id: p, name: ~}\n",
        "hz_facts_wrong_type__name_inf": "people:\n  - {id: p, name: .inf}\n",
        "hz_facts_wrong_type__duration_text": "inspections:\n  - {id: i, inspector: p-1, "
        "date: 2021-03-01, duration_minutes: '90'}\n",
        "hz_facts_wrong_type__list_for_text": "people:\n  - {id: p, name: [a, b]}\n",
        "hz_facts_wrong_type__mapping_for_list": "rivers:\n  - {id: r, name: x, "
        "jurisdictions: {a: j-d}}\n",
        "hz_facts_invalid_value__negative_duration": "inspections:\n  - {id: i, inspector: p-1,"
        " date: 2021-03-01, duration_minutes: -5}\n",
        "hz_facts_invalid_value__role": "appointments:\n  - {id: a, person: p-1, role: chief, "
        "jurisdiction: j-d, start: 2021-01-01}\n",
        "hz_facts_invalid_value__level": "jurisdictions:\n  - {id: j2, name: x, level: county}\n",
        "hz_facts_invalid_value__empty_text": "people:\n  - {id: p, name: ''}\n",
        "hz_facts_invalid_value__id_with_space": "people:\n  - {id: 'p 1', name: x}\n",
        "hz_facts_invalid_value__empty_addressees": "rectification_opinions:\n  - {id: o, "
        "issued_by: u-o, issued: 2021-03-01, addressed_to: []}\n",
    }
    for name, text in traps.items():
        kind = text.split(":", 1)[0]
        rest = {k: v for k, v in BASE.items() if k != kind}
        yield f"{name}.yaml", yaml.safe_dump(rest, allow_unicode=True, sort_keys=False) + text
    # dates
    for i, d in enumerate(
        [
            "2021-02-30",
            "2021-13-01",
            "2021-00-10",
            "2021-4-1",
            "20210101",
            "2021/01/01",
            "2021-02-29",
            "2021-03-01T10:00:00",
            "'2021-03-01 '",
            "0000-01-01",
            "2021-1-01",
            "1.5",
        ]
    ):
        yield (
            f"hz_facts_invalid_date__{i:02d}.yaml",
            base + f"inspections:\n  - {{id: i, inspector: p-1, date: {d}}}\n",
        )
    # shapes
    yield "hz_facts_wrong_type__top_list.yaml", "- id: p\n  name: x\n"
    yield "hz_facts_wrong_type__top_scalar.yaml", "just text\n"
    yield "hz_facts_wrong_type__top_number.json", "42"
    yield "hz_facts_wrong_type__kind_mapping.yaml", "people: {id: p, name: x}\n"
    yield "hz_facts_wrong_type__kind_scalar.yaml", "people: p\n"
    yield "hz_facts_wrong_type__record_scalar.yaml", "people:\n  - p\n"
    yield "hz_facts_wrong_type__record_list.yaml", "people:\n  - [p, x]\n"
    yield "hz_facts_wrong_type__empty.yaml", ""
    yield "hz_facts_wrong_type__whitespace.yaml", "   \n\n  \n"
    yield "hz_facts_wrong_type__comment_only.yaml", "# nothing here\n"
    yield "hz_facts_wrong_type__null.yaml", "null\n"
    yield "hz_facts_wrong_type__empty.json", "{}"[:0] + "[]"
    yield "hz_facts_unknown_kind__typo.yaml", "peeple:\n  - {id: p, name: x}\n"
    yield "hz_facts_unknown_kind__singular.yaml", "inspection:\n  - {id: i}\n"
    yield "hz_facts_unknown_kind__json.json", '{"meeting": []}'
    yield "hz_load_multiple_documents__two.yaml", "people: []\n---\nunits: []\n"
    # encodings and bytes
    yield "hz_load_encoding__latin1.yaml", "people:\n  - {id: p, name: caf\xe9}\n".encode("latin-1")
    yield "hz_load_encoding__gbk.yaml", "people:\n  - {id: p, name: 张三}\n".encode("gbk")
    yield "hz_load_encoding__utf16.yaml", "people: []\n".encode("utf-16")
    yield "hz_load_encoding__truncated.yaml", "people:\n  - {id: p, name: 张".encode()[:-1]
    yield "hz_load_encoding__lone_continuation.yaml", b"people:\n  - {id: p, name: \x80}\n"
    yield "hz_load_encoding__overlong.yaml", b"people:\n  - {id: p, name: \xc0\xaf}\n"
    yield "hz_load_binary__nul.yaml", b"people:\x00\n"
    yield "hz_load_encoding__png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    yield "hz_load_binary__zeros.json", b"\x00" * 64
    yield (
        "hz_facts_dangling_reference__bom_then_error.yaml",
        (
            "\ufeffpeople:\n  - {id: p, name: x}\ninspections:\n  - {id: i, inspector: q, "
            "date: 2021-03-01}\n"
        ).encode(),
    )


RULE_BASE = """article: 16
chapter: 4
chapter_title: 河长巡查
title: {zh: 河长巡查, en: Inspections}
text: 第十六条　……
summary: test
in_force:
  from: {param: in_force}
parameters: {}
rules:
  - id: art016.x
    title: {zh: x, en: x}
    clause: x
    modality: obligation
    severity: mandatory
    holder:
      post: {roles: [river_chief]}
    requires:
      type: count
      facts: inspections
      bind: {inspector: holder}
      per: year
      at_least: 1
"""


def rule_cases() -> Iterator[tuple[str, str | bytes]]:
    swaps = {
        "hz_compile_unknown_kind__facts": ("facts: inspections", "facts: inspectoins"),
        "hz_compile_unknown_field__bind": (
            "bind: {inspector: holder}",
            "bind: {inspecter: holder}",
        ),
        "hz_compile_bind_target__holder_typo": ("{inspector: holder}", "{inspector: holdr}"),
        "hz_compile_unknown_parameter__at_least": ("at_least: 1", "at_least: {param: nope}"),
        "hz_compile_unknown_parameter__in_force": (
            "from: {param: in_force}",
            "from: {param: in_forse}",
        ),
        "hz_rule_unknown_value__role": ("roles: [river_chief]", "roles: [river_chef]"),
        "hz_rule_unknown_value__modality": ("modality: obligation", "modality: duty"),
        "hz_rule_unknown_value__severity": ("severity: mandatory", "severity: strict"),
        "hz_rule_unknown_value__per": ("per: year", "per: fortnight"),
        "hz_rule_schema__at_least_text": ("at_least: 1", "at_least: one"),
        "hz_rule_schema__at_least_bool": ("at_least: 1", "at_least: yes"),
        "hz_rule_schema__article_text": ("article: 16", "article: sixteen"),
        "hz_rule_schema__title_string": ("title: {zh: x, en: x}", "title: x"),
        "hz_rule_schema__holder_two_ways": (
            "post: {roles: [river_chief]}",
            "post: {roles: [river_chief]}\n      field: inspector",
        ),
        "hz_rule_schema__holder_empty": ("post: {roles: [river_chief]}", "{}"),
        "hz_rule_schema__bad_rule_id": ("id: art016.x", "id: art016.X-Y"),
        "hz_rule_id_mismatch__other_article": ("id: art016.x", "id: art017.x"),
        "hz_rule_article_mismatch__number": ("article: 16", "article: 17"),
        "hz_rule_unknown_key__rule": ("clause: x", "clause: x\n    clauses: y"),
        "hz_rule_unknown_key__requires": ("per: year", "per: year\n      every: year"),
        "hz_rule_unknown_key__top": ("summary: test", "summary: test\nsumary: test"),
        "hz_rule_missing_key__clause": ("    clause: x\n", ""),
        "hz_rule_missing_key__text": ("text: 第十六条　……\n", ""),
        "hz_rule_missing_key__requires_type": ("      type: count\n", ""),
        "hz_rule_unknown_requirement__type": ("type: count", "type: tally"),
        "hz_compile_modality__prohibition_count": ("modality: obligation", "modality: prohibition"),
        "hz_compile_holder_way__post_for_evidence": (
            "type: count\n      facts: inspections\n"
            "      bind: {inspector: holder}\n"
            "      per: year\n      at_least: 1",
            "type: evidence\n      facts: inspections\n"
            "      must:\n        - {field: record, "
            "present: true}",
        ),
        "hz_compile_no_date_field__people": (
            "facts: inspections\n      bind: {inspector: holder}",
            "facts: people\n      bind: {}",
        ),
        "hz_compile_field_type__bind_not_ref": (
            "bind: {inspector: holder}",
            "bind: {date: holder}",
        ),
        "hz_compile_unknown_field__where": (
            "per: year",
            "per: year\n      where:\n        - {field: methd, equals: site_survey}",
        ),
        "hz_compile_unknown_value__where_enum": (
            "per: year",
            "per: year\n      where:\n        - {field: method, equals: by_boat}",
        ),
        "hz_rule_schema__two_operators": (
            "per: year",
            "per: year\n      where:\n        - {field: method, equals: a, in: [b]}",
        ),
        "hz_rule_schema__no_operator": (
            "per: year",
            "per: year\n      where:\n        - {field: method}",
        ),
        "hz_compile_operand__in_scalar": (
            "per: year",
            "per: year\n      where:\n        - {field: method, in: site_survey}",
        ),
        "hz_compile_once_period__count": ("per: year", "per: once"),
        "hz_load_duplicate_key__rule": ("clause: x", "clause: x\n    clause: y"),
        "hz_load_tag_not_allowed__python": (
            "summary: test",
            "summary: !!python/object/apply:os.system ['id']",
        ),
        "hz_load_syntax__indent": ("    clause: x", "   clause: x"),
        "hz_load_syntax__unclosed": ("title: {zh: x, en: x}", "title: {zh: x, en: x"),
    }
    for name, (old, new) in swaps.items():
        assert old in RULE_BASE, name
        yield f"{name}.yaml", RULE_BASE.replace(old, new, 1)
    params = {
        "hz_compile_parameter_type__int_as_text": ("integer", '"one"'),
        "hz_compile_parameter_type__period": ("period", "fortnight"),
        "hz_compile_parameter_type__date": ("date", '"2021-02-30"'),
        "hz_compile_parameter_type__month_day": ("month_day", '"13-01"'),
        "hz_compile_parameter_type__feb29": ("month_day", '"02-29"'),
        "hz_compile_parameter_type__roles": ("roles", "[chief]"),
        "hz_compile_parameter_type__levels": ("levels", "[county]"),
        "hz_compile_parameter_type__choice_no_choices": ("choice", "clip"),
        "hz_compile_parameter_type__days_negative": ("days", "-1"),
        "hz_compile_parameter_type__boolean_yes": ("boolean", "yes"),
        "hz_compile_parameter_type__strings_scalar": ("strings", "a"),
    }
    for name, (ptype, value) in params.items():
        decl = (
            f"parameters:\n  p1: {{type: {ptype}, value: {value}, reads: x, "
            f"reading: {{zh: x, en: x}}, reason: {{zh: x, en: x}}}}\n"
        )
        yield f"{name}.yaml", RULE_BASE.replace("parameters: {}\n", decl)
    yield (
        "hz_rule_unknown_value__parameter_type.yaml",
        RULE_BASE.replace(
            "parameters: {}\n",
            "parameters:\n  p1: {type: float, value: 1, reads: x, reading: {zh: x, en: x},"
            " reason: {zh: x, en: x}}\n",
        ),
    )
    yield (
        "hz_rule_missing_key__parameter_reason.yaml",
        RULE_BASE.replace(
            "parameters: {}\n",
            "parameters:\n  p1: {type: integer, value: 1, reads: x, reading: {zh: x, en: x}}\n",
        ),
    )
    yield (
        "hz_compile_parameter_shadows__pack.yaml",
        RULE_BASE.replace(
            "parameters: {}\n",
            "parameters:\n  in_force: {type: date, value: '2021-01-01', reads: x,"
            " reading: {zh: x, en: x}, reason: {zh: x, en: x}}\n",
        ),
    )
    yield (
        "hz_compile_escalation_cycle__self.yaml",
        RULE_BASE.replace(
            "      post: {roles: [river_chief]}\n    requires:\n      type: count\n      facts: "
            "inspections\n      bind: {inspector: holder}\n      per: year\n      at_least: 1\n",
            "      unit: {types: [river_chief_office]}\n    requires:\n      type: response\n"
            "      trigger: {finding_of: art016.x}\n      response: {facts: supervision_opinions,"
            " link: source}\n      due: {days: 5}\n",
        ),
    )
    yield (
        "hz_compile_unknown_rule__finding_of.yaml",
        RULE_BASE.replace(
            "      post: {roles: [river_chief]}\n    requires:\n      type: count\n      facts: "
            "inspections\n      bind: {inspector: holder}\n      per: year\n      at_least: 1\n",
            "      unit: {types: [river_chief_office]}\n    requires:\n      type: response\n"
            "      trigger: {finding_of: art016.y}\n      response: {facts: supervision_opinions,"
            " link: source}\n      due: {days: 5}\n",
        ),
    )
    yield "hz_rule_schema__top_list.yaml", "- article: 16\n"
    yield "hz_rule_schema__empty.yaml", ""
    yield "hz_load_encoding__latin1.yaml", RULE_BASE.encode() + "# caf\xe9\n".encode("latin-1")
    yield "hz_load_binary__nul.yaml", RULE_BASE.encode() + b"\x00"
    yield (
        "hz_load_alias_limit__bomb.yaml",
        RULE_BASE
        + "x0: &a0 ["
        + ", ".join(["y"] * 50)
        + "]\n"
        + "".join(f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 50) + "]\n" for i in range(1, 4)),
    )
    yield "hz_load_too_deep__rules.yaml", RULE_BASE + "deep: " + "[" * 200 + "]" * 200 + "\n"


def large_cases() -> Iterator[tuple[str, str, str | bytes]]:
    """(area, name, content) of the cases too large to commit; built at test time.

    The record limit is exercised with ``--limit max_records=1000`` (see the test); its cost at
    the default is measured by benchmarks/bench_limits.py, not here.
    """
    yield "facts", "hz_load_too_deep__flow_1000000.yaml", "[" * 1_000_000
    yield "facts", "hz_load_too_deep__json_1000000.json", "[" * 1_000_000 + "]" * 1_000_000
    yield (
        "facts",
        "hz_load_too_deep__block_mapping_100000.yaml",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 2000)),
    )
    yield (
        "facts",
        "hz_load_scalar_too_long__huge_name.yaml",
        ("people:\n  - id: p\n    name: " + "河" * 1_000_001 + "\n"),
    )
    yield (
        "facts",
        "hz_load_too_many_records__people.yaml",
        "people:\n" + "".join(f"  - {{id: p{i}, name: x}}\n" for i in range(1_001)),
    )


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for area, cases in (("facts", fact_cases()), ("rules", rule_cases())):
        (CORPUS / area).mkdir(parents=True)
        for name, content in cases:
            path = CORPUS / area / name
            assert not path.exists(), name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    n = sum(1 for _ in CORPUS.rglob("*.*"))
    print(f"wrote {n} files under {CORPUS}")


if __name__ == "__main__":
    main()
