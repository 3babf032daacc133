"""Obligation instances: the periods a holder answers for, cut by tenure and by the rules' force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hezhang_rules.compile.plan import PlanRule
from hezhang_rules.evaluate.kinds import policy as policy_words
from hezhang_rules.evaluate.periods import Period, periods_between
from hezhang_rules.evaluate.world import Holder


@dataclass(frozen=True)
class Instance:
    """A period a holder answers for, after clipping; ``na`` says why it does not apply."""

    period: Period
    clipped: Period
    na: tuple[str, str] | None = None
    pieces: tuple[Period, ...] = ()  # the stretches in post inside the period (default: clipped)

    def covers(self, day: dt.date | None) -> bool:
        """Whether an act on ``day`` counts: it falls in one of the stretches in post."""
        return day is not None and any(p.contains(day) for p in self.pieces or (self.clipped,))


def instances(
    rule: PlanRule,
    holder: Holder,
    per: str,
    policy: Any,
    as_of: dt.date,
    until: dt.date | None = None,
) -> list[Instance]:
    """The periods ``holder`` answers for, clipped by tenure and force (see PeriodPolicy).

    Periods that have begun by the as-of date are listed (or by ``until``, for deadlines
    due before their period begins, such as next year's indicators due this December).
    """
    force_from, force_until = rule.in_force_from, rule.in_force_until or dt.date.max
    horizon = until or as_of
    out = []
    for lo, hi in holder.tenure:
        start, end = max(lo, force_from), min(hi, force_until, horizon)
        for p in periods_between(per, start, end):
            out.append(_clip(p, lo, hi, force_from, force_until, policy))
    merged: dict[str, Instance] = {}
    for inst in out:
        # Several stretches in post inside one period: one instance spanning them, whose
        # acts count only inside the stretches (a gap out of post does not count).
        prev = merged.get(inst.period.label)
        if prev is None or (prev.na and not inst.na):
            merged[inst.period.label] = inst
        elif not inst.na and not prev.na:
            merged[inst.period.label] = Instance(
                inst.period,
                Period(
                    min(prev.clipped.start, inst.clipped.start),
                    max(prev.clipped.end, inst.clipped.end),
                    inst.period.label,
                ),
                None,
                (*(prev.pieces or (prev.clipped,)), *(inst.pieces or (inst.clipped,))),
            )
    return [merged[k] for k in sorted(merged, key=lambda k: merged[k].period.start)]


def _clip(
    p: Period, lo: dt.date, hi: dt.date, force_from: dt.date, force_until: dt.date, policy: Any
) -> Instance:
    start = max(p.start, lo, force_from)
    end = min(p.end, hi, force_until)
    clipped = Period(start, end, p.label)
    if force_from > p.start and policy.in_force == "exempt":
        return Instance(
            p,
            clipped,
            policy_words.BEFORE_FORCE.fill(force_from=force_from),
        )
    # INVARIANT: the tenure cuts the period only where it is narrower than the force window.
    cut_by_tenure = lo > max(p.start, force_from) or hi < min(p.end, force_until)
    if cut_by_tenure and policy.tenure == "exempt":
        return Instance(
            p,
            clipped,
            policy_words.TENURE_CUT.fill(),
        )
    if cut_by_tenure and clipped.days() < policy.tenure_min_days:
        return Instance(
            p,
            clipped,
            policy_words.TOO_SHORT.fill(days=clipped.days(), need=policy.tenure_min_days),
        )
    return Instance(p, clipped)
