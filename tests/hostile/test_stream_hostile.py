"""The monitor's stream (``hezhang-rules monitor FILE|-``) meets the fact-file contract.

Every hostile line stops the run with exit 2 and one diagnostic located at its line
(``FILE:LINE:COL``, ``<stdin>:LINE:COL`` for standard input), never a traceback or exit 1 from a
crash, and no report after the events already printed. Each case runs from a file and from
standard input (as bytes, the way a pipe delivers them); a few run in a child process with a
real pipe.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .kit import Run, run_main, run_process, small_pack

J1 = {
    "kind": "jurisdictions",
    "record": {"code": "210900", "id": "j-fuxin", "level": "city", "name": "阜新市"},
}
P1 = {"kind": "people", "record": {"id": "p-1", "name": "张三"}}


def line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


VALID = line(J1) + line(P1)
BIG_INT = b"9" * 5000


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# name: (stream bytes, code, line, column or None, extra options)
CASES: dict[str, tuple[bytes, str, int, int | None, list[str]]] = {
    "invalid_json": (VALID + b"{bad\n", "hz_load_syntax", 3, 2, []),
    "truncated_json": (VALID + b'{"kind": "people", "record": {\n', "hz_load_syntax", 3, None, []),
    "invalid_utf8": (
        VALID + b'{"kind": "people", "record": {"id": "p\xff", "name": "x"}}\n',
        "hz_load_encoding",
        3,
        39,
        [],
    ),
    "overlong_utf8": (VALID + b'{"kind": "\xc0\xaf"}\n', "hz_load_encoding", 3, 11, []),
    "lone_high_surrogate": (
        VALID + b'{"kind": "people", "record": {"id": "p\\ud800", "name": "x"}}\n',
        "hz_load_encoding",
        3,
        39,
        [],
    ),
    "lone_low_surrogate_in_key": (
        VALID + b'{"kind": "people", "record": {"id": "p", "name": "x", "\\udc00": 1}}\n',
        "hz_load_encoding",
        3,
        None,
        [],
    ),
    "duplicate_envelope_key": (
        VALID + b'{"kind": "people", "kind": "people", "record": {}}\n',
        "hz_load_duplicate_key",
        3,
        20,
        [],
    ),
    "duplicate_record_key": (
        VALID + b'{"kind": "people", "record": {"id": "a", "id": "b", "name": "x"}}\n',
        "hz_load_duplicate_key",
        3,
        None,
        [],
    ),
    "nesting_100_levels": (VALID + nested(100) + b"\n", "hz_load_too_deep", 3, None, []),
    "nesting_100000_levels": (VALID + nested(100_000) + b"\n", "hz_load_too_deep", 3, None, []),
    "int_too_long_for_int": (
        VALID + b'{"kind": "people", "record": {"id": "p", "name": "x", "n": ' + BIG_INT + b"}}\n",
        "hz_load_number_too_large",
        3,
        60,
        [],
    ),
    "line_is_a_list": (VALID + b"[1, 2]\n", "hz_facts_wrong_type", 3, 1, []),
    "line_is_a_string": (VALID + b'"people"\n', "hz_facts_wrong_type", 3, 1, []),
    "kind_not_a_string": (VALID + b'{"kind": 7, "record": {}}\n', "hz_facts_wrong_type", 3, 1, []),
    "extra_envelope_key": (
        VALID + b'{"kind": "people", "record": {}, "x": 1}\n',
        "hz_facts_wrong_type",
        3,
        1,
        [],
    ),
    "unknown_kind": (
        VALID + b'{"kind": "aliens", "record": {"id": "a"}}\n',
        "hz_facts_unknown_kind",
        3,
        1,
        [],
    ),
    "missing_field": (
        VALID + b'{"kind": "people", "record": {"id": "p-2"}}\n',
        "hz_facts_missing_field",
        3,
        1,
        [],
    ),
    "record_not_a_mapping": (
        VALID + b'{"kind": "people", "record": [1]}\n',
        "hz_facts_wrong_type",
        3,
        None,
        [],
    ),
    "repeated_id": (VALID + b"\n" + line(J1), "hz_facts_duplicate_id", 4, 1, []),
    "dangling_reference": (
        VALID
        + line(
            {
                "kind": "jurisdictions",
                "record": {
                    "code": "2109",
                    "id": "j-2",
                    "level": "district",
                    "name": "区",
                    "parent": "j-nowhere",
                },
            }
        )
        + line({"kind": "people", "record": {"id": "p-3", "name": "李四"}}),
        "hz_facts_dangling_reference",
        3,
        1,
        [],
    ),
    "impossible_date": (
        VALID
        + line(
            {
                "kind": "appointments",
                "record": {
                    "id": "a-1",
                    "person": "p-1",
                    "role": "deputy_district_head",
                    "unit": "u-x",
                    "jurisdiction": "j-fuxin",
                    "start": "2021-02-30",
                },
            }
        ),
        "hz_facts_invalid_date",
        3,
        1,
        [],
    ),
    "five_digit_year": (
        VALID
        + line(
            {
                "kind": "appointments",
                "record": {
                    "id": "a-1",
                    "person": "p-1",
                    "role": "deputy_district_head",
                    "unit": "u-x",
                    "jurisdiction": "j-fuxin",
                    "start": "10000-01-01",
                },
            }
        ),
        "hz_facts_invalid_date",
        3,
        1,
        [],
    ),
    "enormous_line": (
        VALID + b'{"kind": "people", "record": {"id": "p-9", "name": "' + b"x" * 30_000 + b'"}}\n',
        "hz_load_file_too_large",
        3,
        1,
        ["--limit", "max_bytes=20000"],
    ),
    "enormous_line_without_end": (
        VALID + b" " * 30_000,
        "hz_load_file_too_large",
        3,
        1,
        ["--limit", "max_bytes=20000"],
    ),
    "nul_byte": (VALID + b"\x00\n", "hz_load_syntax", 3, 1, []),
    "too_many_facts": (
        VALID + line(P1 | {"record": {"id": "p-2", "name": "x"}}),
        "hz_load_too_many_records",
        3,
        1,
        ["--limit", "max_records=2"],
    ),
    "empty_stream": (b"", "hz_monitor_empty_stream", 1, 1, []),
    "only_blank_lines": (b"\n   \n\t\n", "hz_monitor_empty_stream", 1, 1, []),
}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_pack(tmp_path_factory.mktemp("pack"))


def _args(source: str, pack: Path, extra: list[str]) -> list[str]:
    return ["monitor", source, "--as-of", "2022-01-10", "--rules", str(pack), *extra]


def _check(run: Run, name: str, code: str, lineno: int, col: int | None) -> tuple[str, str, str]:
    where = f"{name}:{lineno}:" + ("" if col is None else str(col))
    hit = run.refused(code, where)
    assert '"schema_version"' not in run.out, "no report may follow a bad line"
    return hit


@pytest.mark.parametrize("case", sorted(CASES))
def test_stream_file(
    case: str, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, code, lineno, col, extra = CASES[case]
    path = tmp_path / "facts.jsonl"
    path.write_bytes(data)
    run = run_main(_args(str(path), pack, extra), capsys)
    _check(run, str(path), code, lineno, col)


@pytest.mark.parametrize("case", sorted(CASES))
def test_stream_stdin(
    case: str, pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, code, lineno, col, extra = CASES[case]
    run = run_main(_args("-", pack, extra), capsys, monkeypatch, stdin=data)
    _check(run, "<stdin>", code, lineno, col)


def test_repeated_id_names_the_first_line(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = VALID + line(P1 | {"record": {"id": "p-2", "name": "x"}}) + line(J1)
    run = run_main(_args("-", pack, []), capsys, monkeypatch, stdin=data)
    assert run.refused("hz_facts_duplicate_id", "<stdin>:4:1")
    assert "first used at <stdin>:1" in run.err


def test_dangling_reference_names_record_and_field(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, *_ = CASES["dangling_reference"]
    run = run_main(_args("-", pack, []), capsys, monkeypatch, stdin=data)
    _where, _code, msg = run.refused("hz_facts_dangling_reference", "<stdin>:3:1")
    assert "jurisdictions (id j-2) field `parent`" in msg and "j-nowhere" in msg
    assert "<python>" not in run.err


def test_lone_surrogate_in_text_stdin(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text that went through surrogateescape (os.fsdecode of bad bytes) is located, not a crash."""
    bad = os.fsdecode(b'{"kind": "people", "record": {"id": "p\xff", "name": "x"}}\n')
    text = VALID.decode() + bad
    run = run_main(_args("-", pack, []), capsys, monkeypatch, stdin=text)
    run.refused("hz_load_encoding", "<stdin>:3:39")


