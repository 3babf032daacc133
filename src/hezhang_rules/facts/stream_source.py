"""The monitor's JSON-lines stream as the fact source of ``check``, ``explain`` and ``todo``.

``check FILE.jsonl`` (a ``.jsonl`` not named after a fact kind) and ``check -`` (standard input)
read the very input ``hezhang-rules monitor`` reads (``facts.stream``): one fact a line, every bad
line located at ``FILE:LINE:COL`` (``<stdin>:LINE:COL``). A stream is given alone: beside fact
files or tables its facts would have to be merged with theirs, which no command does.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span, os_reason_zh
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.stream import load_stream
from hezhang_rules.source import Limits

STDIN = "<stdin>"


def load_stream_source(
    sources: Sequence[str | Path], streams: Sequence[str | Path], limits: Limits
) -> FactSet:
    """The facts of the one stream in ``sources``; a stream among other sources is refused."""
    if len(sources) > 1:
        raise FactLoadError(
            [
                Diagnostic(
                    "hz_facts_mixed_inputs",
                    "a JSON-lines stream among other fact sources: give the stream alone",
                    Span(STDIN if str(s) == "-" else str(s)),
                    help="check the stream and the other sources in separate runs",
                    zh="事实流与其他事实来源混在一起：事实流须单独给出",
                    help_zh="请分别检查事实流和其他来源",
                )
                for s in streams
            ]
        )
    source = str(streams[0])
    if source == "-":
        stdin = getattr(sys.stdin, "buffer", None) or sys.stdin
        if stdin is None or not stdin.readable():
            raise FactLoadError(
                [
                    Diagnostic(
                        "hz_load_unreadable",
                        "standard input is not open for reading",
                        Span(STDIN),
                        zh="标准输入未以读取方式打开",
                    )
                ]
            )
        return load_stream(stdin, STDIN, limits)
    with _open(source) as fh:
        return load_stream(fh, source, limits)


def _open(path: str) -> IO[bytes]:
    """The stream file, a regular file or a named pipe (a directory, device or socket is
    refused before it is opened: never read forever, never waited on)."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            return open(path, "rb")
    except OSError as exc:
        raise FactLoadError(
            [
                Diagnostic(
                    "hz_facts_no_such_file"
                    if isinstance(exc, FileNotFoundError)
                    else "hz_load_unreadable",
                    f"cannot read the stream: {exc.strerror}",
                    Span(path),
                    zh=f"无法读取事实流：{os_reason_zh(exc)}",
                )
            ]
        ) from None
    raise FactLoadError(
        [
            Diagnostic(
                "hz_facts_not_a_file",
                "not a regular file or named pipe: the stream is a file, a named pipe or - "
                "(standard input)",
                Span(path),
                zh="既不是普通文件也不是命名管道：事实流须为文件、命名管道或 -（标准输入）",
            )
        ]
    )
