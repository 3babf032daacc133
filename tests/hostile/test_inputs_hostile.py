"""Rule packs, fact files, weights files and options meet the fact-file contract.

Each hostile input gives exit 2 and a diagnostic located at the file (``file`` or
``file:line:col``) or at ``<command line>``, no traceback, and no report written to
``--output``. FIFOs are tried in a child process with a timeout: reading must never wait on one.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from .kit import run_main, run_process, small_pack

AS_OF = ["--as-of", "2022-01-10"]
BIG_INT = "9" * 5000
FACTS = """\
jurisdictions:
  - {id: j-fuxin, name: 阜新市, level: city, code: "210900"}
people:
  - {id: p-1, name: 张三}
"""


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """A small pack, a fact file that checks cleanly with it, and an empty output folder."""
    pack = small_pack(tmp_path / "pack")
    facts = tmp_path / "facts" / "facts.yaml"
    facts.parent.mkdir()
    facts.write_text(FACTS, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return {"pack": pack, "facts": facts, "out": out, "tmp": tmp_path}


def check(w: dict[str, Path], *extra: str) -> list[str]:
    return [
        "check",
        str(w["facts"].parent),
        *AS_OF,
        "--rules",
        str(w["pack"]),
        "--format",
        "json",
        "--output",
        str(w["out"] / "report.json"),
        *extra,
    ]


def nothing_written(w: dict[str, Path]) -> None:
    assert list(w["out"].iterdir()) == [], "nothing may be written for invalid input"


def test_the_world_is_valid(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The control: without the hostile part, the same command writes its report."""
    run = run_main(check(world), capsys)
    assert run.code in (0, 1), run.err
    assert (world["out"] / "report.json").is_file()


# --- rule packs ------------------------------------------------------------------------------


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _directory(p: Path) -> None:
    p.mkdir()


def _socket(p: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()


def _dev_zero(p: Path) -> None:
    p.symlink_to("/dev/zero")


def _loop(p: Path) -> None:
    p.symlink_to(p.with_name("art_099.yaml"))
    p.with_name("art_099.yaml").symlink_to(p)


def _dangling(p: Path) -> None:
    p.symlink_to(p.with_name("nowhere.yaml"))


def _big_int(p: Path) -> None:
    p.write_text(f"article: 17\nrules: {BIG_INT}\n", encoding="utf-8")


def _big_hex_tag(p: Path) -> None:
    p.write_text(f"article: !!int {BIG_INT}\n", encoding="utf-8")


def _outside(p: Path) -> None:
    target = p.parent.parent / "elsewhere.yaml"
    target.write_text("article: 17\n", encoding="utf-8")
    p.symlink_to(target)


def _proc(p: Path) -> None:
    p.symlink_to("/proc/self/status")


def _surrogate_yaml(p: Path) -> None:
    p.write_text('article: 17\ntext: "\\ud800"\n', encoding="utf-8")


# name: (how to plant art_017.yaml (or pack.yaml), which file, code, location suffix)
PACK_CASES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    "directory_named_like_a_rule_file": (_directory, "art_017.yaml", "hz_load_not_a_file", ""),
    "directory_named_pack_yaml": (_directory, "pack.yaml", "hz_load_not_a_file", ""),
    "socket_named_like_a_rule_file": (_socket, "art_017.yaml", "hz_load_not_a_file", ""),
    "symlink_to_dev_zero": (_dev_zero, "art_017.yaml", "hz_load_not_a_file", ""),
    "pack_yaml_symlink_to_dev_zero": (_dev_zero, "pack.yaml", "hz_load_not_a_file", ""),
    "symlink_loop": (_loop, "art_017.yaml", "hz_load_unreadable", ""),
    "dangling_symlink": (_dangling, "art_017.yaml", "hz_load_unreadable", ""),
    "int_too_long": (_big_int, "art_017.yaml", "hz_load_number_too_large", ":2:8"),
    "tagged_int_too_long": (_big_hex_tag, "art_017.yaml", "hz_load_number_too_large", ":1:10"),
    "symlink_outside_the_pack": (_outside, "art_017.yaml", "hz_rule_outside_pack", ""),
    "symlink_to_proc": (_proc, "art_017.yaml", "hz_rule_outside_pack", ""),
    "surrogate_escape_in_yaml": (_surrogate_yaml, "art_017.yaml", "hz_load_syntax", ":2:10"),
}


