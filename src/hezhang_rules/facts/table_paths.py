"""Which paths are fact tables (``<kind>.parquet`` / ``.jsonl`` / ``.csv``, an xlsx workbook),
without polars.

Kept apart from :mod:`hezhang_rules.facts.tables` (which reads them with polars, the ``tables``
extra) so that a command can tell a table folder from fact files in the light core, and ask for
the extra only when tables are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hezhang_rules.facts.models import FACT_KINDS

TABLE_FORMATS = ("parquet", "jsonl")
"""The formats of fact tables, as ``hezhang-rules synth --format`` names them."""
TABLE_SUFFIXES = tuple(f".{f}" for f in TABLE_FORMATS)
TEXT_SUFFIXES = (".csv",)
"""Tables of text cells, one per kind (``facts.table_text``)."""
WORKBOOK_SUFFIX = ".xlsx"
"""A workbook of fact tables, a sheet per kind, under any name (``facts.table_text``)."""
KIND_SUFFIXES = (*TABLE_SUFFIXES, *TEXT_SUFFIXES)
"""The suffixes of a table named after its kind."""


def is_aside(name: str) -> bool:
    """Whether a file in a fact folder is no fact data, by its name: hidden (``.DS_Store``,
    ``.gitkeep``, a writer's ``.people.parquet.tmp``) or a README (``README``, ``README.md``,
    ``readme.txt`` …, as ``synth`` and ``tables --out`` write). Every other file is read, or
    refused as unknown (docs/fact-model.md, "What a fact folder holds")."""
    return name.startswith((".", "~$")) or name.split(".")[0].lower() == "readme"


def _listing(p: Path) -> list[Path]:
    """A folder's entries (files, and anything else named like a table: refused when read, as
    a FIFO or a device is never waited on), or the path itself."""
    return sorted(p.iterdir()) if p.is_dir() else [p]


def table_files(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """``(path, kind)`` of every ``<kind>.parquet|jsonl|csv`` in ``paths`` (files or folders)."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        for x in _listing(Path(raw)):
            if x.suffix in KIND_SUFFIXES and x.stem in FACT_KINDS:
                out.append((x, x.stem))
    return out


def workbooks(paths: Sequence[str | Path]) -> list[Path]:
    """Every ``*.xlsx`` workbook in ``paths`` (files or folders; hidden ones, such as a
    spreadsheet's ``.~lock`` or ``~$`` owner files, are not workbooks)."""
    return [
        x
        for raw in paths
        for x in _listing(Path(raw))
        if x.suffix.lower() == WORKBOOK_SUFFIX and not is_aside(x.name)
    ]


def is_stream(source: str | Path) -> bool:
    """Whether ``source`` is the monitor's stream: ``-`` (standard input), or a ``.jsonl``
    file not named after a kind (``people.jsonl`` is a table) that is not a folder."""
    p = Path(source)
    if str(source) == "-":
        return True
    try:
        return p.suffix == ".jsonl" and p.stem not in FACT_KINDS and not p.is_dir()
    except OSError:
        return False


def is_table_folder(paths: Sequence[str | Path]) -> bool:
    """Whether ``paths`` hold fact tables (then :func:`hezhang_rules.facts.tables.load_tables`
    reads them). A path the file
    system refuses (a name too long, a folder that cannot be listed) is not: the fact-file loader
    then says why, located."""
    try:
        return any(Path(p).exists() and (table_files([p]) or workbooks([p])) for p in paths)
    except OSError:
        return False
