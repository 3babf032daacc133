"""Nothing in a fact folder is skipped: a file that is neither a fact file nor a table is an
error naming it and what was expected; the documented exceptions (a README, hidden files and
folders, the monitor's ``.jsonl`` stream beside fact files) load as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hezhang_rules.cli import main
from hezhang_rules.diagnostics import FactLoadError
from hezhang_rules.facts.sources import load_sources
from hezhang_rules.facts.tables import Tables

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "facts"
    shutil.copytree(EXAMPLE, folder)
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    assert main(["tables", str(EXAMPLE), "--out", str(folder)]) == 0
    return folder


def _refused(folder: Path) -> list[tuple[str, str, str | None]]:
    with pytest.raises(FactLoadError) as exc:
        load_sources([folder])
    return [(str(d.span), d.code, d.help) for d in exc.value.diagnostics]


def test_the_example_loads_with_its_readme_and_stream() -> None:
    assert (EXAMPLE / "README.md").is_file() and (EXAMPLE / "facts.jsonl").is_file()
    assert len(load_sources([EXAMPLE])) > 0


def test_a_csv_in_a_fact_file_folder_is_not_skipped(files: Path) -> None:
    """The issue's case: ``People.csv`` beside YAML files was skipped in silence."""
    (files / "People.csv").write_text("id,name\np-x,x\n", encoding="utf-8")
    assert _refused(files) == [
        (str(files / "People.csv"), "hz_facts_unknown_file", "did you mean `people.csv`?")
    ]


def test_a_table_beside_fact_files_makes_them_mixed(files: Path) -> None:
    (files / "people.csv").write_text("id,name\np-x,x\n", encoding="utf-8")
    found = _refused(files)
    # the monitor's stream is no table: among tables it is a table misnamed
    assert {code for _w, code, _h in found} == {"hz_facts_mixed_inputs", "hz_facts_unknown_kind"}
    assert (str(files / "facts.jsonl"), "hz_facts_unknown_kind") in {(w, c) for w, c, _h in found}
    assert (str(files / "structure.yaml"), "hz_facts_mixed_inputs") in {
        (w, c) for w, c, _h in found
    }


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("notes.txt", None),
        ("structure.YAML", "did you mean `structure.yaml`?"),
        ("sub/data.xlsx", None),
    ],
)
def test_unknown_files_in_a_fact_file_folder(files: Path, name: str, hint: str | None) -> None:
    path = files / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x")
    assert _refused(files) == [(str(path), "hz_facts_unknown_file", hint)]


@pytest.mark.parametrize(
    "name",
    [".DS_Store", ".hidden/notes.txt", "readme.txt", "README", "sub/README.md", "~$book.xlsx"],
)
def test_exceptions_in_a_fact_file_folder_load(files: Path, name: str) -> None:
    path = files / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\x00junk")
    assert len(load_sources([files])) == len(load_sources([EXAMPLE]))


@pytest.mark.parametrize(
    ("name", "code", "hint"),
    [
        ("notes.txt", "hz_facts_unknown_file", None),
        ("Peple.csv", "hz_facts_unknown_kind", "did you mean `people`?"),
        ("People.parquet", "hz_facts_unknown_kind", "did you mean `people.parquet`?"),
        ("People.tsv", "hz_facts_unknown_file", "did you mean `people.csv`?"),
        (
            "old/people.parquet",
            "hz_facts_unknown_file",
            "move the tables up, or give the subfolder on its own",
        ),
    ],
)
def test_unknown_files_in_a_table_folder(
    tables: Path, tmp_path: Path, name: str, code: str, hint: str | None
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(tables, folder)
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x")
    assert _refused(folder) == [(str(path), code, hint)]


@pytest.mark.parametrize("name", ["README.md", ".DS_Store", ".people.parquet.x1.tmp", ".git/HEAD"])
def test_exceptions_in_a_table_folder_load(tables: Path, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "t"
    shutil.copytree(tables, folder)
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"x")
    loaded = load_sources([folder])
    assert isinstance(loaded, Tables) and len(loaded) == len(load_sources([tables]))


def test_synth_folder_with_its_readme_loads(tmp_path: Path) -> None:
    """``synth`` writes README.md into its table folder: the folder stays loadable."""
    out = tmp_path / "world"
    assert (
        main(["synth", "--chiefs", "20", "--year", "2021", "--out", str(out), "--seed", "1"]) == 0
    )
    assert (out / "README.md").is_file()
    assert isinstance(load_sources([out]), Tables)
