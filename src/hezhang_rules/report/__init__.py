"""Reporters: one per format, each reading a :class:`FindingsTable`, the plan and an audit
context."""

from hezhang_rules.report.context import AuditContext, build_context, table_context
from hezhang_rules.report.render import BINARY_FORMATS, FORMATS, render_report, write_report
from hezhang_rules.report.table import FindingsTable, audit
from hezhang_rules.report.weights import EQUAL, Weights, load_weights

__all__ = [
    "BINARY_FORMATS",
    "EQUAL",
    "FORMATS",
    "AuditContext",
    "FindingsTable",
    "Weights",
    "audit",
    "build_context",
    "load_weights",
    "render_report",
    "table_context",
    "write_report",
]
