"""One broken fact file per problem: code, line:col, record and field must be named, exit 2.

Each file in tests/invalid/facts/ starts with ``# expect: CODE LINE:COL RECORD FIELD`` (``-`` for
none; RECORD may contain spaces). ``binary.yaml`` cannot hold a comment and is checked apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in (HERE / "facts").glob("*.yaml") if p.name != "binary.yaml")
EXPECT = re.compile(r"^\ufeff?# expect: (\S+) (\d+):(\d+) (.+) (\S+)$", re.M)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_fact_file_is_located(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = case.read_bytes().decode("utf-8", errors="replace").splitlines()[0]
    m = EXPECT.match(head)
    assert m, f"{case.name} lacks an `# expect:` line"
    code, line, col, record, field = m.groups()
    with pytest.raises(hz.FactLoadError) as exc:
        hz.load_facts(case)
    found = [
        (
            d.code,
            d.span.line if d.span else 0,
            d.span.col if d.span else 0,
            d.record or "-",
            d.field_path or "-",
        )
        for d in exc.value.diagnostics
    ]
    assert (code, int(line), int(col), record, field) in found, found
    out = tmp_path / "report.json"
    assert main(["check", str(case), "--as-of", "2022-01-10", "--output", str(out)]) == 2
    assert not out.exists(), "no report may be written for invalid input"
    assert list(tmp_path.iterdir()) == [], "no temporary file may be left behind"
    err = capsys.readouterr().err
    assert f":{line}:{col}: {code}:" in err and "Traceback" not in err


def test_binary_file(tmp_path: Path) -> None:
    with pytest.raises(hz.FactLoadError) as exc:
        hz.load_facts(HERE / "facts" / "binary.yaml")
    assert [d.code for d in exc.value.diagnostics] == ["hz_load_binary"]


def test_every_file_of_a_directory_is_reported(tmp_path: Path) -> None:
    """Problems in several files are all reported, sorted by file, before failing."""
    for name in ("impossible_date.yaml", "unknown_field.yaml"):
        (tmp_path / name).write_bytes((HERE / "facts" / name).read_bytes())
    (tmp_path / "unknown_field.yaml").write_text(
        (HERE / "facts" / "unknown_field.yaml")
        .read_text(encoding="utf-8")
        .replace("j-qhm", "j-qhm2")
        .replace("p-zhang", "p-zhang2")
        .replace("i-1", "i-2"),
        encoding="utf-8",
    )
    with pytest.raises(hz.FactLoadError) as exc:
        hz.load_facts(tmp_path)
    codes = [(Path(d.span.file).name, d.code) for d in exc.value.diagnostics if d.span]
    assert codes == [
        ("impossible_date.yaml", "hz_facts_invalid_date"),
        ("unknown_field.yaml", "hz_facts_missing_field"),
        ("unknown_field.yaml", "hz_facts_unknown_field"),
    ]
    assert "did you mean `inspector`" in (exc.value.diagnostics[2].help or "")


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(hz.FactLoadError) as exc:
        hz.load_facts(tmp_path / "nope")
    assert exc.value.diagnostics[0].code == "hz_facts_no_such_file"


def test_absent_and_empty_stay_distinct() -> None:
    world = [
        hz.Jurisdiction(id="j", name="区", level="district"),  # type: ignore[arg-type]
        hz.Person(id="p", name="张三"),
    ]
    stated = hz.Inspection(
        id="i1",
        inspector="p",
        date="2021-03-01",  # type: ignore[arg-type]
        record=hz.InspectionRecord(problems=[]),
    )
    omitted = hz.Inspection(
        id="i2",
        inspector="p",
        date="2021-03-01",  # type: ignore[arg-type]
        record=hz.InspectionRecord(),
    )
    facts = hz.facts_from_models([*world, stated, omitted])
    assert facts.get("i1").record.problems == []  # type: ignore[union-attr]
    assert facts.get("i2").record.problems is None  # type: ignore[union-attr]
