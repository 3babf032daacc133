"""Fact files → :class:`FactSet`, with every problem located by file, record and field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hezhang_rules.diagnostics import (
    Diagnostic,
    FactLoadError,
    Span,
    did_you_mean,
    did_you_mean_zh,
    os_reason_zh,
    pydantic_zh,
    type_zh,
)
from hezhang_rules.facts.factset import FactOrigin, FactSet, is_collection, not_a_collection
from hezhang_rules.facts.models import FACT_KINDS, Fact
from hezhang_rules.source import DEFAULT_LIMITS, Document, Limits, SourceError, load_document

FACT_SUFFIXES = (".yaml", ".yml", ".json")


def discover(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Expand files and directories into sorted (path, display name); missing paths are errors."""
    out: list[tuple[Path, str]] = []
    diags: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        try:
            if p.is_dir():
                # Not only regular files: a FIFO or device named like a fact file is refused when
                # read (source.read_bytes_bounded), never skipped in silence nor waited on.
                found = sorted(
                    x for x in p.rglob("*") if x.suffix in FACT_SUFFIXES and not x.is_dir()
                )
                diags.extend(_unknown_files(p))
                if not found:
                    diags.append(
                        Diagnostic(
                            "hz_facts_no_files",
                            f"directory holds no {'/'.join(FACT_SUFFIXES)} files",
                            Span(str(p)),
                            zh=f"目录中没有 {'/'.join(FACT_SUFFIXES)} 文件",
                        )
                    )
                out.extend((x, str(x)) for x in found)
            elif p.is_file():
                out.append((p, str(p)))
            elif p.exists():
                diags.append(
                    Diagnostic(
                        "hz_facts_no_such_file",
                        "not a regular file or directory",
                        Span(str(p)),
                        zh="既不是普通文件也不是目录",
                    )
                )
            else:
                diags.append(
                    Diagnostic(
                        "hz_facts_no_such_file",
                        "no such file or directory",
                        Span(str(p)),
                        zh="没有该文件或目录",
                    )
                )
        except OSError as exc:  # a name too long, a folder that cannot be listed
            reason = exc.strerror or type(exc).__name__
            diags.append(
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read: {reason}",
                    Span(str(p)),
                    zh=f"无法读取：{os_reason_zh(exc)}",
                )
            )
    if diags:
        raise FactLoadError(diags)
    return out


STREAM_SUFFIX = ".jsonl"
"""The monitor's stream (``facts/stream.py``) may sit beside the fact files it was written
from (the example district's ``facts.jsonl``): ``check`` reads it only when given by name."""


def _unknown_files(folder: Path) -> list[Diagnostic]:
    """Files of a fact-file folder that are no fact file: refused, never skipped. Aside: a
    README and hidden files (``table_paths.is_aside``; hidden folders are not entered) and the
    monitor's stream (``STREAM_SUFFIX``)."""
    from hezhang_rules.facts.table_paths import is_aside

    out = []
    for x in sorted(folder.rglob("*")):
        parts = x.relative_to(folder).parts
        if (
            x.is_dir()
            or x.suffix in FACT_SUFFIXES
            or x.suffix == STREAM_SUFFIX
            or is_aside(x.name)
            or any(q.startswith(".") for q in parts[:-1])
        ):
            continue
        stem, suffix = x.stem, x.suffix.lower()
        guess = (
            f"{stem}{suffix}"
            if suffix in FACT_SUFFIXES
            else f"{stem.lower()}{suffix}"
            if stem.lower() in FACT_KINDS and stem != stem.lower()
            else None
        )
        out.append(
            Diagnostic(
                "hz_facts_unknown_file",
                f"not a fact file: expected {'/'.join(FACT_SUFFIXES)} fact files (a README, "
                "hidden files and the monitor's .jsonl stream aside)",
                Span(str(x)),
                help=f"did you mean `{guess}`?" if guess else None,
                zh=f"不是事实文件：应为 {'/'.join(FACT_SUFFIXES)} 事实文件（README、隐藏文件和"
                "监控用的 .jsonl 事实流除外）",
                help_zh=f"是否应为 `{guess}`？" if guess else None,
            )
        )
    return out


