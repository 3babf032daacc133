"""Which paths are fact tables (``<kind>.parquet`` / ``<kind>.jsonl``), without polars.

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


def _listing(p: Path) -> list[Path]:
    """A folder's entries (files, and anything else named like a table: refused when read, as
    a FIFO or a device is never waited on), or the path itself."""
    return sorted(p.iterdir()) if p.is_dir() else [p]


def table_files(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """``(path, kind)`` of every ``<kind>.parquet|jsonl`` in ``paths`` (files or folders)."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        for x in _listing(Path(raw)):
            if x.suffix in TABLE_SUFFIXES and x.stem in FACT_KINDS:
                out.append((x, x.stem))
    return out


def is_table_folder(paths: Sequence[str | Path]) -> bool:
    """Whether ``paths`` hold fact tables (then :func:`hezhang_rules.facts.tables.load_tables`
    reads them). A path the file
    system refuses (a name too long, a folder that cannot be listed) is not: the fact-file loader
    then says why, located."""
    try:
        return any(Path(p).exists() and table_files([p]) for p in paths)
    except OSError:
        return False
