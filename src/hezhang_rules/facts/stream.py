"""Facts as JSON lines: ``{"kind": "<fact kind>", "record": {...}}``, one fact a line.

The envelope keeps the fact kind apart from records that have a ``kind`` field of their own
(meetings). Write a fact set as lines (chronological: undated structure first, then by the fact's
own date, then id)::

    .venv/bin/python -m hezhang_rules.facts.stream src/hezhang_rules/packs/qinghemen/example \
        > src/hezhang_rules/packs/qinghemen/example/facts.jsonl
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO

from hezhang_rules.diagnostics import Diagnostic, FactLoadError, Span
from hezhang_rules.facts.factset import FactOrigin, FactSet
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


def _relabel(d: Diagnostic, kind: str) -> Diagnostic:
    """A record of a stream line is named by its kind, not ``kind[0]`` as in a fact file."""
    if d.record and d.record.startswith(f"{kind}[0]"):
        return replace(d, record=kind + d.record[len(kind) + 3 :])
    return d


def read_fact(
    text: str, file: str, lineno: int, limits: Limits = DEFAULT_LIMITS
) -> tuple[Fact, FactOrigin]:
    """One JSON line → a validated fact and where it came from (its line, for later checks).

    A located :class:`FactLoadError` (``file:lineno:col``) if the line is not one fact.
    """
    try:
        doc = parse_json(text, file, limits)
    except SourceError as exc:
        raise FactLoadError(
            [
                Diagnostic(
                    d.code,
                    d.message,
                    Span(file, lineno, d.span.col if d.span else 1),
                    help=d.help,
                    zh=d.zh,
                    help_zh=d.help_zh,
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
                    zh='一行事实须写作 {"kind": "<fact kind>", "record": {...}}',
                )
            ]
        )
    kind = data["kind"]

    here = (lineno, 1)  # JSON documents carry no spans: every problem points at its line
    moved = Document(
        file, {kind: [data["record"]]}, {(kind,): here, (kind, 0): here}, {(kind,): here}
    )
    diags: list[Diagnostic] = []
    origins: dict[int, FactOrigin] = {}
    records = records_from_document(moved, diags, origins, limits)
    if diags:
        raise FactLoadError([_relabel(d, kind) for d in diags])
    if kind not in FACT_KINDS or len(records) != 1:  # pragma: no cover - reported above
        raise FactLoadError(
            [Diagnostic("hz_facts_wrong_type", "no record", Span(file, lineno, 1), zh="没有记录")]
        )
    fact = records[0]
    return fact, FactOrigin(Span(file, lineno, 1), f"{kind} (id {fact.id})", moved, (kind, 0))


def read_fact_line(text: str, file: str, lineno: int, limits: Limits = DEFAULT_LIMITS) -> Fact:
    """One JSON line → a validated fact; a located :class:`FactLoadError` if it is not one."""
    return read_fact(text, file, lineno, limits)[0]


def _line_error(
    code: str, message: str, file: str, lineno: int, col: int = 1, *, zh: str
) -> FactLoadError:
    return FactLoadError([Diagnostic(code, message, Span(file, lineno, col), zh=zh)])


def _text_lines(
    stream: IO[bytes] | IO[str], file: str, limits: Limits
) -> Iterator[tuple[int, str]]:
    """Numbered lines of a byte or text stream, each decoded as UTF-8 and bounded.

    A line is read at most ``limits.max_bytes + 1`` bytes at a time, so a stream with no line
    end (``/dev/zero`` piped in) is refused when the limit is passed, not held in memory.
    """
    limit = limits.max_bytes
    lineno = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        newline = "\n" if isinstance(raw, str) else b"\n"
        if len(raw) > limit and not raw.endswith(newline):  # type: ignore[arg-type]
            raise _line_error(
                "hz_load_file_too_large",
                f"a line longer than {limit} bytes (the limit max_bytes applies to each line)",
                file,
                lineno,
                zh=f"一行超过 {limit} 字节（上限 max_bytes 适用于每一行）",
            )
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise _line_error(
                    "hz_load_encoding",
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    file,
                    lineno,
                    exc.start + 1,
                    zh=f"不是有效的 UTF-8（字节 0x{raw[exc.start]:02x}）",
                ) from None
        else:
            text = raw.removeprefix("\ufeff") if lineno == 1 else raw
            bad = next((i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff"), None)
            if bad is not None:  # text decoded with surrogateescape, or a lone surrogate
                raise _line_error(
                    "hz_load_encoding",
                    "not valid UTF-8 (a lone surrogate)",
                    file,
                    lineno,
                    bad + 1,
                    zh="不是有效的 UTF-8（孤立的代理项）",
                )
        yield lineno, text


def read_stream(
    stream: IO[bytes] | IO[str], file: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[Fact, FactOrigin]]:
    """The facts of a JSON-lines stream with their origins, one at a time (blank lines skipped).

    Every problem is a :class:`FactLoadError` located at its line: the line's own syntax and
    validation, a line over ``max_bytes``, an id already used on an earlier line (named), more
    than ``max_records`` facts. References are checked at the end (``Monitor.report``), since
    a record may arrive before what it names.
    """
    first_line: dict[str, int] = {}
    for lineno, text in _text_lines(stream, file, limits):
        if not text.strip():
            continue
        fact, origin = read_fact(text, file, lineno, limits)
        if fact.id in first_line:
            raise FactLoadError(
                [
                    Diagnostic(
                        "hz_facts_duplicate_id",
                        f"id `{fact.id}` is used twice",
                        Span(file, lineno, 1),
                        record=origin.label,
                        field_path="id",
                        help=f"first used at {file}:{first_line[fact.id]}; a correction is a "
                        "new record with its own id",
                        zh=f"id `{fact.id}` 被用了两次",
                        help_zh=f"第一次用于 {file}:{first_line[fact.id]}；更正应是一条有自己 id "
                        "的新记录",
                    )
                ]
            )
        if len(first_line) >= limits.max_records:
            raise _line_error(
                "hz_load_too_many_records",
                f"more than {limits.max_records} facts in one stream (the monitor holds them "
                "all; raise the limit max_records)",
                file,
                lineno,
                zh=f"一个流中的事实超过 {limits.max_records} 条（监控要全部保存；可提高上限 "
                "max_records）",
            )
        first_line[fact.id] = lineno
        yield fact, origin


def read_lines(
    stream: IO[bytes] | IO[str], file: str, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Fact]:
    """The facts of a JSON-lines stream, one at a time (see :func:`read_stream`)."""
    for fact, _origin in read_stream(stream, file, limits):
        yield fact


def load_stream(stream: IO[bytes] | IO[str], file: str, limits: Limits = DEFAULT_LIMITS) -> FactSet:
    """Every fact of a JSON-lines stream as a :class:`FactSet`, for ``check`` (which reads the
    monitor's input too). Unlike :func:`read_stream`, which stops at the first bad line as the
    monitor must, every bad line is reported (up to ``max_problems``; a line that is not UTF-8
    or too long ends the reading), each at ``FILE:LINE:COL``; then ids and references are
    checked across the lines, as in fact files."""
    facts: list[Fact] = []
    origins: dict[int, FactOrigin] = {}
    diags: list[Diagnostic] = []
    try:
        for lineno, text in _text_lines(stream, file, limits):
            if len(diags) >= limits.max_problems:
                break
            if not text.strip():
                continue
            try:
                fact, origin = read_fact(text, file, lineno, limits)
            except FactLoadError as exc:
                diags.extend(exc.diagnostics)
                continue
            if len(facts) >= limits.max_records:
                raise _line_error(
                    "hz_load_too_many_records",
                    f"more than {limits.max_records} facts in one stream (raise the limit "
                    "max_records)",
                    file,
                    lineno,
                    zh=f"一个流中的事实超过 {limits.max_records} 条（可提高上限 max_records）",
                )
            facts.append(fact)
            origins[id(fact)] = origin
    except FactLoadError as exc:
        diags.extend(exc.diagnostics)
    if not facts and not diags:
        diags.append(
            Diagnostic(
                "hz_facts_no_files",
                "the stream holds no fact lines",
                Span(file, 1, 1),
                help='an empty feed is refused rather than reported as "no violation"',
                zh="事实流中没有事实行",
                help_zh="空的事实流会被拒绝，而不会报告为“无违规”",
            )
        )
    if diags:
        try:  # ids and references of the lines that were read, as for fact files
            FactSet.build(facts, origins, limits.max_problems)
        except FactLoadError as exc:
            diags.extend(d for d in exc.diagnostics if d.code != "hz_facts_dangling_reference")
        raise FactLoadError(diags)
    return FactSet.build(facts, origins, limits.max_problems)


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or ["."]
    sys.stdout.write(to_lines(load_facts(paths)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