@pytest.mark.parametrize("case", sorted(PACK_CASES))
def test_rule_pack(case: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plant, name, code, where = PACK_CASES[case]
    target = world["pack"] / name
    target.unlink(missing_ok=True)
    plant(target)
    run = run_main(check(world), capsys)
    run.refused(code, f"{target}{where}")
    nothing_written(world)


def test_symlink_inside_the_pack_is_followed(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = world["pack"]
    (pack / "shared").mkdir()
    shutil.move(pack / "art_016.yaml", pack / "shared" / "art_016.yaml")
    (pack / "art_016.yaml").symlink_to(Path("shared") / "art_016.yaml")
    run = run_main(check(world), capsys)
    assert run.code in (0, 1), run.err


def test_enormous_pack_yaml(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    pack_yaml = world["pack"] / "pack.yaml"
    with pack_yaml.open("a", encoding="utf-8") as fh:
        fh.write("# padding\n" * 3000)
    run = run_main(check(world, "--limit", "max_bytes=20000"), capsys)
    _w, _c, msg = run.refused("hz_load_file_too_large", str(pack_yaml))
    assert "limit is 20000" in msg
    nothing_written(world)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_unreadable_rule_file(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    target = world["pack"] / "art_016.yaml"
    target.chmod(0)
    run = run_main(check(world), capsys)
    run.refused("hz_load_unreadable", str(target))


@pytest.mark.parametrize("name", ["art_017.yaml", "pack.yaml"])
def test_rule_pack_fifo_is_never_waited_on(world: dict[str, Path], name: str) -> None:
    target = world["pack"] / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    run = run_process(check(world), timeout=60)  # a wait on the FIFO would time out
    run.refused("hz_load_not_a_file", str(target))
    nothing_written(world)


def test_lint_refuses_a_fifo_in_the_pack(world: dict[str, Path]) -> None:
    target = world["pack"] / "art_017.yaml"
    os.mkfifo(target)
    run = run_process(["lint", str(world["pack"]), "--no-cases"], timeout=60)
    run.refused("hz_load_not_a_file", str(target))


# --- fact files ------------------------------------------------------------------------------


def test_fact_folder_fifo_is_never_waited_on(world: dict[str, Path]) -> None:
    target = world["facts"].parent / "zz.yaml"
    os.mkfifo(target)
    run = run_process(check(world), timeout=60)
    run.refused("hz_load_not_a_file", str(target))
    nothing_written(world)


@pytest.mark.parametrize("case", ["dev_zero", "directory", "socket"])
def test_fact_folder_non_regular_file(
    case: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = world["facts"].parent / "zz.yaml"
    {"dev_zero": _dev_zero, "directory": _directory, "socket": _socket}[case](target)
    if case == "directory":  # a folder named like a file is walked into, not read
        (target / "inner.json").symlink_to("/dev/zero")
        target = target / "inner.json"
    run = run_main(check(world), capsys)
    run.refused("hz_load_not_a_file", str(target))
    nothing_written(world)


def test_proc_file_is_bounded_by_bytes_read(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """/proc files report size 0: the limit must hold on the bytes actually read."""
    assert Path("/proc/self/maps").stat().st_size == 0
    # a limit every real input meets, and this process's memory map (tens of kB) does not
    limit = max(p.stat().st_size for p in [*world["pack"].iterdir(), world["facts"]]) + 1000
    assert len(Path("/proc/self/maps").read_bytes()) > limit
    target = world["facts"].parent / "zz.json"
    target.symlink_to("/proc/self/maps")
    run = run_main(check(world, "--limit", f"max_bytes={limit}"), capsys)
    _w, _c, msg = run.refused("hz_load_file_too_large", str(target))
    assert f"more than {limit} bytes were read" in msg
    nothing_written(world)


@pytest.mark.parametrize(
    ("name", "text", "code", "where"),
    [
        (
            "int.yaml",
            f"people:\n  - {{id: p-2, name: {BIG_INT}}}\n",
            "hz_load_number_too_large",
            ":2:21",
        ),
        (
            "int.json",
            f'{{"people": [{{"id": "p-2", "name": {BIG_INT}}}]}}',
            "hz_load_number_too_large",
            ":1:35",
        ),
        (
            "surrogate.json",
            '{"people": [{"id": "p-2", "name": "\\udfff"}]}',
            "hz_load_encoding",
            ":1:36",
        ),
        (
            "pair.json",
            '{"people": [{"id": "p-2", "name": "\\ud83d\\ude00 \\ud800"}]}',
            "hz_load_encoding",
            ":1:49",
        ),
    ],
)
def test_fact_file_values(
    name: str,
    text: str,
    code: str,
    where: str,
    world: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = world["facts"].parent / name
    target.write_text(text, encoding="utf-8")
    run = run_main(check(world), capsys)
    run.refused(code, f"{target}{where}")
    nothing_written(world)


def test_long_digit_string_is_text_not_a_number(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: 5,000 digits inside quotes are a (too long) name, not an int conversion."""
    target = world["facts"].parent / "text.json"
    target.write_text(f'{{"people": [{{"id": "p-2", "name": "{BIG_INT}"}}]}}', encoding="utf-8")
    run = run_main(check(world), capsys)
    assert "hz_load_number_too_large" not in run.err
    assert run.code in (0, 1, 2) and "Traceback" not in run.err


# --- weights files ---------------------------------------------------------------------------

WEIGHTS_CASES: dict[str, tuple[str, str, str]] = {
    "int_5000_digits": (f"default: {BIG_INT}\n", "hz_load_number_too_large", ":1:10"),
    "int_400_digits": (f"default: {BIG_INT[:400]}\n", "hz_weights_bad_value", ":1:10"),
    "weight_400_digits": (
        f"weights:\n  art016: {BIG_INT[:400]}\n",
        "hz_weights_bad_value",
        ":2:11",
    ),
    "nan": ("default: .nan\n", "hz_weights_bad_value", ":1:10"),
    "infinite": ("late_credit: .inf\n", "hz_weights_bad_value", ":1:14"),
    "negative": ("default: -1\n", "hz_weights_bad_value", ":1:10"),
    "over_the_maximum": ("default: 1000001\n", "hz_weights_bad_value", ":1:10"),
    "text": ("default: heavy\n", "hz_weights_bad_value", ":1:10"),
    "nested": ("weights: {art016: {a: [1]}}\n", "hz_weights_bad_value", ":1:19"),
    "unknown_key": ("defualt: 1\n", "hz_weights_unknown_key", ":1:1"),
    "unknown_rule": ("weights:\n  art016.nope: 1\n", "hz_weights_unknown_rule", ":2:3"),
    "bad_yaml": ("weights: [\n", "hz_load_syntax", ":2:1"),
    "tag": ("default: !!python/object:os.system 1\n", "hz_load_tag_not_allowed", ":1:10"),
    "invalid_utf8": ("default: \udcff\n", "hz_load_encoding", ":1:10"),
}


@pytest.mark.parametrize("case", sorted(WEIGHTS_CASES))
def test_weights_file(
    case: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text, code, where = WEIGHTS_CASES[case]
    weights = world["tmp"] / "weights.yaml"
    weights.write_bytes(text.encode("utf-8", "surrogateescape"))
    run = run_main(check(world, "--weights", str(weights)), capsys)
    run.refused(code, f"{weights}{where}")
    nothing_written(world)


@pytest.mark.parametrize("case", ["dev_zero", "directory", "enormous"])
def test_weights_file_not_readable_as_one(
    case: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    weights = world["tmp"] / "weights.yaml"
    extra: list[str] = []
    code = "hz_load_not_a_file"
    if case == "dev_zero":
        _dev_zero(weights)
    elif case == "directory":
        weights.mkdir()
    else:
        weights.write_text("default: 1\n" + "# padding\n" * 5000, encoding="utf-8")
        extra, code = ["--limit", "max_bytes=20000"], "hz_load_file_too_large"
    run = run_main(check(world, "--weights", str(weights), *extra), capsys)
    run.refused(code, str(weights))
    nothing_written(world)


def test_weights_fifo_is_never_waited_on(world: dict[str, Path]) -> None:
    weights = world["tmp"] / "weights.yaml"
    os.mkfifo(weights)
    run = run_process(check(world, "--weights", str(weights)), timeout=60)
    run.refused("hz_load_not_a_file", str(weights))
    assert stat.S_ISFIFO(weights.stat().st_mode), "the FIFO is left as it was"
    nothing_written(world)


# --- options ---------------------------------------------------------------------------------

SURROGATE = os.fsdecode(b"2022-01-1\xff")

OPTION_CASES: dict[str, tuple[list[str], str, str]] = {
    # --as-of (the default --as-of of check() is replaced: argparse keeps the last one)
    "as_of_empty": (["--as-of", ""], "hz_usage_bad_date", "<command line>"),
    "as_of_year_zero": (["--as-of", "0000-01-01"], "hz_usage_bad_date", "<command line>"),
    "as_of_9999": (["--as-of", "9999-12-31"], "hz_usage_date_out_of_range", "<command line>"),
    "as_of_1899": (["--as-of", "1899-12-31"], "hz_usage_date_out_of_range", "<command line>"),
    "as_of_2200": (["--as-of", "2200-01-01"], "hz_usage_date_out_of_range", "<command line>"),
    "as_of_five_digit_year": (["--as-of", "10000-01-01"], "hz_usage_bad_date", "<command line>"),
    "as_of_fullwidth_digits": (
        ["--as-of", "２０２２-０１-１０"],
        "hz_usage_bad_date",
        "<command line>",
    ),
    "as_of_arabic_indic_digits": (["--as-of", "٢٠٢٢-٠١-١٠"], "hz_usage_bad_date", "<command line>"),
    "as_of_lone_surrogate": (["--as-of", SURROGATE], "hz_usage_bad_date", "<command line>"),
    "as_of_iso_week": (["--as-of", "2022-W01-1"], "hz_usage_bad_date", "<command line>"),
    "as_of_february_30": (["--as-of", "2022-02-30"], "hz_usage_bad_date", "<command line>"),
    "as_of_with_time": (["--as-of", "2022-01-10T00:00"], "hz_usage_bad_date", "<command line>"),
    # --param
    "param_unknown_name": (["--param", "nope.x=1"], "hz_usage_unknown_override", "<command line>"),
    "param_bad_yaml": (
        ["--param", "art016.general_chief_min_inspections=[1"],
        "hz_load_syntax",
        "<command line>:",
    ),
    "param_int_5000_digits": (
        ["--param", f"art016.general_chief_min_inspections=1{BIG_INT}"],
        "hz_load_number_too_large",
        "<command line>:1:1",
    ),
    "param_nested_value": (
        ["--param", "art016.general_chief_min_inspections={a: [1, {b: 2}]}"],
        "hz_usage_bad_override",
        "<command line>",
    ),
    "param_wrong_type": (
        ["--param", "art016.general_chief_min_inspections=often"],
        "hz_usage_bad_override",
        "<command line>",
    ),
    "param_tag": (
        ["--param", "art016.general_chief_min_inspections=!!python/name:os.system"],
        "hz_load_tag_not_allowed",
        "<command line>:",
    ),
    "param_no_value": (
        ["--param", "art016.general_chief_min_inspections"],
        "hz_usage_bad_param",
        "<command line>",
    ),
    "param_no_name": (["--param", "=1"], "hz_usage_bad_param", "<command line>"),
    "param_lone_surrogate": (
        ["--param", "art016.chief_levels=" + SURROGATE],
        "hz_usage_bad_param",
        "<command line>",
    ),
    # --limit
    "limit_unknown_name": (["--limit", "max_bites=10"], "hz_usage_bad_limit", "<command line>"),
    "limit_negative": (["--limit", "max_bytes=-1"], "hz_usage_bad_limit", "<command line>"),
    "limit_zero": (["--limit", "max_depth=0"], "hz_usage_bad_limit", "<command line>"),
    "limit_huge": (
        ["--limit", "max_bytes=99999999999999999999"],
        "hz_usage_bad_limit",
        "<command line>",
    ),
    "limit_over_ceiling": (
        ["--limit", f"max_nodes={2**40 + 1}"],
        "hz_usage_bad_limit",
        "<command line>",
    ),
    "limit_5000_digits": (
        ["--limit", f"max_bytes={BIG_INT}"],
        "hz_usage_bad_limit",
        "<command line>",
    ),
    "limit_not_an_int": (["--limit", "max_bytes=1.5"], "hz_usage_bad_limit", "<command line>"),
    "limit_fullwidth_digits": (
        ["--limit", "max_bytes=１０"],
        "hz_usage_bad_limit",
        "<command line>",
    ),
    "limit_underscore": (["--limit", "max_bytes=1_000"], "hz_usage_bad_limit", "<command line>"),
    "limit_no_value": (["--limit", "max_bytes"], "hz_usage_bad_limit", "<command line>"),
}


@pytest.mark.parametrize("case", sorted(OPTION_CASES))
def test_option(case: str, world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    extra, code, where = OPTION_CASES[case]
    run = run_main(check(world, *extra), capsys)
    _w, _c, msg = run.refused(code, where)
    assert len(msg) < 400, "a hostile value is not echoed whole"
    nothing_written(world)


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("todo", "--within", "-1"),
        ("todo", "--within", BIG_INT),
        ("todo", "--within", "99999999"),
        ("todo", "--within", "３０"),
        ("monitor", "--warn-days", BIG_INT),
        ("monitor", "--warn-days", "-5"),
    ],
)
def test_day_counts(
    command: str,
    option: str,
    value: str,
    world: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = "-" if command == "monitor" else str(world["facts"])
    args = [command, target, *AS_OF, "--rules", str(world["pack"]), option, value]
    run = run_main(args, capsys)
    _w, _c, msg = run.refused("hz_usage_bad_days", "<command line>")
    assert len(msg) < 400


def test_as_of_surrogate_from_a_real_command_line(world: dict[str, Path]) -> None:
    """The bytes as the shell passes them (undecodable), in a child process."""
    args: list[str | bytes] = [*check(world), "--as-of", b"2022-01-1\xff"]
    run = run_process(args)
    run.refused("hz_usage_bad_date", "<command line>")
    nothing_written(world)


def test_param_int_too_long_on_monitor(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["monitor", "-", *AS_OF, "--rules", str(world["pack"]), "--param", f"x={BIG_INT}"]
    run = run_main(args, capsys)
    run.refused("hz_load_number_too_large", "<command line>:1:1")
