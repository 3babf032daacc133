"""Diagnostics: one located message type for every problem the library reports.

Every error the library raises on bad input is a :class:`HezhangError` carrying a non-empty list
of :class:`Diagnostic`. A diagnostic prints as ``file:line:col: code: message`` (OPA style) so
editors and terminals can jump to it; fact diagnostics also name the record and field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based position in a source file. PyYAML marks are 0-based: convert in ``source`` only."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in a rule file, a fact file or a command line."""

    code: str
    message: str
    span: Span | None = None
    help: str | None = None
    severity: Severity = "error"
    # Where in a fact file: "inspections[3] (id insp-3)" and "record.place".
    record: str | None = None
    field_path: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        span = self.span or Span("")
        return (span.file, span.line, span.col, self.code, self.message)

    def render(self) -> str:
        """One line (and an indented help line): characters that would break the line or drive
        the terminal (controls, line separators, lone surrogates) from a file name, a record or
        an option are written as escapes, and a very long quoted value is cut."""
        where = _one_line(str(self.span)) if self.span else "<input>"
        text = f"{where}: {self.code}: "
        if self.record:
            text += _one_line(self.record)
            text += f" field `{_one_line(self.field_path)}`: " if self.field_path else ": "
        elif self.field_path:
            text += f"field `{_one_line(self.field_path)}`: "
        text += _one_line(self.message)
        if self.help:
            text += f"\n  help: {_one_line(self.help)}"
        return text

    def __str__(self) -> str:
        return self.render()


_MAX_SHOWN = 2_000  # characters of one part of a diagnostic; past that it is cut, saying so


def _one_line(text: str) -> str:
    out = "".join(
        repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in text
    )
    if len(out) > _MAX_SHOWN:
        out = out[:_MAX_SHOWN] + f"… ({len(out)} characters)"
    return out


class HezhangError(Exception):
    """Raised with every diagnostic of a failed operation, sorted by location."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        diags = sorted(diagnostics, key=Diagnostic.sort_key)
        if not diags:
            raise ValueError("HezhangError needs at least one diagnostic")
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diags)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class RuleLoadError(HezhangError):
    """A rule file (or rule pack) is malformed or inconsistent."""


class FactLoadError(HezhangError):
    """A fact file is malformed, or its records are invalid or inconsistent."""


class UsageError(HezhangError):
    """The caller asked for something that cannot be done (bad option, missing path)."""


@dataclass
class DiagnosticSink:
    """Collects diagnostics so a stage can report every problem instead of the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(self, code: str, message: str, span: Span | None = None, **kw: str | None) -> None:
        self.items.append(Diagnostic(code, message, span, **kw))  # type: ignore[arg-type]

    def extend(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return a "did you mean" help text for the closest candidate, if one is close enough."""
    import difflib

    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
