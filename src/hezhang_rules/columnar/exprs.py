"""Polars expressions shared by the columnar rules: statuses, finding texts, JSON lines.

Each expression here is the column form of one piece of the batch evaluator, and must give the
same values: :data:`EXPRS` interprets a requirement kind's status rule (``evaluate.kinds``) over
columns, :func:`wording_expr` its wording, ``where_expr`` the conditions ``World.check`` judges,
``render_expr`` ``messages.render``, ``finding_struct`` then ``lines_of``
``findings.finding_line`` (keys sorted, compact); ``parquet_of`` gives the same fields as the
Parquet report's columns.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from pydantic_core import to_jsonable_python

from hezhang_rules.compile.operators import Op
from hezhang_rules.compile.plan import PlanRule
from hezhang_rules.evaluate.kinds import STATUS_WORDS, Ops, Wording
from hezhang_rules.evaluate.kinds import version as version_kind
from hezhang_rules.evaluate.kinds.words import DETAIL, MESSAGE, WHEN
from hezhang_rules.evaluate.periods import label_zh
from hezhang_rules.facts.frames import frame_of
from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import model_fields
from hezhang_rules.findings import Answerable, Finding

KEYS = ("article", "rule_id", "holder_id", "period_start", "id")
"""Report order inside the findings of one article (see ``findings.finding_order``)."""


def top_scalar(kind: str, name: str | None) -> bool:
    if name is None or "." in name:
        return False
    shape = model_fields(FACT_KINDS[kind]).get(name)
    return shape is not None and shape.kind == "scalar"


def where_expr(kind: str, conds: tuple[Any, ...]) -> pl.Expr | None:
    """The exact polars test for ``conds`` (equals / in / present on top-level scalars), or None."""
    out = pl.lit(True)
    for c in conds:
        if not top_scalar(kind, c.field):
            return None
        col = pl.col(c.field)
        if c.op == Op.EQUALS and not isinstance(c.operand, bool | frozenset | tuple | None):
            # (`equals: null` holds on an absent value, which a comparison cannot say)
            out = out & (col == plain(c.operand))
        elif c.op == Op.IN and isinstance(c.operand, frozenset | tuple | list):
            out = out & in_expr(col, c.operand)
        elif c.op == Op.PRESENT and isinstance(c.operand, bool):
            out = out & (col.is_not_null() if c.operand else col.is_null())
        else:
            return None
    return out


def in_expr(value: pl.Expr, operand: Any) -> pl.Expr:
    """``value`` is one of ``operand`` (``None`` among them: a missing value is one of them)."""
    wanted = [plain(v) for v in operand if v is not None]
    test = value.is_in(wanted).fill_null(False)
    return test | value.is_null() if None in operand else test


def plain(v: Any) -> Any:
    return getattr(v, "value", v)


def path_expr(path: str) -> pl.Expr:
    head, *rest = path.split(".")
    expr = pl.col(head)
    for part in rest:
        expr = expr.struct.field(part)
    return expr


Build = Callable[[], pl.DataFrame]
"""Encodes some findings of one rule when called: columns _KEYS..., status, line."""


@dataclass
class Part:
    """Findings of one rule, counted now and encoded only when written (``build``)."""

    article: int
    rule_id: str
    counts: dict[str, int]
    build: Build
    chunks: Callable[[], Iterator[Build]] | None = None  # the same, in sorted slices


SLICE = 500_000
"""Findings encoded at a time for a rule with one finding per record, trigger or period."""


def sorted_slices(
    frame: pl.DataFrame, order: list[str], build: Callable[[pl.DataFrame], pl.DataFrame]
) -> Iterator[Build]:
    """``build`` over slices of ``frame`` sorted by ``order`` — the rule's report order (holder,
    day, then the record that names the finding), which ``build`` keeps — one call per slice,
    made by whoever encodes it (slices may be encoded side by side)."""
    ordered = frame.sort(order)
    for start in range(0, ordered.height, SLICE):
        yield functools.partial(build, ordered.slice(start, SLICE))


class _Exprs(Ops[pl.Expr]):
    """Polars expressions: ``when`` a conditional column; a comparison with a missing value is
    missing, which ``when`` takes as false (the rule the values follow)."""

    def lit(self, value: Any) -> pl.Expr:
        return pl.lit(value)

    def when(self, cond: pl.Expr, then: pl.Expr, otherwise: pl.Expr) -> pl.Expr:
        return pl.when(cond).then(then).otherwise(otherwise)

    def le(self, a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return a <= b

    def gt(self, a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return a > b

    def ge(self, a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return a >= b

    def is_set(self, a: pl.Expr) -> pl.Expr:
        return a.is_not_null()


EXPRS: Ops[pl.Expr] = _Exprs()
"""The status rules of ``evaluate.kinds`` over columns: ``kinds.<kind>.status(EXPRS, ...)``
is the status of every row at once."""


def rows_frame(rows: Iterable[tuple[Any, ...]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame of Python rows, each a tuple in ``schema``'s column order (``frames.frame_of``:
    lists of strings built from their flat values)."""
    columns: dict[str, list[Any]] = {k: [] for k in schema}
    for row in rows:
        for column, value in zip(columns.values(), row, strict=True):
            column.append(value)
    return frame_of(columns, schema)


