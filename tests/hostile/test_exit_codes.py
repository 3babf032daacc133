"""Exit codes keep their meaning whatever happens to the streams and paths (issue 15, item 5).

0 no violation, 1 violations, 2 bad input or usage, 3 a bug. A closed or full standard error
loses the diagnostics, never the exit code; a report that standard output refuses is exit 2
located at ``<stdout>``; a path the file system refuses is a located ``hz_load_unreadable``; a
case folder that would check nothing is refused, not "0 case runs, exit 0".
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main
from hezhang_rules.diagnostics import FactLoadError, RuleLoadError

from .kit import ROOT, Run, run_main, small_pack

EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
AS_OF = "2022-01-10"
LONG = "a" * 300  # longer than any file name may be (ENAMETOOLONG)
CASE = """\
description: no facts, no findings
as_of: 2022-01-01
ignore: []
expect: []
"""


def shell(args: list[str], redirect: str, cwd: Path = ROOT) -> Run:
    """``python -m hezhang_rules.cli ARGS REDIRECT`` through bash, so the process's own
    standard streams can be closed (``2>&-``), full (``>/dev/full``) or write-only (``0>F``)."""
    argv = [sys.executable, "-m", "hezhang_rules.cli", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("HEZHANG_DEBUG", None)
    p = subprocess.run(
        ["bash", "-c", " ".join(map(shlex.quote, argv)) + " " + redirect],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env=env,
        cwd=cwd,
    )
    return Run(p.returncode, p.stdout, p.stderr)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_pack(tmp_path_factory.mktemp("pack"))


def check_args(pack: Path, *more: str) -> list[str]:
    return ["check", str(EXAMPLE), "--as-of", AS_OF, "--rules", str(pack), *more]


# --- standard error closed or full: the code stays -------------------------------------------


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
@pytest.mark.parametrize(
    "args",
    [
        ["check", "/nonexist", "--as-of", AS_OF],
        ["check", str(EXAMPLE), "--as-of", "20222"],
        ["lint", "/nonexist"],
        ["check", "--bogus"],
    ],
    ids=["no-such-facts", "bad-date", "lint-no-such-pack", "argparse-usage"],
)
def test_bad_input_is_2_when_stderr_is_unusable(args: list[str], redirect: str) -> None:
    r = shell(args, redirect)
    assert r.code == 2, (r.code, r.out, r.err)
    assert r.out == ""  # argparse's usage is not moved to standard output
    assert "Traceback" not in r.err


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
def test_results_keep_their_code_when_stderr_is_unusable(pack: Path, redirect: str) -> None:
    baseline = shell(check_args(pack), "")
    assert baseline.code in (0, 1) and baseline.out
    r = shell(check_args(pack), redirect)
    assert r.code == baseline.code and r.out == baseline.out


# --- standard output refuses the report: exit 2 at <stdout> ----------------------------------


@pytest.mark.parametrize(
    ("redirect", "reason"),
    [(">&-", "Bad file descriptor"), (">/dev/full", "No space left on device")],
)
@pytest.mark.parametrize("fmt", ["text", "xlsx"])
def test_report_that_stdout_refuses_is_2(pack: Path, redirect: str, reason: str, fmt: str) -> None:
    r = shell(check_args(pack, "--format", fmt), redirect)
    assert r.code == 2, (r.code, r.err)
    assert "Traceback" not in r.err and "internal error" not in r.err
    assert f"<stdout>: hz_usage_cannot_write: cannot write the report: {reason}" in r.err


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full"])
def test_streamed_columnar_report_that_stdout_refuses_is_2(
    redirect: str, pack: Path, tmp_path: Path
) -> None:
    """polars writes the jsonl lines and wraps the stream's refusal in an error of its own."""
    tables = tmp_path / "t"
    assert shell(["tables", str(EXAMPLE), "--out", str(tables)], "").code == 0
    r = shell(
        ["check", str(tables), "--as-of", AS_OF, "--rules", str(pack), "--format", "jsonl"],
        redirect,
    )
    assert r.code == 2, (r.code, r.err)
    assert "<stdout>: hz_usage_cannot_write: cannot write the report: " in r.err


def test_stdout_and_stderr_both_closed_is_still_2(pack: Path) -> None:
    assert shell(check_args(pack), ">&- 2>&-").code == 2


def test_write_only_stdin_is_refused_at_stdin(pack: Path, tmp_path: Path) -> None:
    r = shell(["monitor", "-", "--as-of", AS_OF, "--rules", str(pack)], f"0>{tmp_path / 'x'}")
    r.refused("hz_load_unreadable", "<stdin>")


