"""The report's waivers section, in words every format shares (docs/waivers.md).

Each waiver of the waiver file is listed with its state on the as-of date (in force, expired,
not yet approved), how many findings it names and how many it made ``waived``, its approver,
dates and reason; a waiver in force that names no finding is said to match nothing (most
likely a typo, or a duty already met).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hezhang_rules.findings import WaiverUse

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "豁免",
        "in_force": "有效",
        "expired": "已过期，未适用",
        "not_yet_approved": "尚未批准，未适用",
        "nothing": "未匹配任何检查结果",
        "counts": "匹配{matched}项，豁免{waived}项",
        "approval": "{approver}于{approved}批准，有效期至{expires}",
        "reason": "理由",
        "none": "无",
        "cols": "编号|状态|匹配|豁免|批准人|批准日|到期日|理由",
        "waiver": "豁免",
    },
    "en": {
        "title": "Waivers",
        "in_force": "in force",
        "expired": "expired, not applied",
        "not_yet_approved": "not yet approved, not applied",
        "nothing": "matched no finding",
        "counts": "matched {matched}, waived {waived}",
        "approval": "approved by {approver} on {approved}, expires {expires}",
        "reason": "reason",
        "none": "none",
        "cols": "id|state|matched|waived|approver|approved|expires|reason",
        "waiver": "waiver",
    },
}


@dataclass(frozen=True)
class WaiverRow:
    """One waiver as a table row, in the report's language."""

    id: str
    state: str
    matched: int
    waived: int
    approver: str
    approved: str
    expires: str
    reason: str


def state_text(u: WaiverUse, lang: str) -> str:
    """The waiver's state in words; a waiver in force naming no finding says so."""
    w = WORDS[lang]
    if u.state == "in_force" and not u.matched:
        return w["in_force"] + ("，" if lang == "zh" else ", ") + w["nothing"]
    return w[u.state]


def waiver_rows(waivers: Sequence[WaiverUse], lang: str) -> list[WaiverRow]:
    """Each waiver, in file order, as a row."""
    return [
        WaiverRow(
            u.id,
            state_text(u, lang),
            u.matched,
            u.waived,
            u.approver,
            u.approved.isoformat(),
            u.expires.isoformat(),
            u.reason,
        )
        for u in waivers
    ]


def columns(lang: str) -> list[str]:
    """The headings of a waivers table."""
    return WORDS[lang]["cols"].split("|")


def waiver_lines(waivers: Sequence[WaiverUse], lang: str) -> list[str]:
    """The text report's waivers section (one line per waiver), empty without waivers."""
    if not waivers:
        return []
    w = WORDS[lang]
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    out = ["", w["title"] + colon.rstrip()]
    for u in waivers:
        counts = w["counts"].format(matched=u.matched, waived=u.waived)
        approval = w["approval"].format(approver=u.approver, approved=u.approved, expires=u.expires)
        out.append(
            f"  {u.id}{colon}{state_text(u, lang)}{sep}{counts}{sep}{approval}{sep}"
            f"{w['reason']}{colon}{u.reason}"
        )
    return out


__all__ = ["WORDS", "WaiverRow", "columns", "state_text", "waiver_lines", "waiver_rows"]
