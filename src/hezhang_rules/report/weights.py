"""The assessment roll-up (art. 32-34): a weights file turns findings into a score per column.

A weights file (赋分权重) gives each article or rule a weight::

    default: 1            # a rule named nowhere below weighs this much (0 leaves it out)
    late_credit: 0.5      # the credit of a duty fulfilled late (fulfilled: 1, violated: 0)
    weights:
      art016: 3                                 # every rule of article 16
      art019.rectification_report_timely: 4     # one rule; wins over its article

The score of a town, department or the district is the weighted share of credit over its
*decided* findings (fulfilled, fulfilled late, violated); pending and not-applicable findings do
not count::

    score = 100 × Σ weight(f) × credit(f) / Σ weight(f)

The file is validated like a rule file: every problem is reported with its line and column, an
unknown article or rule id gets a "did you mean", and a bad file stops the run (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from hezhang_rules.compile.plan import Plan
from hezhang_rules.diagnostics import Diagnostic, RuleLoadError, Span, did_you_mean, did_you_mean_zh
from hezhang_rules.findings import Finding, Report
from hezhang_rules.report.context import AuditContext, HolderInfo, with_column
from hezhang_rules.report.table import FindingsTable, findings_frame
from hezhang_rules.source import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    SourceError,
    check_regular_file,
    load_document,
)

_KEYS = ("default", "late_credit", "weights")
_ARTICLE = re.compile(r"^art(\d{3})$")
DECIDED = ("fulfilled", "fulfilled_late", "violated")
# The largest weight: a ratio of a million between two rules is more than any assessment
# scheme uses, and larger numbers only lose the scores to floating-point overflow (inf/inf).
MAX_WEIGHT = 1_000_000


@dataclass(frozen=True)
class Weights:
    default: float = 1.0
    late_credit: float = 0.5
    by_article: Mapping[int, float] = field(default_factory=dict)
    by_rule: Mapping[str, float] = field(default_factory=dict)
    source: str | None = None  # the file, or None for the built-in equal weights

    def of(self, f: Finding) -> float:
        return self.of_rule(f.rule_id, f.article)

    def of_rule(self, rule_id: str, article: int) -> float:
        """The weight of a rule's findings: the rule's own, else its article's, else the
        default."""
        if rule_id in self.by_rule:
            return self.by_rule[rule_id]
        return self.by_article.get(article, self.default)

    def credit(self, f: Finding) -> float:
        return self.credit_of(f.status)

    def credit_of(self, status: str) -> float:
        """The credit of a status: fulfilled 1, fulfilled late ``late_credit``, else 0."""
        return {"fulfilled": 1.0, "fulfilled_late": self.late_credit}.get(status, 0.0)


EQUAL = Weights()


def _number(
    value: Any,
    span: Span,
    what: str,
    diags: list[Diagnostic],
    upper: float = MAX_WEIGHT,
    what_zh: str | None = None,
) -> float | None:
    # Compared before any float(): an integer of 400 digits does not fit a float.
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and 0 <= value <= upper:  # NaN fails both comparisons
        return float(value)
    shown = str(value) if not isinstance(value, str | dict | list) else repr(value)
    if len(shown) > 40:
        shown = shown[:40] + "…"
    diags.append(
        Diagnostic(
            "hz_weights_bad_value",
            f"{what} takes a number between 0 and {upper:g}, got `{shown}`",
            span,
            zh=f"{what_zh or what} 须为 0 至 {upper:g} 之间的数，却是 `{shown}`",
        )
    )
    return None


def _weights(
    doc: Document, plan: Plan, diags: list[Diagnostic]
) -> tuple[dict[int, float], dict[str, float]]:
    by_article: dict[int, float] = {}
    by_rule: dict[str, float] = {}
    table = doc.data.get("weights", {})
    if table is None:
        return by_article, by_rule
    if not isinstance(table, dict):
        diags.append(
            Diagnostic(
                "hz_weights_bad_value",
                "`weights` maps article keys (art016) or rule ids to numbers",
                doc.span(("weights",)),
                zh="`weights` 把条文键（如 art016）或规则 id 映射到数",
            )
        )
        return by_article, by_rule
    rules = {r.id for r in plan.rules}
    articles = {a.number for a in plan.base_articles()}
    known = sorted(rules | {f"art{n:03d}" for n in articles})
    for key, value in table.items():
        key_span = doc.span(("weights", key), key=True)
        m = _ARTICLE.match(key)
        if m is None and key not in rules:
            diags.append(
                Diagnostic(
                    "hz_weights_unknown_rule",
                    f"`{key}` is neither an article key (art016) nor a rule id of pack "
                    f"`{plan.pack}`",
                    key_span,
                    help=did_you_mean(key, known),
                    zh=f"`{key}` 既不是条文键（如 art016），也不是规则包 `{plan.pack}` 的规则 id",
                    help_zh=did_you_mean_zh(key, known),
                )
            )
            continue
        if m is not None and int(m.group(1)) not in articles:
            diags.append(
                Diagnostic(
                    "hz_weights_unknown_article",
                    f"article {int(m.group(1))} is not in pack `{plan.pack}`",
                    key_span,
                    help=did_you_mean(key, known),
                    zh=f"规则包 `{plan.pack}` 中没有第 {int(m.group(1))} 条",
                    help_zh=did_you_mean_zh(key, known),
                )
            )
            continue
        weight = _number(
            value,
            doc.span(("weights", key)),
            f"the weight of `{key}`",
            diags,
            what_zh=f"`{key}` 的权重",
        )
        if weight is None:
            continue
        if m is not None:
            by_article[int(m.group(1))] = weight
        else:
            by_rule[key] = weight
    return by_article, by_rule


def load_weights(path: str | Path, plan: Plan, limits: Limits = DEFAULT_LIMITS) -> Weights:
    """Read and check a weights file against ``plan``; raise :class:`RuleLoadError`."""
    p = Path(path)
    display = str(path)
    try:
        missing = not p.exists() and not p.is_symlink()
    except OSError:  # a name too long: check_regular_file below says so, located
        missing = False
    if missing:
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_weights_no_such_file",
                    "no such weights file",
                    Span(display),
                    zh="没有该权重文件",
                )
            ]
        )
    try:
        check_regular_file(p, display)  # a FIFO or device is refused, never waited on
        doc = load_document(p, display, limits)
    except SourceError as exc:
        raise RuleLoadError(exc.diagnostics) from None
    diags: list[Diagnostic] = []
    if not isinstance(doc.data, dict):
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_weights_bad_value",
                    "a weights file is a mapping with `default`, `late_credit` and `weights`",
                    Span(display, 1, 1),
                    zh="权重文件是含 `default`、`late_credit` 和 `weights` 的映射",
                )
            ]
        )
    for key in doc.data:
        if key not in _KEYS:
            diags.append(
                Diagnostic(
                    "hz_weights_unknown_key",
                    f"unknown key `{key}` (keys: {', '.join(_KEYS)})",
                    doc.span((key,), key=True),
                    help=did_you_mean(str(key), _KEYS),
                    zh=f"未知的键 `{key}`（可用的键：{'、'.join(_KEYS)}）",
                    help_zh=did_you_mean_zh(str(key), _KEYS),
                )
            )
    default = _number(doc.data.get("default", 1), doc.span(("default",)), "`default`", diags)
    late = _number(
        doc.data.get("late_credit", 0.5), doc.span(("late_credit",)), "`late_credit`", diags, 1.0
    )
    by_article, by_rule = _weights(doc, plan, diags)
    if diags:
        raise RuleLoadError(diags)
    assert default is not None and late is not None
    return Weights(default, late, by_article, by_rule, display)


@dataclass(frozen=True)
class Score:
    """The roll-up of one column: a town, a department, or the district."""

    column: HolderInfo
    score: float | None  # 0-100, None when nothing weighted is decided yet
    weight: float  # Σ weight over decided findings
    counts: Mapping[str, int]  # findings by status


def scores(findings: FindingsTable | Report, ctx: AuditContext, weights: Weights) -> list[Score]:
    """One :class:`Score` per column of ``ctx`` (district, towns, departments), in column
    order: the findings counted by column, rule and status in one group-by, the weights applied
    to those counts."""
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    grouped = (
        with_column(findings_frame(findings), ctx)
        .group_by("column", "article", "rule_id", "status")
        .agg(pl.len().alias("n"))
        .sort("column", "article", "rule_id", "status")  # the same sums in the same order
        .collect()
    )
    for col, article, rule_id, status, n in grouped.iter_rows():
        c = counts.setdefault(col, {})
        c[status] = c.get(status, 0) + n
        if status in DECIDED:
            w = weights.of_rule(rule_id, article) * n
            num[col] = num.get(col, 0.0) + w * weights.credit_of(status)
            den[col] = den.get(col, 0.0) + w
    out = []
    for info in ctx.columns:
        d = den.get(info.column, 0.0)
        value = round(100.0 * num.get(info.column, 0.0) / d, 1) if d > 0 else None
        out.append(Score(info, value, d, counts.get(info.column, {})))
    return out


def formula(weights: Weights, lang: str) -> str:
    """One line that says how the scores were computed, with this run's settings."""
    src = weights.source or ("内置等权" if lang == "zh" else "built-in equal weights")
    if lang == "zh":
        return (
            f"得分 = 100 × Σ(权重 × 履行分) ÷ Σ权重，只计已判定的检查结果（已履行 1 分、逾期履行 "
            f"{weights.late_credit:g} 分、未履行 0 分；待履行和不适用不计）。权重：{src}，"
            f"未列明的规则权重为 {weights.default:g}。"
        )
    return (
        f"score = 100 × Σ(weight × credit) ÷ Σ weight over decided findings (fulfilled 1, "
        f"fulfilled late {weights.late_credit:g}, violated 0; pending and not applicable are "
        f"left out). Weights: {src}; a rule not named weighs {weights.default:g}."
    )
