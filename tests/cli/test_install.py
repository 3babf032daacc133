"""The package as another Python system installs it (issue 18): packs found by name, a light
core whose extras are asked for by name, a plugin that costs nothing, reports that do not
depend on the machine. ``python3 dev.py install`` checks the same from a built wheel."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.rules import packs

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = PACK / "example"
AS_OF = "2022-01-10"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def imported_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after ``statement``."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.split())


# --- packs by name --------------------------------------------------------------------------


def test_the_bundled_pack_is_found_by_name_with_its_cases_text_and_example() -> None:
    folder = hz.pack_path("qinghemen")
    assert folder.resolve() == PACK.resolve()
    assert hz.installed_packs()["qinghemen"] == "hezhang_rules.packs.qinghemen"
    ruleset = hz.load_pack()
    assert len(ruleset.files) == 38 and ruleset.pack.model.pack == "qinghemen"
    assert (folder / "cases" / "_worlds" / "district.yaml").is_file()
    assert (folder / "example" / "facts.jsonl").is_file()
    assert (folder / "regulation" / "qinghemen-hezhang-measures-2020.txt").is_file()


def test_an_unknown_pack_name_is_a_located_error_with_the_installed_names() -> None:
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.pack_path("qinghemn")
    (d,) = exc.value.diagnostics
    assert d.code == "hz_rule_no_such_pack"
    assert "installed: qinghemen" in d.message and d.help == "did you mean `qinghemen`?"


@pytest.fixture
def town_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A pack shipped by another distribution: a package ``mytown_rules`` registered under the
    entry-point group, importable from ``tmp_path``."""
    package = tmp_path / "mytown_rules"
    ignored = shutil.ignore_patterns("cases", "example", "__pycache__")
    shutil.copytree(PACK, package, ignore=ignored)
    monkeypatch.syspath_prepend(str(tmp_path))
    point = importlib.metadata.EntryPoint("mytown", "mytown_rules", packs.GROUP)
    real = importlib.metadata.entry_points

    def entry_points(**kw: Any) -> Any:
        if kw.get("group") == packs.GROUP:
            return importlib.metadata.EntryPoints([point])
        return real(**kw)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return "mytown"


def test_a_pack_registered_by_another_distribution_is_found_by_name(
    town_pack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hz.installed_packs() == {
        "mytown": "mytown_rules",
        "qinghemen": "hezhang_rules.packs.qinghemen",
    }
    assert packs.pack_path(town_pack) == tmp_path / "mytown_rules"
    code, out, err = run(["check", str(EXAMPLE), "--as-of", AS_OF, "--rules", town_pack], capsys)
    assert (code, err) == (1, "")
    assert "违反" in out or "未履行" in out


def test_rules_option_prefers_an_existing_folder_and_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "qinghemen").mkdir()
    monkeypatch.chdir(tmp_path)
    assert packs.resolve_rules("qinghemen") == Path("qinghemen")  # the folder here, not the pack
    monkeypatch.setenv("HEZHANG_RULES_DIR", str(tmp_path / "elsewhere"))
    assert packs.resolve_rules(None) == tmp_path / "elsewhere"
    monkeypatch.delenv("HEZHANG_RULES_DIR")
    assert packs.resolve_rules(None) == packs.pack_path("qinghemen")


def test_a_missing_rules_folder_says_how_to_name_a_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere")
    code, _, err = run(["lint", missing], capsys)
    assert code == 2
    assert f"{missing}: hz_rule_no_such_dir" in err
    assert "the name of an installed pack (qinghemen)" in err and "HEZHANG_RULES_DIR" in err


