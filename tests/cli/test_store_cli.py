"""``check --store``, ``history`` and ``diff`` through the command line (docs/store.md), on
SQLite and on PostgreSQL, with both engines.

The example district is checked as of two dates and once with changed facts, each run recorded
in a store and written as a ``json`` report. What ``history`` and ``diff`` say is compared with
what the reports themselves say: the expected new breaches, fixed ones and other changes are
derived from the reports' findings, never counted by hand. The HTML and xlsx reports of a run
with ``--store`` show "since the last run", the changes from the previous run of the store.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests import pg_server

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
DATES = ("2021-06-30", "2022-01-10")


@dataclass
class World:
    url: str
    folder: Path
    facts: Path  # the changed facts
    engine: str
    reports: list[Path]  # r1 (first date), r2 (second date), r3 (second date, changed facts)
    codes: list[int]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _changed_facts(folder: Path) -> Path:
    """The example with its chapter 2 meetings left out: other findings, the same pack."""
    facts = folder / "changed"
    shutil.copytree(EXAMPLE, facts)
    (facts / "ch2-meetings.yaml").unlink()
    return facts


@pytest.fixture(
    scope="module",
    params=[
        ("sqlite", "columnar"),
        ("sqlite", "records"),
        ("postgresql", "columnar"),
        ("postgresql", "records"),
    ],
    ids=lambda p: "-".join(p),
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    backend, engine = request.param
    folder = tmp_path_factory.mktemp(f"store-{backend}-{engine}")
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'store.db'}"
        yield from _world(url, folder, engine)
        return
    import uuid

    import adbc_driver_postgresql.dbapi as pg

    admin = request.getfixturevalue("postgres_url")
    name = f"hz_{uuid.uuid4().hex[:12]}"
    with pg.connect(admin, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield from _world(pg_server.database_url(admin, name), folder, engine)
    finally:
        with pg.connect(admin, autocommit=True) as con, con.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _world(url: str, folder: Path, engine: str) -> Iterator[World]:
    facts = _changed_facts(folder)
    reports, codes = [], []
    for i, (source, as_of) in enumerate(
        ((EXAMPLE, DATES[0]), (EXAMPLE, DATES[1]), (facts, DATES[1]))
    ):
        out = folder / f"r{i + 1}.json"
        code = main(
            [
                "check", str(source), "--as-of", as_of, "--engine", engine,
                "--format", "json", "--output", str(out), "--store", url,
            ]
        )  # fmt: skip
        reports.append(out)
        codes.append(code)
    yield World(url, folder, facts, engine, reports, codes)


def _findings(report: Path) -> dict[str, tuple[str, str]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {f["id"]: (f["status"], f["severity"]) for f in data["findings"]}


def _expected(a: Path, b: Path, breach: set[str]) -> dict[str, set[str]]:
    """New breaches, fixed ones and other changes, from two reports' findings."""
    before, after = _findings(a), _findings(b)

    def is_breach(f: tuple[str, str] | None) -> bool:
        return f is not None and f[0] in breach and f[1] == "mandatory"

    out: dict[str, set[str]] = {"new_breach": set(), "fixed": set(), "changed": set()}
    for fid in before.keys() | after.keys():
        was, now = before.get(fid), after.get(fid)
        if is_breach(now) and not is_breach(was):
            out["new_breach"].add(fid)
        elif is_breach(was) and not is_breach(now):
            out["fixed"].add(fid)
        elif (was and was[0]) != (now and now[0]):
            out["changed"].add(fid)
    return out