def status_counts(status: pl.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in status.value_counts().iter_rows()}


def json_text(text: str) -> str:
    """``text`` escaped as inside a JSON string (as ``json.dumps(..., ensure_ascii=False)``)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


_SPECIAL = r'[\x00-\x1f"\\]'


def escape_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame`` with ``column``'s text escaped for a JSON string. Only the rows that need it
    (a quote, a backslash, a control character: names rarely have one) are escaped, in Python,
    exactly as ``json.dumps`` escapes them."""
    values = frame.get_column(column)
    rows = values.str.contains(_SPECIAL).fill_null(False).arg_true()
    if not rows.len():
        return frame
    fixed = [None if v is None else json_text(v) for v in values.gather(rows).to_list()]
    return frame.with_columns(values.scatter(rows, pl.Series(fixed, dtype=pl.String)))


LANGS = ("zh", "en")
"""The languages of a finding's texts, in the order of their columns (``dzh``, ``den``; ``msg_zh``,
``msg_en``; ``reason_zh``, ``reason_en``)."""


def wording_expr(wording: Wording, lang: str, /, *, escape: bool = True, **fields: Any) -> pl.Expr:
    """``wording`` in ``lang`` as one string expression: its literal pieces (escaped for a JSON
    string unless ``escape`` is false) around the ``fields`` it names, each an expression —
    already escaped where it may hold any text, such as a name — or a constant, written as
    ``str(value)`` (and escaped). Null where a field is null; fields it does not name are
    ignored."""
    text = json_text if escape else str
    pieces = []
    for literal, name in wording.parts(lang):
        if literal:
            pieces.append(pl.lit(text(literal)))
        if name is not None:
            value = fields[name]
            pieces.append(value if isinstance(value, pl.Expr) else pl.lit(text(str(value))))
    return pl.concat_str(pieces)


def detail_columns(
    text: Callable[[str], pl.Expr], applicable: pl.Expr | None = None
) -> list[pl.Expr]:
    """A finding's detail in each language as columns ``dzh`` and ``den``: ``text(lang)``, or
    where ``applicable`` is false the reason it does not apply (columns ``reason_zh`` and
    ``reason_en``, escaped for a JSON string)."""
    out = []
    for lang in LANGS:
        expr = text(lang)
        if applicable is not None:
            expr = pl.when(applicable).then(expr).otherwise(pl.col(f"reason_{lang}"))
        out.append(expr.alias(f"d{lang}"))
    return out


def done_or_not(done: pl.Expr, yes: Wording, no: Wording, lang: str, /, **fields: Any) -> pl.Expr:
    """A dated duty's detail: ``no`` while ``done`` (the act's date) is missing, else ``yes``."""
    return (
        pl.when(done.is_null())
        .then(wording_expr(no, lang, **fields))
        .otherwise(wording_expr(yes, lang, **fields))
    )


