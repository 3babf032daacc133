"""Words every reporter shares: status names and marks, fact kinds, holder groups (zh and en)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from hezhang_rules.compile.plan import Plan, Text2
from hezhang_rules.evaluate.kinds.words import STATUS_WORDS
from hezhang_rules.facts.enums import in_order
from hezhang_rules.facts.enums import term as glossary_term
from hezhang_rules.findings import Finding, RunRecord, Status

LANGS = ("zh", "en")

MARK: dict[str, str] = {
    "violated": "✗",
    "fulfilled_late": "!",
    "pending": "…",
    "waived": "~",
    "fulfilled": "✓",
    "not_applicable": "-",
}

# Fill colours (RGB hex, no '#') used by the HTML and xlsx reports.
COLOUR: dict[Status, str] = {
    "violated": "C62828",
    "fulfilled_late": "EF6C00",
    "pending": "1565C0",
    "waived": "6A1B9A",
    "fulfilled": "2E7D32",
    "not_applicable": "9E9E9E",
}
TINT: dict[Status, str] = {
    "violated": "FFCDD2",
    "fulfilled_late": "FFE0B2",
    "pending": "BBDEFB",
    "waived": "E1BEE7",
    "fulfilled": "C8E6C9",
    "not_applicable": "EEEEEE",
}

GROUPS = ("district", "township", "department", "other")
GROUP: dict[str, dict[str, str]] = {
    "zh": {"district": "区级", "township": "乡镇（街道）", "department": "部门", "other": "其他"},
    "en": {
        "district": "District",
        "township": "Townships",
        "department": "Departments",
        "other": "Other",
    },
}

HOLDER_KIND: dict[str, dict[str, str]] = {
    "zh": {"person": "人员", "unit": "单位", "jurisdiction": "行政区"},
    "en": {"person": "person", "unit": "unit", "jurisdiction": "jurisdiction"},
}

REQUIREMENT: dict[str, dict[str, str]] = {
    "zh": {
        "count": "定期次数",
        "forbid": "禁止事项",
        "deadline": "限期报送",
        "response": "限期答复",
        "evidence": "记录要素",
    },
    "en": {
        "count": "count per period",
        "forbid": "prohibition",
        "deadline": "deadline",
        "response": "response to a trigger",
        "evidence": "evidence on a record",
    },
}

SEVERITY: dict[str, dict[str, str]] = {
    "zh": {"mandatory": "强制性要求", "advisory": "一般性要求"},
    "en": {"mandatory": "mandatory", "advisory": "advisory"},
}

KIND_ZH: dict[str, str] = {
    "jurisdictions": "行政区",
    "people": "人员",
    "units": "单位",
    "appointments": "任职",
    "rivers": "河湖",
    "meetings": "会议",
    "inspections": "巡查",
    "rectification_opinions": "整改意见",
    "rectification_reports": "整改报告",
    "supervision_opinions": "督察督办意见书",
    "evaluations": "评估验收",
    "complaint_cases": "举报案件",
    "case_transfers": "案件移交",
    "case_results": "调查处理结果",
    "enforcement_cases": "行政执法案件",
    "penalties": "行政处罚",
    "liaison_lists": "联络员名单",
    "assessment_indicators": "考核指标和考核标准",
    "assessment_plans": "考核工作方案",
    "assessment_implementation_rules": "考核工作实施细则",
    "assessment_results": "考核结果",
    "assessment_summaries": "考核结果汇总",
    "rewards": "奖励",
    "accountability_actions": "责任追究",
    "information_reports": "信息报送",
    "notifications": "信息通报",
    "disclosures": "信息公开",
    "information_platforms": "信息管理平台",
    "implementing_measures": "实施办法（细则）",
}


def kind_name(kind: str, lang: str) -> str:
    """A fact kind for people: 巡查 / inspection."""
    if lang == "zh":
        return KIND_ZH.get(kind, kind)
    return kind.replace("_", " ")


def term(value: object, lang: str, enum: str | None = None) -> str:
    """An enumerated value (a post, a unit type, a meeting kind, an inspection method …) for
    people, from the one glossary: :func:`hezhang_rules.facts.enums.term` (which the engines'
    finding wording also reads)."""
    return glossary_term(value, lang, enum)


def terms(values: Iterable[object], lang: str, enum: str | None = None) -> str:
    """Several values through :func:`term`, in the glossary's order (the enumeration's, which
    follows the regulation's lists), joined as a list is in ``lang`` (、 or a comma)."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(term(v, lang, enum) for v in in_order(values, enum))


_CODE = re.compile(r"[a-z][a-z0-9_]*")


