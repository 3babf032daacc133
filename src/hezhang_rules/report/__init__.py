"""Reporters: one per format, each reading a :class:`Report` (and article titles) only."""

from hezhang_rules.report.render import FORMATS, render_report

__all__ = ["FORMATS", "render_report"]
