"""Shared pieces of the subcommands: option parsing, plan loading, exit codes.

What a command writes goes through :mod:`hezhang_rules.cli.output`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from hezhang_rules.cli import help_zh
from hezhang_rules.compile import Plan, compile_rules
from hezhang_rules.diagnostics import (
    LANGS,
    Diagnostic,
    Lang,
    RuleLoadError,
    Span,
    UsageError,
    env_lang,
    value_error_zh,
)
from hezhang_rules.facts.bounds import DAYS_MAX, YEAR_MAX, YEAR_MIN
from hezhang_rules.rules.loader import RuleSet, load_rules
from hezhang_rules.rules.packs import resolve_rules
from hezhang_rules.source import DEFAULT_LIMITS, MAX_LIMIT, Limits, SourceError, parse_yaml
from hezhang_rules.waivers import WaiverLoadError, Waivers, load_waivers, waiver_problems

RULES_HELP = (
    "a rule pack folder, or the name of an installed pack (default: $HEZHANG_RULES_DIR if set, "
    "else the bundled pack qinghemen)"
)
"""The help of every ``--rules`` (:func:`hezhang_rules.rules.packs.resolve_rules` reads it)."""

EXIT_OK, EXIT_VIOLATIONS, EXIT_INVALID = 0, 1, 2
EXIT_INTERNAL = 3  # an unexpected exception (a bug): never 1, which means "violations found"
EXIT_SIGINT, EXIT_SIGPIPE, EXIT_SIGTERM = 130, 141, 143  # 128 + the signal's number, as a shell


# --as-of is refused outside the years every fact date must lie in, and --within / --warn-days
# past the longest day count a rule may state: one set of bounds for options, facts and rules.
AS_OF_FIRST_YEAR, AS_OF_LAST_YEAR = YEAR_MIN, YEAR_MAX
MAX_DAYS = DAYS_MAX
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,20}", re.ASCII)


def shown(text: str, width: int = 40) -> str:
    """A command-line value as it may be quoted in a message: escaped, and cut to ``width``."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in safe)
    return safe if len(safe) <= width else safe[:width] + f"… ({len(text)} characters)"


def _usage(code: str, message: str, zh: str) -> UsageError:
    return UsageError([Diagnostic(code, message, Span("<command line>"), zh=zh)])


def parse_as_of(text: str) -> dt.date:
    """``--as-of``: ``YYYY-MM-DD`` in ASCII digits, a real date, within the supported years."""
    bad = _usage(
        "hz_usage_bad_date",
        f"--as-of expects a date written YYYY-MM-DD, got `{shown(text)}`",
        f"--as-of 须为写作 YYYY-MM-DD 的日期，却是 `{shown(text)}`",
    )
    if not _ISO_DATE.fullmatch(text):
        raise bad
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise bad from None
    if not AS_OF_FIRST_YEAR <= day.year <= AS_OF_LAST_YEAR:
        raise _usage(
            "hz_usage_date_out_of_range",
            f"--as-of {text} is outside the supported years "
            f"{AS_OF_FIRST_YEAR}..{AS_OF_LAST_YEAR} (docs/limits.md)",
            f"--as-of {text} 超出支持的年份 {AS_OF_FIRST_YEAR}..{AS_OF_LAST_YEAR}"
            "（见 docs/limits.md）",
        )
    return day


def add_param_option(p: argparse.ArgumentParser) -> None:
    """``--param NAME=VALUE`` (repeatable), read by :func:`parse_overrides`."""
    _add_name_value(p, "--param", "override a parameter, e.g. art034.results_due_inclusive=false")


def add_limit_option(p: argparse.ArgumentParser) -> None:
    """``--limit NAME=VALUE`` (repeatable), read by :func:`parse_limits`."""
    _add_name_value(p, "--limit", "change an input limit, e.g. max_bytes=1000000 (docs/limits.md)")


WAIVERS_HELP = (
    "a waiver file (YAML or JSON, docs/waivers.md): approved exceptions that make the findings "
    "they name `waived` while in force"
)


