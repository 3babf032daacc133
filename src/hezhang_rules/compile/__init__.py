"""Rule set → plan."""

from hezhang_rules.compile.compiler import compile_rules
from hezhang_rules.compile.plan import Plan, PlanRule

__all__ = ["Plan", "PlanRule", "compile_rules"]
