"""A reference evaluator: small, slow, and checkable line by line against the docs.

``reference_evaluate(plan, facts, as_of)`` has the engines' signature and returns the same
:class:`~hezhang_rules.findings.Report`. It is written from docs/rule-format.md (sections 6-12)
and docs/report.md alone, over the compiled plan and the fact models, and shares no evaluation
code with the engines (``hezhang_rules.evaluate``, ``.columnar``, ``.monitor``; an import-linter
contract forbids those imports): its own periods, holders, conditions, due dates and statuses.
The tests compare every engine's findings with it field by field (tests/reference/). Each
function cites the section it implements; where a doc sentence admits two readings, the
docstring says which one is taken.
"""

from hezhang_rules.testing.reference.evaluate import reference_evaluate

__all__ = ["reference_evaluate"]
