"""A report with an overlay is in one language too (issue 19, item 3, with issue 20's overlays):
the example district audited with the example town overlay (``examples/overlays/hexi_town``)
under ``--lang zh`` holds no English sentence and no raw enum value, in every format that
carries text for people, with the checks of ``test_lang_purity`` (the overlay's run record line,
its article headings and its findings' messages are the new text). The overlay's own ids (its
rule ids, its facts) are set aside as ids are.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.cli.test_lang_purity import EXAMPLE, check_zh, readable, run

ROOT = Path(__file__).resolve().parents[2]
HEXI = ROOT / "examples" / "overlays" / "hexi_town"
OVERLAY_IDS = re.compile(r"hexi\.art\d{3}\.[\w.]+(?:/[\w.\-]+)*|\bhexi-[\w\-]+|\bhexi\b")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "junit", "xlsx"])
def test_a_chinese_report_with_an_overlay_is_chinese(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"report.{fmt}"
    args = ["check", str(EXAMPLE), str(HEXI / "example"), "--as-of", "2022-01-10"]
    run(
        [*args, "--overlay", str(HEXI), "--lang", "zh", "--format", fmt, "--output", str(out)],
        capsys,
    )
    text = readable(fmt, out, "zh")
    assert "河西镇河长制工作实施办法" in text or fmt == "json"
    assert check_zh(OVERLAY_IDS.sub(" ", text)) == []
