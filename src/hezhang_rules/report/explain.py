"""Why a finding has its status, and what would make it compliant.

:func:`explain` builds an :class:`Explanation` from a finding, the plan and the audit context:
the rule and its article's text, the holder and period, the deciding facts with their fields,
every parameter the rule used with its reading, and, for a violated or pending duty, what would
make it compliant, derived from the rule's requirement in the plan (count, forbid, deadline,
response, evidence). ``explain`` prints it as text; the HTML report renders the same object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, assert_never

from hezhang_rules.compile import plan
from hezhang_rules.compile.operators import OPERATORS, Operand
from hezhang_rules.compile.plan import Cond, Plan, PlanRule, RelatedTest, RoleTest, Selection
from hezhang_rules.facts.enums import in_order
from hezhang_rules.findings import Finding
from hezhang_rules.report.context import AuditContext, FactView, HolderInfo
from hezhang_rules.report.i18n import (
    HOLDER_KIND,
    REQUIREMENT,
    SEVERITY,
    VERSION_MARK,
    article_name,
    basis_name,
    due_marked,
    kind_name,
    param_value,
    status_name,
    term,
    text_in,
)
from hezhang_rules.report.safe import holdable, one_line


@dataclass(frozen=True)
class ParamLine:
    name: str
    value: str
    reads: str  # the article's words
    reading: str  # in the explanation's language
    reason: str  # in the explanation's language
    overridden: bool
    basis: str | None = None  # `stated` / `supplied` for numbers and dates


@dataclass(frozen=True)
class Explanation:
    finding: Finding
    lang: str
    as_of: dt.date
    rule_title: str
    clause: str
    requirement: str  # the requirement type's name in ``lang``
    severity: str
    article_heading: str  # 第16条 河长巡查
    article_text: str
    holder: HolderInfo
    facts: tuple[FactView, ...]
    unknown_facts: tuple[str, ...]  # evidence ids the context has no record of
    params: tuple[ParamLine, ...]
    remedy: str | None  # what would make it compliant (violated, pending)
    status_rule: str  # how the status follows from the dates
    waiver: str | None = None  # the waiver of a waived finding, in words


def waiver_text(f: Finding, lang: str) -> str | None:
    """The waiver that excuses ``f`` (a ``waived`` finding) and its status without it, in
    words; None for a finding no waiver excuses."""
    w = f.waiver
    if w is None:
        return None
    before = status_name(w.status, lang)
    if lang == "zh":
        return (
            f"豁免 {w.id}：{w.approver}于{w.approved}批准，有效期至{w.expires}；理由：{w.reason}；"
            f"未豁免时的状态：{before}"
        )
    return (
        f"waiver {w.id}: approved by {w.approver} on {w.approved}, expires {w.expires}; "
        f"reason: {w.reason}; status without the waiver: {before}"
    )


def _params(rule: PlanRule, plan: Plan, lang: str) -> tuple[ParamLine, ...]:
    info = {p.name: p for p in plan.parameters}
    out = []
    for use in rule.params:
        p = info.get(use.name)
        out.append(
            ParamLine(
                use.name,
                param_value(use.value, lang, p.enum if p else None),
                p.reads if p else "",
                text_in(p.reading if p else use.reading, lang),
                text_in(p.reason, lang) if p else "",
                p.overridden if p else False,
                p.basis if p else None,
            )
        )
    return tuple(out)


class _Words:
    """Positive descriptions of conditions ("巡查方式为 a/b 之一"), in one language."""

    def __init__(self, ctx: AuditContext, lang: str, holder: str) -> None:
        self.ctx = ctx
        self.zh = lang == "zh"
        self.lang = lang
        self.holder = holder

    def operand(self, value: Any, enum: str | None = None) -> str:
        """A condition's value for people; an enumerated one through the glossary."""
        if isinstance(value, frozenset | set | list | tuple):
            return "/".join(self.operand(v, enum) for v in in_order(value, enum))
        if isinstance(value, bool) or value is None:
            return term(value, self.lang)
        if isinstance(value, dt.date):
            return value.isoformat()
        if enum is not None:
            return term(value, self.lang, enum)
        return str(value)

    def roles(self, test: RoleTest) -> str:
        text = "/".join(term(r, self.lang, "Role") for r in sorted(test.roles))
        if test.levels:
            levels = sorted(test.levels)
            lv = "/".join(term(x, self.lang, "JurisdictionLevel") for x in levels)
            text = f"{lv}{text}" if self.zh else f"{text} ({lv})"
        return text

    def conds(self, conds: tuple[Cond, ...], kind: str) -> list[str]:
        return [self.cond(c, kind) for c in conds]

    def cond(self, c: Cond, kind: str) -> str:
        """What ``c`` asks, in the words ``OPERATORS`` gives its operator (``OpInfo.says``)."""
        info = OPERATORS[c.op]
        v = c.operand
        words = info.says
        if info.says_if_false is not None and not (v.exists if isinstance(v, RelatedTest) else v):
            words = info.says_if_false
        elif info.says_one is not None and len(v) == 1:
            words = info.says_one
        name = (c.field_title or c.field or "") if self.zh else (c.field or "")
        parts: dict[str, str] = {"name": name}
        match info.operand:
            case Operand.FLAG | Operand.FIELD:
                parts["want"] = self.operand(v)
            case Operand.VALUE | Operand.VALUES:
                parts["want"] = self.operand(v, c.enum)
            case Operand.ROLES:
                parts["roles"] = self.roles(v)
            case Operand.CONDITIONS:
                said = self.conds(v, kind)
                parts["inner"] = self.join(said)
                parts["alts"] = (" 或 " if self.zh else " or ").join(said)
            case Operand.RELATED:
                inner = self.join(self.conds(v.where, v.kind))
                parts["kind"] = kind_name(v.kind, self.lang)
                parts["where"] = (f"（{inner}）" if self.zh else f" ({inner})") if inner else ""
            case unknown:
                assert_never(unknown)
        return (words.zh if self.zh else words.en).format_map(parts)

    def join(self, parts: list[str]) -> str:
        return ("，".join(parts)) if self.zh else ", ".join(parts)

    def bind(self, fname: str, target: str, kind: str, trigger_kind: str | None = None) -> str:
        title = self.ctx.title(kind, fname, self.lang)
        if target == "holder":
            return f"{title}为{self.holder}" if self.zh else f"{title} is {self.holder}"
        if target.startswith("trigger."):
            other = target[len("trigger.") :]
            if trigger_kind is not None:
                other = self.ctx.title(trigger_kind, other, self.lang)
            return (
                f"{title}与触发记录的{other}一致"
                if self.zh
                else (f"{title} matches the trigger's {other}")
            )
        what = target.split(".", 1)[1]
        return (
            f"{title}为{self.holder}的{'行政区' if what == 'jurisdiction' else '单位'}"
            if self.zh
            else f"{title} is {self.holder}'s {what}"
        )

    def selection(self, sel: Selection, trigger_kind: str | None = None) -> str:
        parts = [self.bind(f, t, sel.kind, trigger_kind) for f, t in sel.bind]
        parts += self.conds(sel.where, sel.kind)
        return self.join(parts)