_CODE_BY_TYPE = {
    "extra_forbidden": "hz_facts_unknown_field",
    "missing": "hz_facts_missing_field",
    "enum": "hz_facts_invalid_value",
    "literal_error": "hz_facts_invalid_value",
    "date_out_of_range": "hz_facts_date_out_of_range",  # facts/bounds.py
    "int_out_of_range": "hz_facts_number_out_of_range",
}


def _code(err: Any, loc: tuple[Any, ...], model: type[Fact]) -> str:
    if err["type"] in _CODE_BY_TYPE:
        return str(_CODE_BY_TYPE[err["type"]])
    msg = str(err.get("msg", ""))
    if "YYYY-MM-DD" in msg or "calendar date" in msg:
        return "hz_facts_invalid_date"
    if err["type"].endswith("_type") or err["type"].endswith("_parsing"):
        return "hz_facts_wrong_type"
    return "hz_facts_invalid_value"


def record_label(kind: str, index: int, raw: Any) -> str:
    """How a diagnostic names a record read from a file: ``kind[index] (id X)``, without the id
    when the record has no string ``id``."""
    rid = raw.get("id") if isinstance(raw, dict) else None
    return f"{kind}[{index}]" + (f" (id {rid})" if isinstance(rid, str) else "")


def validate_record(
    model: type[Fact],
    kind: str,
    index: int,
    raw: Any,
    diags: list[Diagnostic],
    span_of: Callable[[tuple[Any, ...], bool], Span],
    mapping: str = "a mapping",
    mapping_zh: str = "映射",
) -> Fact | None:
    """Record ``index`` of ``kind`` through its model, or ``None`` with its problems in ``diags``.

    A fact file and a fact table label and check a record alike; ``span_of`` places a problem
    (``()``: the record itself; see :func:`validation_diagnostics`), ``mapping`` and
    ``mapping_zh`` name what a record must be in the source's format (a YAML mapping, a JSON
    object).
    """
    label = record_label(kind, index, raw)
    if not isinstance(raw, dict):
        diags.append(
            Diagnostic(
                "hz_facts_wrong_type",
                f"expected {mapping} (a record), found {type(raw).__name__}",
                span_of((), False),
                record=label,
                zh=f"应为{mapping_zh}（一条记录），却是{type_zh(type(raw).__name__)}",
            )
        )
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(model, exc, label, span_of))
        return None


def _in_document(doc: Document, at: tuple[str, int]) -> Callable[[tuple[Any, ...], bool], Span]:
    """Place an error of the record at ``at`` on its value or key in the YAML document."""
    return lambda loc, key: doc.span((*at, *loc), key=key)


def validation_diagnostics(
    model: type[Fact],
    exc: ValidationError,
    label: str,
    span_of: Callable[[tuple[Any, ...], bool], Span],
) -> list[Diagnostic]:
    """The model's validation errors of one record, as located diagnostics.

    ``span_of(loc, is_key)`` places each error (a fact file: the value or key in the YAML; a
    fact table: the row). Unknown fields get a did-you-mean from the model they sit in.
    """
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in loc)
        path = path.replace(".[", "[")
        is_key = err["type"] == "extra_forbidden"
        msg = err["msg"].removeprefix("Value error, ")
        msg_zh = pydantic_zh(err)
        help_text = help_zh = None
        if is_key:
            parent_model = _model_at(model, loc[:-1])
            msg = f"unknown field `{loc[-1]}`"
            msg_zh = f"未知字段 `{loc[-1]}`"
            if parent_model is not None:
                help_text = did_you_mean(str(loc[-1]), parent_model.model_fields)
                help_zh = did_you_mean_zh(str(loc[-1]), parent_model.model_fields)
        out.append(
            Diagnostic(
                _code(err, loc, model),
                msg,
                span_of(loc, is_key),
                record=label,
                field_path=path or None,
                help=help_text,
                zh=msg_zh,
                help_zh=help_zh,
            )
        )
    return out


def _model_at(model: type[Any], loc: tuple[Any, ...]) -> type[Any] | None:
    from hezhang_rules.facts.schema import model_fields

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        shape = model_fields(current).get(str(part)) if hasattr(current, "model_fields") else None
        if shape is None:
            return None
        while shape.kind in ("list", "dict") and shape.item is not None:
            shape = shape.item
        current = shape.model
        if current is None:
            return None
    return current if hasattr(current, "model_fields") else None


