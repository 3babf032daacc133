"""Where facts come from, chosen once for every command that reads them.

``check``, ``explain``, ``todo`` and ``tables`` take fact sources on their command line; this
module tells them apart and reads them with the right loader:

* fact tables (``<kind>.parquet`` / ``<kind>.jsonl`` in a folder): :func:`load_tables`, as
  columns;
* the monitor's stream (one ``FILE.jsonl`` not named after a kind, or ``-`` for standard
  input): :func:`hezhang_rules.facts.stream.load_stream`, as records;
* anything else: fact files (YAML/JSON), :func:`load_facts`, as records.

Each loader raises :class:`~hezhang_rules.diagnostics.FactLoadError` with located diagnostics;
whatever the source, the same facts give the same findings and byte-identical reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hezhang_rules.facts.factset import FactSet
from hezhang_rules.facts.loader import load_facts
from hezhang_rules.facts.table_paths import is_stream, is_table_folder
from hezhang_rules.source import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from hezhang_rules.facts.tables import Tables


def load_sources(
    sources: Sequence[str | Path],
    limits: Limits = DEFAULT_LIMITS,
    on_table: Callable[[str, int], None] | None = None,
) -> FactSet | Tables:
    """Read ``sources`` with the loader each calls for (module docstring).

    ``on_table(kind, rows)`` is told of each table read (a progress display)."""
    streams = [s for s in sources if is_stream(s)]
    if streams:
        from hezhang_rules.facts.stream_source import load_stream_source

        return load_stream_source(sources, streams, limits)
    if is_table_folder(sources):
        from hezhang_rules.facts.tables import load_tables

        return load_tables(sources, limits, on_table=on_table)
    return load_facts(sources, limits)


__all__ = ["load_sources"]
