"""Shared pieces of the subcommands: option parsing, plan loading, exit codes.

What a command writes goes through :mod:`hezhang_rules.cli.output`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.loader import load_rules
from hezhang_rules.source import DEFAULT_LIMITS, Limits, SourceError, parse_yaml

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID = 0, 1, 2
EXIT_INTERNAL = 3  # an unexpected exception (a bug): never 1, which means "violations found"
EXIT_SIGINT, EXIT_SIGPIPE, EXIT_SIGTERM = 130, 141, 143  # 128 + the signal's number, as a shell


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


def load_plan(rules: str | None, params: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> Plan:
    return compile_rules(load_rules(rules or default_rules_dir(), limits), parse_overrides(params))


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2, one line
        self.print_usage(sys.stderr)
        sys.stderr.write(f"<command line>: hz_usage: {message}\n")
        raise SystemExit(EXIT_INVALID)


def parse_days(text: str, option: str = "--within") -> int:
    try:
        days = int(text)
        if days < 0:
            raise ValueError
        return days
    except ValueError:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_days",
                    f"{option} expects a whole number of days (0 or more), got `{text}`",
                    Span("<command line>"),
                )
            ]
        ) from None


@contextmanager
def progress(total: int, enabled: bool | None = None) -> Iterator[Callable[[str], None]]:
    """A progress bar of ``total`` steps on standard error when it is a terminal.

    Yields ``step(label)``: call it as each step starts. When standard error is not a
    terminal (a pipe, a file, CI logs) nothing at all is printed. The bar is transient: it is
    cleared when the run ends, so diagnostics and reports are not mixed with it.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=total)
        started = [False]

        def step(label: str) -> None:
            bar.update(task, description=label, advance=1 if started[0] else 0)
            started[0] = True

        yield step
        bar.update(task, completed=total)
