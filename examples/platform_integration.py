"""A river chief information platform (art. 10) streaming a year of records into a live monitor.

The platform receives the example district's records (the bundled pack's
``example/facts.jsonl``) as they happen: each day it hands the monitor that day's records, moves
the clock, and prints the due-soon warnings and violations the monitor raises. At the end it
checks that the monitor's report equals the batch audit's.

    .venv/bin/python examples/platform_integration.py [--warn-days 14] [--until 2022-01-10]
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import defaultdict

import hezhang_rules as hz
from hezhang_rules.facts.stream import read_lines

EXAMPLE = hz.pack_path("qinghemen") / "example"
"""The bundled pack's example district (inside the installed package)."""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--warn-days", type=int, default=14)
    ap.add_argument("--until", default="2022-01-10")
    ap.add_argument("--lang", choices=("zh", "en"), default="en")
    args = ap.parse_args()
    until = dt.date.fromisoformat(args.until)
    plan = hz.compile_rules(hz.load_pack("qinghemen"))
    stream = EXAMPLE / "facts.jsonl"
    with stream.open(encoding="utf-8") as fh:
        records = list(read_lines(fh, str(stream)))

    # Standing structure (undated) is known from the start; dated records arrive on their day.
    start = dt.date(2021, 1, 1)
    arrivals: dict[dt.date, list[hz.Fact]] = defaultdict(list)
    for f in records:
        arrivals[max(f.fact_date() or start, start)].append(f)

    def show(e: hz.MonitorEvent) -> None:
        if e.kind not in ("due_soon", "violated", "escalation_opened") or e.finding is None:
            return
        msg = e.finding.message.en if args.lang == "en" else e.finding.message.zh
        tag = {"due_soon": "DUE SOON", "violated": "VIOLATED", "escalation_opened": "ESCALATED"}
        print(f"{e.day}  {tag[e.kind]:<9}  {msg}")

    with hz.Monitor(plan, warn_days=args.warn_days, on_event=show) as monitor:
        day = start
        while day <= until:
            monitor.submit_many(arrivals.pop(day, []))
            monitor.advance_to(day)
            day += dt.timedelta(days=1)
        for later in arrivals.values():  # dated after --until: stored, not yet visible
            monitor.submit_many(later)
        report = monitor.report(until)
    batch = hz.evaluate(plan, hz.load_facts([EXAMPLE]), until)
    print(
        f"\n{report.summary.violated} violated, {report.summary.pending} pending, "
        f"{report.summary.fulfilled} fulfilled on {until}; "
        f"monitor report == batch report: {report == batch}"
    )


if __name__ == "__main__":
    main()
