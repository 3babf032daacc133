"""The example town overlay (``examples/overlays/hexi_town``, docs/rule-format.md "Overlays")
for the engine agreement tests, whose generated worlds name their townships ``j-town-N``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import hezhang_rules as hz

ROOT = Path(__file__).resolve().parents[1]
HEXI = ROOT / "examples" / "overlays" / "hexi_town"


def overlay_scoped_to(scope: str) -> hz.RuleSet:
    """The example overlay with its scope moved to ``scope`` (a copy in a temporary folder,
    loaded before the folder is removed)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "hexi"
        shutil.copytree(HEXI, target)
        pack = target / "pack.yaml"
        text = pack.read_text(encoding="utf-8")
        assert text.count("scope: {jurisdiction: j-hexi}") == 1
        pack.write_text(text.replace("j-hexi}", f"{scope}}}"), encoding="utf-8")
        return hz.load_rules(target)
