"""The words of findings: status names, the message template, and the ``Wording`` templates.

``STATUS_WORDS`` is the one table of status names; the finding messages and every report read
it. A :class:`Wording` is a pair of templates (``{name}`` placeholders) that the batch evaluator
fills with values (:meth:`Wording.fill`) and the columnar evaluator turns into string
expressions over columns (:meth:`Wording.parts` gives the literal pieces and the names).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

STATUS_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "fulfilled": "已履行",
        "fulfilled_late": "逾期履行",
        "violated": "未履行",
        "pending": "待履行",
        "waived": "已豁免",
        "not_applicable": "不适用",
    },
    "en": {
        "fulfilled": "fulfilled",
        "fulfilled_late": "fulfilled late",
        "violated": "violated",
        "pending": "pending",
        "waived": "waived",
        "not_applicable": "not applicable",
    },
}
"""Each status's name in each language (the one table: messages, reports, explain, to-do)."""

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Wording:
    """A text in Chinese and English with ``{name}`` placeholders."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        for text in (self.zh, self.en):
            for _lit, name, spec, conv in string.Formatter().parse(text):
                if name is not None and (spec or conv or not name.isidentifier()):
                    raise ValueError(f"a wording takes plain {{name}} fields: {text!r}")

    def fill(self, **values: Any) -> tuple[str, str]:
        """(zh, en) with every placeholder replaced by ``str(value)``."""
        return self.zh.format(**values), self.en.format(**values)

    def parts(self, lang: str) -> list[tuple[str, str | None]]:
        """The template of ``lang`` as (literal text, the field that follows or None) pieces."""
        text = self.zh if lang == "zh" else self.en
        out: list[tuple[str, str | None]] = []
        pos = 0
        for m in _FIELD.finditer(text):
            out.append((text[pos : m.start()], m.group(1)))
            pos = m.end()
        out.append((text[pos:], None))
        return out


MESSAGE = Wording(
    zh="第{article}条 {title}：{holder}{when}，{status}",
    en="Art. {article} {title}: {holder}{when} — {status}",
)
"""A finding's message; ``when`` is :data:`WHEN` filled with the period (or empty), and a
non-empty detail follows in :data:`DETAIL` brackets."""

WHEN = Wording(zh="，{period}", en=" in {period}")
"""The period in a message (the Chinese period label: ``periods.label_zh``)."""

DETAIL = Wording(zh="（{detail}）", en=" ({detail})")
"""A finding's detail text, after its message (when the detail is not empty)."""
