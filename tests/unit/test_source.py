"""The YAML/JSON reader: core types only, spans 1-based, hostile input refused with a code."""

from __future__ import annotations

import pytest

from hezhang_rules.source import Limits, SourceError, parse_json, parse_yaml


def codes(text: str, limits: Limits | None = None) -> list[str]:
    with pytest.raises(SourceError) as exc:
        parse_yaml(text, "f.yaml", limits or Limits())
    return [d.code for d in exc.value.diagnostics]


def test_yaml_1_1_traps_stay_strings() -> None:
    doc = parse_yaml("a: no\nb: yes\nc: 010\nd: 12:30\ne: 2021-02-30\nf: on\n", "f.yaml")
    assert doc.data == {"a": "no", "b": "yes", "c": 10, "d": "12:30", "e": "2021-02-30", "f": "on"}


def test_core_types() -> None:
    doc = parse_yaml("a: true\nb: null\nc: 1.5\nd: -3\ne: ~\nf: 'x'\n", "f.yaml")
    assert doc.data == {"a": True, "b": None, "c": 1.5, "d": -3, "e": None, "f": "x"}


def test_spans_are_one_based_for_keys_and_values() -> None:
    doc = parse_yaml("top:\n  - name: x\n    when: y\n", "f.yaml")
    assert (doc.key_spans[("top", 0, "when")].line, doc.key_spans[("top", 0, "when")].col) == (3, 5)
    assert (doc.value_spans[("top", 0, "when")].line, doc.value_spans[("top", 0, "when")].col) == (
        3,
        11,
    )


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    with pytest.raises(SourceError) as exc:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    (d,) = exc.value.diagnostics
    assert d.code == "hz_load_duplicate_key"
    assert (d.span.line, d.span.col) == (3, 1)  # type: ignore[union-attr]
    assert "line 1" in (d.help or "")


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['echo hi']\n",
        "x: !!python/name:os.system\n",
        "x: !custom 1\n",
        "x: !!set {a, b}\n",
    ],
)
def test_constructor_tags_are_refused(text: str) -> None:
    assert codes(text) == ["hz_load_tag_not_allowed"]


def test_alias_bomb_is_refused_without_expanding() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    assert codes(bomb) == ["hz_load_alias_limit"]


def test_deep_nesting_is_refused_not_a_crash() -> None:
    assert codes("[" * 1_000_000) == ["hz_load_too_deep"]
    assert codes("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 80))) == [
        "hz_load_too_deep"
    ]


def test_syntax_error_is_located() -> None:
    with pytest.raises(SourceError) as exc:
        parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    (d,) = exc.value.diagnostics
    assert d.code == "hz_load_syntax" and d.span is not None and d.span.line >= 1


def test_multiple_documents_and_non_string_keys() -> None:
    assert codes("a: 1\n---\nb: 2\n") == ["hz_load_multiple_documents"]
    assert codes("1: a\n") == ["hz_load_key_not_string"]
    assert codes("<<: {a: 1}\n") == ["hz_load_merge_key"]


def test_json_duplicates_and_depth() -> None:
    with pytest.raises(SourceError) as exc:
        parse_json('{"a": 1, "a": 2}', "f.json")
    assert exc.value.diagnostics[0].code == "hz_load_duplicate_key"
    with pytest.raises(SourceError) as exc:
        parse_json("[" * 100 + "]" * 100, "f.json")
    assert exc.value.diagnostics[0].code == "hz_load_too_deep"
    assert parse_json('{"a": [1, {"b": null}]}', "f.json").data == {"a": [1, {"b": None}]}


def test_json_has_the_same_size_limits_as_yaml() -> None:
    with pytest.raises(SourceError) as exc:
        parse_json("[" + ",".join(["1"] * 20) + "]", "f.json", Limits(max_nodes=10))
    assert exc.value.diagnostics[0].code == "hz_load_too_many_nodes"
    with pytest.raises(SourceError) as exc:
        parse_json('{"a": "' + "x" * 50 + '"}', "f.json", Limits(max_scalar_chars=10))
    assert exc.value.diagnostics[0].code == "hz_load_scalar_too_long"


def test_pure_python_fallback_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the pure-Python event parser gives the same data and spans."""
    import hezhang_rules.source as source

    text = "a: [1, no, 010]\nb:\n  c: ~\n"
    fast = parse_yaml(text, "f.yaml")
    monkeypatch.setattr(source, "_CParser", None)
    slow = parse_yaml(text, "f.yaml")
    assert fast.data == slow.data == {"a": [1, "no", 10], "b": {"c": None}}
    assert fast.values == slow.values and fast.keys == slow.keys
    assert codes("[" * 100) == ["hz_load_too_deep"]
