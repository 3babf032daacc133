"""One broken rule file per diagnostic code: the loader/compiler must name code, line and column.

Each file in tests/invalid/rules/ starts with ``# expect: CODE LINE:COL``. The test puts it in a
pack (beside the real pack.yaml) as the article file its ``article:`` names, and requires that
exact diagnostic among those reported, and exit code 2 from ``hezhang-rules lint``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import hezhang_rules as hz
from hezhang_rules.cli import main

HERE = Path(__file__).resolve().parent
PACK = HERE.parents[1] / "src" / "hezhang_rules" / "packs" / "qinghemen" / "pack.yaml"
CASES = sorted((HERE / "rules").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\S+) (\d+):(\d+)")


def _pack_with(case: Path, tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(PACK, pack / "pack.yaml")
    text = case.read_text(encoding="utf-8")
    m = re.search(r"^article: (\d+)", text, re.M)
    number = int(m.group(1)) if m else 1
    (pack / f"art_{number:03d}.yaml").write_text(text, encoding="utf-8")
    return pack


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_rule_file_is_located(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = EXPECT.match(case.read_text(encoding="utf-8"))
    assert m, f"{case.name} lacks an `# expect:` line"
    code, line, col = m.group(1), int(m.group(2)), int(m.group(3))
    pack = _pack_with(case, tmp_path)
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.compile_rules(hz.load_rules(pack))
    found = [
        (d.code, d.span.line if d.span else 0, d.span.col if d.span else 0)
        for d in exc.value.diagnostics
    ]
    assert (code, line, col) in found, f"expected {code} at {line}:{col}, got {found}"
    assert main(["lint", str(pack)]) == 2
    err = capsys.readouterr().err
    assert f":{line}:{col}: {code}:" in err


def test_cases_cover_many_codes() -> None:
    codes = {
        EXPECT.match(c.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
        for c in CASES
    }
    assert len(codes) >= 15


def test_all_problems_are_collected(tmp_path: Path) -> None:
    """Two broken files give both diagnostics, sorted by file and line, not just the first."""
    pack = _pack_with(HERE / "rules" / "unknown_field.yaml", tmp_path)
    broken = (HERE / "rules" / "unknown_kind.yaml").read_text(encoding="utf-8")
    (pack / "art_017.yaml").write_text(
        broken.replace("article: 16", "article: 17").replace("art016.", "art017."), encoding="utf-8"
    )
    with pytest.raises(hz.RuleLoadError) as exc:
        hz.compile_rules(hz.load_rules(pack))
    codes = [d.code for d in exc.value.diagnostics]
    assert codes == ["hz_compile_unknown_field", "hz_compile_unknown_kind"]
    assert "did you mean `method`" in (exc.value.diagnostics[0].help or "")
    assert "did you mean `inspections`" in (exc.value.diagnostics[1].help or "")