def param_value(value: Any, lang: str, enum: str | None = None) -> str:
    """A parameter's value for people. Enumerated values (a parameter of roles, levels, unit
    types, a period, a period policy, or compared with an enumerated field) through the glossary,
    joined (区级、乡镇级 / district, township); under ``zh`` booleans and ``null`` too (是、未载明),
    since a Chinese report shows no raw code. Anything else as written in a rule file (JSON-like,
    Chinese unescaped)."""
    items = list(value) if isinstance(value, list | tuple | frozenset | set) else [value]
    named = enum is not None and all(isinstance(v, str) or v is None for v in items)
    flags = lang == "zh" and all(isinstance(v, bool) or v is None for v in items)
    if (named or flags) and not items:
        return "无" if lang == "zh" else "none"
    if named or flags:
        return terms(items, lang, enum)
    if lang == "zh" and items and all(isinstance(v, str) for v in items):
        # free texts (a portfolio): as written, an identifier marked as the code it is
        return "、".join(f"`{v}`" if _CODE.fullmatch(v) else v for v in items)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        value = sorted(value, key=str)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def status_name(status: str, lang: str) -> str:
    """A status for people (未履行 / violated), from the one table of status words."""
    return STATUS_WORDS[lang][status]


def text_in(text: Text2, lang: str) -> str:
    """A text the rule files give in both languages (a reading, a reason), in ``lang``."""
    return text.zh if lang == "zh" else text.en


def pack_title(plan: Plan, lang: str) -> str:
    """The pack's title in ``lang``; its name when the pack has no title."""
    return (plan.title.zh if lang == "zh" else plan.title.en) or plan.pack


def article_titles(plan: Plan, lang: str) -> dict[int, str]:
    """Each article's title in ``lang``, by article number (the base pack's: an overlay's
    articles are numbered in its own text)."""
    return {a.number: (a.title.zh if lang == "zh" else a.title.en) for a in plan.base_articles()}


def article_name(n: int, lang: str) -> str:
    """An article's short name (``第3条``, ``Art. 3``): tables, charts, matrices, citations."""
    return f"第{n}条" if lang == "zh" else f"Art. {n}"


ARTICLE: dict[str, str] = {"zh": "第{n}条", "en": "Article {n}"}
"""An article's full name: the section headings of the text and Markdown reports."""


def article_heading(
    plan: Plan, overlay: str, article: int, lang: str, short: bool = False
) -> tuple[str, str]:
    """(name, title) of an article: ``第3条`` and the base pack's title, or, for an overlay's
    (``overlay``: its pack; empty for the base pack), ``《河西镇河长制工作实施办法》第3条`` and
    its own article's title: an overlay's articles are numbered in its own text, so its art. 3
    is never the base pack's. ``short``: the short name (:func:`article_name`), for tables."""
    name = article_name(article, lang) if short else ARTICLE[lang].format(n=article)
    if not overlay:
        return name, article_titles(plan, lang).get(article, "")
    info = next((o for o in plan.overlays if o.pack == overlay), None)
    own = next((a for a in plan.articles if a.overlay == overlay and a.number == article), None)
    measures = text_in(info.title, lang) if info is not None else overlay
    title = text_in(own.title, lang) if own is not None else ""
    return (f"《{measures}》{name}" if lang == "zh" else f"{measures}, {name}"), title


SUPPLIED: dict[str, str] = {
    "zh": "期限由规则包补充，条文未规定：{name}",
    "en": "deadline supplied by the pack, not by the text: {name}",
}


VERSION_MARK: dict[str, str] = {
    "zh": "依“{label}”版本判定",
    "en": "judged under version {label}",
}
"""The mark of a finding judged under a version of an amended article (``details.version``)."""


def versions_text(run: RunRecord, lang: str) -> str:
    """The run record's versions in one line: each article's version, the days it judges
    and the instrument that made it."""
    out = []
    for v in run.versions:
        until = v.judged_until.isoformat() if v.judged_until else ""
        if lang == "zh":
            days = f"{v.judged_from}至{until}" if until else f"{v.judged_from}起"
            made = f"，{v.amended_by.name}（{v.amended_by.date}）" if v.amended_by else ""
            pack = f"{v.overlay} " if v.overlay else ""
            out.append(f"{pack}第{v.article}条“{v.version}”（{days}{made}）")
        else:
            days = f"{v.judged_from} to {until}" if until else f"from {v.judged_from}"
            made = f", {v.amended_by.name} ({v.amended_by.date})" if v.amended_by else ""
            pack = f"{v.overlay} " if v.overlay else ""
            out.append(f"{pack}art. {v.article} “{v.version}” ({days}{made})")
    return ("；" if lang == "zh" else "; ").join(out)


def due_supplied(f: Finding, lang: str) -> str:
    """The mark of a finding whose due date rests on a number or date the text does not state
    (``details.due_supplied``: a parameter with `basis: supplied`); empty otherwise."""
    name = f.details.get("due_supplied")
    return SUPPLIED[lang].format(name=name) if name else ""


def due_marked(f: Finding, lang: str) -> str:
    """The finding's due date (empty when none), followed by the supplied-deadline mark."""
    supplied = due_supplied(f, lang)
    due = str(f.due or "")
    if not supplied:
        return due
    return f"{due}（{supplied}）" if lang == "zh" else f"{due} ({supplied})"


BASIS: dict[str, dict[str, str]] = {
    "zh": {"stated": "条文规定", "supplied": "规则包补充，条文未规定"},
    "en": {"stated": "stated by the text", "supplied": "supplied by the pack, not by the text"},
}


def basis_name(basis: str | None, lang: str) -> str:
    """Where a number or date parameter's value comes from (`basis`); empty for other types."""
    return BASIS[lang].get(basis or "", "")