def _remedy(f: Finding, rule: PlanRule, ctx: AuditContext, lang: str) -> str | None:
    if f.status not in ("violated", "pending"):
        return None
    zh = lang == "zh"
    w = _Words(ctx, lang, f.holder.name)
    req = rule.requirement
    start, end, due = f.period.start, f.period.end, f.due
    if isinstance(req, plan.CountPlan):
        kind = kind_name(req.select.kind, lang)
        have = int(f.details.get("count", 0))
        need = max(req.at_least - have, 1)
        conds = w.selection(req.select)
        date = ctx.title(req.select.kind, req.select.date_field, lang)
        if f.status == "pending":
            return (
                f"在{start}至{end}之间（含）再有{need}条{kind}记录：{conds}，{date}在此期间内（已有{have}条，"
                f"要求至少{req.at_least}条）。"
                if zh
                else f"{need} more {kind} record(s) where {conds}, with {date} between {start} "
                f"and {end} inclusive ({have} so far, at least {req.at_least} required)."
            )
        return (
            f"本应在{start}至{end}之间（含）有至少{req.at_least}条{kind}记录：{conds}（实有{have}条）。"
            "该期间已结束，事后补做不计入本期。"
            if zh
            else f"At least {req.at_least} {kind} record(s) where {conds}, with {date} between "
            f"{start} and {end} inclusive, were needed ({have} found). The period is over: a "
            "later act does not count for it."
        )
    if isinstance(req, plan.ForbidPlan):
        kind = kind_name(req.select.kind, lang)
        conds = w.selection(req.select)
        if f.status == "pending":
            return (
                f"至{end}（含）不出现以下{kind}记录：{conds}。"
                if zh
                else f"No {kind} record where {conds} until {end} inclusive."
            )
        found = "、".join(f.evidence) if zh else ", ".join(f.evidence)
        return (
            f"不得有以下{kind}记录：{conds}。本期已发现：{found}。禁止事项已经发生，不能事后补救。"
            if zh
            else f"No {kind} record where {conds} may exist in the period; found: {found}. "
            "A prohibition that was broken cannot be cured afterwards."
        )
    if isinstance(req, plan.DeadlinePlan):
        kind = kind_name(req.select.kind, lang)
        parts = [w.selection(req.select)]
        if req.period_field and f.period.label.isdigit():
            pf = ctx.title(req.select.kind, req.period_field, lang)
            parts.append(f"{pf}为{f.period.label}" if zh else f"{pf} is {f.period.label}")
        conds = w.join([p for p in parts if p])
        date = ctx.title(req.select.kind, req.select.date_field, lang)
        text = (
            f"一条{kind}记录：{conds}，{date}不晚于{due}。"
            if zh
            else f"A {kind} record where {conds}, with {date} on or before {due}."
        )
        if f.status == "violated":
            text += (
                "已逾期：现在报送将记为逾期履行。"
                if zh
                else (" It is overdue: delivering it now makes the finding fulfilled late.")
            )
        return text
    if isinstance(req, plan.ResponsePlan):
        kind = kind_name(req.response.kind, lang)
        parts = []
        if req.link is not None:
            title = ctx.title(req.response.kind, req.link, lang)
            if req.link_to is not None:
                parts.append(
                    f"{title}与触发记录的{req.link_to}一致"
                    if zh
                    else (f"{title} matches the trigger's {req.link_to}")
                )
            else:
                parts.append(f"{title}为{f.subject}" if zh else f"{title} is {f.subject}")
        if req.each_link is not None:  # one duty per listed item: the item is the id's last part
            item = f.id.rsplit("/", 1)[1]
            title = ctx.title(req.response.kind, req.each_link, lang)
            parts.append(
                f"{title}列有{item}或未逐项列明" if zh else f"{title} lists {item} or lists none"
            )
        parts.append(w.selection(req.response, req.trigger_kind))
        conds = w.join([p for p in parts if p])
        date = ctx.title(req.response.kind, req.response.date_field, lang)
        opened = f.details.get("opened") or start
        text = (
            f"一条{kind}记录：{conds}，{date}在{opened}至{due}之间（含）。"
            if zh
            else f"A {kind} record where {conds}, with {date} between {opened} and {due} inclusive."
        )
        if f.status == "violated":
            text += (
                "已逾期：现在办理将记为逾期履行。"
                if zh
                else (" It is overdue: doing it now makes the finding fulfilled late.")
            )
        return text
    if isinstance(req, plan.EvidencePlan):
        failed = _failed(f, lang)
        items = ("；" if zh else "; ").join(failed)
        return (
            f"记录{f.subject}须更正，消除以下问题：{items}。"
            if zh
            else f"Record {f.subject} must be corrected so that none of these holds: {items}."
        )
    return None


