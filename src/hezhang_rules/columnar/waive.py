"""Waivers over finding columns: ``evaluate.waive``'s rule as polars expressions.

The columnar engine's batch part applies waivers to its ``Finding`` objects with
``evaluate.waive.apply_waivers``; its columnar rules' findings are finding columns
(``exprs.FINDING_COLUMNS``), and :func:`waive_frame` makes the same decision over them, with the
same anchored patterns (``Waiver.patterns``, read alike by Python's ``re`` and polars), the
same order (the first waiver in force that matches) and the same waivable statuses. A columnar
rule never escalates another's findings (those rules stay in the batch part), so the
escalation step of ``apply_waivers`` has nothing to do here.

A rule that some waiver names is built twice: once to count its statuses and waivers for the
report's header (written before any finding), once when written. Rules no waiver names are
left as they were.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator

import polars as pl

from hezhang_rules.columnar.exprs import Build, Part, compact_json, status_counts
from hezhang_rules.evaluate.waive import excuse
from hezhang_rules.waivers import WAIVABLE, Waiver, Waivers, pattern_matches


def _named(w: Waiver) -> pl.Expr:
    """Whether a row is a finding ``w`` names (all its patterns match)."""
    out = pl.lit(True)
    for column, rx in w.patterns():
        out = out & pl.col(column).str.contains(rx).fill_null(False)
    return out


def _text_head(w: Waiver) -> str:
    """The waiver's JSON object up to its ``status`` value (the last key in sorted order)."""
    text = compact_json(excuse(w, "violated").model_dump(mode="json"))
    head, _, _ = text.rpartition('"status":')
    return head + '"status":"'


def _chosen(waivers: Waivers, as_of: dt.date) -> pl.Expr:
    """The index of the first waiver in force that names the row, else null."""
    out = pl.lit(None, pl.Int32)
    for i, w in reversed(list(enumerate(waivers.waivers))):  # the first one named wins
        if w.state(as_of) == "in_force":
            out = pl.when(_named(w)).then(pl.lit(i, pl.Int32)).otherwise(out)
    return out


def waive_frame(
    frame: pl.DataFrame, waivers: Waivers, as_of: dt.date
) -> tuple[pl.DataFrame, list[int], list[int]]:
    """Finding columns with the waivers in force applied (``status`` and ``waiver``), and per
    waiver (file order) the rows it named and the rows it waived."""
    ws = waivers.waivers
    marked = frame.with_columns(
        _chosen(waivers, as_of).alias("_w"),
        *[_named(w).alias(f"_m{i}") for i, w in enumerate(ws)],
    )
    waive = pl.col("_w").is_not_null() & pl.col("status").is_in(WAIVABLE)
    matched = [int(marked.get_column(f"_m{i}").sum()) for i in range(len(ws))]
    heads = [pl.lit(_text_head(w)) for w in ws]
    text = pl.lit(None, pl.String)
    for i, head in enumerate(heads):
        own = pl.concat_str(head, pl.col("status"), pl.lit('"}'))
        text = pl.when(pl.col("_w") == i).then(own).otherwise(text)
    out = marked.with_columns(
        pl.when(waive).then(text).otherwise(pl.col("waiver")).alias("waiver"),
        pl.when(waive).then(pl.lit("waived")).otherwise(pl.col("status")).alias("status"),
    )
    chosen = marked.filter(waive).get_column("_w")  # before ``status`` became ``waived``
    waived = [int((chosen == i).sum()) for i in range(len(ws))]
    return out.select(frame.columns), matched, waived


def _waived_build(build: Build, waivers: Waivers, as_of: dt.date) -> pl.DataFrame:
    """``build``'s finding columns, waived."""
    return waive_frame(build(), waivers, as_of)[0]


def waive_parts(
    parts: list[Part], waivers: Waivers, as_of: dt.date
) -> tuple[list[Part], list[int], list[int]]:
    """``parts`` with the waivers applied to each rule some waiver's ``rule`` names (its
    statuses counted again), and per waiver the findings it named and those it waived."""
    n = len(waivers.waivers)
    matched, waived = [0] * n, [0] * n
    out = []
    for part in parts:
        if not any(pattern_matches(w.rule, part.rule_id) for w in waivers.waivers):
            out.append(part)
            continue
        builds = list(part.chunks()) if part.chunks is not None else [part.build]
        counts: dict[str, int] = {}
        for build in builds:
            frame, m, w = waive_frame(build(), waivers, as_of)
            for status, k in status_counts(frame.get_column("status")).items():
                counts[status] = counts.get(status, 0) + k
            matched = [a + b for a, b in zip(matched, m, strict=True)]
            waived = [a + b for a, b in zip(waived, w, strict=True)]
        chunks = None
        if part.chunks is not None:
            chunks = functools.partial(_waived_chunks, part.chunks, waivers, as_of)
        out.append(
            Part(
                part.article,
                part.rule_id,
                counts,
                functools.partial(_waived_build, part.build, waivers, as_of),
                chunks,
            )
        )
    return out, matched, waived


def _waived_chunks(
    chunks: Callable[[], Iterator[Build]], waivers: Waivers, as_of: dt.date
) -> Iterator[Build]:
    """A rule's slices, each waived when built."""
    for build in chunks():
        yield functools.partial(_waived_build, build, waivers, as_of)


__all__ = ["waive_frame", "waive_parts"]
