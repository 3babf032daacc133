"""Output that never destroys, and exit codes that keep their meaning (issue 15, items 1 and 5).

Every file or folder a command writes is named by the user, so every one is hostile: a
directory, a device, a FIFO, a socket, an input being read (directly, through a link, or inside
a fact folder, table folder or rule pack), a link planted at a temporary's name, another run
writing the same file, a signal in the middle. Each case asserts the exit code, the diagnostic
code at ``<command line>``, no traceback, and that nothing changed on disk.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
RULES = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
WEIGHTS = ROOT / "tests" / "cli" / "data" / "weights.yaml"
AS_OF = "2022-01-10"
FORMATS = ("text", "json", "jsonl", "parquet", "markdown", "html", "xlsx", "junit")
LINE = re.compile(r"^<command line>: (?P<code>hz_usage_[a-z_]+): (?P<msg>.+)$")
INTERRUPTED = "interrupted; nothing written\n"


@dataclass(frozen=True)
class World:
    base: Path
    facts: Path  # a copy of the example district (a fact folder)
    tables: Path  # the same facts as a table folder
    pack: Path  # a copy of the bundled rule pack
    weights: Path
    special: Path  # links, a directory, a FIFO, a socket


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("w")
    w = World(
        base, base / "facts", base / "tables", base / "pack", base / "weights.yaml", base / "s"
    )
    shutil.copytree(EXAMPLE, w.facts)
    shutil.copytree(RULES, w.pack)
    shutil.copy(WEIGHTS, w.weights)
    assert main(["tables", str(w.facts), "--out", str(w.tables)]) == 0
    w.special.mkdir()
    (w.special / "adir").mkdir()
    (w.special / "adir" / "keep.txt").write_text("keep\n", encoding="utf-8")
    os.mkfifo(w.special / "fifo")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(w.special / "sock"))
    (w.special / "link-to-fact").symlink_to(w.facts / "structure.yaml")
    (w.special / "link-to-null").symlink_to("/dev/null")
    (w.special / "link-to-pack").symlink_to(w.pack)
    os.link(w.facts / "structure.yaml", w.special / "hardlink-to-fact")
    yield w
    sock.close()


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root``: its type, and bytes and mtime for files (FIFOs never opened)."""
    seen: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                seen[key] = ("file", digest, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
            elif stat.S_ISLNK(st.st_mode):
                seen[key] = ("link", os.readlink(path))
            else:
                seen[key] = (stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return seen


def refused(
    argv: list[str],
    code: str,
    named: str,
    world: World,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``argv`` exits 2 with ``code`` at ``<command line>`` naming ``named``; nothing changed."""
    before = snapshot(world.base)
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert "Traceback" not in err and out == ""
    first = LINE.match(err.splitlines()[0])
    assert first is not None, err
    assert first["code"] == code, err
    assert named in first["msg"], err
    assert snapshot(world.base) == before, "a refused command changed a file"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is still a device"


# --- check --output: every format × every hostile target ------------------------------------

# name → (facts and options given, the --output, the expected code)
Target = Callable[[World], tuple[list[str], str, str]]
IS_INPUT, IS_DIR, NOT_REGULAR = (
    "hz_usage_output_is_input",
    "hz_usage_output_is_directory",
    "hz_usage_output_not_regular",
)
TARGETS: dict[str, Target] = {
    "a directory": lambda w: ([str(w.facts)], str(w.special / "adir"), IS_DIR),
    "a new directory (trailing slash)": lambda w: (
        [str(w.facts)],
        str(w.special / "new") + "/",
        IS_DIR,
    ),
    "the fact file itself": lambda w: (
        [str(w.facts / "structure.yaml")],
        str(w.facts / "structure.yaml"),
        IS_INPUT,
    ),
    "a fact file inside the fact folder": lambda w: (
        [str(w.facts)],
        str(w.facts / "meetings.yaml"),
        IS_INPUT,
    ),
    "a new file inside the fact folder": lambda w: (
        [str(w.facts)],
        str(w.facts / "report.out"),
        IS_INPUT,
    ),
    "a symlink to the fact file": lambda w: (
        [str(w.facts / "structure.yaml")],
        str(w.special / "link-to-fact"),
        IS_INPUT,
    ),
    "a hard link to the fact file": lambda w: (
        [str(w.facts / "structure.yaml")],
        str(w.special / "hardlink-to-fact"),
        IS_INPUT,
    ),
    "the fact folder through ..": lambda w: (
        [str(w.facts)],
        str(w.special / ".." / "facts" / "inspections.yaml"),
        IS_INPUT,
    ),
    "a table inside the table folder": lambda w: (
        [str(w.tables)],
        str(w.tables / "people.parquet"),
        IS_INPUT,
    ),
    "a rule file of the pack": lambda w: (
        [str(w.facts), "--rules", str(w.pack)],
        str(w.pack / "art_016.yaml"),
        IS_INPUT,
    ),
    "a rule file through a link to the pack": lambda w: (
        [str(w.facts), "--rules", str(w.pack)],
        str(w.special / "link-to-pack" / "pack.yaml"),
        IS_INPUT,
    ),
    "the weights file": lambda w: (
        [str(w.facts), "--weights", str(w.weights)],
        str(w.weights),
        IS_INPUT,
    ),
    "/dev/null": lambda w: ([str(w.facts)], "/dev/null", NOT_REGULAR),
    "a symlink to /dev/null": lambda w: (
        [str(w.facts)],
        str(w.special / "link-to-null"),
        NOT_REGULAR,
    ),
    "a FIFO": lambda w: ([str(w.facts)], str(w.special / "fifo"), NOT_REGULAR),
    "a socket": lambda w: ([str(w.facts)], str(w.special / "sock"), NOT_REGULAR),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target", list(TARGETS), ids=list(TARGETS))
def test_check_output_refused(
    fmt: str, target: str, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    given, out, code = TARGETS[target](world)
    argv = ["check", *given, "--as-of", AS_OF, "--format", fmt, "--output", out]
    refused(argv, code, out, world, capsys)


def test_the_default_pack_is_an_input(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEZHANG_RULES_DIR", str(world.pack))
    out = str(world.pack / "art_001.yaml")
    refused(
        ["check", str(world.facts), "--as-of", AS_OF, "--output", out], IS_INPUT, out, world, capsys
    )


def test_a_missing_folder_is_refused(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(world.special / "no-such-folder" / "r.json")
    argv = ["check", str(world.facts), "--as-of", AS_OF, "--output", out]
    refused(argv, "hz_usage_bad_output", out, world, capsys)


ODD_NAMES = [
    ("x/.", "x/.", IS_DIR),
    ("..", "..", IS_DIR),
    ("/", "/", IS_DIR),
    ("a\x00b", "a\\x00b", "hz_usage_bad_output"),
    ("a" * 300, "a" * 300, "hz_usage_bad_output"),
    ("no-such-folder/r.json", "no-such-folder", "hz_usage_bad_output"),
]


@pytest.mark.parametrize(
    "given, named, code", ODD_NAMES, ids=["dot", "dotdot", "root", "nul", "long", "missing"]
)
def test_odd_output_names(
    given: str,
    named: str,
    code: str,
    world: World,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(world.special)
    argv = ["check", str(world.facts), "--as-of", AS_OF, "--format", "json", "--output", given]
    refused(argv, code, named, world, capsys)


# --- todo and coverage --output --------------------------------------------------------------

TODO_TARGETS = [
    "a directory",
    "the fact file itself",
    "a fact file inside the fact folder",
    "a symlink to the fact file",
    "a rule file of the pack",
    "/dev/null",
    "a FIFO",
    "a socket",
]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("target", TODO_TARGETS)
def test_todo_output_refused(
    fmt: str, target: str, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    given, out, code = TARGETS[target](world)
    given = [g for g in given if g != "--weights" and g != str(world.weights)]
    argv = ["todo", *given, "--as-of", AS_OF, "--format", fmt, "--output", out]
    refused(argv, code, out, world, capsys)


COVERAGE_TARGETS: dict[str, Callable[[World], tuple[str, str]]] = {
    "a rule file": lambda w: (str(w.pack / "art_005.yaml"), IS_INPUT),
    "the pack file": lambda w: (str(w.pack / "pack.yaml"), IS_INPUT),
    "a file in the case folder": lambda w: (str(w.facts / "structure.yaml"), IS_INPUT),
    "a directory": lambda w: (str(w.special / "adir"), IS_DIR),
    "a FIFO": lambda w: (str(w.special / "fifo"), NOT_REGULAR),
    "/dev/null": lambda w: ("/dev/null", NOT_REGULAR),
}


@pytest.mark.parametrize("target", list(COVERAGE_TARGETS))
def test_coverage_output_refused(
    target: str, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    out, code = COVERAGE_TARGETS[target](world)
    argv = ["coverage", "--rules", str(world.pack), "--cases", str(world.facts), "--output", out]
    refused(argv, code, out, world, capsys)


# --- tables --out and synth --out: folders ----------------------------------------------------

FOLDER_TARGETS: dict[str, Callable[[World], tuple[list[str], str]]] = {
    "the fact folder being read": lambda w: (["--force"], str(w.facts)),
    "a folder inside the fact folder": lambda w: ([], str(w.facts / "sub")),
    "the folder holding the fact folder": lambda w: (["--force"], str(w.base)),
    "a file": lambda w: ([], str(w.weights)),
    "/dev/null": lambda w: ([], "/dev/null"),
    "a FIFO": lambda w: ([], str(w.special / "fifo")),
    "a socket": lambda w: ([], str(w.special / "sock")),
    "a non-empty folder": lambda w: ([], str(w.special / "adir")),
    "a foreign folder with --force": lambda w: (["--force"], str(w.special / "adir")),
}
TABLES_CODES = {
    "the fact folder being read": IS_INPUT,
    "a folder inside the fact folder": IS_INPUT,
    "the folder holding the fact folder": IS_INPUT,
    "a non-empty folder": "hz_usage_output_not_empty",
    "a foreign folder with --force": "hz_usage_output_not_a_world",
}


@pytest.mark.parametrize("target", list(FOLDER_TARGETS))
def test_tables_out_refused(target: str, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    extra, out = FOLDER_TARGETS[target](world)
    code = TABLES_CODES.get(target, "hz_usage_bad_output")
    refused(["tables", str(world.facts), "--out", out, *extra], code, out, world, capsys)


@pytest.mark.parametrize("target", [t for t in FOLDER_TARGETS if "fact folder" not in t])
def test_synth_out_refused(target: str, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    extra, out = FOLDER_TARGETS[target](world)
    code = TABLES_CODES.get(target, "hz_usage_bad_output")
    argv = ["synth", "--chiefs", "50", "--year", "2021", "--out", out, *extra]
    refused(argv, code, out, world, capsys)


def test_force_replaces_a_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t"
    assert main(["tables", str(EXAMPLE), "--out", str(out), "--format", "jsonl"]) == 0
    first = snapshot(out)
    assert main(["tables", str(EXAMPLE), "--out", str(out), "--format", "jsonl", "--force"]) == 0
    assert {k: v[1] for k, v in snapshot(out).items()} == {k: v[1] for k, v in first.items()}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    capsys.readouterr()


# --- what is written: whole, by rename, never through a planted link ---------------------------


def _names(*names: str) -> Callable[[], Iterator[str]]:
    """``tempfile``'s candidate names: ``names`` first, then fresh ones (a report may make other
    temporaries of its own, such as the findings table's spill or a sheet's rows)."""
    return lambda: itertools.chain(names, (f"fresh{i}" for i in itertools.count()))


@pytest.mark.parametrize(
    "fmt, facts", [("json", "facts"), ("jsonl", "tables"), ("parquet", "tables"), ("xlsx", "facts")]
)
def test_links_planted_at_temporary_names_are_not_followed(
    fmt: str,
    facts: str,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    # the fixed name used before, and the first name the temporary file will try
    monkeypatch.setattr(tempfile, "_get_candidate_names", _names("planted", "free1", "free2"))
    for name in (f".{out.name}.tmp", f".{out.name}.planted.tmp"):
        (tmp_path / name).symlink_to(victim)
    argv = ["check", str(getattr(world, facts)), "--as-of", AS_OF, "--format", fmt]
    assert main([*argv, "--output", str(out)]) == 1
    capsys.readouterr()
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert out.is_file() and not out.is_symlink()
    if fmt == "json":
        assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == AS_OF
    elif fmt == "parquet":
        assert pl.read_parquet(out).height > 300
    elif fmt == "jsonl":
        assert all(json.loads(x) for x in out.read_text(encoding="utf-8").splitlines())
    links = sorted(p.name for p in tmp_path.iterdir() if p.is_symlink())
    assert links == sorted([f".{out.name}.tmp", f".{out.name}.planted.tmp"])
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_symlink()) == [
        out.name,
        "victim.txt",
    ]


def test_tables_do_not_follow_a_planted_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "t"
    out.mkdir()
    monkeypatch.setattr(tempfile, "_get_candidate_names", _names("planted", "free1", "free2"))
    for name in (".people.parquet.tmp", ".people.parquet.planted.tmp"):
        (out / name).symlink_to(victim)
    assert main(["tables", str(EXAMPLE), "--out", str(out), "--force"]) == 0
    capsys.readouterr()
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert pl.read_parquet(out / "people.parquet").height > 0


def test_a_link_at_the_target_is_replaced_not_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not a report\n", encoding="utf-8")
    out = tmp_path / "report.json"
    out.symlink_to(elsewhere)
    assert (
        main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--output", str(out)])
        == 1
    )
    capsys.readouterr()
    assert elsewhere.read_text(encoding="utf-8") == "not a report\n"
    assert not out.is_symlink() and json.loads(out.read_text(encoding="utf-8"))["as_of"] == AS_OF


@pytest.mark.parametrize("fmt, facts", [("json", EXAMPLE), ("jsonl", None), ("parquet", None)])
def test_mode_follows_the_umask(
    fmt: str, facts: Path | None, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"r.{fmt}"
    old = os.umask(0o027)
    try:
        rc = main(
            [
                "check",
                str(facts or world.tables),
                "--as-of",
                AS_OF,
                "--format",
                fmt,
                "--output",
                str(out),
            ]
        )
    finally:
        os.umask(old)
    capsys.readouterr()
    assert rc == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "hezhang_rules.cli", *args]


def _env() -> dict[str, str]:
    src = str(ROOT / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_two_runs_writing_one_target_leave_one_whole_report(
    fmt: str, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = str(EXAMPLE if fmt == "json" else world.tables)
    out = tmp_path / f"report.{fmt}"
    runs = [["--lang", "zh", "--as-of", AS_OF], ["--lang", "en", "--as-of", "2022-03-01"]]
    expected = []
    for extra in runs:
        assert main(["check", facts, "--format", fmt, *extra]) == 1
        expected.append(capsys.readouterr().out)
    assert expected[0] != expected[1]
    procs = [
        subprocess.Popen(
            _cli("check", facts, "--format", fmt, "--output", str(out), *extra),
            env=_env(),
            stderr=subprocess.PIPE,
        )
        for extra in runs
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 1, err.decode()
    text = out.read_text(encoding="utf-8")
    assert text in expected, "one whole report, never a mixture"
    if fmt == "json":
        json.loads(text)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# --- exit codes: signals, internal errors, a closed pipe ------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic world large enough that a check takes a few seconds."""
    out = tmp_path_factory.mktemp("big") / "w"
    assert main(["synth", "--chiefs", "2500", "--year", "2021", "--out", str(out)]) == 0
    return out


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has installed its SIGTERM handler (main() is running)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.M)[1], 16)  # type: ignore[index]
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize(
    "fmt, when", [("jsonl", "writing"), ("parquet", "writing"), ("json", "loading")]
)
def test_a_signal_leaves_nothing_behind(
    sig: int,
    code: int,
    fmt: str,
    when: str,
    big: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    out = tmp_path / f"report.{fmt}"
    out.write_bytes(b"the report of last week\n")
    proc = subprocess.Popen(
        _cli("check", str(big), "--as-of", AS_OF, "--format", fmt, "--output", str(out)),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if when == "writing" and any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            break
        if when == "loading" and _catches_sigterm(proc.pid):
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the check ended before it could be interrupted"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr.decode()
    assert stderr.decode() == INTERRUPTED and stdout == b""
    assert out.read_bytes() == b"the report of last week\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "no temporary left behind"


def test_a_closed_pipe_exits_quietly(big: Path) -> None:
    """``check … --format jsonl | head -c 100``: the stream (tens of MB, more than a pipe
    holds) meets a closed pipe; exit 141 with nothing on standard error."""
    proc = subprocess.Popen(
        _cli("check", str(big), "--as-of", AS_OF, "--format", "jsonl"),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100).startswith(b'{"as_of"')
    proc.stdout.close()  # as `| head -c 100` does
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141, err.decode()
    assert err == b""


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_pipe_in_process_gives_141(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "markdown"]) == 141
    assert capsys.readouterr().err == ""


@pytest.fixture
def last_week(world: World, tmp_path: Path) -> Path:
    out = tmp_path / "report"
    out.write_bytes(b"the report of last week\n")
    return out


def _fails(exc: BaseException, write_first: bool = False) -> Callable[..., None]:
    def fail(self: object, target: object, *a: object) -> None:
        if write_first:
            target.write("half a report\n" if hasattr(target, "encoding") else b"PAR1 half")  # type: ignore[attr-defined]
        raise exc

    return fail


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
@pytest.mark.parametrize(
    "exc, code, line",
    [
        (
            RuntimeError("injected\nsecond line"),
            3,
            "hezhang-rules: internal error: RuntimeError: injected second line",
        ),
        (ValueError("bad"), 3, "hezhang-rules: internal error: ValueError: bad"),
        (MemoryError(), 3, "hezhang-rules: internal error: MemoryError:"),
        (KeyboardInterrupt(), 130, "interrupted; nothing written"),
    ],
    ids=["RuntimeError", "ValueError", "MemoryError", "KeyboardInterrupt"],
)
def test_an_exception_while_writing(
    fmt: str,
    exc: BaseException,
    code: int,
    line: str,
    world: World,
    last_week: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hezhang_rules.columnar.evaluate import ColumnarReport
    from hezhang_rules.report import parquet

    if fmt == "jsonl":
        monkeypatch.setattr(ColumnarReport, "write_jsonl", _fails(exc, write_first=True))
    else:  # the Parquet report is written by report.parquet.write_columnar
        monkeypatch.setattr(parquet, "write_columnar", _fails(exc, write_first=True))
    argv = [
        "check",
        str(world.tables),
        "--as-of",
        AS_OF,
        "--format",
        fmt,
        "--output",
        str(last_week),
    ]
    assert main(argv) == code
    assert _one_line(capsys.readouterr().err).startswith(line)
    assert last_week.read_bytes() == b"the report of last week\n"
    assert [p.name for p in last_week.parent.iterdir()] == [last_week.name]


@pytest.mark.parametrize(
    "where",
    [
        "hezhang_rules.cli.check.evaluate",
        "hezhang_rules.cli.check.load_sources",
        "hezhang_rules.cli.check.render_report",
    ],
)
@pytest.mark.parametrize("exc, code", [(RuntimeError("boom"), 3), (KeyboardInterrupt(), 130)])
def test_an_exception_before_writing(
    where: str,
    exc: BaseException,
    code: int,
    last_week: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fail(*a: object, **k: object) -> None:
        raise exc

    monkeypatch.setattr(where, fail)
    argv = ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "xlsx", "--output", str(last_week)]
    assert main(argv) == code != 1
    line = _one_line(capsys.readouterr().err)
    assert line == ("interrupted; nothing written" if code == 130 else line)
    assert code == 130 or line.startswith("hezhang-rules: internal error: RuntimeError: boom")
    assert last_week.read_bytes() == b"the report of last week\n"


def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*a: object, **k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("hezhang_rules.cli.check.evaluate", fail)
    monkeypatch.setenv("HEZHANG_DEBUG", "1")
    assert main(["check", str(EXAMPLE), "--as-of", AS_OF]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().endswith("nothing written")


@pytest.mark.parametrize("wrapped", [False, True], ids=["raised", "wrapped by a library"])
def test_sigterm_in_process_gives_143(
    wrapped: bool,
    world: World,
    last_week: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hezhang_rules.columnar.evaluate import ColumnarReport

    def terminated(self: object, target: object) -> None:
        target.write("half a report\n")  # type: ignore[attr-defined]
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises here
        except KeyboardInterrupt as exc:
            if wrapped:  # as a library that catches it in a callback and raises its own
                raise RuntimeError("callback failed") from exc
            raise

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(ColumnarReport, "write_jsonl", terminated)
    argv = ["check", str(world.tables), "--as-of", AS_OF, "--format", "jsonl"]
    assert main([*argv, "--output", str(last_week)]) == 143
    assert _one_line(capsys.readouterr().err) == "interrupted; nothing written"
    assert last_week.read_bytes() == b"the report of last week\n"
    assert [p.name for p in last_week.parent.iterdir()] == [last_week.name]
    assert signal.getsignal(signal.SIGTERM) is before, "the old handler is restored"


def test_violations_still_exit_1_and_a_clean_run_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.json"
    assert (
        main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--output", str(out)])
        == 1
    )
    facts = tmp_path / "f.yaml"
    facts.write_text("people: []\n", encoding="utf-8")  # nobody holds a duty: no violation
    assert main(["check", str(facts), "--as-of", AS_OF, "--output", str(tmp_path / "r.txt")]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.yaml", "r.json", "r.txt"]


def test_an_interrupted_tables_run_names_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tables are written one by one (each whole): an interruption says where some may be."""
    real = pl.DataFrame.write_parquet
    calls = []

    def second_fails(self: pl.DataFrame, target: object, *a: object, **k: object) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(self, target, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(pl.DataFrame, "write_parquet", second_fails)
    out = tmp_path / "t"
    assert main(["tables", str(EXAMPLE), "--out", str(out)]) == 130
    line = _one_line(capsys.readouterr().err)
    assert line == f"interrupted; files written whole before it are in {out}"
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 1 and left[0].endswith(".parquet"), "one whole table, no temporary"
    assert pl.read_parquet(out / left[0]).height > 0


@pytest.mark.parametrize("name", ["r" * 250 + ".json", "报" * 80 + ".json"], ids=["ascii", "zh"])
def test_a_long_name_is_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """255 bytes is the longest name; the temporary's name is cut to fit beside it."""
    out = tmp_path / name
    assert (
        main(["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "--output", str(out)])
        == 1
    )
    capsys.readouterr()
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == AS_OF
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_signal_during_the_rename_is_held_until_it_is_done(
    last_week: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rename and its bookkeeping are one step: the report is whole, the line says so."""
    real = os.replace

    def replace_after_a_signal(src: str, dst: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs here, between statements
            pass
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace_after_a_signal)
    argv = ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json"]
    assert main([*argv, "--output", str(last_week)]) == 143
    line = _one_line(capsys.readouterr().err)
    assert line == f"interrupted; already written whole before it: {last_week}"
    assert json.loads(last_week.read_text(encoding="utf-8"))["as_of"] == AS_OF
    assert [p.name for p in last_week.parent.iterdir()] == [last_week.name]


# --- breaks found after the first round: links inside inputs, /dev, --force, referred files ---


def refused_under(
    root: Path, argv: list[str], code: str, named: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """:func:`refused` for a tree of the test's own: exit 2, ``code`` at ``<command line>``
    naming ``named``, no traceback, nothing under ``root`` changed. Returns the message."""
    before = snapshot(root)
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert "Traceback" not in err and out == ""
    first = LINE.match(err.splitlines()[0])
    assert first is not None, err
    assert first["code"] == code, err
    assert named in first["msg"], err
    assert snapshot(root) == before, "a refused command changed a file"
    return first["msg"]


@pytest.fixture
def linked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``facts/structure.yaml -> ../store/structure.yaml`` and ``t/people.jsonl ->
    ../store/people.jsonl``: folders whose entries are links to files outside them."""
    (tmp_path / "store").mkdir()
    shutil.copytree(EXAMPLE, tmp_path / "facts")
    shutil.move(tmp_path / "facts" / "structure.yaml", tmp_path / "store" / "structure.yaml")
    (tmp_path / "facts" / "structure.yaml").symlink_to("../store/structure.yaml")
    argv = ["tables", str(EXAMPLE), "--out", str(tmp_path / "t"), "--format", "jsonl"]
    assert main(argv) == 0
    shutil.move(tmp_path / "t" / "people.jsonl", tmp_path / "store" / "people.jsonl")
    (tmp_path / "t" / "people.jsonl").symlink_to("../store/people.jsonl")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "same-fact").symlink_to(tmp_path / "store" / "structure.yaml")
    capsys.readouterr()
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_link_in_the_fact_folder_to_a_file_outside_it(
    fmt: str, linked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(linked / "facts" / "structure.yaml")
    argv = ["check", str(linked / "facts"), "--as-of", AS_OF, "--format", fmt, "--output", out]
    refused_under(linked, argv, IS_INPUT, out, capsys)
    assert (linked / "store" / "structure.yaml").read_bytes() == (
        EXAMPLE / "structure.yaml"
    ).read_bytes()


def test_a_link_in_the_table_folder_to_a_file_outside_it(
    linked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(linked / "t" / "people.jsonl")
    argv = ["check", str(linked / "t"), "--as-of", AS_OF, "--format", "jsonl", "--output", out]
    refused_under(linked, argv, IS_INPUT, out, capsys)


def test_a_link_outside_to_a_file_the_fact_folder_reaches_through_a_link(
    linked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(linked / "elsewhere" / "same-fact")
    argv = ["check", str(linked / "facts"), "--as-of", AS_OF, "--output", out]
    msg = refused_under(linked, argv, IS_INPUT, out, capsys)
    assert "structure.yaml" in msg


def test_dev_stdout_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = os.readlink("/dev/stdout")
    shutil.copytree(EXAMPLE, tmp_path / "facts")
    argv = ["check", str(tmp_path / "facts"), "--as-of", AS_OF, "--output", "/dev/stdout"]
    msg = refused_under(tmp_path, argv, NOT_REGULAR, "/dev/stdout", capsys)
    assert "/dev" in msg
    assert os.path.islink("/dev/stdout") and os.readlink("/dev/stdout") == link


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_a_link_to_proc_self_fd_1_is_refused(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "facts")
    out = tmp_path / "so"
    out.symlink_to("/proc/self/fd/1")
    argv = ["check", str(tmp_path / "facts"), "--as-of", AS_OF, "--format", fmt]
    msg = refused_under(tmp_path, [*argv, "--output", str(out)], NOT_REGULAR, str(out), capsys)
    assert "/proc/self/fd/1" in msg
    assert os.readlink(out) == "/proc/self/fd/1"


def _plant(where: Path, what: str) -> None:
    """A FIFO, a directory (holding a file), a socket or a link named like a table."""
    if what == "fifo":
        os.mkfifo(where)
    elif what == "directory":
        where.mkdir()
        (where / "keep.txt").write_text("keep\n", encoding="utf-8")
    elif what == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(where))
        sock.close()
    else:
        victim = where.parent.parent / "victim.txt"
        victim.write_text("precious\n", encoding="utf-8")
        where.symlink_to(victim)


PLANTED = ["fifo", "directory", "socket", "link"]


@pytest.mark.parametrize("what", PLANTED)
def test_tables_force_replaces_only_regular_files(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t"
    assert main(["tables", str(EXAMPLE), "--out", str(out)]) == 0
    capsys.readouterr()
    (out / "people.parquet").unlink()
    _plant(out / "people.parquet", what)
    argv = ["tables", str(EXAMPLE), "--out", str(out), "--force"]
    msg = refused_under(tmp_path, argv, NOT_REGULAR, str(out), capsys)
    assert "people.parquet" in msg


@pytest.mark.parametrize("name", ["people.parquet", "people.jsonl", "README.md"])
@pytest.mark.parametrize("what", PLANTED)
def test_synth_force_replaces_or_removes_only_regular_files(
    name: str, what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "w"
    argv = ["synth", "--chiefs", "50", "--year", "2021", "--out", str(out)]
    assert main(argv) == 0
    capsys.readouterr()
    (out / name).unlink(missing_ok=True)  # people.jsonl: a stale table synth would remove
    _plant(out / name, what)
    msg = refused_under(tmp_path, [*argv, "--force"], NOT_REGULAR, str(out), capsys)
    assert name in msg


@pytest.fixture
def cited(tmp_path: Path) -> Path:
    """A copy of the pack (``qinghemen``, citing ``regulation/…`` inside it) and a case folder
    whose case's world lies outside it, all under ``tmp_path``."""
    ignored = shutil.ignore_patterns("cases", "example", "__pycache__")
    shutil.copytree(RULES, tmp_path / "qinghemen", ignore=ignored)
    shutil.copytree(EXAMPLE, tmp_path / "facts")
    (tmp_path / "worlds").mkdir()
    shutil.copy(
        ROOT
        / "src"
        / "hezhang_rules"
        / "packs"
        / "qinghemen"
        / "cases"
        / "_worlds"
        / "district.yaml",
        tmp_path / "worlds",
    )
    (tmp_path / "cases" / "art005").mkdir(parents=True)
    case = "world: worlds/district.yaml\nas_of: '2022-01-10'\nexpect: []\n"
    (tmp_path / "cases" / "art005" / "c.yaml").write_text(case, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("command", ["check", "todo"])
def test_the_regulation_text_the_pack_cites_is_an_input(
    command: str, cited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = next((cited / "qinghemen" / "regulation").iterdir())
    rules = ["--rules", str(cited / "qinghemen")]
    argv = [command, str(cited / "facts"), *rules, "--as-of", AS_OF, "--output", str(source)]
    refused_under(cited, argv, IS_INPUT, str(source), capsys)


@pytest.mark.parametrize("which", ["qinghemen/regulation", "worlds"])
def test_coverage_keeps_the_pack_source_and_case_worlds(
    which: str, cited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = ["--rules", str(cited / "qinghemen"), "--cases", str(cited / "cases")]
    out = next((cited / which).iterdir())
    argv = ["coverage", *rules, "--output", str(out)]
    refused_under(cited, argv, IS_INPUT, str(out), capsys)
