"""What every columnar rule reads and where it puts its findings (one per evaluation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from hezhang_rules.columnar.conditions import Judge
from hezhang_rules.columnar.exprs import Part
from hezhang_rules.evaluate.core import Run
from hezhang_rules.facts.tables import Tables
from hezhang_rules.findings import Finding


@dataclass(frozen=True)
class Job:
    """The columnar rules' shared state: ``run``, the batch evaluator's run they list holders
    with and emit their few Python findings through (shared by the rules running side by
    side: a finding is taken as emitted, never read back from ``run.findings``); the fact
    ``tables``, their ``judge`` and the ``as_of`` date; ``holders``, every id a field may name
    as a holder (``response.holder_names``, names escaped); and the findings: a rule's columns
    as ``parts``, its Python findings in ``python``."""

    run: Run
    tables: Tables
    judge: Judge
    as_of: dt.date
    holders: pl.DataFrame
    parts: list[Part]
    python: list[Finding]
