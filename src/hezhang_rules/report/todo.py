"""The to-do view: open (pending) obligations per holder, by due date, with a warning window."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from itertools import groupby

from hezhang_rules.compile.plan import Plan
from hezhang_rules.findings import Finding, Report
from hezhang_rules.report.context import AuditContext, HolderInfo
from hezhang_rules.report.i18n import GROUP, HOLDER_KIND, due_supplied
from hezhang_rules.report.record import run_lines
from hezhang_rules.report.safe import holdable, json_text, one_line

DEFAULT_WITHIN = 30


@dataclass(frozen=True)
class TodoItem:
    finding: Finding
    holder: HolderInfo
    due: dt.date | None
    days_left: int | None  # due - as_of, in days
    soon: bool  # due within the warning window


def todo_items(report: Report, ctx: AuditContext, within: int = DEFAULT_WITHIN) -> list[TodoItem]:
    """Every pending finding, ordered by due date, then holder, then finding id."""
    out = []
    for f in report.findings:
        if f.status != "pending":
            continue
        left = (f.due - report.as_of).days if f.due else None
        soon = left is not None and left <= within
        out.append(TodoItem(f, ctx.holder(f.holder), f.due, left, soon))
    out.sort(key=lambda t: (t.due or dt.date.max, t.holder.id, t.finding.id))
    return out


_W = {
    "zh": {
        "title": "待办事项（待履行的义务）",
        "none": "没有待履行的义务",
        "soon": "{n}天内到期",
        "window": "预警期: {n}天内到期的标记为 ⚠",
        "left": "还剩{n}天",
        "today": "今天到期",
        "count": "共{n}项，其中{m}项在{d}天内到期",
    },
    "en": {
        "title": "To do (pending obligations)",
        "none": "no pending obligations",
        "soon": "due within {n} days",
        "window": "warning window: items due within {n} days are marked ⚠",
        "left": "{n} days left",
        "today": "due today",
        "count": "{n} items, {m} of them due within {d} days",
    },
}


def _left(t: TodoItem, lang: str) -> str:
    if t.days_left is None:
        return ""
    if t.days_left == 0:
        return _W[lang]["today"]
    return _W[lang]["left"].format(n=t.days_left)


def _item_lines(t: TodoItem, lang: str) -> list[str]:
    msg = one_line(t.finding.message.zh if lang == "zh" else t.finding.message.en)
    flag = "⚠" if t.soon else " "
    left = f" · {_left(t, lang)}" if t.due else ""
    supplied = due_supplied(t.finding, lang)
    left += f" · {supplied}" if supplied else ""
    return [f"  {flag} {t.due or '—'}  {msg}", f"      {t.finding.id}{left}"]


def render_todo(
    report: Report, plan: Plan, ctx: AuditContext, within: int, lang: str = "zh"
) -> str:
    """Text: the items due soon first, then one block per column (district, towns,
    departments) and holder, each holder's items by due date."""
    w = _W[lang]
    items = todo_items(report, ctx, within)
    out = [w["title"], *run_lines(report, plan, lang), w["window"].format(n=within), ""]
    soon = [t for t in items if t.soon]
    out.append(w["count"].format(n=len(items), m=len(soon), d=within))
    if not items:
        out += ["", w["none"]]
    if soon:
        out += ["", f"⚠ {w['soon'].format(n=within)}"]
        for t in soon:
            out += _item_lines(t, lang)
    by_holder = sorted(items, key=lambda t: (t.holder.order, t.holder.column, t.holder.id))
    for _, column in groupby(by_holder, key=lambda t: t.holder.column):
        rows = list(column)
        h = rows[0].holder
        group = GROUP[lang][h.group]
        name = one_line(h.column_name)
        heading = name if h.column_name == group else f"{group} · {name}"
        out += ["", f"== {heading} =="]
        for _, mine in groupby(rows, key=lambda t: t.holder.id):
            block = sorted(mine, key=lambda t: (t.due or dt.date.max, t.finding.id))
            first = block[0]
            kind = HOLDER_KIND[lang][first.finding.holder.kind]
            out.append(f"{one_line(first.finding.holder.name)} ({kind} {first.finding.holder.id})")
            for t in block:
                out += _item_lines(t, lang)
    return holdable("\n".join(out) + "\n")


def render_todo_json(report: Report, ctx: AuditContext, within: int) -> str:
    rows = [
        {
            "id": t.finding.id,
            "rule_id": t.finding.rule_id,
            "article": t.finding.article,
            "holder": t.finding.holder.model_dump(mode="json"),
            "column": t.holder.column,
            "group": t.holder.group,
            "due": t.due.isoformat() if t.due else None,
            "days_left": t.days_left,
            "due_soon": t.soon,
            "message": t.finding.message.model_dump(mode="json"),
        }
        for t in todo_items(report, ctx, within)
    ]
    doc = {"as_of": report.as_of.isoformat(), "within_days": within, "items": rows}
    return json_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
