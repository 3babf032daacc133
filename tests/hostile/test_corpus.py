"""The malformed-input corpus: every file gives a located diagnostic, exit 2, no report.

Files are named ``<expected code>__<what is wrong>.<ext>`` (see make_corpus.py). Fact files go
through ``check``; rule files are put in a pack beside the real pack.yaml and go through
``lint``. Nothing may crash, hang, run code or leave a file behind.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hezhang_rules.cli import main

from .make_corpus import CORPUS, large_cases

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "pack.yaml"
FACTS = sorted((CORPUS / "facts").iterdir())
RULES = sorted((CORPUS / "rules").iterdir())
LINE = re.compile(r"^(?P<where>\S.*?): (?P<code>hz_[a-z_]+): (?P<msg>.+)$")
PWNED = Path("/tmp/hz-pwned")


def _expected(path: Path) -> str:
    return path.name.split("__", 1)[0]


def _assert_located(err: str, code: str, path: Path) -> None:
    assert "Traceback" not in err
    lines = [m for m in (LINE.match(x) for x in err.splitlines()) if m]
    assert lines, err
    assert code in {m["code"] for m in lines}, f"{path.name}: {err}"
    for m in lines:
        where = m["where"]
        assert path.name in where or "<" in where, where
        located = re.search(r":\d+:\d+$", where) or re.search(r"\w+\[\d+\]", m["msg"])
        assert located or where.endswith(path.name), f"no location in: {m.group(0)}"


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fact input is under test here, not rules: a one-article pack keeps each check fast."""
    pack = tmp_path_factory.mktemp("pack")
    shutil.copy(PACK, pack / "pack.yaml")
    shutil.copy(PACK.parent / "art_016.yaml", pack / "art_016.yaml")
    return pack


def _check(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], pack: Path, *extra: str
) -> None:
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    args = ["check", str(path), "--as-of", "2022-01-10", "--format", "json"]
    code = main([*args, "--output", str(out), "--rules", str(pack), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    _assert_located(err, _expected(path), path)
    assert list(out.parent.iterdir()) == [], "nothing may be written for invalid input"


def test_corpus_is_large_enough() -> None:
    assert len(FACTS) + len(RULES) >= 200
    assert len({_expected(p) for p in FACTS + RULES}) >= 30


@pytest.mark.parametrize("path", FACTS, ids=[p.name for p in FACTS])
def test_fact_file(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], small_pack: Path
) -> None:
    PWNED.unlink(missing_ok=True)
    _check(path, tmp_path, capsys, small_pack)
    assert not PWNED.exists(), "a tag ran code"


@pytest.mark.parametrize("path", RULES, ids=[p.name for p in RULES])
def test_rule_file(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    PWNED.unlink(missing_ok=True)
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(PACK, pack / "pack.yaml")
    target = pack / "art_016.yaml"
    shutil.copy(path, target)
    code = main(["lint", str(pack)])
    err = capsys.readouterr().err
    assert code == 2, err
    _assert_located(err.replace("art_016.yaml", path.name), _expected(path), path)
    assert not PWNED.exists(), "a tag ran code"


@pytest.mark.parametrize(
    "area, name, content", list(large_cases()), ids=[c[1] for c in large_cases()]
)
def test_large_case(
    area: str,
    name: str,
    content: str | bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    small_pack: Path,
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    extra = ("--limit", "max_records=1000") if "too_many_records" in name else ()
    _check(path, tmp_path, capsys, small_pack, *extra)
