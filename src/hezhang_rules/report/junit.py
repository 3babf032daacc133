"""JUnit XML: each finding is a test case, so a CI dashboard counts what every other format counts.

For people who run rule packs in CI. The mapping (docs/report.md, "JUnit XML"):

==================  =====================================  ==================================
finding's status    test case                              counted in
==================  =====================================  ==================================
violated            ``<failure>``                          ``failures`` = the summary's 未履行
pending             ``<skipped>`` (待履行, its due date)   ``skipped`` = 待履行 + 已豁免 + 不适用
waived              ``<skipped>`` (已豁免, the waiver)
not_applicable      ``<skipped>`` (不适用)
fulfilled_late      passes, ``<system-out>`` says late     passed = 已履行 + 逾期履行
fulfilled           passes
==================  =====================================  ==================================

so ``tests`` is the summary's total, ``failures`` its violated count and ``errors`` 0: a
dashboard's red number is the report's number of breaches, and its failure list is the list of
breaches, each named by its finding id (``classname`` ``pack.rule_id``, so Jenkins groups them
by article and rule; ``name`` the finding id, which ``hezhang-rules explain`` takes). One
``testsuite`` named ``pack @ as-of``; its ``properties`` hold the run record, the count of each
status in words, this mapping in one sentence, and the rules without any finding (they have no
test case). No times are recorded. Labels are in the report's language; status words come from
the one table of status names.

The XML is written a batch of findings at a time (:meth:`FindingsTable.batches`), each test case
on one line assembled as polars string columns, so a province's findings are never Python
objects. It parses whatever the facts hold: markup characters are escaped (in attributes also
line breaks and tabs, as character references, so a parser keeps them), characters XML 1.0
cannot hold are replaced (:mod:`hezhang_rules.report.safe`), and a carriage return in text is
written ``&#13;``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import TextIO

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import STATUSES, Report, shown_statuses
from hezhang_rules.report.answers import answers_text
from hezhang_rules.report.i18n import SUPPLIED, status_name
from hezhang_rules.report.record import run_rows
from hezhang_rules.report.safe import holdable
from hezhang_rules.report.table import FindingsTable

_W = {
    "zh": {
        "due": "截止",
        "mapping": "计数方法",
        "mapping_text": (
            "每项检查结果为一个测试用例：未履行为失败（failures = 未履行{violated}项），"
            "待履行、已豁免与不适用为跳过（skipped = 待履行{pending}项 + 已豁免{waived}项 + "
            "不适用{not_applicable}项；已豁免的检查结果列出豁免编号与理由），"
            "已履行与逾期履行为通过；tests = 检查结果总数{total}项，与其他格式的汇总一致"
        ),
        "count": "{status}（项）",
        "quiet": "无检查结果的规则",
        "quiet_text": "{n}条（没有相关事实或尚未到期，无测试用例）：{ids}",
        "none": "无",
        "sep": "、",
        "colon": "：",
        "waiver": "（豁免 {}：{}）",
    },
    "en": {
        "due": "due",
        "mapping": "How counted",
        "mapping_text": (
            "each finding is a test case: violated is a failure (failures = {violated} "
            "violated), pending, waived and not applicable are skipped (skipped = {pending} "
            "pending + {waived} waived + {not_applicable} not applicable; a waived finding names "
            "its waiver and reason), fulfilled and fulfilled late pass; tests = "
            "{total} findings in all, as in the summary of every other format"
        ),
        "count": "{status} (findings)",
        "quiet": "Rules without findings",
        "quiet_text": "{n} (no facts, or nothing due yet; no test case): {ids}",
        "none": "none",
        "sep": ", ",
        "colon": ": ",
        "waiver": " (waiver {}: {})",
    },
}

_COLUMNS = (
    "id",
    "rule_id",
    "status",
    "message",
    "due",
    "requirement",
    "details",
    "waiver",
    "answerable",
    "holder",
)


def _attr(text: pl.Expr) -> pl.Expr:
    """Text escaped for a double-quoted XML attribute (line breaks and tabs as references, so
    attribute normalisation keeps them)."""
    for raw, ref in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("\n", "&#10;"),
        ("\r", "&#13;"),
        ("\t", "&#9;"),
    ):
        text = text.str.replace_all(raw, ref, literal=True)
    return text


def _text(text: pl.Expr) -> pl.Expr:
    """Text escaped for element content (a carriage return as a reference, kept by a parser)."""
    for raw, ref in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = text.str.replace_all(raw, ref, literal=True)
    return text


def _cases(frame: pl.DataFrame, plan: Plan, pack: str, lang: str) -> pl.Series:
    """One ``<testcase>`` line per finding of ``frame`` (columns ``_COLUMNS``)."""
    w = _W[lang]
    files = {r.id: r.location.rsplit(":", 2)[0] for r in plan.rules}
    lines = {r.id: str(r.span.line) for r in plan.rules}
    status = pl.col("status")
    supplied = pl.col("details").str.json_path_match("$.due_supplied")
    mark = pl.format(SUPPLIED[lang].replace("{name}", "{}"), supplied)
    marked = pl.col("due").cast(pl.String) + pl.when(supplied.is_null()).then(pl.lit("")).otherwise(
        pl.format("（{}）" if lang == "zh" else " ({})", mark)
    )
    shows_due = (
        pl.col("due").is_not_null()
        & (status != "fulfilled")
        & ~pl.col("requirement").is_in(["evidence", "forbid"])  # no deadline to meet
    )
    due = (
        pl.when(shows_due)
        .then(pl.format(" [{} {}]", pl.lit(w["due"]), marked))
        .otherwise(pl.lit(""))
    )
    answers = answers_text(lang)
    said = pl.col("message").struct.field(lang) + due
    said = pl.when(answers.is_null()).then(said).otherwise(pl.format("{} [{}]", said, answers))
    word = status.replace_strict(
        {s: status_name(s, lang) for s in STATUSES}, return_dtype=pl.String
    )
    waiver = pl.col("waiver")
    excused = pl.format(w["waiver"], waiver.struct.field("id"), waiver.struct.field("reason"))
    worded = word + pl.lit(w["colon"]) + said + excused.fill_null("")
    head = pl.concat_str(
        pl.lit('    <testcase classname="'),
        _attr(pl.lit(f"{pack}.") + pl.col("rule_id")),
        pl.lit('" name="'),
        _attr(pl.col("id")),
        pl.lit('" file="'),
        _attr(pl.col("rule_id").replace_strict(files, return_dtype=pl.String)),
        pl.lit('" line="'),
        pl.col("rule_id").replace_strict(lines, return_dtype=pl.String),
        pl.lit('" time="0"'),
    )
    body = (
        pl.when(status == "violated")
        .then(pl.format('><failure message="{}" type="{}" /></testcase>', _attr(said), _attr(word)))
        .when(status.is_in(["pending", "waived", "not_applicable"]))
        .then(pl.format('><skipped message="{}" /></testcase>', _attr(worded)))
        .when(status == "fulfilled_late")
        .then(pl.format("><system-out>{}</system-out></testcase>", _text(worded)))
        .otherwise(pl.lit(" />"))
    )
    return frame.select((head + body).alias("case")).get_column("case")


def _properties(table: FindingsTable, plan: Plan, lang: str) -> list[tuple[str, str]]:
    """The run record, each status's count, the mapping, the rules without findings."""
    w = _W[lang]
    s = table.summary
    header = Report(as_of=table.as_of, run=table.run, summary=s, findings=[])
    rows = list(run_rows(header, plan, lang))
    rows += [
        (w["count"].format(status=status_name(k, lang)), str(getattr(s, k)))
        for k in shown_statuses(s)
    ]
    rows.append((w["mapping"], w["mapping_text"].format(**s.model_dump())))
    found = set(table.counts("rule_id").get_column("rule_id").to_list()) if s.total else set()
    quiet = sorted(r.id for r in plan.rules if r.id not in found)
    rows.append(
        (
            w["quiet"],
            w["quiet_text"].format(n=len(quiet), ids=w["sep"].join(quiet)) if quiet else w["none"],
        )
    )
    return rows


