"""The words of a finding's message, from docs/report.md ("message") and rule-format.md §10.

The message is ``第{article}条 {title}：{holder}[，{period}]，{status}[（{detail}）]`` in Chinese
and ``Art. {article} {title}: {holder}[ in {period}] — {status}[ ({detail})]`` in English. The
period appears for count, forbid and yearly deadline findings only. The detail texts below that
report.md shows are written from it; the others (not-applicable reasons, "nothing done", the
descriptions of failed conditions other than ``present``) are not in the docs and are written
here as the reports word them.
"""

from __future__ import annotations

from typing import Any

from hezhang_rules.compile.plan import Cond, PlanRule
from hezhang_rules.findings import Message
from hezhang_rules.testing.reference.periods import chinese_label

STATUS = {
    "zh": {
        "fulfilled": "已履行",
        "fulfilled_late": "逾期履行",
        "violated": "未履行",
        "pending": "待履行",
        "not_applicable": "不适用",
    },
    "en": {
        "fulfilled": "fulfilled",
        "fulfilled_late": "fulfilled late",
        "violated": "violated",
        "pending": "pending",
        "not_applicable": "not applicable",
    },
}
"""report.md: "Status words: 已履行 fulfilled · 逾期履行 fulfilled late · 未履行 violated · 待履行
pending · 不适用 not applicable"."""

Detail = tuple[str, str]


def message(rule: PlanRule, holder: str, label: str | None, status: str, detail: Detail) -> Message:
    zh = f"第{rule.article}条 {rule.title.zh}：{holder}"
    en = f"Art. {rule.article} {rule.title.en}: {holder}"
    if label is not None:
        zh, en = f"{zh}，{chinese_label(label)}", f"{en} in {label}"
    zh, en = f"{zh}，{STATUS['zh'][status]}", f"{en} — {STATUS['en'][status]}"
    if detail[0]:
        zh += f"（{detail[0]}）"
    if detail[1]:
        en += f" ({detail[1]})"
    return Message(zh=zh, en=en)


def counted(start: Any, end: Any, n: int, need: int) -> Detail:
    return (
        f"{start}至{end}共{n}次，要求至少{need}次",
        f"{n} between {start} and {end}, at least {need} required",
    )


def on_river(river: str, d: Detail) -> Detail:
    return f"{river}：{d[0]}", f"{river}: {d[1]}"


def forbidden(n: int) -> Detail:
    return f"发现{n}项禁止事项", f"{n} forbidden fact(s)"


def delivered(due: Any, done: Any) -> Detail:
    if done is None:
        return f"截止{due}，未见报送", f"due {due}, nothing delivered"
    return f"截止{due}，{done}报送", f"due {due}, delivered {done}"


DUE_OUTSIDE: Detail = (
    "截止日早于办法施行或不在任期内",
    "due before the rules took effect or outside tenure",
)
DUE_BEFORE_DUTY: Detail = (
    "截止日早于办法施行或义务人开始承担义务",
    "due before the rules took effect or before the duty fell to the holder",
)


def too_soon(days: int, need: int) -> Detail:
    return (
        f"自办法施行（或义务人开始承担义务）至截止日仅{days}天，少于{need}天",
        f"only {days} days from the rules taking effect (or the duty falling to the holder) "
        f"to the due date, fewer than {need}",
    )


def answered(opened: Any, due: Any, done: Any) -> Detail:
    if done is None:
        return f"{opened}起，截止{due}，未见办理", f"opened {opened}, due {due}, nothing done"
    return f"{opened}起，截止{due}，{done}办理", f"opened {opened}, due {due}, done {done}"


def undated(field: str) -> Detail:
    return f"触发记录未载明{field}，无法确定期限", f"the trigger has no `{field}`: no due date"


def failure(c: Cond, value: Any) -> Detail:
    """§10 "Labels": a failed ``must`` condition's label, else a description made from the
    field's Chinese title and the operator (``缺少巡查地点`` / ``missing record.place``)."""
    if c.label is not None:
        return c.label.zh, c.label.en
    zh, en, op, want = c.field_title or c.field or "", c.field or "", c.op, c.operand
    if op == "present":
        return (
            (f"缺少{zh}", f"missing {en}") if want else (f"不应载明{zh}", f"{en} should be absent")
        )
    if op == "nonempty":
        return f"{zh}为空", f"{en} is empty"
    if op in ("equals", "in"):
        w = want if op == "equals" else "/".join(sorted(str(x) for x in want))
        return f"{zh}应为{w}（实为{value}）", f"{en} should be {w} (is {value})"
    if op in ("not_equals", "not_in"):
        return f"{zh}不应为{value}", f"{en} should not be {value}"
    if op == "same_as":
        return f"{zh}与{want}不一致", f"{en} differs from {want}"
    if op == "contains_all":
        w = "/".join(sorted(str(x) for x in want))
        return f"{zh}未包含全部：{w}", f"{en} does not include all of {w}"
    if op == "holds_role":
        roles = "/".join(sorted(want.roles))
        return f"{zh}（{value}）不具有{roles}职务", f"{en} ({value}) does not hold {roles}"
    if op == "includes_holders_of":
        roles = "/".join(sorted(want.roles))
        return f"{zh}未包含全部{roles}", f"{en} does not include every {roles}"
    return f"{zh}不符合要求（{op}）", f"{en} fails `{op}`"
