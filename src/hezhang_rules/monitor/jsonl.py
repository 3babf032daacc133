"""Facts as JSON lines: ``{"kind": "<fact kind>", "record": {...}}``, one fact a line.

The envelope keeps the fact kind apart from records that have a ``kind`` field of their own
(meetings). Write a fact set as lines (chronological: undated structure first, then by the fact's
own date, then id)::

    .venv/bin/python -m hezhang_rules.monitor.jsonl examples/qinghemen-2021 \
        > examples/qinghemen-2021/facts.jsonl
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span
from hezhang_rules.facts.factset import FactOrigin
from hezhang_rules.facts.loader import load_facts, records_from_document
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.source import DEFAULT_LIMITS, Document, Limits, SourceError, parse_json


def stream_order(f: Fact) -> tuple[dt.date, int, str, str]:
    """Undated records (structure) first, then by the fact's own date, kind and id."""
    day = f.fact_date()
    return (day or dt.date.min, list(FACT_KINDS).index(f.KIND), f.KIND, f.id)


def fact_line(f: Fact) -> str:
    record = f.model_dump(mode="json", exclude_none=True)
    return json.dumps({"kind": f.KIND, "record": record}, ensure_ascii=False, sort_keys=True)


def to_lines(facts: Iterable[Fact]) -> str:
    return "".join(fact_line(f) + "\n" for f in sorted(facts, key=stream_order))


def read_fact_line(text: str, file: str, lineno: int, limits: Limits = DEFAULT_LIMITS) -> Fact:
    """One JSON line → a validated fact; a located :class:`FactLoadError` if it is not one."""
    try:
        doc = parse_json(text, file, limits)
    except SourceError as exc:
        raise FactLoadError(
            [
                Diagnostic(
                    d.code, d.message, Span(file, lineno, d.span.col if d.span else 1), help=d.help
                )
                for d in exc.diagnostics
            ]
        ) from None
    data = doc.data
    if (
        not isinstance(data, dict)
        or set(data) != {"kind", "record"}
        or not isinstance(data["kind"], str)
    ):
        raise FactLoadError(
            [
                Diagnostic(
                    "hz_facts_wrong_type",
                    'a fact line is {"kind": "<fact kind>", "record": {...}}',
                    Span(file, lineno, 1),
                )
            ]
        )
    kind = data["kind"]

    here = (lineno, 1)  # JSON documents carry no spans: every problem points at its line
    moved = Document(file, {kind: [data["record"]]}, {(kind,): here, (kind, 0): here}, {})
    diags: list[Diagnostic] = []
    origins: dict[int, FactOrigin] = {}
    records = records_from_document(moved, diags, origins, limits)
    if diags:
        raise FactLoadError(diags)
    if kind not in FACT_KINDS or len(records) != 1:  # pragma: no cover - reported above
        raise FactLoadError([Diagnostic("hz_facts_wrong_type", "no record", Span(file, lineno, 1))])
    return records[0]


def read_lines(stream: IO[str], file: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Fact]:
    """The facts of a JSON-lines stream, one at a time (blank lines skipped)."""
    for lineno, line in enumerate(stream, 1):
        if line.strip():
            yield read_fact_line(line, file, lineno, limits)


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or ["."]
    sys.stdout.write(to_lines(load_facts(paths)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
