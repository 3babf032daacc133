"""Why a period or a due date does not apply: the period policy of a dated duty
(docs/rule-format.md, section 9).

A ``count``, ``forbid`` or ``deadline`` period cut by the rules' taking effect or by the
holder's tenure is judged or not as its ``periods`` policy says; when it is not, the finding is
``not_applicable`` with one of these texts as its detail (``evaluate.instances._clip`` words
it for the batch evaluator, ``columnar.holders`` for the post holders listed in columns).
A ``deadline``'s due date is likewise not judged when it falls before the rules took effect,
outside the tenure or too soon after either (the ``DUE_*`` and ``TOO_SOON`` texts, worded by
``evaluate.batch``).
"""

from __future__ import annotations

from hezhang_rules.evaluate.kinds.words import Wording

BEFORE_FORCE = Wording(
    zh="本期始于办法施行（{force_from}）之前，按参数不计",
    en="the period began before the rules took effect ({force_from}); exempt",
)
"""``in_force: exempt``: the period began before the rules took effect."""

TENURE_CUT = Wording(
    zh="任职未覆盖整个期间，按参数不计",
    en="the tenure does not cover the whole period; exempt",
)
"""``tenure: exempt``: the holder's tenure does not cover the whole period."""

TOO_SHORT = Wording(
    zh="本期任职仅{days}天，少于{need}天",
    en="in post for {days} days, fewer than {need}",
)
"""A period cut by tenure to fewer days than the policy's ``tenure_min_days``."""

DUE_OUTSIDE = Wording(
    zh="截止日早于办法施行或不在任期内",
    en="due before the rules took effect or outside tenure",
)
"""Not applicable: the due date falls before the rules took effect or outside the tenure."""

DUE_BEFORE_DUTY = Wording(
    zh="截止日早于办法施行或义务人开始承担义务",
    en="due before the rules took effect or before the duty fell to the holder",
)
"""Not applicable: the due date falls on or before the start (e.g. ``--param in_force=`` after a
once deadline)."""

TOO_SOON = Wording(
    zh="自办法施行（或义务人开始承担义务）至截止日仅{days}天，少于{need}天",
    en="only {days} days from the rules taking effect (or the duty falling to the holder) "
    "to the due date, fewer than {need}",
)
"""Not applicable: fewer than the policy's ``tenure_min_days`` between the start and the due
date (docs/rule-format.md, section 9)."""
