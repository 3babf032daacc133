"""A deterministic synthetic world of river chiefs and their records, at any scale.

``generate(chiefs, year, seed, out)`` builds cities, districts, townships and villages sized from
the number of chiefs, their chief posts, holders (with changes during the year), rivers, units,
a year of inspections with their records and the rectification they lead to, and per district
the meetings, reports, supervision, evaluations, cases and assessment the other articles ask
for: mostly as the measures ask, some not, so that an audit finds both. It writes one file per
fact kind (Parquet or JSON lines) for benchmarks and ingestion tests.

Everything is built as columns (numpy, polars), never one Python object per inspection: a
national world (1.2 million chiefs, 7 million inspections) took 38 s and 2 GB (docs/synth.md).
The same arguments give byte-identical files: every random draw comes from a numpy generator
seeded by ``(seed, stream)``, one stream per part of the world.

The world is test data, not rules: its distribution knobs (shares of late reports, of skipped
half-years …) are module constants that say what they shape; no reading of the measures lives
here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.synth import output
from hezhang_rules.synth.assessment import make_assessment
from hezhang_rules.synth.columns import columns_for, finish, year_start
from hezhang_rules.synth.enforcement import make_enforcement
from hezhang_rules.synth.information import make_information
from hezhang_rules.synth.kit import Frames, Kit
from hezhang_rules.synth.meetings import make_meetings
from hezhang_rules.synth.org import appointments_frame, make_org, people_frame, units_frame
from hezhang_rules.synth.output import FORMATS, read_records
from hezhang_rules.synth.oversight import make_oversight
from hezhang_rules.synth.patrols import make_patrols
from hezhang_rules.synth.places import make_places, make_posts
from hezhang_rules.synth.rivers import make_rivers
from hezhang_rules.synth.sizes import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_CHIEFS,
    MIN_CHIEFS,
    Sizes,
    default_inspections,
    sizes_for,
)

__all__ = [
    "FORMATS",
    "Sizes",
    "World",
    "build",
    "generate",
    "load_world",
    "read_records",
    "sizes_for",
]

MAX_INSPECTIONS = 1_000_000_000

World = dict[str, pl.DataFrame | pl.LazyFrame]
"""Fact kind → its records as a frame (in model field order, sorted by id)."""


def generate(
    chiefs: int,
    year: int,
    seed: int,
    out: str | Path,
    fmt: str = "parquet",
    inspections: int | None = None,
    force: bool = False,
) -> dict[str, int]:
    """Build a world and write it to ``out``; return the number of records per fact kind.

    Raises :class:`~hezhang_rules.diagnostics.UsageError` for bad arguments, a file at ``out``,
    or a non-empty directory without ``force`` (which replaces the fact files of an earlier
    world there). Kinds without records get no file.
    """
    check_arguments(chiefs, year, seed, fmt, inspections)
    directory = Path(out)
    output.prepare(directory, force)
    world, counts = build(chiefs, year, seed, inspections)
    written = set()
    for kind, table in world.items():
        written.add(output.write_kind(directory, kind, table, fmt).name)
    output.remove_stale(directory, written)
    output.write_text(directory / output.README, _readme(chiefs, year, seed, fmt, counts))
    return counts


def check_arguments(chiefs: int, year: int, seed: int, fmt: str, inspections: int | None) -> None:
    """Raise a :class:`UsageError` naming every argument out of range."""
    problems: list[tuple[str, str]] = []  # (English, Chinese)
    if not MIN_CHIEFS <= chiefs <= MAX_CHIEFS:
        problems.append(
            (
                f"--chiefs must be from {MIN_CHIEFS} to {MAX_CHIEFS:,}, got {chiefs}",
                f"--chiefs 须在 {MIN_CHIEFS} 至 {MAX_CHIEFS:,} 之间，却是 {chiefs}",
            )
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            (
                f"--year must be from {FIRST_YEAR} to {LAST_YEAR}, got {year} "
                "(worlds start with the first full year the bundled measures are in force)",
                f"--year 须在 {FIRST_YEAR} 至 {LAST_YEAR} 之间，却是 {year}"
                "（世界从自带办法生效后的第一个完整年份开始）",
            )
        )
    if not 0 <= seed < 2**63:
        problems.append(
            (
                f"--seed must be a whole number from 0 to 2^63-1, got {seed}",
                f"--seed 须为 0 至 2^63-1 之间的整数，却是 {seed}",
            )
        )
    if fmt not in FORMATS:
        problems.append(
            (
                f"--format must be one of {', '.join(FORMATS)}, got `{fmt}`",
                f"--format 须为其中之一：{'、'.join(FORMATS)}，却是 `{fmt}`",
            )
        )
    if inspections is not None and not 0 <= inspections <= MAX_INSPECTIONS:
        problems.append(
            (
                f"--inspections must be from 0 to {MAX_INSPECTIONS:,}, got {inspections}",
                f"--inspections 须在 0 至 {MAX_INSPECTIONS:,} 之间，却是 {inspections}",
            )
        )
    if problems:
        raise UsageError(
            [
                Diagnostic("hz_usage_bad_synth", en, Span("<command line>"), zh=zh)
                for en, zh in problems
            ]
        )


def build(
    chiefs: int, year: int, seed: int, inspections: int | None = None
) -> tuple[World, dict[str, int]]:
    """The world as frames (inspections lazily), and the number of records per kind."""
    year0 = year_start(year)
    sizes = sizes_for(chiefs)

    def stream(number: int) -> np.random.Generator:
        return np.random.default_rng([seed, number])

    places = make_places(stream(1), sizes)
    posts = make_posts(stream(2), sizes, places)
    rivers = make_rivers(stream(3), places, posts)
    org = make_org(stream(4), year0, places, posts)
    frames: Frames = {
        "jurisdictions": [places.frame()],
        "people": [people_frame(stream(5), org)],
        "units": [units_frame(stream(6), year0, places, org)],
        "appointments": [appointments_frame(stream(7), year0, places, posts, rivers, org)],
        "rivers": [rivers.frame],
    }
    total = default_inspections(chiefs) if inspections is None else inspections
    patrols = make_patrols(stream(8), year, total, places, posts, rivers, org)
    frames["rectification_opinions"] = [patrols.rectification_opinions]
    frames["rectification_reports"] = [patrols.rectification_reports]
    makers: list[Callable[[Kit], Frames]] = [
        make_meetings,
        make_information,
        make_oversight,
        make_enforcement,
        make_assessment,
    ]
    for number, make in enumerate(makers, start=9):
        for kind, parts in make(Kit(stream(number), year, places, posts, org)).items():
            frames.setdefault(kind, []).extend(parts)
    world: World = {}
    counts: dict[str, int] = {}
    for kind in FACT_KINDS:
        if kind == "inspections":
            if patrols.count:
                names = patrols.inspections.collect_schema().names()
                world[kind] = patrols.inspections.select(columns_for(kind, names))
                counts[kind] = patrols.count
            continue
        parts = [p for p in frames.get(kind, []) if p.height]
        if parts:
            frame = finish(kind, pl.concat(parts, how="diagonal_relaxed"))
            world[kind], counts[kind] = frame, frame.height
    return world, counts


def load_world(directory: str | Path) -> FactSet:
    """Read a written world back through the fact model (every record validated, every
    reference checked). For small worlds: each record becomes a pydantic object."""
    return FactSet.build(
        FACT_KINDS[kind].model_validate(record) for kind, record in read_records(directory)
    )


def _readme(chiefs: int, year: int, seed: int, fmt: str, counts: dict[str, int]) -> str:
    rows = "\n".join(f"| {kind} | {n:,} |" for kind, n in counts.items())
    return (
        "# Synthetic river chief world\n\n"
        "Generated by `hezhang-rules synth` — invented data for benchmarks and tests.\n\n"
        f"- chiefs: {chiefs:,}\n- year: {year}\n- seed: {seed}\n- format: {fmt}\n\n"
        "Same arguments, same files (byte for byte).\n\n"
        f"Audit it as of {year + 1}-01-10. The world records one year: for a year after 2021, "
        f"also give `--param in_force={year}-01-01`, or the years before, which it does not "
        "record, are judged as if nothing had been done in them.\n\n"
        f"| kind | records |\n|---|---:|\n{rows}\n"
    )
