"""Who answers for a finding, as the listings say it (text, Markdown, JUnit).

A listing names the holder in each finding's message; :func:`answers_text` adds the answerer
only where that would mislead: when the finding's ``answerable`` is not its holder (the
district office for a township's evaluation, art. 24), and when no person or unit answers
(``vacant``: the unit or post the reading names was vacant on the day).
"""

from __future__ import annotations

import polars as pl

ANSWER_WORDS = {
    "zh": {
        "answers": "负责：{name}（第{n}条）",
        "vacant": "无人负责：第{n}条所指单位或职务当日空缺，列出的是责任主体",
    },
    "en": {
        "answers": "answers: {name} (art. {n})",
        "vacant": "no one answers: the unit or post art. {n} names was vacant on the day; the "
        "holder is named",
    },
}


def answers_text(lang: str) -> pl.Expr:
    """The answerer's words for each row of a findings table (``answerable`` and ``holder``
    structs), or null where the holder answers as the message says."""
    words = ANSWER_WORDS[lang]
    a = pl.col("answerable")
    basis = a.struct.field("basis")
    n = basis.struct.field("article").cast(pl.String)
    name = a.struct.field("name").str.replace_all(r"\s+", " ")
    vacant = pl.format(words["vacant"].replace("{n}", "{}"), n)
    other = pl.format(words["answers"].replace("{name}", "{}").replace("{n}", "{}"), name, n)
    return (
        pl.when(a.is_not_null() & basis.struct.field("vacant"))
        .then(vacant)
        .when(a.is_not_null() & (a.struct.field("id") != pl.col("holder").struct.field("id")))
        .then(other)
    )
