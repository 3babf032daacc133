"""The article × holder-column matrix: counts by status in each cell, and the worst status."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from hezhang_rules.findings import STATUSES, Report, Status
from hezhang_rules.report.context import AuditContext, HolderInfo, with_column
from hezhang_rules.report.table import FindingsTable, findings_frame


@dataclass
class Cell:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> Status | None:
        for s in STATUSES:
            if self.counts.get(s):
                return s
        return None


@dataclass(frozen=True)
class Matrix:
    articles: tuple[int, ...]
    columns: tuple[HolderInfo, ...]
    cells: dict[tuple[int, str], Cell]
    by_article: dict[int, Cell]

    def cell(self, article: int, column: str) -> Cell | None:
        return self.cells.get((article, column))


def build_matrix(findings: FindingsTable | Report, ctx: AuditContext) -> Matrix:
    """Counts by article, column and status (one group-by), as cells and per-article rows."""
    cells: dict[tuple[int, str], Cell] = {}
    rows: dict[int, Cell] = {}
    grouped = (
        with_column(findings_frame(findings), ctx)
        .group_by("article", "column", "status")
        .agg(pl.len().alias("n"))
        .sort("article", "column", "status")
        .collect()
    )
    for article, col, status, n in grouped.iter_rows():
        c = cells.setdefault((article, col), Cell())
        c.counts[status] = c.counts.get(status, 0) + n
        r = rows.setdefault(article, Cell())
        r.counts[status] = r.counts.get(status, 0) + n
    used = {col for _, col in cells}
    columns = tuple(c for c in ctx.columns if c.column in used)
    return Matrix(tuple(sorted(rows)), columns, cells, rows)
