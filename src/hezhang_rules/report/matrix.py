"""The article × holder-column matrix: counts by status in each cell, and the worst status."""

from __future__ import annotations

from dataclasses import dataclass, field

from hezhang_rules.findings import STATUSES, Report, Status
from hezhang_rules.report.context import AuditContext, HolderInfo


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


def build_matrix(report: Report, ctx: AuditContext) -> Matrix:
    cells: dict[tuple[int, str], Cell] = {}
    rows: dict[int, Cell] = {}
    for f in report.findings:
        col = ctx.holder(f.holder).column
        c = cells.setdefault((f.article, col), Cell())
        c.counts[f.status] = c.counts.get(f.status, 0) + 1
        r = rows.setdefault(f.article, Cell())
        r.counts[f.status] = r.counts.get(f.status, 0) + 1
    used = {col for _, col in cells}
    columns = tuple(c for c in ctx.columns if c.column in used)
    return Matrix(tuple(sorted(rows)), columns, cells, rows)
