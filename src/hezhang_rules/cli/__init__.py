"""The ``hezhang-rules`` command: one module per subcommand, wiring only.

Exit codes: 0 no violation (``check``) or clean (``lint``); 1 violations found; 2 invalid input
or usage; 3 an internal error (an unexpected exception: a bug, reported in one line; set
``HEZHANG_DEBUG=1`` for the traceback); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), each
with one line and nothing written; 141 standard output closed early (``| head``), quietly.
Diagnostics go to standard error as ``file:line:col: code: message``, in the language of the
command line: its ``--lang`` when the command has one and it is given, else ``$HEZHANG_LANG``
(``zh`` or ``en``), else Chinese; the help is in that language too (decided before the parser
is built: ``--lang`` on the line or ``$HEZHANG_LANG``). The code holds whatever
happens to the standard streams: a closed or full standard error loses the diagnostics, never the
exit code; a report that cannot be written to standard output (closed, full) is exit 2 with
``<stdout>: hz_usage_cannot_write: ...``; an ``OSError`` naming a file that no loader turned into a
diagnostic is exit 2 with ``FILE: hz_load_unreadable: ...``, not an internal error.

A subcommand is a module here with ``add_parser(subparsers)`` that sets ``func``; add it to
``COMMANDS``.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from typing import Any, TextIO, cast

from hezhang_rules._version import __version__
from hezhang_rules.cli import (
    check,
    db,
    diff,
    example,
    explain,
    history,
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
    diagnostic_lang,
    lang_of_argv,
    say,
    shown,
    speaking,
)
from hezhang_rules.cli.help_zh import localise
from hezhang_rules.cli.output import (
    caught_signal,
    handle_signals,
    interrupted_message,
    quiet_stdout,
    remove_temporaries,
    stdout_gone,
)
from hezhang_rules.diagnostics import Diagnostic, HezhangError, os_reason_zh
from hezhang_rules.source import SourceError

COMMANDS = (
    check,
    explain,
    todo,
    lint,
    test,
    register,
    schema,
    monitor,
    synth,
    tables,
    db,
    example,
    history,
    diff,
)


def build_parser() -> Parser:
    """The command line's parser, its help in the language of :func:`diagnostic_lang`."""
    p = Parser(
        prog="hezhang-rules", description="《清河门区河长制工作管理办法》 as executable policy"
    )
    p.add_argument("--version", action="version", version=f"hezhang-rules {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    if diagnostic_lang() == "zh":
        localise(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    with speaking(lang_of_argv(sys.argv[1:] if argv is None else argv)):
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    real_stdout, real_stderr = sys.stdout, sys.stderr
    _REFUSED.clear()
    sys.stdout = cast(TextIO, _GuardedStream(real_stdout))
    if real_stderr is None:  # closed when the process started: what is said there is lost
        sys.stderr = _Discard()
    try:
        code = _main(argv)
    except SystemExit as exc:  # argparse: --help, --version, a usage error
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        sys.stdout, sys.stderr = real_stdout, real_stderr
        raise SystemExit(_finish(code)) from None
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    return _finish(code)


def _main(argv: Sequence[str] | None) -> int:
    with handle_signals():
        try:
            args = build_parser().parse_args(argv)
            code: int = args.func(args)
            sys.stdout.flush()  # a report that cannot be written is known here, not at exit
            return code
        except (HezhangError, SourceError) as exc:
            _diagnose(exc.diagnostics)
            return EXIT_INVALID
        except KeyboardInterrupt:
            return _interrupted()
        except ReportUnwritableError as exc:
            remove_temporaries()
            _debug(exc)
            say(_cannot_write(exc, exc.strerror))
            return EXIT_INVALID
        except Exception as exc:
            if caught_signal() is not None:  # a signal raised inside a library, wrapped by it
                return _interrupted()
            if isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and stdout_gone()):
                remove_temporaries()
                quiet_stdout()  # the reader of standard output is gone: say nothing more
                return EXIT_SIGPIPE
            if isinstance(exc, OSError) and _REFUSED:  # standard output's refusal, wrapped
                remove_temporaries()
                _debug(exc)
                say(_cannot_write(_REFUSED[0], _REFUSED[0].strerror))
                return EXIT_INVALID
            if isinstance(exc, OSError) and exc.filename is not None:
                # A loader let the file system's refusal through: still the input's fault.
                remove_temporaries()
                _debug(exc)
                name = os.fsdecode(exc.filename)
                reason = os_reason_zh(exc) if diagnostic_lang() == "zh" else exc.strerror or exc
                say(f"{shown(name, 200)}: hz_load_unreadable: {reason}\n")
                return EXIT_INVALID
            return _internal_error(exc)


def _diagnose(diagnostics: Sequence[Diagnostic]) -> None:
    """Every diagnostic, then their count, in the language of the command line."""
    lang = diagnostic_lang()
    for d in diagnostics:
        say(d.render(lang) + "\n")
    n = len(diagnostics)
    say(f"发现 {n} 个问题\n" if lang == "zh" else f"{n} problem{'s' if n != 1 else ''} found\n")


def _cannot_write(exc: BaseException, reason: object) -> str:
    """The line for a report standard output refused."""
    if diagnostic_lang() == "zh":
        return f"<stdout>: hz_usage_cannot_write: 无法写出报告：{os_reason_zh(exc)}\n"
    return f"<stdout>: hz_usage_cannot_write: cannot write the report: {reason}\n"


class ReportUnwritableError(OSError):
    """Standard output refused the report (closed, full, not writable): exit 2, not a bug."""


_REFUSED: list[ReportUnwritableError] = []  # what standard output refused in this run


class _Guard:
    """What both guarded layers of standard output share: a write the stream refuses raises
    :class:`ReportUnwritableError` and is remembered (a library such as polars may wrap it in an
    exception of its own); a broken pipe stays a :class:`BrokenPipeError`; a stream closed when
    the process started (``None``) refuses every write."""

    _stream: Any

    def _call(self, name: str, *args: Any) -> Any:
        try:
            if self._stream is None:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return getattr(self._stream, name)(*args)
        except BrokenPipeError:
            raise
        except io.UnsupportedOperation:
            raise
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            reason = getattr(exc, "strerror", None) or str(exc)
            refused = ReportUnwritableError(getattr(exc, "errno", None) or errno.EBADF, reason)
            _REFUSED.append(refused)
            raise refused from None

    def flush(self) -> None:
        self._call("flush")

    def isatty(self) -> bool:
        return self._stream is not None and bool(self._stream.isatty())

    def fileno(self) -> int:
        return int(self._call("fileno"))

    def writable(self) -> bool:
        return True

    def close(self) -> None:  # the real stream is not this object's to close
        pass

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


class _GuardedBytes(_Guard, io.BufferedIOBase):
    def __init__(self, stream: Any) -> None:
        super().__init__()
        self._stream = stream

    def write(self, data: Any) -> int:
        return int(self._call("write", data))


class _GuardedStream(_Guard, io.TextIOBase):
    """Standard output as the commands see it (a text stream, so libraries write text to it)."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self._stream = stream
        self.buffer = _GuardedBytes(getattr(stream, "buffer", None))

    def write(self, data: Any) -> int:
        return int(self._call("write", data))

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._stream, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._stream, "errors", None)


class _Discard(io.TextIOBase):
    """Standard error when there is none: every write succeeds and goes nowhere."""

    def write(self, text: str) -> int:
        return len(text)


def _finish(code: int) -> int:
    """Flush both standard streams now, so that Python's own flush at exit cannot fail and turn
    the exit code into 120: a full or closed standard error costs the diagnostics only."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        code = EXIT_SIGPIPE
    except (OSError, ValueError) as exc:
        quiet_stdout()
        if code in (0, 1):
            reason = getattr(exc, "strerror", None) or str(exc)
            say(_cannot_write(exc, reason))
            code = EXIT_INVALID
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        _quiet(sys.stderr)
    return code


def _quiet(stream: Any) -> None:
    """Point a stream that cannot be written at /dev/null, so what it holds is dropped quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _interrupted() -> int:
    remove_temporaries()
    say(_interrupted_text(interrupted_message()) + "\n")
    return EXIT_SIGTERM if caught_signal() == signal.SIGTERM else EXIT_SIGINT


def _debug(exc: Exception) -> None:
    if os.environ.get("HEZHANG_DEBUG"):
        # standard error closed or full: the one line that follows is all there is
        with contextlib.suppress(Exception):
            traceback.print_exception(exc, file=sys.stderr)


def _internal_error(exc: Exception) -> int:
    """One line for a bug (never exit 1, which means "violations found")."""
    remove_temporaries()
    _debug(exc)
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + " …"
    if diagnostic_lang() == "zh":
        say(
            f"hezhang-rules：内部错误：{type(exc).__name__}：`{text}`（请报告此问题；"
            "设置 HEZHANG_DEBUG=1 重新运行可看到回溯）；未写入任何内容\n"
        )
        return EXIT_INTERNAL
    say(
        f"hezhang-rules: internal error: {type(exc).__name__}: {text} (please report; "
        "rerun with HEZHANG_DEBUG=1 for the traceback); nothing written\n"
    )
    return EXIT_INTERNAL


def _interrupted_text(message: str) -> str:
    """The line :func:`interrupted_message` gives, in the language of the command line."""
    if diagnostic_lang() != "zh":
        return message
    head, _, files = message.partition(": ")
    if head.startswith("interrupted; files written whole before it are in"):
        head, _, files = message.partition(" are in ")
        return f"已中断；中断前已完整写出的文件在 {files}"
    if head.startswith("interrupted; already written whole"):
        return f"已中断；中断前已完整写出：{files}"
    return "已中断；未写入任何内容"


__all__ = ["COMMANDS", "build_parser", "main"]
