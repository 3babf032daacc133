"""Where facts come from, chosen once for every command that reads them.

``check``, ``explain``, ``todo`` and ``tables`` take fact sources on their command line; this
module tells them apart and reads them with the right loader:

* fact tables (``<kind>.parquet`` / ``<kind>.jsonl`` in a folder): :func:`load_tables`, as
  columns;
* the monitor's stream (one ``FILE.jsonl`` not named after a kind, or ``-`` for standard
  input): :func:`hezhang_rules.facts.stream.load_stream`, as records;
* a database address (``sqlite:///PATH``, ``postgresql://…``), alone:
  :func:`~hezhang_rules.facts.db_io.load_database`, as columns;
* anything else: fact files (YAML/JSON), :func:`load_facts`, as records.

Each loader raises :class:`~hezhang_rules.diagnostics.FactLoadError` with located diagnostics;
whatever the source, the same facts give the same findings and byte-identical reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hezhang_rules.dburl import is_db_url, parse_db_url
from hezhang_rules.diagnostics import Diagnostic, Span, UsageError
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
    urls = [str(s) for s in sources if is_db_url(str(s))]
    if urls:
        return _load_database([str(s) for s in sources], urls[0], limits, on_table)
    streams = [s for s in sources if is_stream(s)]
    if streams:
        from hezhang_rules.facts.stream_source import load_stream_source

        return load_stream_source(sources, streams, limits)
    if is_table_folder(sources):
        from hezhang_rules.facts.tables import load_tables

        return load_tables(sources, limits, on_table=on_table)
    return load_facts(sources, limits)


def _load_database(
    sources: list[str],
    url: str,
    limits: Limits,
    on_table: Callable[[str, int], None] | None,
) -> Tables:
    """A database is a whole fact source: given with anything else, it is refused (which of
    two sources would a kind come from?)."""
    if len(sources) > 1:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_mixed_sources",
                    "a database is read alone: give no other fact source with it",
                    Span(parse_db_url(url).shown),
                    help="convert the other sources into the database with `hezhang-rules "
                    "tables … --format sqlite`, or audit them separately",
                    zh="数据库须单独读取：不能同时给出其他事实来源",
                    help_zh="用 `hezhang-rules tables … --format sqlite` 把其他来源写入数据库，"
                    "或分开审计",
                )
            ]
        )
    from hezhang_rules.facts.db_io import load_database

    return load_database(parse_db_url(url), limits, on_table)


__all__ = ["load_sources"]
