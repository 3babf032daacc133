"""Every report format renders, and stays valid, whatever text the fact model accepts.

Arbitrary text (control characters, lone surrogates, markup, formula starts, line breaks) goes
into the names of a person, a unit and a jurisdiction and into a meeting's document number of
the example district; what the fact model refuses (a lone surrogate) is rejected as input.
JSON gives the names back exactly, JUnit parses, the HTML and Markdown have exactly the
untouched example's elements, the text has no control character, and the workbook opens with
no formula (docs/report.md, "Safe to open"). The hostile catalogue is tests/hostile.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pydantic
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import hezhang_rules as hz
from hezhang_rules.report import build_context, render_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
ARTICLES = (
    "pack.yaml",
    "art_005.yaml",
    "art_006.yaml",
    "art_016.yaml",
    "art_019.yaml",
    "art_024.yaml",  # a township holds its evaluation deadline
)
AS_OF = dt.date(2022, 1, 10)
SCALE = settings().max_examples / 100  # the profile's (tests/property/conftest.py): 1 or 10
TARGETS = {"person": "p-zhao-wenbo", "unit": "u-office", "jurisdiction": "j-hexi"}
MEETING = "mtg-2021-001"


def examples(n: int) -> int:
    return int(n * SCALE)


_HOSTILE_BITS = [
    *"=+-@\t\r\n<>&\"'|[]()`*_\\!~$#",
    *"\x00\x0b\x1b\x7f\x85\x9b\u2028\u2029\u202e\ufeff\ufffe\uffff\ud800\udfff＝＋－＠",
    "]]>",
    "<script>",
    "&amp;",
    "[a](b)",
]
texts = st.builds(
    lambda start, body: start + body,
    st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "\n", "＝", "＠"]),
    st.lists(
        st.characters(exclude_categories=()) | st.sampled_from(_HOSTILE_BITS),
        min_size=1,
        max_size=24,
    ).map("".join),
)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("pack")
    for name in ARTICLES:
        (folder / name).write_bytes((PACK / name).read_bytes())
    return str(folder)


@cache
def _plan(pack: str) -> hz.Plan:
    return hz.compile_rules(hz.load_rules(pack))


@cache
def _example() -> tuple[hz.Fact, ...]:
    return tuple(hz.load_facts([EXAMPLE]))


def _with(fact: hz.Fact, update: dict[str, Any]) -> hz.Fact:
    """``fact`` with ``update`` applied, validated as the loaders validate."""
    data = fact.model_dump()
    for key, value in update.items():
        if isinstance(value, dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    try:
        return type(fact).model_validate(data)
    except pydantic.ValidationError:
        reject()  # the fact model refuses it (a lone surrogate): no report ever sees it


def _audit(pack: str, names: dict[str, str], docno: str) -> tuple[hz.Report, hz.FactSet]:
    by_id = {TARGETS[k]: {"name": v} for k, v in names.items()}
    by_id[MEETING] = {"minutes": {"document_number": docno}}
    facts = hz.facts_from_models(_with(f, by_id[f.id]) if f.id in by_id else f for f in _example())
    return hz.evaluate(_plan(pack), facts, AS_OF), facts


def _render(pack: str, report: hz.Report, facts: hz.FactSet, fmt: str, lang: str) -> Any:
    ctx = build_context(facts, report, lang)
    return render_report(report, _plan(pack), fmt, lang, context=ctx)


class _Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[(tag, tuple(sorted(k for k, _ in attrs)))] += 1


def _markdown_html(md: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)


@cache
def _baseline(pack: str, fmt: str, lang: str) -> Counter[tuple[str, tuple[str, ...]]]:
    report = hz.evaluate(_plan(pack), hz.facts_from_models(_example()), AS_OF)
    page = _render(pack, report, hz.facts_from_models(_example()), fmt, lang)
    return _Tags(_markdown_html(page) if fmt == "markdown" else page).tags


names = st.fixed_dictionaries({k: texts for k in TARGETS})


@settings(max_examples=examples(30), deadline=None)
@given(names=names, docno=texts, lang=st.sampled_from(["zh", "en"]))
def test_text_formats_stay_valid(pack: str, names: dict[str, str], docno: str, lang: str) -> None:
    report, facts = _audit(pack, names, docno)
    out = {f: _render(pack, report, facts, f, lang) for f in ("json", "jsonl", "junit")}
    for text in out.values():
        text.encode("utf-8")
    doc = json.loads(out["json"])
    holders = {f["holder"]["id"]: f["holder"]["name"] for f in doc["findings"]}
    for key, fact_id in TARGETS.items():
        assert holders[fact_id] == names[key]  # exact
    assert [json.loads(x) for x in out["jsonl"].split("\n")[:-1]]
    ET.fromstring(out["junit"].encode("utf-8"))
    for fmt in ("html", "markdown"):
        page = _render(pack, report, facts, fmt, lang)
        page.encode("utf-8")
        tags = _Tags(_markdown_html(page) if fmt == "markdown" else page).tags
        assert tags == _baseline(pack, fmt, lang), fmt
    text = _render(pack, report, facts, "text", lang)
    assert not [c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"]


@settings(max_examples=examples(20), deadline=None)
@given(names=names, lang=st.sampled_from(["zh", "en"]))
def test_xlsx_opens_without_formulas(pack: str, names: dict[str, str], lang: str) -> None:
    report, facts = _audit(pack, names, "清河长办纪〔2021〕1号")
    data = _render(pack, report, facts, "xlsx", lang)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            root = ET.fromstring(z.read(part))
            found = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "f"]
            if part.startswith("xl/charts/"):  # a chart's data: a range of one of our sheets
                assert all(
                    re.fullmatch(r"'[^']+'!\$?[A-Z]+\$?\d+(:\$[A-Z]+\$\d+)?", e.text or "")
                    for e in found
                ), part
                continue
            assert not found, part
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts_shown = {c.value for c in cells if isinstance(c.value, str)}
    for key in TARGETS:
        shown = names[key]
        plain = all(
            c == "\t" or (unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff")
            for c in shown
        )
        assert not plain or shown in texts_shown, key  # text needing no replacement: unchanged