def test_valid_stream_still_reports(
    pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The control: the same lines without the hostile one give a report and exit 0."""
    events = ["--events", str(tmp_path / "events.jsonl")]  # the report on standard output
    run = run_main(_args("-", pack, events), capsys, monkeypatch, stdin=b"\xef\xbb\xbf" + VALID)
    assert run.code == 0, run.err
    assert '"schema_version"' in run.out


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "directory"])
def test_stream_that_is_no_file_is_refused_unread(
    target: str, pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path) if target == "directory" else target
    run = run_main(_args(path, pack, []), capsys)
    run.refused("hz_load_not_a_file", path)


@pytest.mark.parametrize(
    "case", ["invalid_utf8", "repeated_id", "dangling_reference", "empty_stream", "unknown_kind"]
)
def test_stream_piped_to_a_child_process(case: str, pack: Path) -> None:
    data, code, lineno, col, extra = CASES[case]
    run = run_process(list(_args("-", pack, extra)), stdin=data)
    _check(run, "<stdin>", code, lineno, col)


def test_endless_stdin_without_line_end_is_bounded(pack: Path) -> None:
    """/dev/zero on standard input: refused once max_bytes is read, not held in memory."""
    args = _args("-", pack, ["--limit", "max_bytes=100000"])
    with open("/dev/zero", "rb") as zero:
        import subprocess
        import sys

        from .kit import ROOT

        p = subprocess.run(
            [sys.executable, "-m", "hezhang_rules.cli", *args],
            stdin=zero,
            capture_output=True,
            timeout=60,
            env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        )
    run = Run(p.returncode, p.stdout.decode(), p.stderr.decode())
    run.refused("hz_load_file_too_large", "<stdin>:1:1")