def add_waivers_option(p: argparse.ArgumentParser) -> None:
    """``--waivers FILE``, read by :func:`load_checked_waivers`."""
    p.add_argument("--waivers", metavar="FILE", help=WAIVERS_HELP)


def load_checked_waivers(
    path: str | None, plan: Plan, limits: Limits = DEFAULT_LIMITS
) -> Waivers | None:
    """The waivers of ``--waivers FILE`` (None without it), refused with located diagnostics
    (exit 2) when malformed or naming a rule ``plan`` does not have."""
    if path is None:
        return None
    waivers = load_waivers(path, path, limits)
    problems = waiver_problems(waivers, (r.id for r in plan.rules))
    if problems:
        raise WaiverLoadError(problems)
    return waivers


def _add_name_value(p: argparse.ArgumentParser, flag: str, help: str) -> None:
    p.add_argument(flag, action="append", default=[], metavar="NAME=VALUE", help=help)


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``--param NAME=VALUE``: the value is read as YAML (core types only, every limit applies)."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise _usage(
                "hz_usage_bad_param",
                f"--param expects NAME=VALUE, got `{shown(item)}`",
                f"--param 须写作 NAME=VALUE，却是 `{shown(item)}`",
            )
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            raise _usage(
                "hz_usage_bad_param",
                f"--param {shown(name)}: the value is not valid UTF-8",
                f"--param {shown(name)}：值不是有效的 UTF-8",
            ) from None
        try:
            out[name.strip()] = parse_yaml(raw, "<command line>").data
        except SourceError as exc:
            raise UsageError(exc.diagnostics) from None
    return out


