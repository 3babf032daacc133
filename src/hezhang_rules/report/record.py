"""The run record every format carries: version, digests, as-of date, parameters in effect.

There is deliberately no generation time: the same rules, facts, as-of date, parameters and
weights give byte-identical reports, and the digests below identify those inputs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Protocol

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import RunRecord
from hezhang_rules.report.i18n import pack_title, param_value, text_in, versions_text

_W = {
    "zh": {
        "version": "程序版本",
        "pack": "规则包",
        "title": "规则包名称",
        "rules_digest": "规则摘要 (sha256)",
        "rules": "规则数",
        "facts_digest": "事实摘要 (sha256)",
        "facts": "事实记录数",
        "as_of": "检查基准日",
        "overridden": "改用的参数",
        "versions": "条文版本",
        "parameters": "生效参数",
        "none": "无",
        "all_default": "{n}个参数，除改用者外均为规则包取值（见参数表）",
        "weights": "赋分权重",
        "equal": "内置等权（每条规则权重1，逾期履行计0.5）",
        "waivers_digest": "豁免文件摘要 (sha256)",
        "overlays": "叠加规则包",
        "overlay": "{pack}《{title}》（{kind}，适用于 {scope} 及其下级，摘要 {digest}）",
        "town_measures": "乡镇实施办法",
        "department_plan": "部门实施方案",
    },
    "en": {
        "version": "Package version",
        "pack": "Rule pack",
        "title": "Pack title",
        "rules_digest": "Rules digest (sha256)",
        "rules": "Rules",
        "facts_digest": "Facts digest (sha256)",
        "facts": "Fact records",
        "as_of": "As of",
        "overridden": "Parameters overridden",
        "versions": "Article versions",
        "parameters": "Parameters in effect",
        "none": "none",
        "all_default": "{n} parameters, all at the pack's values except those overridden "
        "(see the parameter table)",
        "weights": "Weights",
        "equal": "built-in equal weights (1 per rule, fulfilled late counts 0.5)",
        "waivers_digest": "Waiver file digest (sha256)",
        "overlays": "Overlays",
        "overlay": '{pack} "{title}" ({kind}, for {scope} and below, digest {digest})',
        "town_measures": "a town's measures",
        "department_plan": "a department's plan",
    },
}


class Header(Protocol):
    """What the run record reads of a report: a :class:`~hezhang_rules.findings.Report` or a
    :class:`~hezhang_rules.report.table.FindingsTable`."""

    @property
    def as_of(self) -> dt.date: ...

    @property
    def run(self) -> RunRecord: ...


def overrides_text(report: Header, lang: str) -> str:
    items = sorted(report.run.parameters_overridden.items())
    if not items:
        return _W[lang]["none"]
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in items)


def overlays_text(report: Header, plan: Plan, lang: str) -> str | None:
    """The overlays of the run (art. 37: a town's measures, a department's plan), each with its
    title, kind, scope and digest; ``None`` for a run of the base pack alone."""
    w = _W[lang]
    titles = {o.pack: text_in(o.title, lang) for o in plan.overlays}
    parts = [
        w["overlay"].format(
            pack=o.pack,
            title=titles.get(o.pack, o.pack),
            kind=w[o.kind],
            scope=o.scope,
            digest=o.digest[:12],
        )
        for o in report.run.overlays
    ]
    return ("；" if lang == "zh" else "; ").join(parts) or None


def overlay_label(lang: str) -> str:
    """The overlays' label in ``lang`` (:func:`overlays_text` gives the value)."""
    return _W[lang]["overlays"]


def run_rows(
    report: Header, plan: Plan, lang: str, weights_source: str | None = None
) -> list[tuple[str, str]]:
    """(label, value) rows of the run record, for tables (the overlays' row only when the run
    has overlays, the waiver file's digest only when it had one)."""
    w, r = _W[lang], report.run
    title = pack_title(plan, lang)
    overlays = overlays_text(report, plan, lang)
    waivers = [] if r.waivers_digest is None else [(w["waivers_digest"], r.waivers_digest)]
    versions = [(w["versions"], versions_text(r, lang))] if r.versions else []
    return [
        (w["version"], f"hezhang-rules {r.package_version}"),
        (w["pack"], r.pack),
        (w["title"], title),
        (w["rules_digest"], r.rules_digest),
        *([(w["overlays"], overlays)] if overlays else []),
        (w["rules"], str(plan.rule_count)),
        (w["facts_digest"], r.facts_digest),
        (w["facts"], str(r.facts_count)),
        (w["as_of"], report.as_of.isoformat()),
        *versions,
        (w["overridden"], overrides_text(report, lang)),
        (w["parameters"], w["all_default"].format(n=len(plan.parameters))),
        (w["weights"], weights_source or w["equal"]),
        *waivers,
    ]


def run_lines(report: Header, plan: Plan, lang: str) -> list[str]:
    """A compact two-line run record for text outputs (a third naming the overlays, if any)."""
    w, r = _W[lang], report.run
    overlays = overlays_text(report, plan, lang)
    return [
        f"{w['as_of']}: {report.as_of} · hezhang-rules {r.package_version}",
        f"{w['pack']}: {r.pack} ({r.rules_digest[:12]}) · {w['facts']}: {r.facts_count} "
        f"({r.facts_digest[:12]}) · {w['overridden']}: {overrides_text(report, lang)}",
        *([f"{w['overlays']}: {overlays}"] if overlays else []),
    ]


@dataclass(frozen=True)
class ParamRow:
    name: str
    value: str
    default: str
    overridden: bool
    article: int | None
    reads: str  # the article's own words (Chinese in both languages: it quotes the text)
    reading: str  # in the report's language
    reason: str  # in the report's language
    rules: tuple[str, ...]
    basis: str | None = None  # `stated` / `supplied` for numbers and dates


def param_rows(plan: Plan, lang: str = "zh") -> list[ParamRow]:
    """Every parameter of the plan with its value, reading and the rules that use it; the
    reading and the reason in ``lang`` (issue 19: rule files carry both languages)."""
    users: dict[str, list[str]] = {}
    for rule in plan.rules:
        for use in rule.params:
            users.setdefault(use.name, []).append(rule.id)
    return [
        ParamRow(
            p.name,
            param_value(p.value, lang, p.enum),
            param_value(p.default, lang, p.enum),
            p.overridden,
            p.article,
            p.reads,
            " ".join(text_in(p.reading, lang).split()),
            " ".join(text_in(p.reason, lang).split()),
            tuple(sorted(set(users.get(p.name, [])))),
            p.basis,
        )
        for p in sorted(plan.parameters, key=lambda p: p.name)
    ]