def _diff(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, set[str]]:
    code, out, err = _run(["diff", *args, "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    got: dict[str, set[str]] = {"new_breach": set(), "fixed": set(), "changed": set()}
    for c in data["changes"]:
        got[c["change"]].add(c["id"])
    assert data["counts"] == {k: len(v) for k, v in got.items()}
    return got


def test_report_and_exit_code_unchanged(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--store changes neither the report's bytes nor the exit code."""
    out = tmp_path / "r1.json"
    code, _, err = _run(
        ["check", str(EXAMPLE), "--as-of", DATES[0], "--engine", world.engine, "--format", "json",
         "--output", str(out)],
        capsys,
    )  # fmt: skip
    assert world.codes[0] == code, err
    assert world.codes == [code, code, code] and code in (0, 1)
    assert out.read_bytes() == world.reports[0].read_bytes()


def test_history_lists_the_runs(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["history", "--store", world.url, "--format", "json"], capsys)
    assert code == 0, err
    runs = json.loads(out)["runs"][:3]
    assert [r["run"] for r in runs] == [1, 2, 3]
    for r, report in zip(runs, world.reports, strict=True):
        data = json.loads(report.read_text(encoding="utf-8"))
        assert r["as_of"] == data["as_of"]
        assert r["facts_digest"] == data["run"]["facts_digest"]
        assert r["record"] == data["run"]
        for status, n in data["summary"].items():
            assert r[status] == n
    assert runs[1]["facts_digest"] != runs[2]["facts_digest"]
    for lang in ("zh", "en"):
        code, out, _ = _run(["history", "--store", world.url, "--lang", lang], capsys)
        assert code == 0
        assert all(f"#{n}" in out for n in (1, 2, 3))
        assert runs[0]["facts_digest"][:12] in out
        assert ("未履行" in out) == (lang == "zh")


def test_diff_runs_and_reports(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    r1, r2, r3 = world.reports
    _, out, _ = _run(["history", "--store", world.url, "--format", "json"], capsys)
    breach = set(json.loads(out)["runs"][1]["breach_statuses"])
    assert breach  # the pack's breach_statuses, recorded with the run
    for (a, b), (ra, rb) in {("1", "2"): (r1, r2), ("2", "3"): (r2, r3)}.items():
        expected = _expected(ra, rb, breach)
        assert expected["new_breach"] or expected["fixed"]  # the runs do differ
        assert _diff([a, b, "--store", world.url], capsys) == expected
        assert _diff([str(ra), str(rb)], capsys) == expected
        assert _diff([a, str(rb), "--store", world.url], capsys) == expected
    assert _diff(["1", "1", "--store", world.url], capsys) == {
        "new_breach": set(),
        "fixed": set(),
        "changed": set(),
    }


def test_diff_last_and_previous(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """``last`` is the highest run number; ``previous`` the latest earlier run of the same pack
    with an as-of on or before last's."""
    _, out, _ = _run(["history", "--store", world.url, "--format", "json"], capsys)
    runs = json.loads(out)["runs"]
    last = runs[-1]
    previous = max(
        r["run"]
        for r in runs
        if r["run"] < last["run"] and r["pack"] == last["pack"] and r["as_of"] <= last["as_of"]
    )
    assert _diff(["previous", "last", "--store", world.url], capsys) == _diff(
        [str(previous), str(last["run"]), "--store", world.url], capsys
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_diff_text_and_markdown(
    world: World, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    r1, r2, _ = world.reports
    expected = _diff([str(r1), str(r2)], capsys)
    for fmt in ("text", "markdown"):
        code, out, err = _run(["diff", str(r1), str(r2), "--format", fmt, "--lang", lang], capsys)
        assert code == 0, err
        for fid in expected["new_breach"] | expected["fixed"] | expected["changed"]:
            assert fid in out
        count = str(len(expected["new_breach"]))
        if lang == "zh":
            assert f"新增违规 {count} 项" in out and "violated" not in out.replace(".", " ")
        else:
            assert f"{count} new breaches" in out and "未履行" not in out


def test_since_the_last_run(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """html and xlsx with --store show the changes from the previous run (the latest of the
    same pack with an as-of on or before this one's); without --store, no such section."""
    import openpyxl

    _, r2, r3 = world.reports
    code, out, _ = _run(["history", "--store", world.url, "--format", "json"], capsys)
    runs = json.loads(out)["runs"]
    last = runs[-1]
    previous_report = {1: world.reports[0], 2: r2, 3: r3}.get(last["run"])
    if previous_report is None:
        pytest.skip("other tests recorded more runs")
    breach = set(last["breach_statuses"])
    # this run: the example as of the second date, i.e. r2's findings, against the last run
    expected = _expected(previous_report, r2, breach)
    base = ["check", str(EXAMPLE), "--as-of", DATES[1], "--engine", world.engine]
    html = tmp_path / "r.html"
    code, _, err = _run(
        [*base, "--format", "html", "--output", str(html), "--store", world.url], capsys
    )
    assert code == world.codes[1], err
    page = html.read_text(encoding="utf-8")
    section = page.split('<section id="since">', 1)[1].split("</section>", 1)[0]
    assert f"运行 #{last['run']}" in section
    assert f"新增违规 {len(expected['new_breach'])} 项" in section
    assert f"已纠正 {len(expected['fixed'])} 项" in section
    for fid in sorted(expected["new_breach"] | expected["fixed"])[:50]:
        assert fid in section
    # xlsx, in English, against the run the html just recorded (the same findings: no change)
    xlsx = tmp_path / "r.xlsx"
    code, _, err = _run(
        [*base, "--format", "xlsx", "--output", str(xlsx), "--store", world.url, "--lang", "en"],
        capsys,
    )
    assert code == world.codes[1], err
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()), read_only=True)
    assert "Since the last run" in wb.sheetnames
    cells = [c for row in wb["Since the last run"].iter_rows(values_only=True) for c in row if c]
    assert f"Compared with run #{last['run'] + 1} (as of {DATES[1]})" in cells[0]
    assert "0 new breaches · 0 fixed · 0 other status changes" in cells
    # without --store: no section
    plain = tmp_path / "plain.html"
    assert main([*base, "--format", "html", "--output", str(plain)]) == world.codes[1]
    assert 'id="since"' not in plain.read_text(encoding="utf-8")
    capsys.readouterr()


def test_since_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same store state and the same facts give the same bytes (SQLite store copied)."""
    store = tmp_path / "s.db"
    base = ["check", str(EXAMPLE), "--format", "html"]
    assert main([*base, "--as-of", DATES[0], "--store", f"sqlite:///{store}"]) in (0, 1)
    pages = []
    for i in range(2):
        copy = tmp_path / f"copy{i}.db"
        shutil.copy(store, copy)
        out = tmp_path / f"p{i}.html"
        main([*base, "--as-of", DATES[1], "--store", f"sqlite:///{copy}", "--output", str(out)])
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    assert b'id="since"' in pages[0]
    capsys.readouterr()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_language(lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """history, diff and the "since the last run" sections speak ``lang`` only (the checks of
    tests/cli/test_lang_purity.py: no English sentence nor raw code in zh, no Chinese of our
    own in en)."""
    from tests.cli.test_lang_purity import check, readable

    url = f"sqlite:///{tmp_path / 's.db'}"
    base = ["check", str(EXAMPLE), "--lang", lang, "--store", url]
    r1, r2 = tmp_path / "r1.json", tmp_path / "r2.json"
    assert main([*base, "--as-of", DATES[0], "--format", "json", "--output", str(r1)]) == 1
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        assert main([*base, "--as-of", DATES[1], "--format", fmt, "--output", str(out)]) == 1
        text = readable(fmt, out, lang)
        assert ("新增违规" if lang == "zh" else "new breaches") in text
        assert check(lang, text) == []
    assert main([*base, "--as-of", DATES[1], "--format", "json", "--output", str(r2)]) == 1
    capsys.readouterr()
    outputs = [
        ["history", "--store", url, "--lang", lang],
        ["diff", "1", "2", "--store", url, "--lang", lang],
        ["diff", str(r1), str(r2), "--lang", lang, "--format", "markdown"],
    ]
    for args in outputs:
        code, out, err = _run(args, capsys)
        assert code == 0, err
        assert check(lang, out) == [], args
