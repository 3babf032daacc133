"""Shared pieces of the subcommands: option parsing, plan loading, atomic output, exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.loader import load_rules
from hezhang_rules.source import DEFAULT_LIMITS, Limits, SourceError, parse_yaml

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID = 0, 1, 2


def default_rules_dir() -> Path:
    """The bundled pack: ``$HEZHANG_RULES_DIR``, else ``rules/qinghemen`` of this checkout."""
    env = os.environ.get("HEZHANG_RULES_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "rules" / "qinghemen"


def parse_as_of(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_date",
                    f"--as-of expects a date written YYYY-MM-DD, got `{text}`",
                    Span("<command line>"),
                )
            ]
        ) from None


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_bad_param",
                        f"--param expects NAME=VALUE, got `{item}`",
                        Span("<command line>"),
                    )
                ]
            )
        try:
            out[name.strip()] = parse_yaml(raw, "<command line>").data
        except SourceError as exc:
            raise UsageError(exc.diagnostics) from None
    return out


def parse_limits(items: Sequence[str]) -> Limits:
    values: dict[str, int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        try:
            if not sep:
                raise ValueError("expected NAME=VALUE")
            values[name.strip()] = int(raw)
        except ValueError as exc:
            raise UsageError(
                [Diagnostic("hz_usage_bad_limit", f"--limit {item}: {exc}", Span("<command line>"))]
            ) from None
    try:
        return Limits.with_overrides(values)
    except ValueError as exc:
        raise UsageError(
            [Diagnostic("hz_usage_bad_limit", str(exc), Span("<command line>"))]
        ) from None


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory, renamed only when complete."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_plan(rules: str | None, params: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> Plan:
    return compile_rules(load_rules(rules or default_rules_dir(), limits), parse_overrides(params))


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2, one line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"<command line>: hz_usage: {message}\n")
        raise SystemExit(EXIT_INVALID)