def parse_limits(items: Sequence[str]) -> Limits:
    """``--limit NAME=VALUE``: a known limit and a whole number 1..MAX_LIMIT in ASCII digits."""
    values: dict[str, int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep:
            raise _usage(
                "hz_usage_bad_limit",
                f"--limit expects NAME=VALUE, got `{shown(item)}`",
                f"--limit 须写作 NAME=VALUE，却是 `{shown(item)}`",
            )
        if not _WHOLE.fullmatch(raw.strip()):
            raise _usage(
                "hz_usage_bad_limit",
                f"--limit {shown(name)}: `{shown(raw)}` is not a whole number from 1 to "
                f"{MAX_LIMIT}",
                f"--limit {shown(name)}：`{shown(raw)}` 不是 1 至 {MAX_LIMIT} 之间的整数",
            )
        values[name.strip()] = int(raw)
    try:
        return Limits.with_overrides(values)
    except ValueError as exc:
        raise _usage("hz_usage_bad_limit", str(exc), value_error_zh(str(exc))) from None


OVERLAY_HELP = (
    "an overlay pack refining the --rules pack for its jurisdiction (a town's measures, a "
    "department's plan: art. 37), folder or installed name; repeatable"
)
"""The help of every ``--overlay`` (docs/rule-format.md, "Overlays")."""


class _RulesOnce(argparse.Action):
    """``--rules`` given once: a second one is refused rather than silently replacing the
    first (an overlay is added with ``--overlay``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        if before is not None:
            raise _usage(
                "hz_usage_rules_twice",
                f"--rules is given twice ({shown(str(before))}, {shown(str(values))}): a run has "
                "one base pack; add a town's or a department's pack with --overlay",
                f"--rules 给了两次（{shown(str(before))}、{shown(str(values))}）：一次运行只有一个"
                "基础规则包；镇或部门的规则包请用 --overlay 添加",
            )
        setattr(namespace, self.dest, values)


def add_rules_option(p: argparse.ArgumentParser, overlays: bool = True) -> None:
    """``--rules`` (once) and, with ``overlays``, ``--overlay PACK`` (repeatable), read by
    :func:`load_plan`."""
    p.add_argument("--rules", action=_RulesOnce, help=RULES_HELP)
    if overlays:
        p.add_argument("--overlay", action="append", default=[], metavar="PACK", help=OVERLAY_HELP)


def load_overlays(names: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> list[RuleSet]:
    """The packs ``--overlay`` names (folders or installed names), loaded, in order."""
    return [load_rules(resolve_rules(n), limits) for n in names]


def load_plan(
    rules: str | None,
    params: Sequence[str],
    limits: Limits = DEFAULT_LIMITS,
    overlays: Sequence[str] = (),
) -> Plan:
    """The ``--rules`` pack (with ``--overlay`` packs) compiled with ``--param`` overrides."""
    overrides = parse_overrides(params)
    ruleset = load_rules(resolve_rules(rules), limits)
    extra = load_overlays(overlays, limits)
    try:
        return compile_rules(ruleset, overrides, extra)
    except RuleLoadError as exc:  # overrides came from --param: say so
        raise RuleLoadError(
            [
                replace(d, span=Span("<command line>"))
                if d.span is not None and d.span.file == "<overrides>"
                else d
                for d in exc.diagnostics
            ]
        ) from None


_LANG: ContextVar[Lang | None] = ContextVar("hezhang_diagnostic_lang", default=None)


def diagnostic_lang() -> Lang:
    """The language the running command speaks on standard error: its ``--lang`` when given,
    else ``$HEZHANG_LANG`` (``zh`` unless it says ``en``)."""
    return _LANG.get() or env_lang()


def lang_of_argv(argv: Sequence[str]) -> Lang | None:
    """The value of ``--lang`` on a command line, read before (and whether or not) the line
    parses, so that a usage error is said in the language asked for; ``None`` without one."""
    found: Lang | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value in LANGS:
            found = "en" if value == "en" else "zh"
    return found


@contextmanager
def speaking(lang: Lang | None) -> Iterator[None]:
    """Diagnostics, usage errors and help in ``lang`` (``None``: from the environment) while
    a command runs."""
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def say(text: str) -> None:
    """Write to standard error, come what may: a closed or full standard error loses the text,
    never the exit code the command is about to return."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:  # None (closed at start), ENOSPC, EBADF, ...: nowhere left to say it
        pass


class Parser(argparse.ArgumentParser):
    """The parser of the command and of each subcommand: its usage errors are one diagnostic
    line (exit 2), and it speaks the language of the command line (:func:`diagnostic_lang`)."""

    def error(self, message: str) -> Any:  # argparse's own usage errors: exit 2, one line
        if diagnostic_lang() == "zh":
            message = help_zh.error_zh(message)
        say(self.format_usage() + f"<command line>: hz_usage: {message}\n")
        raise SystemExit(EXIT_INVALID)

    def format_usage(self) -> str:
        text = super().format_usage()
        return help_zh.usage_zh(text) if diagnostic_lang() == "zh" else text

    def format_help(self) -> str:
        text = super().format_help()
        return help_zh.usage_zh(text) if diagnostic_lang() == "zh" else text


def parse_days(text: str, option: str = "--within") -> int:
    """A number of days: ASCII digits, 0..MAX_DAYS."""
    if _WHOLE.fullmatch(text.strip()) and int(text) <= MAX_DAYS:
        return int(text)
    raise _usage(
        "hz_usage_bad_days",
        f"{option} expects a whole number of days from 0 to {MAX_DAYS}, got `{shown(text)}`",
        f"{option} 须为 0 至 {MAX_DAYS} 之间的整数天数，却是 `{shown(text)}`",
    )


@contextmanager
def progress(total: int, enabled: bool | None = None) -> Iterator[Callable[[str], None]]:
    """A progress bar of ``total`` steps on standard error when it is a terminal.

    Yields ``step(label)``: call it as each step starts. Without rich (the ``progress`` extra),
    or when standard error is not a terminal (a pipe, a file, CI logs), nothing at all is
    printed. The bar is transient: it is cleared when the run ends, so diagnostics and reports
    are not mixed with it.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or importlib.util.find_spec("rich") is None:  # rich: the progress extra
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
