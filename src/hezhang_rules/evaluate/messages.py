"""Finding messages in Chinese and English, built from a rule's title and the finding's details."""

from __future__ import annotations

import string
from typing import Any

from hezhang_rules.compile.plan import Cond, PlanRule
from hezhang_rules.evaluate.kinds.words import DETAIL, MESSAGE, STATUS_WORDS, WHEN
from hezhang_rules.evaluate.periods import label_zh
from hezhang_rules.findings import Message


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


def _positional(text: str, names: tuple[str, ...]) -> str:
    """``text`` with each ``{name}`` field numbered by its place in ``names`` (an unknown name
    fails at import). :func:`render` runs once per finding, and a positional ``str.format`` is
    several times faster than one by keyword (measured: 1.0 µs against 2.7 µs a message)."""
    out: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            out.append(f"{{{names.index(name)}}}")
    return "".join(out)


_FIELDS = ("article", "title", "holder", "when", "status")
_MESSAGE_ZH, _MESSAGE_EN = (_positional(t, _FIELDS) for t in (MESSAGE.zh, MESSAGE.en))
_WHEN_ZH, _WHEN_EN = (_positional(t, ("period",)) for t in (WHEN.zh, WHEN.en))
_DETAIL_ZH, _DETAIL_EN = (_positional(t, ("detail",)) for t in (DETAIL.zh, DETAIL.en))
_STATUS_ZH, _STATUS_EN = STATUS_WORDS["zh"], STATUS_WORDS["en"]


def render(
    rule: PlanRule,
    status: str,
    holder_name: str,
    period_label: str | None,
    detail_zh: str,
    detail_en: str,
) -> Message:
    """A finding's message in both languages: ``kinds.words.MESSAGE`` with the period in
    ``WHEN`` (when there is one), the status named by ``STATUS_WORDS``, and a non-empty detail
    in ``DETAIL`` after it."""
    when_zh = _WHEN_ZH.format(label_zh(period_label)) if period_label else ""
    when_en = _WHEN_EN.format(period_label) if period_label else ""
    zh = _MESSAGE_ZH.format(rule.article, rule.title.zh, holder_name, when_zh, _STATUS_ZH[status])
    en = _MESSAGE_EN.format(rule.article, rule.title.en, holder_name, when_en, _STATUS_EN[status])
    if detail_zh:
        zh += _DETAIL_ZH.format(detail_zh)
    if detail_en:
        en += _DETAIL_EN.format(detail_en)
    return Message.model_construct(zh=zh, en=en)
