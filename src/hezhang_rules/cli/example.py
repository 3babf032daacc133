"""``hezhang-rules example OUT``: copy a pack's example district out of the installed package.

An installed wheel holds the example facts inside the package, where no one should edit them;
this writes a copy to a new folder to audit, read and change (``hezhang-rules check OUT
--as-of 2022-01-10``). The folder must not exist or be empty: nothing is overwritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.cli.output import atomic_file, started_folder
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, os_reason_zh
from hezhang_rules.rules.packs import DEFAULT_PACK, pack_path

EXAMPLE_FOLDER = "example"
"""A pack's example district: this folder inside the pack (docs/rule-format.md)."""


def _refuse(message: str, zh: str) -> UsageError:
    return UsageError([Diagnostic("hz_usage_bad_output", message, Span("<command line>"), zh=zh)])


def run(args: argparse.Namespace) -> int:
    source = pack_path(args.pack) / EXAMPLE_FOLDER
    if not source.is_dir():
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_no_example",
                    f"the pack `{args.pack}` has no example district",
                    Span(f"<pack {args.pack}>"),
                    zh=f"规则包 `{args.pack}` 没有示例辖区",
                )
            ]
        )
    out = Path(args.out)
    try:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise _refuse(
                f"`{args.out}` exists and is not an empty folder: nothing was written",
                f"`{args.out}` 已存在且不是空文件夹：未写入任何内容",
            )
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(
            f"`{args.out}`: {exc.strerror or type(exc).__name__}",
            f"`{args.out}`：{os_reason_zh(exc)}",
        ) from None
    started_folder(out)
    written = []
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        with atomic_file(out / path.name) as fh:
            fh.write(path.read_bytes())
        written.append(out / path.name)
    for path in written:  # once every file is there: a reader that stops early loses nothing
        print(path)
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "example",
        help="copy a pack's example district (fact files) into a new folder, to audit it",
    )
    c.add_argument("out", help="a new (or empty) folder to write the example's files into")
    c.add_argument("--pack", default=DEFAULT_PACK, help=f"the pack (default: {DEFAULT_PACK})")
    c.set_defaults(func=run)
