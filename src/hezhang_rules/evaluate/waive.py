"""Applying waivers to findings: the one place a finding becomes ``waived`` (docs/waivers.md).

Every engine calls this once its findings are made: the batch evaluator and the monitor
through ``run_plan``, the columnar engine on its batch part's findings; the columnar rules'
finding columns get the same decision as a polars expression (``columnar.waive``), built from
the same waivers, patterns (``Waiver.patterns``) and order.

The rule, for each finding:

1. the waivers that **match** it are those whose patterns all match its rule id, holder id and
   period label (or its finding id); each counts it (``WaiverUse.matched``), in force or not;
2. the first waiver in file order that matches it and is **in force** on the as-of date
   (``approved <= as_of <= expires``) waives it if its status is ``violated``,
   ``fulfilled_late`` or ``pending`` (``WAIVABLE``): the status becomes ``waived`` and
   ``Finding.waiver`` keeps the waiver and the former status;
3. a finding **escalated** from a waived finding (``escalated_from``) that no waiver waives of
   its own is waived by the same waiver (if its status is waivable): the breach it escalates
   was excused, so the escalation is too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from hezhang_rules.findings import Finding, FindingWaiver, WaiverUse
from hezhang_rules.waivers import WAIVABLE, Waiver, Waivers


def finding_fields(f: Finding) -> dict[str, str]:
    """The fields a waiver's patterns read: rule id, holder id, period label, finding id."""
    return {"rule_id": f.rule_id, "holder_id": f.holder.id, "label": f.period.label, "id": f.id}


def excuse(w: Waiver, status: str) -> FindingWaiver:
    """What a finding waived by ``w`` keeps: the waiver and its former ``status``."""
    return FindingWaiver.model_validate(
        {
            "id": w.id,
            "approver": w.approver,
            "approved": w.approved,
            "reason": w.reason,
            "expires": w.expires,
            "status": status,
        }
    )


def uses(
    waivers: Waivers, as_of: dt.date, matched: Sequence[int], waived: Sequence[int]
) -> list[WaiverUse]:
    """Each waiver with its state on ``as_of`` and its counts, in file order."""
    return [
        WaiverUse(
            id=w.id,
            rule=w.rule,
            holder=w.holder,
            period=w.period,
            finding=w.finding,
            approver=w.approver,
            approved=w.approved,
            reason=w.reason,
            expires=w.expires,
            state=w.state(as_of),
            matched=m,
            waived=n,
        )
        for w, m, n in zip(waivers.waivers, matched, waived, strict=True)
    ]


def apply_waivers(
    findings: Iterable[Finding], waivers: Waivers, as_of: dt.date
) -> tuple[list[Finding], list[int], list[int]]:
    """``findings`` (in their order) with the waivers in force applied, and per waiver (file
    order) how many findings it matched and how many it waived."""
    ws = waivers.waivers
    matched = [0] * len(ws)
    waived = [0] * len(ws)
    in_force = [w.state(as_of) == "in_force" for w in ws]
    out: list[Finding] = []
    by_id: dict[str, Finding] = {}
    for f in findings:
        fields = finding_fields(f)
        chosen: int | None = None
        for i, w in enumerate(ws):
            if w.matches(fields):
                matched[i] += 1
                if chosen is None and in_force[i]:
                    chosen = i
        if chosen is not None and f.status in WAIVABLE:
            waived[chosen] += 1
            f = f.model_copy(update={"status": "waived", "waiver": excuse(ws[chosen], f.status)})
        out.append(f)
        by_id[f.id] = f
    index = {w.id: i for i, w in enumerate(ws)}
    for k, f in enumerate(out):
        source = _waived_source(f, by_id)
        if source is not None and f.status in WAIVABLE:
            assert source.waiver is not None
            i = index[source.waiver.id]
            waived[i] += 1
            matched[i] += 1
            out[k] = f.model_copy(update={"status": "waived", "waiver": excuse(ws[i], f.status)})
    return out, matched, waived


def _waived_source(f: Finding, by_id: dict[str, Finding]) -> Finding | None:
    """The waived finding ``f`` escalates, through a chain of escalations, if any."""
    seen = 0
    while f.escalated_from is not None and seen < len(by_id):
        source = by_id.get(f.escalated_from)
        if source is None:
            return None
        if source.status == "waived":
            return source
        f, seen = source, seen + 1
    return None


def waive_report_findings(
    findings: list[Finding], waivers: Waivers | None, as_of: dt.date
) -> tuple[list[Finding], list[WaiverUse]]:
    """``apply_waivers`` and the waivers' uses, or the findings as they are without waivers."""
    if waivers is None:
        return findings, []
    out, matched, waived = apply_waivers(findings, waivers, as_of)
    return out, uses(waivers, as_of, matched, waived)


__all__ = ["apply_waivers", "excuse", "finding_fields", "uses", "waive_report_findings"]