def write_junit(table: FindingsTable, plan: Plan, lang: str, out: TextIO) -> None:
    """The JUnit XML of ``table`` written to ``out``, a batch of findings at a time."""
    s = table.summary
    counts = {
        "tests": str(s.total),
        "failures": str(s.violated),
        "errors": "0",
        "skipped": str(s.pending + s.waived + s.not_applicable),
        "time": "0",
    }
    pack = table.run.pack
    root = ET.Element("testsuites", {"name": pack, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": f"{pack} @ {table.as_of}", **counts})
    props = ET.SubElement(suite, "properties")
    for key, value in _properties(table, plan, lang):
        ET.SubElement(props, "property", {"name": key, "value": value})
    ET.indent(root, space="  ")
    # ElementTree writes the head; the cases go between the properties and the closing tags.
    head = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    cut = head.index("</properties>") + len("</properties>")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + holdable(head[:cut]) + "\n")
    for batch in table.batches(columns=_COLUMNS):
        out.write(holdable("\n".join(_cases(batch, plan, pack, lang)) + "\n"))
    out.write("  </testsuite>\n</testsuites>\n")


def render_junit(table: FindingsTable, plan: Plan, lang: str = "zh") -> str:
    """The JUnit XML of ``table`` as text (see :func:`write_junit` to stream it)."""
    buf = io.StringIO()
    write_junit(table, plan, lang, buf)
    return buf.getvalue()


__all__ = ["render_junit", "write_junit"]
