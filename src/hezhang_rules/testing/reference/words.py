"""The words of a finding's message, from docs/report.md ("message") and rule-format.md §10.

The message is ``第{article}条 {title}：{holder}[，{period}]，{status}[（{detail}）]`` in Chinese
and ``Art. {article} {title}: {holder}[ in {period}] — {status}[ ({detail})]`` in English. The
period appears for count, forbid and yearly deadline findings only. The detail texts below that
report.md shows are written from it; the others (not-applicable reasons, "nothing done", the
descriptions of failed conditions other than ``present``) are not in the docs and are written
here as the reports word them.
"""

from __future__ import annotations

import contextlib
from enum import Enum
from typing import Any

from hezhang_rules.compile.plan import Cond, PlanRule
from hezhang_rules.facts.enums import in_order, term
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import PathError, resolve_path
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


def undated(kind: str | None, field: str) -> Detail:
    """The trigger lacks the date field the rule reads: named by its title in Chinese (the fact
    model's, as every report names fields), by its path in English."""
    title = field
    if kind in FACT_KINDS and field:
        with contextlib.suppress(PathError):
            title = resolve_path(FACT_KINDS[kind], field).title or field
    return f"触发记录未载明{title}，无法确定期限", f"the trigger has no `{field}`: no due date"


def _word(x: Any, lang: str, enum: str | None) -> Any:
    """A value as messages show it: enumerated values, booleans and null in the glossary's words
    (facts.enums.GLOSSARY; docs/report.md: no raw code in a message), anything else as is."""
    if isinstance(x, bool) or x is None or enum is not None or isinstance(x, Enum):
        return term(x, lang, enum)
    return x


def _values(xs: Any, lang: str, enum: str | None) -> str:
    return "/".join(str(_word(x, lang, enum)) for x in in_order(xs, enum))


def failure(c: Cond, value: Any) -> Detail:
    """§10 "Labels": a failed ``must`` condition's label, else a description made from the
    field's Chinese title and the operator (``缺少巡查地点`` / ``missing record.place``), its
    values in the glossary's words."""
    if c.label is not None:
        return c.label.zh, c.label.en
    zh, en, op, want = c.field_title or c.field or "", c.field or "", c.op, c.operand
    e = c.enum
    vz, ve = (
        (value, value)
        if isinstance(value, list)
        else (_word(value, "zh", e), _word(value, "en", e))
    )
    if op == "present":
        return (
            (f"缺少{zh}", f"missing {en}") if want else (f"不应载明{zh}", f"{en} should be absent")
        )
    if op == "nonempty":
        return f"{zh}为空", f"{en} is empty"
    if op in ("equals", "in"):
        if op == "equals":
            wz, we = _word(want, "zh", e), _word(want, "en", e)
        else:
            wz, we = _values(want, "zh", e), _values(want, "en", e)
        return f"{zh}应为{wz}（实为{vz}）", f"{en} should be {we} (is {ve})"
    if op in ("not_equals", "not_in"):
        return f"{zh}不应为{vz}", f"{en} should not be {ve}"
    if op == "same_as":
        return f"{zh}与{want}不一致", f"{en} differs from {want}"
    if op == "contains_all":
        wz, we = _values(want, "zh", e), _values(want, "en", e)
        return f"{zh}未包含全部：{wz}", f"{en} does not include all of {we}"
    if op in ("holds_role", "includes_holders_of"):
        rz, re_ = (
            "/".join(term(r, lang, "Role") for r in sorted(want.roles)) for lang in ("zh", "en")
        )
        if op == "holds_role":
            return f"{zh}（{vz}）不具有{rz}职务", f"{en} ({ve}) does not hold {re_}"
        return f"{zh}未包含全部{rz}", f"{en} does not include every {re_}"
    return f"{zh}不符合要求（{op}）", f"{en} fails `{op}`"