def test_every_rules_option_help_names_packs_and_the_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("check", "todo", "explain", "test", "monitor", "lint", "coverage"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        assert "$HEZHANG_RULES_DIR" in out and "installed pack" in out, command


# --- the example, out of the package --------------------------------------------------------


def test_example_copies_the_district_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "district"
    code, listed, _ = run(["example", str(out)], capsys)
    assert code == 0
    wanted = sorted(p.name for p in EXAMPLE.iterdir() if p.is_file())
    assert sorted(p.name for p in out.iterdir()) == wanted
    assert listed.split() == [str(out / name) for name in wanted]
    assert (out / "facts.jsonl").read_bytes() == (EXAMPLE / "facts.jsonl").read_bytes()
    before = {p: p.read_bytes() for p in out.iterdir()}
    code, _, err = run(["example", str(out)], capsys)
    assert code == 2 and "hz_usage_bad_output" in err and "nothing was written" in err
    assert {p: p.read_bytes() for p in out.iterdir()} == before
    code, _, err = run(["example", str(tmp_path / "x"), "--pack", "nosuch"], capsys)
    assert code == 2 and "hz_rule_no_such_pack" in err
    assert not (tmp_path / "x").exists()


# --- reports independent of the machine -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "html", "markdown", "junit", "text"])
def test_a_report_is_the_same_bytes_from_another_folder_and_another_pack_copy(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rule locations are pack-relative (``qinghemen/art_016.yaml:…``): a copy of the pack
    and of the facts elsewhere, run from another folder with relative paths, gives the same
    bytes; no absolute path of the machine is in the report."""
    first = tmp_path / "first.out"
    code, _, _ = run(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", fmt,
                      "--output", str(first)], capsys)  # fmt: skip
    assert code == 1
    other = tmp_path / "machine2"
    ignored = shutil.ignore_patterns("cases", "__pycache__")
    shutil.copytree(PACK, other / "pack", ignore=ignored)
    monkeypatch.chdir(other)
    code, _, _ = run(["check", "pack/example", "--as-of", AS_OF, "--format", fmt,
                      "--rules", "pack", "--output", "second.out"], capsys)  # fmt: skip
    assert code == 1
    text = first.read_text(encoding="utf-8")
    assert (other / "second.out").read_text(encoding="utf-8") == text
    assert str(ROOT) not in text and str(tmp_path) not in text
    if fmt in ("json", "html", "junit"):  # the formats that cite where a rule is written
        assert "qinghemen/art_016.yaml" in text


def test_findings_cite_the_rule_relative_to_the_pack() -> None:
    plan = hz.compile_rules(hz.load_pack())
    report = hz.evaluate(plan, hz.load_facts([EXAMPLE]), __import__("datetime").date(2022, 1, 10))
    sources = {f.source for f in report.findings}
    assert sources and all(s.startswith("qinghemen/art_0") for s in sources)
    rule = plan.rule("art016.river_chief_half_yearly_inspection")
    assert rule.location == f"qinghemen/art_016.yaml:{rule.span.line}:{rule.span.col}"


# --- a light core: extras asked for by name --------------------------------------------------


def without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` look uninstalled to :mod:`hezhang_rules.extras`."""
    real = importlib.util.find_spec

    def find_spec(name: str, *a: Any, **kw: Any) -> Any:
        return None if name in modules else real(name, *a, **kw)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize(
    ("argv", "module", "extra"),
    [
        (["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "xlsx"], "openpyxl", "xlsx"),
        (["monitor", str(EXAMPLE / "facts.jsonl"), "--as-of", AS_OF], "durable", "monitor"),
        (["synth", "--chiefs", "10", "--year", "2021", "--out", "OUT"], "numpy", "synth"),
        (["test", "--evaluator", "monitor"], "durable", "monitor"),
    ],
)
def test_a_missing_extra_is_exit_2_with_the_pip_command(
    argv: list[str],
    module: str,
    extra: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    without(monkeypatch, module)
    out = tmp_path / "OUT"
    argv = [str(out) if a == "OUT" else a for a in argv]
    if argv[0] == "check":
        argv = [*argv, "--output", str(tmp_path / "r")]
    code, _, err = run(argv, capsys)
    assert code == 2, err
    assert "hz_usage_missing_extra" in err and f"pip install 'hezhang-rules[{extra}]'" in err
    assert module in err and "Traceback" not in err
    assert not (tmp_path / "r").exists() and not out.exists()


def test_a_half_built_durable_rules_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """durable-rules installed but its C module does not load (Python 3.13 without CPPFLAGS)."""
    real = importlib.import_module

    def import_module(name: str, *a: Any) -> Any:
        if name == "durable.engine":
            raise ImportError("rules.so: undefined symbol: PyEval_CallObject")
        return real(name, *a)

    monkeypatch.setattr(importlib, "import_module", import_module)
    monkeypatch.setattr(sys, "version_info", (3, 13, 0))
    code, _, err = run(["monitor", str(EXAMPLE / "facts.jsonl"), "--as-of", AS_OF], capsys)
    assert code == 2
    assert "does not load" in err and "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in err


def test_the_command_line_imports_no_extra_until_asked() -> None:
    loaded = imported_after("import hezhang_rules.cli")
    # polars is a core dependency since issue 19 (the findings table every format reads)
    heavy = {"numpy", "openpyxl", "durable", "hypothesis", "rich"}
    assert not heavy & loaded


def test_the_pytest_entry_point_imports_nothing_of_the_package() -> None:
    """pytest loads the entry point (``hezhang_rules_pytest``) in every project where the package
    is installed: it must not load the package (the models, YAML, the engine) unless the project
    configures cases (benchmarks/plugin_overhead.py times it)."""
    loaded = imported_after("import pytest; import hezhang_rules_pytest")
    assert not {m for m in loaded if m.startswith("hezhang_rules.") or m == "hezhang_rules"}
    assert "pydantic" not in loaded and "yaml" not in loaded


def test_json_report_names_the_pack_not_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json"], capsys)
    assert code == 1
    assert json.loads(out)["run"]["pack"] == "qinghemen"
    assert str(ROOT) not in out
