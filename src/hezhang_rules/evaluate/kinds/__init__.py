"""What each requirement kind means, written once: its status rule, its detail keys, its words.

One module per kind — :mod:`.count`, :mod:`.forbid`, :mod:`.deadline`, :mod:`.response`,
:mod:`.evidence` — holds

* ``status(x, ...)``: the status rule, written over an :class:`~.ops.Ops` so that the batch
  evaluator applies it to Python values (``VALUES``) and the columnar one to polars expressions
  (``columnar.exprs.EXPRS``): the same function, two interpreters;
* ``DETAIL_KEYS``: the keys of the finding's ``details`` (docs/report.md lists them);
* its :class:`~.words.Wording` templates: the detail text in Chinese and English, filled with
  values by the batch evaluator, turned into string expressions by the columnar one.

The statuses themselves and their words are in :mod:`.words` (``STATUS_WORDS``), read by the
messages and by every report; why a dated duty's period does not apply, in :mod:`.policy`.
Nothing here imports polars: the core stays light.
"""

from hezhang_rules.evaluate.kinds import count, deadline, evidence, forbid, policy, response
from hezhang_rules.evaluate.kinds.ops import VALUES, Ops, duty_status
from hezhang_rules.evaluate.kinds.words import MESSAGE, STATUS_WORDS, Wording

__all__ = [
    "MESSAGE",
    "STATUS_WORDS",
    "VALUES",
    "Ops",
    "Wording",
    "count",
    "deadline",
    "duty_status",
    "evidence",
    "forbid",
    "policy",
    "response",
]
