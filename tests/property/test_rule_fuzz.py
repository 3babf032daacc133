"""Rule files under fuzzing: loading, compiling and linting raise only the library's errors.

Arbitrary text as an article file, and real article files with one node replaced by an
arbitrary value or a key removed, go through ``load_rules``, ``compile_rules`` and
``lint_pack``. Only ``RuleLoadError`` may come out, every diagnostic is located, and lint
never raises.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hezhang_rules as hz
from hezhang_rules.lint import lint_pack
from hezhang_rules.source import Limits, load_document
from hezhang_rules.testing.files import dump

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
ARTICLES = sorted(PACK.glob("art_*.yaml"))
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10
SMALL = Limits(max_depth=20, max_nodes=5_000, max_alias_nodes=500, max_scalar_chars=2_000)


def examples(n: int) -> int:
    return int(n * SCALE)


TOKENS = [*"abc:-[]{},&*!|>'\"#%@`? \n\t0123456789.~河", "article: 16\n", "rules:\n", "  - id: "]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=120).map("".join)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 10**4)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "art016.x",
            "inspections",
            "method",
            "river_chief",
            "district",
            "holder",
            "12-05",
            "2021-02-30",
            "once",
            "year",
            "count",
            "forbid",
            {"param": "in_force"},
        ]
    )
)
values = st.recursive(
    scalars,
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(
            st.sampled_from(["field", "equals", "in", "param", "facts", "roles", "type", "x"]),
            c,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def run(article_text: str, name: str = "art_016.yaml") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp)
        (pack / "pack.yaml").write_bytes((PACK / "pack.yaml").read_bytes())
        (pack / name).write_text(article_text, encoding="utf-8")
        try:
            hz.compile_rules(hz.load_rules(pack, SMALL))
        except hz.RuleLoadError as exc:
            assert all(d.code.startswith("hz_") and d.span for d in exc.diagnostics)
        result = lint_pack(pack, limits=SMALL)  # never raises
        assert all(d.code.startswith("hz_") and d.span for d in result.diagnostics)


@settings(max_examples=examples(150))
@given(yamlish)
def test_arbitrary_text_as_a_rule_file(text: str) -> None:
    run(text)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _replace(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if delete and not rest:
            del copy[head]
        else:
            copy[head] = _replace(data[head], rest, value, delete)
        return copy
    copy_list = list(data)
    if delete and not rest:
        del copy_list[head]
    else:
        copy_list[head] = _replace(data[head], rest, value, delete)
    return copy_list


DOCS = [(p.name, load_document(p).data) for p in ARTICLES]


OPERATORS = (
    "refers_to",
    "one_of",
    "related",
    "holds_role",
    "includes_holders_of",
    "same_as",
    "any",
    "all",
)


@st.composite
def mutated_rule_files(draw: st.DrawFn) -> tuple[str, str]:
    name, data = draw(st.sampled_from(DOCS))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        data = _replace(data, path, draw(values), delete=draw(st.booleans()))
    return name, dump(data, draw(st.sampled_from(["yaml", "json"])))


@settings(max_examples=examples(200))
@given(mutated_rule_files())
def test_mutated_rule_files(case: tuple[str, str]) -> None:
    name, text = case
    run(text, name)


def test_unknown_key_with_a_bracket(tmp_path: Path) -> None:
    """`a[article: 16` must give hz_rule_unknown_key at 1:1, not a crash."""
    (tmp_path / "pack.yaml").write_bytes((PACK / "pack.yaml").read_bytes())
    (tmp_path / "art_016.yaml").write_text("a[article: 16\n", encoding="utf-8")
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.load_rules(tmp_path)
    assert ("hz_rule_unknown_key", 1, 1) in {
        (d.code, d.span.line, d.span.col) for d in exc.value.diagnostics if d.span
    }


def test_condition_param_not_a_name(tmp_path: Path) -> None:
    """`in: {param: null}` in a `where` must give a located hz_ diagnostic, not a crash."""
    text = (PACK / "art_016.yaml").read_text(encoding="utf-8")
    assert "in: {param: counting_methods}" in text
    (tmp_path / "pack.yaml").write_bytes((PACK / "pack.yaml").read_bytes())
    (tmp_path / "art_016.yaml").write_text(
        text.replace("in: {param: counting_methods}", "in: {param: null}", 1), encoding="utf-8"
    )
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.compile_rules(hz.load_rules(tmp_path))
    assert exc.value.diagnostics and all(d.span for d in exc.value.diagnostics)


@pytest.mark.parametrize("op", ["refers_to", "one_of", "related", "holds_role", "same_as"])
def test_operator_with_a_null_value(op: str, tmp_path: Path) -> None:
    """`- {field: inspector, refers_to: null}` must give a located diagnostic, not a crash."""
    text = (PACK / "art_016.yaml").read_text(encoding="utf-8")
    old = "- field: method\n          in: {param: counting_methods}"
    assert old in text
    (tmp_path / "pack.yaml").write_bytes((PACK / "pack.yaml").read_bytes())
    (tmp_path / "art_016.yaml").write_text(
        text.replace(old, f"- field: inspector\n          {op}: null", 1), encoding="utf-8"
    )
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.compile_rules(hz.load_rules(tmp_path))
    assert exc.value.diagnostics and all(d.span for d in exc.value.diagnostics)