def details_expr(keys: tuple[str, ...], **members: pl.Expr | str | None) -> pl.Expr:
    """A finding's ``details`` as compact JSON text, keys sorted (``findings.finding_line``):
    each member's value given as JSON text (an expression, or a constant string); a member
    given None, or whose value is null on a row, is left out. ``keys`` are the kind's
    ``DETAIL_KEYS``: no other key is written."""
    unknown = sorted(set(members) - set(keys))
    if unknown:
        raise ValueError(f"not among the detail keys {keys}: {unknown}")
    pieces = [
        pl.concat_str(pl.lit(f"{json.dumps(k)}:"), v if isinstance(v, pl.Expr) else pl.lit(v))
        for k, v in sorted(members.items())
        if v is not None
    ]
    body = pl.concat_str(pieces, separator=",", ignore_nulls=True) if pieces else pl.lit("")
    return pl.concat_str(pl.lit("{"), body, pl.lit("}"))


def finding_id(rule: PlanRule, holder: pl.Expr, key: pl.Expr) -> pl.Expr:
    """A finding's id: the rule's, the holder's, and what it is about (period, record)."""
    return pl.concat_str(pl.lit(f"{rule.id}/"), holder, pl.lit("/"), key).alias("id")


def render_expr(rule: PlanRule, name: pl.Expr, label: pl.Expr | None) -> list[pl.Expr]:
    """``messages.render`` as columns ``msg_zh`` and ``msg_en``, escaped for a JSON string,
    from the status (column ``status``), the detail (``dzh``, ``den``: escaped), the holder's
    name (``name``: escaped) and the period's label, if the message names it; the rule's own
    words are escaped here."""
    periods = (
        {}
        if label is None
        else {"zh": label.map_batches(_labels_zh, return_dtype=pl.String), "en": label}
    )
    out = []
    for lang in LANGS:
        words = {k: json_text(v) for k, v in STATUS_WORDS[lang].items()}
        when = wording_expr(WHEN, lang, period=periods[lang]) if periods else ""
        message = wording_expr(
            MESSAGE,
            lang,
            article=rule.article,
            title=getattr(rule.title, lang),
            holder=name,
            when=when,
            status=pl.col("status").replace_strict(words, return_dtype=pl.String),
        )
        detail = pl.col(f"d{lang}")
        bracketed = wording_expr(DETAIL, lang, detail=detail)
        message = message + pl.when(detail != "").then(bracketed).otherwise(pl.lit(""))
        out.append(message.alias(f"msg_{lang}"))
    return out


def _labels_zh(labels: pl.Series) -> pl.Series:
    """``periods.label_zh`` of each label, called once per distinct label (a slice of a
    national rule has half a million rows and a handful of labels)."""
    distinct = labels.unique().drop_nulls()
    texts = pl.Series([label_zh(x) for x in distinct.to_list()], dtype=pl.String)
    return labels.replace_strict(distinct, texts, default=None, return_dtype=pl.String)


def quoted_or_null(text: pl.Expr) -> pl.Expr:
    """``text`` as a JSON string (it holds nothing to escape, such as a date), or null."""
    return pl.concat_str(pl.lit('"'), text, pl.lit('"')).fill_null(pl.lit("null"))


def _id_list(ids: pl.Expr) -> pl.Expr:
    """A list of ids as a JSON array (ids are ``[\\w.:-]+``: nothing to escape)."""
    return (
        pl.when(ids.list.len() == 0)
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit('["'), ids.list.join('","'), pl.lit('"]')))
    )


def rule_pieces(rule: PlanRule) -> tuple[str, str, str]:
    """The constant text of a rule's lines: before ``details``, between ``message`` and the
    period's end, and between the period's start and the status."""

    def const(key: str, value: Any) -> str:
        return f'"{key}":' + json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = f',"article":{rule.article},"details":'
    mid = (
        '"},'
        + const("modality", rule.modality)
        + ","
        + const("parameters", [u.name for u in rule.params])
        + ',"period":{"end":"'
    )
    tail = (
        '"},'
        + ",".join(
            const(k, v)
            for k, v in (
                ("requirement", rule.requirement.type),
                ("rule_id", rule.id),
                ("severity", rule.severity),
                ("source", rule.location),
            )
        )
        + ',"status":"'
    )
    return head, mid, tail


