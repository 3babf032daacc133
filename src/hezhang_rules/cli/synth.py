"""``hezhang-rules synth``: write a deterministic synthetic world of any size as fact tables."""

from __future__ import annotations

import argparse
import sys

from hezhang_rules.cli.common import EXIT_OK
from hezhang_rules.cli.output import output_folder, started_folder
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.extras import need
from hezhang_rules.facts.table_paths import TABLE_FORMATS


def _whole(text: str, option: str) -> int:
    """A whole number (``1_200_000`` and ``1,200,000`` allowed), else a usage error."""
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_bad_synth",
                    f"{option} expects a whole number, got `{text}`",
                    Span("<command line>"),
                    zh=f"{option} 须为整数，却是 `{text}`",
                )
            ]
        ) from None


def run(args: argparse.Namespace) -> int:
    need("synth", "hezhang-rules synth")
    from hezhang_rules.synth import check_arguments, generate

    chiefs, year = _whole(args.chiefs, "--chiefs"), _whole(args.year, "--year")
    seed = _whole(args.seed, "--seed")
    inspections = None if args.inspections is None else _whole(args.inspections, "--inspections")
    check_arguments(chiefs, year, seed, args.format, inspections)  # before the folder is made
    out = output_folder(args.out, [], args.force)
    started_folder(out)
    counts = generate(
        chiefs=chiefs,
        year=year,
        seed=seed,
        out=out,
        fmt=args.format,
        inspections=inspections,
        force=args.force,
    )
    width = max(len(kind) for kind in counts)
    for kind, n in counts.items():
        sys.stdout.write(f"{kind:<{width}}  {n:>12,}\n")
    sys.stdout.write(f"{'total':<{width}}  {sum(counts.values()):>12,}  → {args.out}\n")
    return EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser(
        "synth",
        help="write a deterministic synthetic world (fact tables) for benchmarks",
        description="Build a synthetic world of N chiefs for year Y and write one file per fact "
        "kind (<kind>.parquet or <kind>.jsonl) into DIR. Same arguments, same bytes.",
    )
    s.add_argument("--chiefs", required=True, metavar="N", help="chief appointments (≈)")
    s.add_argument("--year", required=True, metavar="Y", help="the year of records (2021-2099)")
    s.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    s.add_argument("--out", required=True, metavar="DIR", help="output directory (new or empty)")
    s.add_argument("--format", choices=TABLE_FORMATS, default="parquet")
    s.add_argument(
        "--inspections",
        metavar="M",
        help="inspections in the year (default: 5.8 per chief, 7 million for 1.2 million)",
    )
    s.add_argument(
        "--force",
        action="store_true",
        help="write into a DIR holding a world (tables, README.md, nothing else), replacing it",
    )
    s.set_defaults(func=run)
