"""Calendar periods and the period policy, read from docs/rule-format.md section 9.

Written for the reference evaluator only: it shares nothing with ``hezhang_rules.evaluate``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hezhang_rules.compile.plan import PeriodPolicy

DAY = dt.timedelta(days=1)
FOREVER = dt.date.max
"""The end of a stretch with no end (still in post, never dissolved)."""

Stretch = tuple[dt.date, dt.date]
"""An inclusive run of days ``(first, last)``."""


@dataclass(frozen=True)
class Span:
    """An inclusive run of days with its label (a calendar period, a day, ``once``)."""

    start: dt.date
    end: dt.date
    label: str

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _last_of_month(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first_of_next - DAY


def calendar_period(per: str, day: dt.date) -> Span:
    """§9 "Calendar periods": the one period of ``per`` holding ``day``, with its label
    (``2021``, ``2021-H1``/``H2``, ``2021-Q1``…``Q4``, ``2021-07``)."""
    y, m = day.year, day.month
    if per == "year":
        return Span(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y))
    if per == "half_year":
        first = 1 if m <= 6 else 7
        return Span(
            dt.date(y, first, 1), _last_of_month(y, first + 5), f"{y}-H{1 if m <= 6 else 2}"
        )
    if per == "quarter":
        q = (m - 1) // 3 + 1
        return Span(dt.date(y, 3 * q - 2, 1), _last_of_month(y, 3 * q), f"{y}-Q{q}")
    if per == "month":
        return Span(dt.date(y, m, 1), _last_of_month(y, m), f"{y}-{m:02d}")
    raise ValueError(per)


def periods_touching(per: str, first: dt.date, last: dt.date) -> list[Span]:
    """Every calendar period of ``per`` sharing a day with ``first``..``last``, in order."""
    out: list[Span] = []
    day = first
    while day <= last:
        p = calendar_period(per, day)
        out.append(p)
        if p.end >= last:
            break
        day = p.end + DAY
    return out


def chinese_label(label: str) -> str:
    """How a period label reads in a Chinese message (docs/report.md, "message":
    ``2021年上半年``); the other forms follow the same pattern."""
    year, _, part = label.partition("-")
    if not part:
        return f"{year}年"
    if part in ("H1", "H2"):
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
    if part.startswith("Q"):
        return f"{year}年第{part[1:]}季度"
    return f"{year}年{int(part)}月"


def overlap(a: Stretch, b: Stretch) -> Stretch | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class Judged:
    """One period a holder answers for (§9): the calendar period, the part of it judged
    (cut by force and tenure: first to last day in post), the stretches in post inside it
    (acts elsewhere do not count) and, when the policy exempts it, why (zh, en)."""

    calendar: Span
    cut: Span
    stretches: tuple[Stretch, ...]
    exempt: tuple[str, str] | None


def judged_periods(
    per: str,
    tenure: tuple[Stretch, ...],
    force: Stretch,
    policy: PeriodPolicy,
    horizon: dt.date,
) -> list[Judged]:
    """§9: the periods a holder answers for, each cut by the rules' force and the tenure.

    A holder answers for every period that overlaps its tenure and the rules' force; the
    sentence "begins on or before the as-of date" is read as: some day of the period in post
    and in force is on or before ``horizon`` (the as-of date; for deadlines due before their
    year begins, the later day §8.5 gives), so nothing is owed before the rules or the post
    exist. Then the policy:

    * ``in_force``: a period that began before ``in_force.from`` is exempt, or cut (``clip``);
    * ``tenure``: a period the tenure covers only in part (narrower than the force window
      inside it) is exempt, or cut to the first..last day in post (``clip``);
    * ``tenure_min_days``: a period cut by the tenure in which the holder held the post
      fewer than N days (the days of the stretches in post, a gap left out) is exempt.
    """
    out: list[Judged] = []
    live = [s for t in tenure if (s := overlap(t, force)) is not None]
    reachable = [s for s in live if s[0] <= horizon]
    if not reachable:
        return out
    labels: list[Span] = []
    for s in reachable:
        for p in periods_touching(per, s[0], min(s[1], horizon)):
            if p not in labels:
                labels.append(p)
    for p in sorted(labels, key=lambda p: p.start):
        window = overlap((p.start, p.end), force)
        assert window is not None
        inside = tuple(s for t in tenure if (s := overlap(t, window)) is not None)
        cut = Span(inside[0][0], inside[-1][1], p.label)
        days_in_post = sum((b - a).days + 1 for a, b in inside)
        cut_by_tenure = days_in_post < (window[1] - window[0]).days + 1
        why: tuple[str, str] | None = None
        if force[0] > p.start and policy.in_force == "exempt":
            why = (
                f"本期始于办法施行（{force[0]}）之前，按参数不计",
                f"the period began before the rules took effect ({force[0]}); exempt",
            )
        elif cut_by_tenure and policy.tenure == "exempt":
            why = (
                "任职未覆盖整个期间，按参数不计",
                "the tenure does not cover the whole period; exempt",
            )
        elif cut_by_tenure and days_in_post < policy.tenure_min_days:
            n, need = days_in_post, policy.tenure_min_days
            why = (f"本期任职仅{n}天，少于{need}天", f"in post for {n} days, fewer than {need}")
        out.append(Judged(p, cut, inside, why))
    return out
