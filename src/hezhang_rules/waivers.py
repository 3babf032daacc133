"""Waivers: approved exceptions to findings, read from a waiver file (docs/waivers.md).

A waiver names findings by rule, holder and period (``*`` patterns allowed) or by finding id,
and says who approved the exception, when, why, and until when. It applies as of an audit's
as-of date when ``approved <= as_of <= expires``; a finding it applies to whose status is
``violated``, ``fulfilled_late`` or ``pending`` becomes ``waived`` and keeps the waiver and its
former status (``hezhang_rules.evaluate.waive`` does this once for every engine).

This module is the file's model and loader: read through :mod:`hezhang_rules.source` like every
input, so a bad file is a :class:`WaiverLoadError` of located diagnostics (exit 2 on the command
line), and :func:`waiver_problems`, the check that a waiver names rules the plan has.

A waiver file is a mapping with one key, ``waivers``, a list of waivers::

    waivers:
      - id: w-2021-sick-leave
        rule: art016.river_chief_half_yearly_inspection
        holder: p-chief-07
        period: 2021-H*
        approver: 区河长办
        approved: 2021-03-01
        reason: 经批准病休，由副河长代行巡查
        expires: 2021-12-31
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hezhang_rules.diagnostics import (
    Diagnostic,
    HezhangError,
    Span,
    did_you_mean,
    did_you_mean_zh,
    pydantic_zh,
)
from hezhang_rules.facts.types import Date
from hezhang_rules.source import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    PathKey,
    SourceError,
    decode_text,
    parse_text,
    read_bytes_bounded,
)

WAIVABLE = ("violated", "fulfilled_late", "pending")
"""The statuses a waiver in force changes into ``waived``; a ``fulfilled`` or
``not_applicable`` finding it matches stays as it is (and counts as matched)."""

WaiverState = Literal["in_force", "expired", "not_yet_approved"]


class WaiverLoadError(HezhangError):
    """A waiver file is unreadable or malformed, or names what the rule pack does not have."""


class Waiver(BaseModel):
    """One approved exception: which findings (``rule`` and ``holder``/``period``, or
    ``finding``), who approved it and when, why, and until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="the waiver's own id, unique in its file")
    rule: str = Field(min_length=1, description="a rule id; `*` matches any run of characters")
    holder: str | None = Field(
        default=None, min_length=1, description="a holder id pattern; absent: any holder"
    )
    period: str | None = Field(
        default=None, min_length=1, description="a period label pattern (2021, 2021-H*)"
    )
    finding: str | None = Field(
        default=None, min_length=1, description="a finding id pattern, instead of holder/period"
    )
    approver: str = Field(min_length=1)
    approved: Date
    reason: str = Field(min_length=1)
    expires: Date

    @model_validator(mode="before")
    @classmethod
    def _label_text(cls, data: Any) -> Any:
        """A period written unquoted (``2021``, a YAML integer) is the label ``2021``."""
        period = data.get("period") if isinstance(data, dict) else None
        if isinstance(period, int) and not isinstance(period, bool):
            return {**data, "period": str(period)}
        return data

    def state(self, as_of: dt.date) -> WaiverState:
        """Whether the waiver applies on ``as_of``: ``in_force`` from its approval to its
        expiry (both days included), else ``not_yet_approved`` or ``expired``."""
        if as_of < self.approved:
            return "not_yet_approved"
        if as_of > self.expires:
            return "expired"
        return "in_force"

    def patterns(self) -> tuple[tuple[str, str], ...]:
        """(finding field, anchored regular expression) for each pattern the waiver sets:
        ``rule_id``, then ``holder_id`` and ``label`` or ``id``. Python's ``re`` and polars
        (Rust's regex) read these expressions alike (``pattern_regex``)."""
        out = [("rule_id", pattern_regex(self.rule))]
        if self.finding is not None:
            out.append(("id", pattern_regex(self.finding)))
        if self.holder is not None:
            out.append(("holder_id", pattern_regex(self.holder)))
        if self.period is not None:
            out.append(("label", pattern_regex(self.period)))
        return tuple(out)

    def matches(self, fields: dict[str, str]) -> bool:
        """Whether a finding with these fields (``rule_id``, ``holder_id``, ``label``, ``id``)
        is one the waiver names."""
        return all(re.fullmatch(rx, fields[name]) for name, rx in self.patterns())