def _failed(f: Finding, lang: str) -> list[str]:
    if lang != "zh":
        return [str(x) for x in f.details.get("failed", [])]
    marker = "，未履行（"
    msg = f.message.zh
    at = msg.find(marker)
    if at < 0 or not msg.endswith("）"):
        return [str(x) for x in f.details.get("failed", [])]
    return msg[at + len(marker) : -1].split("；")


def _status_rule(f: Finding, as_of: dt.date, lang: str) -> str:
    if f.status == "not_applicable":
        return (
            "本期不产生义务，原因见上。"
            if lang == "zh"
            else ("No duty arises for this period; the reason is in the message.")
        )
    if f.requirement == "evidence":
        return (
            "记录一经载明即按其内容判定：满足全部要求为已履行，否则为未履行。"
            if lang == "zh"
            else "A record is judged on its content once dated: every element met is "
            "fulfilled, otherwise violated."
        )
    if f.requirement == "forbid":
        return (
            f"期间内出现禁止事项即为未履行；期间结束（{f.due}）未出现为已履行；否则为待履行。"
            if lang == "zh"
            else f"Any forbidden act in the period is a violation; none by its end ({f.due}) "
            "is fulfilled; otherwise pending."
        )
    return (
        f"截止日{f.due}（含）前履行为已履行，晚于截止日履行为逾期履行；检查基准日{as_of}晚于截止日仍未履行为未履行，"
        "否则为待履行。"
        if lang == "zh"
        else f"Met on or before {f.due}: fulfilled; met later: fulfilled late; unmet with the "
        f"as-of date ({as_of}) after the due date: violated; otherwise pending."
    )


