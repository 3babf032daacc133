"""The ``hezhang-rules`` command: one module per subcommand, wiring only.

Exit codes: 0 no violation (``check``) or clean (``lint``); 1 violations found; 2 invalid input
or usage; 3 an internal error (an unexpected exception: a bug, reported in one line; set
``HEZHANG_DEBUG=1`` for the traceback); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), each
with one line and nothing written; 141 standard output closed early (``| head``), quietly.
Diagnostics go to standard error as ``file:line:col: code: message``.

A subcommand is a module here with ``add_parser(subparsers)`` that sets ``func``; add it to
``COMMANDS``.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
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
from hezhang_rules.cli.common import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_SIGINT,
    EXIT_SIGPIPE,
    EXIT_SIGTERM,
    Parser,
)
from hezhang_rules.cli.output import (
    caught_signal,
    handle_signals,
    interrupted_message,
    quiet_stdout,
    remove_temporaries,
    stdout_gone,
)
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
    with handle_signals():
        try:
            args = build_parser().parse_args(argv)
            code: int = args.func(args)
            return code
        except HezhangError as exc:
            for d in exc.diagnostics:
                sys.stderr.write(d.render() + "\n")
            n = len(exc.diagnostics)
            sys.stderr.write(f"{n} problem{'s' if n != 1 else ''} found\n")
            return EXIT_INVALID
        except KeyboardInterrupt:
            return _interrupted()
        except Exception as exc:
            if caught_signal() is not None:  # a signal raised inside a library, wrapped by it
                return _interrupted()
            if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and stdout_gone()):
                remove_temporaries()
                quiet_stdout()  # the reader of standard output is gone: say nothing more
                return EXIT_SIGPIPE
            return _internal_error(exc)


def _interrupted() -> int:
    remove_temporaries()
    sys.stderr.write(interrupted_message() + "\n")
    return EXIT_SIGTERM if caught_signal() == signal.SIGTERM else EXIT_SIGINT


def _internal_error(exc: Exception) -> int:
    """One line for a bug (never exit 1, which means "violations found")."""
    remove_temporaries()
    if os.environ.get("HEZHANG_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + " …"
    sys.stderr.write(
        f"hezhang-rules: internal error: {type(exc).__name__}: {text} (please report; "
        "rerun with HEZHANG_DEBUG=1 for the traceback); nothing written\n"
    )
    return EXIT_INTERNAL


__all__ = ["COMMANDS", "build_parser", "main"]