class WaiverFile(BaseModel):
    """A waiver file: ``waivers``, a list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    waivers: list[Waiver]


_META = set("\\.^$|?*+()[]{}")


def pattern_regex(pattern: str) -> str:
    """A waiver pattern as an anchored regular expression: ``*`` matches any run of
    characters (none included), every other character itself. Only the regular-expression
    metacharacters are escaped, so Python's ``re`` and Rust's ``regex`` (polars) read it the
    same way."""
    pieces = ("\\" + c if c in _META else c for c in pattern)
    return "^" + "".join(".*" if c == "\\*" else c for c in pieces) + "$"


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether ``text`` is one ``pattern`` names (``*``: any run of characters)."""
    return re.fullmatch(pattern_regex(pattern), text) is not None


@dataclass(frozen=True)
class Waivers:
    """The waivers of one file (or of a case's ``waivers:``), in file order, with the file's
    display name, the digest of its bytes (named by the run record) and its document (spans)."""

    waivers: tuple[Waiver, ...]
    file: str
    digest: str
    doc: Document | None = None
    prefix: PathKey = ()

    def span(self, index: int, key: str) -> Span:
        """Where the ``key`` of the ``index``-th waiver is written."""
        if self.doc is None:
            return Span(self.file)
        return self.doc.span((*self.prefix, "waivers", index, key))


