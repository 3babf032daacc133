"""A river-chief information platform (art. 10) keeping its records in SQLite and auditing them.

The platform owns its database: it creates the tables from the library's layout
(``hezhang_rules.facts.db_layout.ddl("sqlite")``, the DDL ``hezhang-rules db schema`` prints)
and, day by day, writes that day's records (appointments, inspections, meetings, rectification
…) with plain SQL through ``sqlite3``. The records are the bundled example district's, each
written on its own date. On the last day of every month, and on the last day, it audits the
database with the command line, keeping every run in a findings store::

    hezhang-rules check sqlite:///OUT/platform.db --as-of DAY \\
        --store sqlite:///OUT/findings.db --format json --output OUT/audits/DAY.json

and at the end lists the runs and what changed between the last two::

    hezhang-rules history --store sqlite:///OUT/findings.db
    hezhang-rules diff previous last --store sqlite:///OUT/findings.db

Run it (docs/platform.md)::

    .venv/bin/python examples/platform/river_platform.py --out /tmp/platform

Only the standard library and hezhang_rules; nothing outside ``--out`` is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import hezhang_rules as hz
from hezhang_rules.facts.db_layout import ddl, is_json
from hezhang_rules.facts.schema import model_fields

EXAMPLE_FILES = sorted((hz.pack_path("qinghemen") / "example").glob("*.yaml"))
"""The example district's fact files (the bundled pack's ``example/``)."""

LAST_DAY = dt.date(2022, 1, 10)
"""The day of the last audit: the example's records run to 2022-01-09."""

Row = dict[str, object]


def row_of(fact: hz.Fact) -> Row:
    """One record as the platform stores it: a value per column of the layout (ISO text for a
    date, 0/1 for yes/no, JSON text for a list, mapping or nested record, NULL if not stated)."""
    data = fact.model_dump(mode="json")
    row: Row = {}
    for name, shape in model_fields(type(fact)).items():
        value = data.get(name)
        if value is not None and is_json(shape):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, bool):
            value = int(value)
        row[name] = value
    return row


def daily_rows(first_day: dt.date) -> dict[dt.date, list[tuple[str, Row]]]:
    """The example's records by the day the platform writes them: a dated record on its date;
    standing structure (jurisdictions, people, units, rivers) and older ones on ``first_day``."""
    by_day: dict[dt.date, list[tuple[str, Row]]] = defaultdict(list)
    for fact in hz.load_facts(EXAMPLE_FILES):
        day = max(fact.fact_date() or first_day, first_day)
        by_day[day].append((fact.KIND, row_of(fact)))
    return by_day


def create_database(path: Path) -> sqlite3.Connection:
    """A new platform database with every fact table (and the layout's version)."""
    con = sqlite3.connect(path)
    con.executescript(ddl("sqlite"))
    return con


def write_day(con: sqlite3.Connection, rows: list[tuple[str, Row]]) -> None:
    """The platform's writes of one day: one INSERT per record, committed together."""
    with con:
        for kind, row in rows:
            columns = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            con.execute(f'INSERT INTO "{kind}" ({columns}) VALUES ({marks})', list(row.values()))


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The audit days: the last day of every month from ``first`` on, and ``last``."""
    days = []
    day = first
    while day < last:
        following = day + dt.timedelta(days=1)
        if following.month != day.month:
            days.append(day)
        day = following
    return [*days, last]


def hezhang_rules(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line of the library this interpreter has (exit 0: no violation,
    1: violations, which a platform expects; anything else stops the example)."""
    run = subprocess.run(
        [sys.executable, "-m", "hezhang_rules.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if run.returncode not in (0, 1):
        sys.exit(f"hezhang-rules {' '.join(args)} failed:\n{run.stderr}")
    return run


def audit(out: Path, day: dt.date) -> Path:
    """Audit the database as of ``day`` into ``audits/DAY.json``, recorded in the store."""
    report = out / "audits" / f"{day}.json"
    hezhang_rules(
        "check",
        f"sqlite:///{out / 'platform.db'}",
        "--as-of",
        str(day),
        "--store",
        f"sqlite:///{out / 'findings.db'}",
        "--format",
        "json",
        "--output",
        str(report),
    )
    return report


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="a new or empty folder")
    ap.add_argument("--until", type=dt.date.fromisoformat, default=LAST_DAY)
    args = ap.parse_args(argv)
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        ap.error(f"{out} is not empty")
    (out / "audits").mkdir(parents=True)

    first_day = dt.date(2020, 12, 29)  # the measures take effect (art. 38)
    rows = daily_rows(first_day)
    audit_days = set(month_ends(first_day, args.until))
    con = create_database(out / "platform.db")
    day = first_day
    while day <= args.until:
        write_day(con, rows.get(day, []))
        if day in audit_days:
            report = json.loads(audit(out, day).read_text(encoding="utf-8"))
            statuses = Counter(f["status"] for f in report["findings"])
            print(f"{day}  violated {statuses['violated']:3}  pending {statuses['pending']:3}")
        day += dt.timedelta(days=1)
    con.close()

    store = f"sqlite:///{out / 'findings.db'}"
    print(hezhang_rules("history", "--store", store).stdout, end="")
    changes = hezhang_rules("diff", "previous", "last", "--store", store)
    print(changes.stdout, end="")


if __name__ == "__main__":
    main()
