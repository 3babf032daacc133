"""Finding messages in Chinese and English, built from a rule's title and the finding's details."""

from __future__ import annotations

from hezhang_rules.compile.operators import failed_condition as failed_condition  # moved there
from hezhang_rules.compile.plan import PlanRule
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