# --- paths the file system refuses ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", LONG, "--as-of", AS_OF],
        ["check", str(EXAMPLE), "--weights", LONG, "--as-of", AS_OF],
        ["check", str(EXAMPLE), "--rules", LONG, "--as-of", AS_OF],
        ["lint", LONG],
        ["test", LONG],
        ["tables", LONG, "--out", "OUT"],
        ["explain", "x", LONG, "--as-of", AS_OF],
        ["coverage", "--cases", LONG],
    ],
    ids=["check", "weights", "rules", "lint", "test", "tables", "explain", "coverage"],
)
def test_name_too_long_is_located(
    args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run_main(args, capsys)
    _, _, msg = r.refused("hz_load_unreadable", LONG)
    assert "File name too long" in msg
    assert not (tmp_path / "OUT").exists()


def test_api_raises_the_library_errors_for_a_name_too_long() -> None:
    with pytest.raises(FactLoadError):
        hz.load_facts([LONG])
    with pytest.raises(RuleLoadError):
        hz.load_rules(LONG)


def test_an_oserror_naming_a_file_is_2_not_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net in main(): a loader that let the file system's refusal through."""

    def refuse(args: object) -> int:
        raise PermissionError(13, "Permission denied", "facts/x.yaml")

    monkeypatch.setattr("hezhang_rules.cli.schema.run", refuse)
    r = run_main(["schema", "facts"], capsys)
    _, _, msg = r.refused("hz_load_unreadable", "facts/x.yaml")
    assert msg == "Permission denied"


def test_an_oserror_naming_no_file_is_still_a_bug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(args: object) -> int:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("hezhang_rules.cli.schema.run", fail)
    assert main(["schema", "facts"]) == 3
    assert "internal error: OSError" in capsys.readouterr().err


# --- case folders that would check nothing, and malformed case files -------------------------


def _cases(tmp_path: Path, name: str, text: str | None) -> Path:
    d = tmp_path / "cases"
    d.mkdir()
    if text is not None:
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize("command", ["test", "coverage"])
@pytest.mark.parametrize(
    ("name", "text", "code", "where"),
    [
        ("c.yaml", None, "hz_case_no_files", ""),
        ("CASE.YAML", CASE, "hz_case_bad_suffix", "CASE.YAML"),
        ("c.yaml", CASE.replace("expect: []", "expect: hello"), "hz_case_schema", "c.yaml:4:"),
        ("c.yaml", CASE.replace("expect: []", "expect: [5]"), "hz_case_schema", "c.yaml:4:"),
        ("c.yaml", "a: [\n", "hz_load_syntax", "c.yaml:2:"),
    ],
    ids=["empty", "upper-case", "expect-scalar", "expect-number", "yaml-syntax"],
)
def test_bad_case_folders_are_refused(
    command: str,
    name: str,
    text: str | None,
    code: str,
    where: str,
    pack: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = _cases(tmp_path, name, text)
    args = ["test", str(d)] if command == "test" else ["coverage", "--cases", str(d)]
    r = run_main([*args, "--rules", str(pack)], capsys)
    located = str(d / where) if where else str(d)
    r.refused(code, located)
    if code == "hz_case_bad_suffix":
        assert "rename it `CASE.yaml`" in r.err


@pytest.mark.parametrize("command", ["test", "coverage"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_non_regular_case_files_are_refused(
    command: str, kind: str, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _cases(tmp_path, "c.yaml", None)
    if kind == "fifo":
        os.mkfifo(d / "case.yaml")
    else:
        (d / "case.yaml").symlink_to("/dev/zero")
    args = ["test", str(d)] if command == "test" else ["coverage", "--cases", str(d)]
    r = run_main([*args, "--rules", str(pack)], capsys)
    r.refused("hz_load_not_a_file", str(d / "case.yaml"))


def test_coverage_of_a_missing_case_folder_is_refused(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run_main(["coverage", "--cases", "/nonexist", "--rules", str(pack)], capsys)
    r.refused("hz_case_no_such_file", "/nonexist")
    assert r.out == ""


def test_a_good_case_folder_still_passes(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _cases(tmp_path, "c.yaml", CASE)
    assert run_main(["test", str(d), "--rules", str(pack)], capsys).code == 0
    r = run_main(["coverage", "--cases", str(d), "--rules", str(pack)], capsys)
    assert r.code == 0 and "art016.general_chief_annual_inspection" in r.out


# --- table folders: names are matched exactly, and a near miss is refused ---------------------


@pytest.mark.parametrize("name", ["PEOPLE.JSONL", "People.jsonl", "people.JSONL"])
def test_upper_case_table_names_are_refused(
    name: str, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = tmp_path / "t"
    made = run_main(["tables", str(EXAMPLE), "--out", str(tables), "--format", "jsonl"], capsys)
    assert made.code == 0, made.err
    shutil.move(tables / "people.jsonl", tables / name)
    r = run_main(["check", str(tables), "--as-of", AS_OF, "--rules", str(pack)], capsys)
    r.refused("hz_facts_unknown_kind", str(tables / name))
    assert "did you mean `people.jsonl`?" in r.err
    assert "dangling" not in r.err


# --- diagnostics stay one line ------------------------------------------------------------------


@pytest.mark.parametrize(
    "finding_id",
    ["art016.x/p-1/\x1b[31mred\x1b[0m", "a\nb", "a\u2028b", "x" * 100_000],
    ids=["escape_sequence", "newline", "line_separator", "hundred_thousand_characters"],
)
def test_explain_never_echoes_an_id_raw(
    finding_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A finding id is quoted back escaped (no terminal control reaches the screen, no line is
    split) and cut when very long."""
    example = (
        Path(__file__).resolve().parents[2]
        / "src"
        / "hezhang_rules"
        / "packs"
        / "qinghemen"
        / "example"
    )
    code = main(["explain", finding_id, str(example), "--as-of", "2022-01-10"])
    err = capsys.readouterr().err
    assert code == 2
    assert "\x1b" not in err and "\u2028" not in err
    lines = err.splitlines()
    assert lines[0].startswith("<command line>: hz_usage_unknown_finding: ")
    assert len(err) < 5_000
    assert lines[-1] == "1 problem found"
    assert all(x.startswith(("<command line>:", "  help:", "1 problem")) for x in lines)


def test_a_fact_file_name_with_a_newline_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "a\nb.yaml"
    bad.write_text("people:\n  - {id: p-1}\n", encoding="utf-8")
    code = main(["check", str(bad), "--as-of", "2022-01-10"])
    err = capsys.readouterr().err
    assert code == 2
    first = err.splitlines()[0]
    assert "a\\nb.yaml" in first and "hz_facts_missing_field" in first, err