def explain(
    finding: Finding, plan: Plan, ctx: AuditContext, as_of: dt.date, lang: str = "zh"
) -> Explanation:
    """Everything an auditor needs to see why ``finding`` has its status."""
    # a versioned rule: the version that judged the finding, with its own text and parameters
    rule = plan.rule(finding.rule_id, finding.details.get("version"))
    article = plan.article_of(rule)
    title = (article.title.zh if lang == "zh" else article.title.en) if article else ""
    text = article.text.strip() if article else ""
    if rule.version is not None:
        title += ("（{}）" if lang == "zh" else " ({})").format(
            VERSION_MARK[lang].format(label=rule.version.label)
        )
        text = (rule.version.text or text).strip()
    overlay = next((o for o in plan.overlays if o.pack == rule.overlay), None)
    if overlay is not None:  # the overlay's own article: name its text first
        measures = overlay.title.zh if lang == "zh" else overlay.title.en
        cited = f"《{measures}》" if lang == "zh" else f"{measures}, "
    else:
        cited = ""
    ids = list(finding.evidence)
    if finding.subject and finding.subject not in ids:
        ids.insert(0, finding.subject)
    facts = tuple(ctx.facts[i] for i in ids if i in ctx.facts)
    return Explanation(
        finding=finding,
        lang=lang,
        as_of=as_of,
        rule_title=rule.title.zh if lang == "zh" else rule.title.en,
        clause=rule.clause,
        requirement=REQUIREMENT[lang][finding.requirement],
        severity=SEVERITY[lang][finding.severity],
        article_heading=f"{cited}{article_name(rule.article, lang)} {title}".strip(),
        article_text=text,
        holder=ctx.holder(finding.holder),
        facts=facts,
        unknown_facts=tuple(i for i in ids if i not in ctx.facts),
        params=_params(rule, plan, lang),
        remedy=_remedy(finding, rule, ctx, lang),
        status_rule=_status_rule(finding, as_of, lang),
        waiver=waiver_text(finding, lang),
    )