def records_from_document(
    doc: Document,
    diags: list[Diagnostic],
    origins: dict[int, FactOrigin],
    limits: Limits = DEFAULT_LIMITS,
) -> list[Fact]:
    """Validate every record of one parsed file; append problems to ``diags``."""
    if not isinstance(doc.data, dict):
        found = "an empty file" if doc.data is None else f"a {type(doc.data).__name__}"
        found_zh = "空文件" if doc.data is None else type_zh(type(doc.data).__name__)
        diags.append(
            Diagnostic(
                "hz_facts_wrong_type",
                f"a fact file is a mapping of kind → list of records; found {found}",
                Span(doc.file, 1, 1),
                help="e.g. `inspections:` followed by `- id: ...` records",
                zh=f"事实文件是“种类 → 记录列表”的映射，却是{found_zh}",
                help_zh="例如 `inspections:` 下接若干 `- id: ...` 记录",
            )
        )
        return []
    out: list[Fact] = []
    count = 0
    first_diag = len(diags)
    for kind, records in doc.data.items():
        if kind not in FACT_KINDS:
            diags.append(
                Diagnostic(
                    "hz_facts_unknown_kind",
                    f"unknown fact kind `{kind}`",
                    doc.span((kind,), key=True),
                    help=did_you_mean(kind, FACT_KINDS)
                    or "known kinds: " + ", ".join(sorted(FACT_KINDS)),
                    zh=f"未知的事实种类 `{kind}`",
                    help_zh=did_you_mean_zh(kind, FACT_KINDS)
                    or "已知的种类：" + "、".join(sorted(FACT_KINDS)),
                )
            )
            continue
        if records is None:
            continue
        if not isinstance(records, list):
            diags.append(
                Diagnostic(
                    "hz_facts_wrong_type",
                    f"`{kind}` must be a list of records, found {type(records).__name__}",
                    doc.span((kind,)),
                    zh=f"`{kind}` 须为记录列表，却是{type_zh(type(records).__name__)}",
                )
            )
            continue
        count += len(records)
        if count > limits.max_records:
            diags.append(
                Diagnostic(
                    "hz_load_too_many_records",
                    f"more than {limits.max_records} records in one file",
                    doc.span((kind,)),
                    help="split the facts over several files, or raise the limit max_records",
                    zh=f"一个文件中的记录超过 {limits.max_records} 条",
                    help_zh="把事实分到几个文件中，或提高上限 max_records",
                )
            )
            return out
        for i, raw in enumerate(records):
            if len(diags) - first_diag >= limits.max_problems:
                diags.append(
                    Diagnostic(
                        "hz_load_too_many_problems",
                        f"more than {limits.max_problems} problems in this file; the first "
                        f"{limits.max_problems} are shown",
                        doc.span((kind, i)),
                        help="fix those first, or raise the limit max_problems",
                        zh=f"本文件的问题超过 {limits.max_problems} 个；只列出前 "
                        f"{limits.max_problems} 个",
                        help_zh="先改正这些，或提高上限 max_problems",
                    )
                )
                return out
            fact = validate_record(
                FACT_KINDS[kind],
                kind,
                i,
                raw,
                diags,
                _in_document(doc, (kind, i)),
            )
            if fact is not None:
                label = f"{kind}[{i}] (id {fact.id})"
                origins[id(fact)] = FactOrigin(doc.span((kind, i)), label, doc, (kind, i))
                out.append(fact)
    return out