def version_pieces(rule: PlanRule) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``rule_pieces`` of a versioned rule as expressions: the parameters and the source
    differ between its versions, so they are read from the columns ``vparams`` (JSON text) and
    ``vsource`` that ``finding_struct`` and ``finding_columns`` fill per finding."""
    head, mid, tail = rule_pieces(rule)
    mid_head = mid[: mid.index('"parameters":') + len('"parameters":')]
    mid_tail = mid[mid.index(',"period":') :]
    tail_head = tail[: tail.index('"source":') + len('"source":')]
    tail_tail = tail[tail.index(',"status":') :]
    return (
        pl.lit(head),
        pl.concat_str(pl.lit(mid_head), pl.col("vparams"), pl.lit(mid_tail)),
        pl.concat_str(pl.lit(tail_head + '"'), pl.col("vsource"), pl.lit('"' + tail_tail)),
    )


def kept_rows(rule: PlanRule, frame: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    """The findings of ``frame`` that ``rule``'s version judges (all of them for an
    unversioned rule): ``kinds.version.judged_here`` over the anchor column, ``start`` or
    ``end`` (the period's first and last day) — ``Run.emit``'s test, as columns."""
    if rule.version is None:
        return frame
    anchor = pl.col(end if version_kind.anchored_on_end(rule) else start)
    return frame.filter(version_kind.judged_here(EXPRS, anchor, rule.version))


def _with_version(rule: PlanRule, details: pl.Expr) -> pl.Expr:
    """``details`` (JSON text) with a versioned rule's ``version`` member: the last key, as
    every kind's detail keys sort before it."""
    if rule.version is None:
        return details
    member = '"version":' + json.dumps(rule.version.label, ensure_ascii=False)
    return (
        pl.when(details == "{}")
        .then(pl.lit("{" + member + "}"))
        .otherwise(pl.concat_str(details.str.strip_suffix("}"), pl.lit("," + member + "}")))
    )


def line_expr(
    pieces: tuple[pl.Expr, pl.Expr, pl.Expr],
    details: pl.Expr,
    holder_kind: pl.Expr | None = None,
    escalated_from: pl.Expr | None = None,
    evidence_json: pl.Expr | None = None,
    waiver: pl.Expr | None = None,
) -> pl.Expr:
    """One finding's JSON line, byte for byte ``findings.finding_line``, from its columns.

    The frame has answerable (its JSON text, ``answer_json``), holder_id, holder_name
    (escaped), status, due, evidence, id, msg_zh, msg_en
    (escaped: ``render_expr``), period_start, period_end, label and subject; ``pieces`` are
    the rule's constant text (``rule_pieces``); ``details`` is the details object as JSON text;
    ``holder_kind`` defaults to people, ``escalated_from`` to none; ``evidence_json``, the
    evidence as JSON text, to the ``evidence`` list column; ``waiver``, the waiver object as
    JSON text (``columnar.waive``), to none. The line is written out key by key
    in sorted order (polars' own JSON encoder is several times slower).
    """
    head, mid, tail = pieces
    return pl.concat_str(
        pl.lit('{"answerable":'),
        pl.col("answerable"),
        head,
        details,
        pl.lit(',"due":'),
        quoted_or_null(pl.col("due").cast(pl.String)),
        pl.lit(',"escalated_from":'),
        pl.lit("null") if escalated_from is None else quoted_or_null(escalated_from),
        pl.lit(',"evidence":'),
        _id_list(pl.col("evidence")) if evidence_json is None else evidence_json,
        pl.lit(',"holder":{"id":"'),
        pl.col("holder_id"),
        pl.lit('","kind":"'),
        pl.lit("person") if holder_kind is None else holder_kind,
        pl.lit('","name":"'),
        pl.col("holder_name"),
        pl.lit('"},"id":"'),
        pl.col("id"),
        pl.lit('","message":{"en":"'),
        pl.col("msg_en"),
        pl.lit('","zh":"'),
        pl.col("msg_zh"),
        mid,
        pl.col("period_end").cast(pl.String),
        pl.lit('","label":'),
        quoted_or_null(pl.col("label")),
        pl.lit(',"start":"'),
        pl.col("period_start").cast(pl.String),
        tail,
        pl.col("status"),
        pl.lit('","subject":'),
        quoted_or_null(pl.col("subject")),
        pl.lit(',"waiver":'),
        pl.lit("null") if waiver is None else waiver.fill_null("null"),
        pl.lit("}"),
    )


def finding_struct(
    rule: PlanRule,
    f: pl.DataFrame,
    details: pl.Expr,
    holder_kind: pl.Expr | None = None,
    escalated_from: pl.Expr | None = None,
    evidence_json: pl.Expr | None = None,
) -> pl.DataFrame:
    """The finding columns of one rule → the report's finding columns (``FINDING_COLUMNS``):
    sort keys, status, and every other field as ``line_expr`` and ``parquet_of`` read it
    (texts escaped for JSON, ``details`` and ``evidence`` as JSON text)."""
    return f.select(
        pl.lit(rule.article, pl.Int32).alias("article"),
        pl.lit(rule.id).alias("rule_id"),
        pl.col("holder_id"),
        pl.col("period_start"),
        pl.col("id"),
        pl.col("status"),
        _with_version(rule, details).alias("details"),
        pl.col("due"),
        (pl.lit(None, pl.String) if escalated_from is None else escalated_from).alias(
            "escalated_from"
        ),
        (_id_list(pl.col("evidence")) if evidence_json is None else evidence_json).alias(
            "evidence"
        ),
        (pl.lit("person") if holder_kind is None else holder_kind).alias("hkind"),
        pl.col("holder_name"),
        pl.col("msg_en"),
        pl.col("msg_zh"),
        pl.col("period_end"),
        pl.col("label"),
        pl.col("subject"),
        pl.lit(None, pl.String).alias("waiver"),  # set by ``columnar.waive``, if any
        *_version_columns(rule),
    )


def _version_columns(rule: PlanRule) -> tuple[pl.Expr, pl.Expr]:
    """The columns ``vsource`` and ``vparams`` of a rule's findings: a versioned rule's source
    and parameters (they differ between its versions), null for an unversioned rule."""
    if rule.version is None:
        return pl.lit(None, pl.String).alias("vsource"), pl.lit(None, pl.String).alias("vparams")
    params = json.dumps([u.name for u in rule.params], ensure_ascii=False, separators=(",", ":"))
    return pl.lit(rule.location).alias("vsource"), pl.lit(params).alias("vparams")


FINDING_COLUMNS: dict[str, pl.DataType] = {
    "article": pl.Int32(),
    "rule_id": pl.String(),
    "holder_id": pl.String(),
    "period_start": pl.Date(),
    "id": pl.String(),
    "status": pl.String(),
    "details": pl.String(),  # JSON text
    "due": pl.Date(),
    "escalated_from": pl.String(),
    "evidence": pl.String(),  # JSON text: an array of ids
    "hkind": pl.String(),
    "holder_name": pl.String(),  # escaped for a JSON string, as the messages and the label
    "msg_en": pl.String(),
    "msg_zh": pl.String(),
    "period_end": pl.Date(),
    "label": pl.String(),
    "subject": pl.String(),
    "waiver": pl.String(),  # JSON text: the waiver object (``Finding.waiver``), or null
    "vsource": pl.String(),  # a versioned rule's: its version's source (else null)
    "vparams": pl.String(),  # … and its parameters, as a JSON array (else null)
    "answerable": pl.String(),  # JSON text (``answer_json``)
}
"""The columns every build gives, one row per finding, in report order (``answerable`` is
added to a columnar rule's build when it is encoded: ``columnar.evaluate``)."""


def lines_of(frame: pl.DataFrame, rule: PlanRule) -> pl.DataFrame:
    """Finding columns of ``rule`` → the sort keys, status and one JSON line each (a
    versioned rule's source and parameters read per finding: ``version_pieces``)."""
    head, mid, tail = rule_pieces(rule)
    pieces = (pl.lit(head), pl.lit(mid), pl.lit(tail))
    line = line_expr(
        pieces if rule.version is None else version_pieces(rule),
        pl.col("details"),
        pl.col("hkind"),
        pl.col("escalated_from"),
        pl.col("evidence"),
        pl.col("waiver"),
    )
    return frame.select(*KEYS, "status", line.alias("line"))


WAIVER_STRUCT = pl.Struct(
    {
        "approved": pl.Date(),
        "approver": pl.String(),
        "expires": pl.Date(),
        "id": pl.String(),
        "reason": pl.String(),
        "status": pl.String(),
    }
)
"""``Finding.waiver`` as a Parquet column (fields in sorted order, as in a JSON line)."""

_WAIVER_TEXT = pl.Struct({k: pl.String() for k in WAIVER_STRUCT.to_schema()})


def waiver_struct(text: pl.Expr) -> pl.Expr:
    """The waiver column's JSON text → ``WAIVER_STRUCT`` (null stays null)."""
    w = text.str.json_decode(_WAIVER_TEXT)
    return pl.struct(
        w.struct.field("approved").str.to_date("%Y-%m-%d").alias("approved"),
        w.struct.field("approver"),
        w.struct.field("expires").str.to_date("%Y-%m-%d").alias("expires"),
        w.struct.field("id"),
        w.struct.field("reason"),
        w.struct.field("status"),
    )


ANSWERABLE_TYPE = pl.Struct(
    {
        "basis": pl.Struct(
            {"article": pl.Int32(), "by": pl.String(), "on": pl.Date(), "vacant": pl.Boolean()}
        ),
        "id": pl.String(),
        "kind": pl.String(),
        "name": pl.String(),
    }
)
"""The ``answerable`` column of a Parquet report (``findings.Answerable``)."""

REPORT_SCHEMA: dict[str, pl.DataType] = {
    "answerable": ANSWERABLE_TYPE,
    "article": pl.Int32(),
    "details": pl.String(),
    "due": pl.Date(),
    "escalated_from": pl.String(),
    "evidence": pl.List(pl.String()),
    "holder": pl.Struct({"id": pl.String(), "kind": pl.String(), "name": pl.String()}),
    "id": pl.String(),
    "message": pl.Struct({"en": pl.String(), "zh": pl.String()}),
    "modality": pl.String(),
    "parameters": pl.List(pl.String()),
    "period": pl.Struct({"end": pl.Date(), "label": pl.String(), "start": pl.Date()}),
    "requirement": pl.String(),
    "rule_id": pl.String(),
    "severity": pl.String(),
    "source": pl.String(),
    "status": pl.String(),
    "subject": pl.String(),
    "waiver": WAIVER_STRUCT,
}
"""A Parquet report's columns: the fields of a JSON line, in the same order; ``details`` is
its JSON text (its keys vary by requirement)."""


def parquet_of(frame: pl.DataFrame, rule: PlanRule) -> pl.DataFrame:
    """Finding columns of ``rule`` → rows of a Parquet report (``REPORT_SCHEMA``); the texts
    are unescaped back to what they say."""
    for column in ("holder_name", "msg_en", "msg_zh", "label"):
        frame = unescape_column(frame, column)
    frame = frame.with_columns(
        pl.col("evidence").str.json_decode(pl.List(pl.String)),
        pl.col("answerable").str.json_decode(ANSWERABLE_TYPE),
    )
    return frame.select(
        pl.col("answerable"),
        pl.col("article"),
        pl.col("details"),
        pl.col("due"),
        pl.col("escalated_from"),
        pl.col("evidence"),
        pl.struct(
            pl.col("holder_id").alias("id"),
            pl.col("hkind").alias("kind"),
            pl.col("holder_name").alias("name"),
        ).alias("holder"),
        pl.col("id"),
        pl.struct(pl.col("msg_en").alias("en"), pl.col("msg_zh").alias("zh")).alias("message"),
        pl.lit(rule.modality).alias("modality"),
        (
            pl.lit(pl.Series([[u.name for u in rule.params]], dtype=pl.List(pl.String))).first()
            if rule.version is None
            else pl.col("vparams").str.json_decode(pl.List(pl.String))
        ).alias("parameters"),
        pl.struct(
            pl.col("period_end").alias("end"),
            pl.col("label"),
            pl.col("period_start").alias("start"),
        ).alias("period"),
        pl.lit(rule.requirement.type).alias("requirement"),
        pl.col("rule_id"),
        pl.lit(rule.severity).alias("severity"),
        (pl.lit(rule.location) if rule.version is None else pl.col("vsource")).alias("source"),
        pl.col("status"),
        pl.col("subject"),
        pl.when(pl.col("waiver").is_not_null())
        .then(waiver_struct(pl.col("waiver")))
        .otherwise(pl.lit(None, WAIVER_STRUCT))
        .alias("waiver"),
    )


def unescape_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``escape_column`` undone: a text escaped for a JSON string, as it reads. Only texts
    with a backslash were changed by escaping, and only those rows are decoded (in Python,
    by ``json.loads``)."""
    values = frame.get_column(column)
    rows = values.str.contains("\\", literal=True).fill_null(False).arg_true()
    if not rows.len():
        return frame
    plain = [None if v is None else json.loads(f'"{v}"') for v in values.gather(rows).to_list()]
    return frame.with_columns(values.scatter(rows, pl.Series(plain, dtype=pl.String)))


def compact_json(data: Any) -> str:
    """``data`` as a finding line writes it: compact, sorted keys, UTF-8 text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def finding_columns(found: list[Finding]) -> pl.DataFrame:
    """``Finding`` objects → finding columns (in their order), texts escaped as the columnar
    rules escape them."""
    frame = pl.DataFrame(
        {
            "article": [f.article for f in found],
            "rule_id": [f.rule_id for f in found],
            "holder_id": [f.holder.id for f in found],
            "period_start": [f.period.start for f in found],
            "id": [f.id for f in found],
            "status": [f.status for f in found],
            "details": [
                json.dumps(
                    to_jsonable_python(f.details),
                    ensure_ascii=False,
                    sort_keys=True,
                    separators=(",", ":"),
                )
                for f in found
            ],
            "due": [f.due for f in found],
            "escalated_from": [f.escalated_from for f in found],
            "evidence": [json.dumps(f.evidence, separators=(",", ":")) for f in found],
            "hkind": [f.holder.kind for f in found],
            "holder_name": [f.holder.name for f in found],
            "msg_en": [f.message.en for f in found],
            "msg_zh": [f.message.zh for f in found],
            "period_end": [f.period.end for f in found],
            "label": [f.period.label for f in found],
            "subject": [f.subject for f in found],
            "waiver": [
                None if f.waiver is None else compact_json(f.waiver.model_dump(mode="json"))
                for f in found
            ],
            "vsource": [f.source if "version" in f.details else None for f in found],
            "vparams": [
                json.dumps(f.parameters, ensure_ascii=False, separators=(",", ":"))
                if "version" in f.details
                else None
                for f in found
            ],
            "answerable": [answer_json(f.answerable) for f in found],
        },
        schema=FINDING_COLUMNS,
    )
    for column in ("holder_name", "msg_en", "msg_zh", "label"):  # text that may need escaping
        frame = escape_column(frame, column)
    return frame


def answer_json(answerable: Answerable | None) -> str:
    """A finding's ``answerable`` as its JSON text in a line (sorted keys, compact)."""
    if answerable is None:
        return "null"
    data = answerable.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def answer_groups(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Findings counted per answerer, article and status, as ``findings.responsibility``
    reads them (kind, id, name, article, status, n) from the report's columns
    (``answerable`` a struct; a finding without one counts under its holder)."""

    def who(key: str) -> pl.Expr:
        answerer = pl.col("answerable").struct.field(key)
        return pl.coalesce(answerer, pl.col("holder").struct.field(key)).alias(key)

    keys = (who("kind"), who("id"), who("name"), pl.col("article"), pl.col("status"))
    return frame.group_by(*keys).agg(pl.len().cast(pl.Int64).alias("n"))


def holder_answers(rule: PlanRule) -> pl.Expr:
    """``by: holder``: the ``answerable`` JSON text of each row from its holder columns (the
    name already escaped), as ``answers.held`` gives it."""
    article = rule.answers.article if rule.answers.article is not None else rule.article
    return pl.concat_str(
        pl.lit(f'{{"basis":{{"article":{article},"by":"holder","on":null,"vacant":'),
        pl.when(pl.col("hkind") == "jurisdiction").then(pl.lit("true")).otherwise(pl.lit("false")),
        pl.lit('},"id":"'),
        pl.col("holder_id"),
        pl.lit('","kind":"'),
        pl.col("hkind"),
        pl.lit('","name":"'),
        pl.col("holder_name"),
        pl.lit('"}'),
    )


def by_rule(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Finding columns of several rules (in report order) → one frame per rule, in order."""
    if not frame.height:
        return
    yield from frame.partition_by("rule_id", maintain_order=True)
