"""Finding messages in Chinese and English, built from a rule's title and the finding's details."""

from __future__ import annotations

import string

from hezhang_rules.compile.plan import PlanRule
from hezhang_rules.evaluate.kinds.words import DETAIL, MESSAGE, STATUS_WORDS, WHEN
from hezhang_rules.evaluate.periods import label_zh
from hezhang_rules.findings import Message


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