def load_facts(
    paths: Sequence[str | Path] | str | Path, limits: Limits = DEFAULT_LIMITS
) -> FactSet:
    """Load fact files and directories into a :class:`FactSet`.

    Every problem in every file is collected before failing: syntax, unknown kinds and fields,
    wrong types, impossible dates, duplicate ids and references to records that do not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files = discover(paths)
    diags: list[Diagnostic] = []
    facts: list[Fact] = []
    origins: dict[int, FactOrigin] = {}
    for path, display in files:
        try:
            doc = load_document(path, display, limits)
        except SourceError as exc:
            diags.extend(exc.diagnostics)
            continue
        facts.extend(records_from_document(doc, diags, origins, limits))
    if diags:
        # Reference checks need every record; still report them when only some records failed.
        try:
            FactSet.build(facts, origins, limits.max_problems)
        except FactLoadError as exc:
            diags.extend(d for d in exc.diagnostics if d.code != "hz_facts_dangling_reference")
        raise FactLoadError(diags)
    return FactSet.build(facts, origins, limits.max_problems)


def _at(span: Span) -> Callable[[tuple[Any, ...], bool], Span]:
    """Place every problem of a row at the row (a Python row has no finer position; the
    diagnostic's field path names the field)."""
    return lambda loc, key: span


def facts_from_models(facts: Iterable[Fact]) -> FactSet:
    """Build a :class:`FactSet` from model objects made in Python (same checks as files).

    Raises :class:`FactLoadError` with every problem, each at the record's position in the
    argument: ``facts_from_models(facts)[3]`` for a duplicate id (its help names the first
    position), a dangling reference (with the field), or an item that is not a fact model.
    """
    return FactSet.build(facts, source="facts_from_models(facts)")


def facts_from_records(
    records: Mapping[str, Iterable[Any]], limits: Limits = DEFAULT_LIMITS
) -> FactSet:
    """Build a :class:`FactSet` from plain rows by kind, e.g. rows a platform read from its own
    database: ``{"inspections": [{"id": "insp-1", "date": "2021-03-02", ...}, ...]}``.

    Each row is validated as a record of a fact file is (the same checks and codes; dates as
    ``dt.date`` or ``"YYYY-MM-DD"``, nested values as lists and mappings) and every problem is
    collected into one :class:`FactLoadError`, located at the row:
    ``facts_from_records(records)[inspections][3]``, with the record and the field path.
    A row may be any mapping (a ``dict``, a driver's row mapping). ``limits.max_problems``
    bounds the diagnostics of duplicate ids and references, as for files.
    """
    where = "facts_from_records(records)"
    if not isinstance(records, Mapping):
        raise not_a_collection(
            records, where, "a mapping of kind → list of rows", "“种类 → 记录行列表”的映射"
        )
    diags: list[Diagnostic] = []
    facts: list[Fact] = []
    origins: dict[int, FactOrigin] = {}
    for kind, rows in records.items():
        at = f"{where}[{kind}]"
        if kind not in FACT_KINDS:
            diags.append(
                Diagnostic(
                    "hz_facts_unknown_kind",
                    f"unknown fact kind `{kind}`",
                    Span(at),
                    help=did_you_mean(str(kind), FACT_KINDS)
                    or "known kinds: " + ", ".join(sorted(FACT_KINDS)),
                    zh=f"未知的事实种类 `{kind}`",
                    help_zh=did_you_mean_zh(str(kind), FACT_KINDS)
                    or "已知的种类：" + "、".join(sorted(FACT_KINDS)),
                )
            )
            continue
        if not is_collection(rows):
            diags.append(
                Diagnostic(
                    "hz_facts_wrong_type",
                    f"`{kind}` must be a list of rows, found {type(rows).__name__}",
                    Span(at),
                    zh=f"`{kind}` 须为记录行列表，却是{type_zh(type(rows).__name__)}",
                )
            )
            continue
        for i, raw in enumerate(rows):
            span = Span(f"{at}[{i}]")
            if isinstance(raw, Mapping) and not isinstance(raw, dict):
                raw = dict(raw)  # a driver's row mapping (SQLAlchemy's RowMapping, …)
            fact = validate_record(FACT_KINDS[kind], kind, i, raw, diags, _at(span))
            if fact is not None:
                origins[id(fact)] = FactOrigin(span, f"{kind}[{i}] (id {fact.id})")
                facts.append(fact)
    if diags:
        try:  # the duplicate ids and references of the rows that did validate, as files do
            FactSet.build(facts, origins, limits.max_problems, source=where)
        except FactLoadError as exc:
            diags.extend(d for d in exc.diagnostics if d.code != "hz_facts_dangling_reference")
        raise FactLoadError(diags)
    return FactSet.build(facts, origins, limits.max_problems, source=where)
