"""Finding messages in Chinese and English, built from a rule's title and the finding's details."""

from __future__ import annotations

from typing import Any

from hezhang_rules.compile.plan import Cond, PlanRule
from hezhang_rules.evaluate.periods import label_zh
from hezhang_rules.findings import Message

STATUS_ZH = {
    "fulfilled": "已履行",
    "fulfilled_late": "逾期履行",
    "violated": "未履行",
    "pending": "待履行",
    "not_applicable": "不适用",
}
STATUS_EN = {
    "fulfilled": "fulfilled",
    "fulfilled_late": "fulfilled late",
    "violated": "violated",
    "pending": "pending",
    "not_applicable": "not applicable",
}


def failed_condition(c: Cond, value: Any) -> tuple[str, str]:
    """A short (zh, en) description of a condition that did not hold."""
    if c.label is not None:
        return c.label.zh, c.label.en
    name_zh = c.field_title or c.field or ""
    name_en = c.field or ""
    op = c.op
    if op == "present":
        return (
            (f"缺少{name_zh}", f"missing {name_en}")
            if c.operand
            else (f"不应载明{name_zh}", f"{name_en} should be absent")
        )
    if op == "nonempty":
        return f"{name_zh}为空", f"{name_en} is empty"
    if op in ("equals", "in"):
        want = c.operand if op == "equals" else "/".join(sorted(map(str, c.operand)))
        return (f"{name_zh}应为{want}（实为{value}）", f"{name_en} should be {want} (is {value})")
    if op in ("not_equals", "not_in"):
        return f"{name_zh}不应为{value}", f"{name_en} should not be {value}"
    if op == "same_as":
        return (f"{name_zh}与{c.operand}不一致", f"{name_en} differs from {c.operand}")
    if op == "contains_all":
        want = "/".join(sorted(map(str, c.operand)))
        return (f"{name_zh}未包含全部：{want}", f"{name_en} does not include all of {want}")
    if op == "holds_role":
        roles = "/".join(sorted(c.operand.roles))
        return (
            f"{name_zh}（{value}）不具有{roles}职务",
            f"{name_en} ({value}) does not hold {roles}",
        )
    if op == "includes_holders_of":
        roles = "/".join(sorted(c.operand.roles))
        return (f"{name_zh}未包含全部{roles}", f"{name_en} does not include every {roles}")
    return f"{name_zh}不符合要求（{op}）", f"{name_en} fails `{op}`"


def render(
    rule: PlanRule,
    status: str,
    holder_name: str,
    period_label: str | None,
    detail_zh: str,
    detail_en: str,
) -> Message:
    when_zh = f"，{label_zh(period_label)}" if period_label else ""
    when_en = f" in {period_label}" if period_label else ""
    zh = f"第{rule.article}条 {rule.title.zh}：{holder_name}{when_zh}，{STATUS_ZH[status]}"
    en = f"Art. {rule.article} {rule.title.en}: {holder_name}{when_en} — {STATUS_EN[status]}"
    if detail_zh:
        zh += f"（{detail_zh}）"
    if detail_en:
        en += f" ({detail_en})"
    return Message.model_construct(zh=zh, en=en)
