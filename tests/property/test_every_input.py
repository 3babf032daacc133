"""Every way in, fed arbitrary bytes and arbitrary values: the CLI answers 0, 1 or 2, never a crash.

Each input path of issue 15 gets the same property: a fact file (YAML and JSON), a fact table
(JSON lines, both engines), the monitor's stream, a weights file, a rule file of a pack, and the
options ``--param``, ``--limit`` and ``--as-of``. The input is either arbitrary bytes, or a real
input with one place spliced or one value replaced by an arbitrary JSON value, so most examples
get past the parser and reach validation and the engines. The CLI must return 0 or 1 (a valid
input, audited) or 2 (a located diagnostic on standard error); an exception escaping ``main`` or
any other exit code fails the property, and nothing may be written when the exit code is 2.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCALE = settings().max_examples / 100  # the profile's (conftest.py): 1 or 10
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
EXAMPLE = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "example"
STREAM_LINES = (EXAMPLE / "facts.jsonl").read_text(encoding="utf-8").splitlines()
LOCATED = ("<command line>", "<stdin>", ".yaml", ".yml", ".json", ".jsonl", ".parquet")

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "0000-01-01",
            "9999-12-31",
            "2021-02-30",
            "2021-06-30",
            "p-lin-feng",
            "\ud800",
            "1" * 5000,
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
    max_leaves=20,
)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


def _splice(base: bytes, data: st.DataObject) -> bytes:
    """``base`` with a random slice replaced by arbitrary bytes (a truncation when empty)."""
    start = data.draw(st.integers(0, len(base)))
    end = data.draw(st.integers(start, min(len(base), start + 64)))
    return base[:start] + data.draw(st.binary(max_size=64)) + base[end:]


def _replace_value(obj: object, data: st.DataObject) -> object:
    """``obj`` (parsed JSON) with one value somewhere inside replaced by an arbitrary value."""
    if isinstance(obj, dict) and obj:
        key = data.draw(st.sampled_from(sorted(obj)))
        if data.draw(st.booleans()):
            return {**obj, key: data.draw(json_values)}
        return {**obj, key: _replace_value(obj[key], data)}
    if isinstance(obj, list) and obj:
        i = data.draw(st.integers(0, len(obj) - 1))
        return [*obj[:i], _replace_value(obj[i], data), *obj[i + 1 :]]
    return data.draw(json_values)


def _hostile_bytes(base: bytes, data: st.DataObject, as_json: bool) -> bytes:
    how = data.draw(
        st.sampled_from(["bytes", "splice", "value"] if as_json else ["bytes", "splice"])
    )
    if how == "bytes":
        return data.draw(st.binary(max_size=300))
    if how == "splice":
        return _splice(base, data)
    lines = base.decode("utf-8").splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    lines[i] = _dump(_replace_value(json.loads(lines[i]), data))
    return ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")


def _assert_contract(argv: list[str], out: Path | None, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert code in (0, 1, 2), f"exit {code}: {err[-2000:]}"
    if code == 2:
        assert any(w in err for w in LOCATED), f"no location in: {err[-2000:]}"
        if out is not None:
            assert not out.exists(), "nothing may be written for invalid input"


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Inputs are under test, not rules: a two-article pack keeps each run fast."""
    pack = tmp_path_factory.mktemp("pack")
    for name in ("pack.yaml", "art_016.yaml", "art_019.yaml"):
        shutil.copy(PACK / name, pack / name)
    return pack


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables") / "t"
    assert main(["tables", str(EXAMPLE), "--out", str(out), "--format", "jsonl"]) == 0
    return out