_LABELS = {
    "zh": {
        "finding": "检查结果",
        "status": "状态",
        "rule": "规则",
        "clause": "所依条款",
        "source": "规则位置",
        "text": "条文",
        "holder": "责任主体",
        "answerable": "负责人或负责单位",
        "vacant": "空缺：该条所指单位或职务当日无人，列出的是责任主体",
        "column": "归属",
        "period": "期间",
        "due": "截止日",
        "facts": "依据的事实",
        "no_facts": "（无）",
        "unknown": "（未在事实中找到）",
        "params": "所用参数（解读）",
        "reads": "原文",
        "reading": "解读",
        "reason": "理由",
        "overridden": "本次改用",
        "remedy": "怎样才算合规",
        "how": "判定方法",
        "to": "至",
        "waiver": "豁免",
    },
    "en": {
        "finding": "Finding",
        "status": "Status",
        "rule": "Rule",
        "clause": "Clause",
        "source": "Rule source",
        "text": "Article text",
        "holder": "Holder",
        "answerable": "Answerable",
        "vacant": "vacant: the unit or post the article names had no one on the day; the holder "
        "is named",
        "column": "Counted under",
        "period": "Period",
        "due": "Due",
        "facts": "Deciding facts",
        "no_facts": "(none)",
        "unknown": "(not found in the facts)",
        "params": "Parameters used (readings)",
        "reads": "reads",
        "reading": "reading",
        "reason": "reason",
        "overridden": "overridden for this run",
        "remedy": "What would make it compliant",
        "how": "How the status is decided",
        "to": "to",
        "waiver": "Waiver",
    },
}


def labels(lang: str) -> dict[str, str]:
    return _LABELS[lang]


def _answerable_line(f: Finding, lang: str) -> list[str]:
    """Who answers for the finding and the article that says so (none for an old report)."""
    a = f.answerable
    if a is None:
        return []
    L = _LABELS[lang]
    cited = f"第{a.basis.article}条" if lang == "zh" else f"art. {a.basis.article}"
    day = f" · {a.basis.on}" if a.basis.on is not None else ""
    vacant = f" · {L['vacant']}" if a.basis.vacant else ""
    kind = HOLDER_KIND[lang][a.kind]
    return [f"{L['answerable']}: {one_line(a.name)} ({kind} {a.id}) · {cited}{day}{vacant}"]


def render_explanation(e: Explanation, lang: str = "zh") -> str:
    """The explanation as plain text (``hezhang-rules explain``)."""
    L, f = _LABELS[lang], e.finding
    msg = one_line(f.message.zh if lang == "zh" else f.message.en)
    kind = HOLDER_KIND[lang][f.holder.kind]
    out = [
        f"{L['finding']}: {f.id}",
        f"{L['status']}: {status_name(f.status, lang)}",
        *([f"{L['waiver']}: {one_line(e.waiver)}"] if e.waiver else []),
        msg,
        "",
        f"{L['rule']}: {f.rule_id} — {e.rule_title} ({e.requirement}, {e.severity})",
        f"  {L['clause']}: {e.clause}",
        f"  {L['source']}: {f.source}",
        f"{L['text']} ({e.article_heading}):",
        *(f"  {line}" for line in e.article_text.splitlines()),
        "",
        f"{L['holder']}: {one_line(f.holder.name)} ({kind} {f.holder.id}) · {L['column']}: "
        f"{one_line(e.holder.column_name)}",
        *_answerable_line(f, lang),
        f"{L['period']}: {f.period.label} ({f.period.start} {L['to']} {f.period.end})"
        + (f" · {L['due']}: {due_marked(f, lang)}" if f.due else ""),
        "",
        f"{L['facts']}:",
    ]
    if not e.facts and not e.unknown_facts:
        out.append(f"  {L['no_facts']}")
    for v in e.facts:
        head = f"  - {v.id} · {kind_name(v.kind, lang)}"
        out.append(head + (f" · {v.date}" if v.date else ""))
        out += [f"      {x.title}: {one_line(x.value)}" for x in v.fields]
    out += [f"  - {i} {L['unknown']}" for i in e.unknown_facts]
    out += ["", f"{L['params']}:"]
    for p in e.params:
        mark = f" ({L['overridden']})" if p.overridden else ""
        basis = basis_name(p.basis, lang)
        mark += f" ({basis})" if basis else ""
        out.append(f"  - {p.name} = {p.value}{mark}")
        if p.reads:
            out.append(f"      {L['reads']}: {p.reads}")
        out.append(f"      {L['reading']}: {p.reading.strip()}")
        if p.reason:
            out.append(f"      {L['reason']}: {p.reason.strip()}")
    out += ["", f"{L['how']}: {e.status_rule}"]
    if e.remedy:
        out += [f"{L['remedy']}: {one_line(e.remedy)}"]
    return holdable("\n".join(out) + "\n")