def _schema_diags(doc: Document, prefix: PathKey, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        is_key = err["type"] == "extra_forbidden"
        where = ".".join(str(x) for x in (*prefix, *loc)) or None
        if is_key:
            msg, zh = f"unknown key `{loc[-1]}`", f"未知的键 `{loc[-1]}`"
        elif err["type"] == "missing":
            msg, zh = f"missing key `{loc[-1]}`", f"缺少键 `{loc[-1]}`"
        else:
            msg, zh = err["msg"].removeprefix("Value error, "), pydantic_zh(err)
        out.append(
            Diagnostic(
                "hz_waiver_schema",
                msg,
                doc.span((*prefix, *loc), key=is_key),
                help="a waiver has id, rule, holder/period or finding, approver, approved, "
                "reason and expires (docs/waivers.md)",
                field_path=where,
                zh=zh,
                help_zh="一条豁免写明 id、rule、holder/period 或 finding、approver、approved、"
                "reason 和 expires（见 docs/waivers.md）",
            )
        )
    return out


def _own_problems(model: WaiverFile, doc: Document, prefix: PathKey) -> list[Diagnostic]:
    """Located: a waiver id given twice, an expiry before the approval, ``finding`` beside
    ``holder`` or ``period``."""
    out = []
    seen: set[str] = set()
    for i, w in enumerate(model.waivers):
        if w.id in seen:
            out.append(
                Diagnostic(
                    "hz_waiver_duplicate",
                    f"waiver id `{w.id}` is given twice",
                    doc.span((*prefix, "waivers", i, "id")),
                    help="each waiver has its own id: the report counts findings per waiver",
                    zh=f"豁免编号 `{w.id}` 出现了两次",
                    help_zh="每条豁免有自己的编号：报告按豁免统计结论",
                )
            )
        seen.add(w.id)
        if w.expires < w.approved:
            out.append(
                Diagnostic(
                    "hz_waiver_dates",
                    f"waiver `{w.id}` expires ({w.expires}) before it is approved ({w.approved})",
                    doc.span((*prefix, "waivers", i, "expires")),
                    help="a waiver applies from `approved` to `expires`, both included",
                    zh=f"豁免 `{w.id}` 的到期日（{w.expires}）早于批准日（{w.approved}）",
                    help_zh="豁免自 `approved` 起至 `expires` 止有效（两日均含）",
                )
            )
        if w.finding is not None and (w.holder is not None or w.period is not None):
            out.append(
                Diagnostic(
                    "hz_waiver_schema",
                    f"waiver `{w.id}` names a `finding` and also a holder or period",
                    doc.span((*prefix, "waivers", i, "finding"), key=True),
                    help="a finding id already names its holder and period: give one or the other",
                    zh=f"豁免 `{w.id}` 既写了 `finding`，又写了 holder 或 period",
                    help_zh="结论编号已含责任主体和期间：二者择一",
                )
            )
    return out


def waivers_from_document(doc: Document, data: Any, digest: str, prefix: PathKey = ()) -> Waivers:
    """The waivers of ``data`` (a waiver file's mapping, found at ``prefix`` in ``doc``), or a
    :class:`WaiverLoadError` with every problem located."""
    if not isinstance(data, dict):
        raise WaiverLoadError(
            [
                Diagnostic(
                    "hz_waiver_schema",
                    "a waiver file is a mapping with a `waivers` list",
                    doc.span(prefix),
                    zh="豁免文件须为含 `waivers` 列表的映射",
                    help_zh="写作 `waivers:`，其下每条豁免一项",
                    help="write `waivers:` and one item per waiver under it",
                )
            ]
        )
    try:
        model = WaiverFile.model_validate(data)
    except ValidationError as exc:
        raise WaiverLoadError(_schema_diags(doc, prefix, exc)) from None
    problems = _own_problems(model, doc, prefix)
    if problems:
        raise WaiverLoadError(problems)
    return Waivers(tuple(model.waivers), doc.file, digest, doc, prefix)


def load_waivers(
    path: str | Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Waivers:
    """Read a waiver file (``.yaml``/``.yml``/``.json``); raise :class:`WaiverLoadError` with
    located diagnostics. The digest is the SHA-256 of the file's bytes."""
    path = Path(path)
    name = display or str(path)
    try:
        raw = read_bytes_bounded(path, name, limits.max_bytes)
        doc = parse_text(decode_text(raw, name), name, path.suffix, limits)
    except SourceError as exc:
        raise WaiverLoadError(exc.diagnostics) from None
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    return waivers_from_document(doc, doc.data, digest)


def waiver_problems(waivers: Waivers, rule_ids: Iterable[str]) -> list[Diagnostic]:
    """Located: a waiver whose ``rule`` names no rule of ``rule_ids`` (with "did you mean"
    for a plain id): it would waive nothing, most likely a typo or a renamed rule."""
    known = sorted(set(rule_ids))
    out = []
    for i, w in enumerate(waivers.waivers):
        if any(pattern_matches(w.rule, r) for r in known):
            continue
        hint = did_you_mean(w.rule, known) if "*" not in w.rule else None
        hint_zh = did_you_mean_zh(w.rule, known) if "*" not in w.rule else None
        out.append(
            Diagnostic(
                "hz_waiver_unknown_rule",
                f"waiver `{w.id}` names rule `{w.rule}`, which the rule pack does not have",
                waivers.span(i, "rule"),
                help=hint or "a waiver names a rule id of the pack (`*` for any characters)",
                zh=f"豁免 `{w.id}` 所指规则 `{w.rule}` 在规则包中不存在",
                help_zh=hint_zh or "豁免须写规则包中的规则编号（`*` 代表任意字符）",
            )
        )
    return out


__all__ = [
    "WAIVABLE",
    "Waiver",
    "WaiverFile",
    "WaiverLoadError",
    "WaiverState",
    "Waivers",
    "load_waivers",
    "pattern_matches",
    "pattern_regex",
    "waiver_problems",
    "waivers_from_document",
]
