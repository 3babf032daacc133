"""The ``hezhang-rules`` command: one module per subcommand, wiring only.

Exit codes: 0 no violation (``check``) or clean (``lint``); 1 violations found; 2 invalid input
or usage. Diagnostics go to standard error as ``file:line:col: code: message``.

A subcommand is a module here with ``add_parser(subparsers)`` that sets ``func``; add it to
``COMMANDS``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hezhang_rules._version import __version__
from hezhang_rules.cli import (
    check,
    explain,
    lint,
    monitor,
    register,
    schema,
    synth,
    tables,
    test,
    todo,
)
from hezhang_rules.cli.common import EXIT_INVALID, Parser
from hezhang_rules.diagnostics import HezhangError

COMMANDS = (check, explain, todo, lint, test, register, schema, monitor, synth, tables)


def build_parser() -> Parser:
    p = Parser(
        prog="hezhang-rules", description="《清河门区河长制工作管理办法》 as executable policy"
    )
    p.add_argument("--version", action="version", version=f"hezhang-rules {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except HezhangError as exc:
        for d in exc.diagnostics:
            sys.stderr.write(d.render() + "\n")
        n = len(exc.diagnostics)
        sys.stderr.write(f"{n} problem{'s' if n != 1 else ''} found\n")
        return EXIT_INVALID


__all__ = ["COMMANDS", "build_parser", "main"]
