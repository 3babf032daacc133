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
    A period holding several stretches in post (a gap out of post inside it) is judged once,
    from the first to the last day in post, and the policy applies to that whole span, its
    ``tenure_min_days`` to the days actually held (the stretches' days, not the span's:
    docs/rule-format.md, section 9); acts count only inside the stretches.
    """
    force_from, force_until = rule.in_force_from, rule.in_force_until or dt.date.max
    horizon = until or as_of
    listed: dict[str, Period] = {}
    for lo, hi in holder.tenure:
        start, end = max(lo, force_from), min(hi, force_until, horizon)
        for p in periods_between(per, start, end):
            listed.setdefault(p.label, p)
    return [
        _clip(p, holder.tenure, force_from, force_until, policy)
        for p in sorted(listed.values(), key=lambda p: p.start)
    ]


def _clip(
    p: Period,
    tenure: tuple[tuple[dt.date, dt.date], ...],
    force_from: dt.date,
    force_until: dt.date,
    policy: Any,
) -> Instance:
    """The period ``p`` cut by the force window and every stretch of ``tenure`` inside it."""
    w0, w1 = max(p.start, force_from), min(p.end, force_until)
    pieces = tuple(
        Period(a, b, p.label)
        for lo, hi in tenure
        if (a := max(lo, w0)) <= (b := min(hi, w1))  # the stretch has a day in the window
    )
    clipped = Period(pieces[0].start, pieces[-1].end, p.label)
    if force_from > p.start and policy.in_force == "exempt":
        return Instance(
            p,
            clipped,
            policy_words.BEFORE_FORCE.fill(force_from=force_from),
        )
    held = sum(piece.days() for piece in pieces)  # the days in post, the gap left out
    # INVARIANT: the tenure cuts the period only where it is narrower than the force window.
    cut_by_tenure = held < (w1 - w0).days + 1
    if cut_by_tenure and policy.tenure == "exempt":
        return Instance(
            p,
            clipped,
            policy_words.TENURE_CUT.fill(),
        )
    if cut_by_tenure and held < policy.tenure_min_days:
        return Instance(
            p,
            clipped,
            policy_words.TOO_SHORT.fill(days=held, need=policy.tenure_min_days),
        )
    return Instance(p, clipped, None, pieces if len(pieces) > 1 else ())
