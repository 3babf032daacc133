"""Reporters: one per format, each reading a :class:`Report`, the plan and an audit context."""

from hezhang_rules.report.context import AuditContext, build_context
from hezhang_rules.report.render import BINARY_FORMATS, FORMATS, render_report
from hezhang_rules.report.weights import EQUAL, Weights, load_weights

__all__ = [
    "BINARY_FORMATS",
    "EQUAL",
    "FORMATS",
    "AuditContext",
    "Weights",
    "build_context",
    "load_weights",
    "render_report",
]
