"""``hezhang-rules history --store URL``: the runs a findings store holds (docs/store.md)."""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl

from hezhang_rules.findings import STATUSES
from hezhang_rules.report.i18n import status_name
from hezhang_rules.store import opened

STORE_HELP = "a findings store: sqlite:///PATH or postgresql://USER@HOST[:PORT]/DB (docs/store.md)"

_HEAD = {
    "zh": ("运行", "基准日", "规则包", "规则摘要", "事实摘要", "豁免摘要", "存档时间"),
    "en": ("Run", "As of", "Pack", "Rules", "Facts", "Waivers", "Recorded at"),
}
_W = {
    "zh": {
        "none": "存档中还没有运行。",
        "count": "共 {n} 次运行。",
        "no_waivers": "无",
    },
    "en": {
        "none": "The store holds no run yet.",
        "count": "Runs: {n}.",
        "no_waivers": "none",
    },
}


def history_text(runs: pl.DataFrame, lang: str) -> str:
    """The runs as a text table: number, as-of date, pack, digests (first 12 characters), the
    time of recording, then the counts by status."""
    w = _W[lang]
    if not runs.height:
        return w["none"] + "\n"
    head = [*_HEAD[lang], *(status_name(s, lang) for s in STATUSES)]
    rows = [
        [
            f"#{r['run']}",
            r["as_of"].isoformat(),
            r["pack"],
            r["rules_digest"][:12],
            r["facts_digest"][:12],
            (r["waivers_digest"] or w["no_waivers"])[:12],
            r["recorded_at"],
            *(str(r[s]) for s in STATUSES),
        ]
        for r in runs.iter_rows(named=True)
    ]
    widths = [max(_width(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = [
        "  ".join(c + " " * (n - _width(c)) for c, n in zip(row, widths, strict=True)).rstrip()
        for row in (head, *rows)
    ]
    return "\n".join([*lines, "", w["count"].format(n=runs.height)]) + "\n"


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character takes two)."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def history_json(runs: pl.DataFrame) -> str:
    """The runs as JSON: every column of ``hz_runs`` (the run record decoded), by run number."""
    out = []
    for r in runs.iter_rows(named=True):
        row = dict(r)
        row["as_of"] = r["as_of"].isoformat()
        row["record"] = json.loads(r["record"])
        row["breach_statuses"] = [s for s in r["breach_statuses"].split(",") if s]
        out.append(row)
    return json.dumps({"runs": out}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    with opened(args.store) as store:
        runs = store.runs()
    sys.stdout.write(history_json(runs) if args.format == "json" else history_text(runs, args.lang))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("history", help="list the runs a findings store holds")
    c.add_argument("--store", required=True, metavar="URL", help=STORE_HELP)
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    c.set_defaults(func=run)