SETTINGS = settings(
    max_examples=int(40 * SCALE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _fresh(tmp_path: Path) -> Callable[[str], Path]:
    """A new folder under ``tmp_path`` for each example (the fixture is shared by all of them)."""

    def make(name: str) -> Path:
        return Path(tempfile.mkdtemp(dir=tmp_path)) / name

    return make


@SETTINGS
@given(data=st.data(), suffix=st.sampled_from([".yaml", ".json"]))
def test_fact_file(
    data: st.DataObject,
    suffix: str,
    tmp_path: Path,
    small_pack: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fresh = _fresh(tmp_path)
    src = fresh("facts" + suffix)
    base = json.dumps(
        {"people": [{"id": "p-1", "name": "张三"}], "units": [], "jurisdictions": []},
        ensure_ascii=False,
    ).encode("utf-8")
    src.write_bytes(_hostile_bytes(base, data, as_json=True))
    out = src.parent / "report.json"
    argv = ["check", str(src), "--as-of", "2022-01-10", "--rules", str(small_pack)]
    _assert_contract([*argv, "--format", "json", "--output", str(out)], out, capsys)


@SETTINGS
@given(
    data=st.data(),
    kind=st.sampled_from(["people", "inspections", "appointments", "jurisdictions"]),
    engine=st.sampled_from(["columnar", "records"]),
)
def test_fact_table(
    data: st.DataObject,
    kind: str,
    engine: str,
    tmp_path: Path,
    tables: Path,
    small_pack: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _fresh(tmp_path)("t")
    shutil.copytree(tables, folder)
    table = folder / f"{kind}.jsonl"
    table.write_bytes(_hostile_bytes(table.read_bytes(), data, as_json=True))
    out = folder.parent / "report.jsonl"
    argv = ["check", str(folder), "--as-of", "2022-01-10", "--rules", str(small_pack)]
    argv += ["--engine", engine, "--format", "jsonl", "--output", str(out)]
    _assert_contract(argv, out, capsys)


@SETTINGS
@given(data=st.data())
def test_monitor_stream(
    data: st.DataObject, tmp_path: Path, small_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _fresh(tmp_path)("facts.jsonl")
    base = ("\n".join(STREAM_LINES[:40]) + "\n").encode("utf-8")
    src.write_bytes(_hostile_bytes(base, data, as_json=True))
    argv = ["monitor", str(src), "--as-of", "2022-01-10", "--rules", str(small_pack)]
    _assert_contract(argv, None, capsys)


@SETTINGS
@given(data=st.data())
def test_weights_file(
    data: st.DataObject, tmp_path: Path, small_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = _fresh(tmp_path)
    weights = fresh("weights.json")
    base = json.dumps({"default": 1, "late_credit": 0.5, "weights": {"art016": 3}}).encode()
    weights.write_bytes(_hostile_bytes(base, data, as_json=True))
    out = weights.parent / "report.html"
    argv = ["check", str(EXAMPLE / "structure.yaml"), str(EXAMPLE / "inspections.yaml")]
    argv += ["--as-of", "2022-01-10", "--rules", str(small_pack), "--weights", str(weights)]
    _assert_contract([*argv, "--format", "html", "--output", str(out)], out, capsys)


@settings(SETTINGS, max_examples=int(25 * SCALE))
@given(data=st.data())
def test_rule_file(
    data: st.DataObject, tmp_path: Path, small_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _fresh(tmp_path)("pack")
    shutil.copytree(small_pack, pack)
    rule = pack / "art_016.yaml"
    rule.write_bytes(_hostile_bytes(rule.read_bytes(), data, as_json=False))
    _assert_contract(["lint", str(pack)], None, capsys)


@SETTINGS
@given(
    option=st.sampled_from(["--param", "--limit", "--as-of", "--within"]),
    name=st.sampled_from(
        [
            "art016.general_chief_min_inspections",
            "art019.report_days",
            "max_bytes",
            "max_depth",
            "x",
        ]
    ),
    value=json_values,
    raw=st.text(max_size=40),
    as_raw=st.booleans(),
)
def test_options(
    option: str,
    name: str,
    value: object,
    raw: str,
    as_raw: bool,
    tmp_path: Path,
    small_pack: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = raw if as_raw else _dump(value)
    out = _fresh(tmp_path)("report.json")
    argv = ["check", str(EXAMPLE / "structure.yaml"), "--rules", str(small_pack)]
    argv += ["--format", "json", "--output", str(out)]
    if option == "--as-of":
        argv += ["--as-of", text]
    else:
        argv += [
            "--as-of",
            "2022-01-10",
            option,
            text if option == "--within" else f"{name}={text}",
        ]
    _assert_contract(argv, out, capsys)
