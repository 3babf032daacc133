"""Shared pieces of the hostile-input tests: a small pack, running the CLI, reading diagnostics."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen"
DIAGNOSTIC = re.compile(r"^(?P<where>\S.*?): (?P<code>hz_[a-z_]+): (?P<msg>.+)$")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def diagnostics(self) -> list[tuple[str, str, str]]:
        """(where, code, message) of every diagnostic line on standard error."""
        found = (DIAGNOSTIC.match(line) for line in self.err.splitlines())
        return [(m["where"], m["code"], m["msg"]) for m in found if m]

    def refused(self, code: str, where: str) -> tuple[str, str, str]:
        """Assert exit 2, no traceback, and a diagnostic ``code`` located at ``where``.

        ``where`` is the exact location, or ends with ``:`` to match any column (``file:3:``).
        Returns the matching diagnostic.
        """
        assert self.code == 2, f"exit {self.code}\n{self.err}"
        assert "Traceback" not in self.err and "Traceback" not in self.out, self.err
        hits = [d for d in self.diagnostics() if d[1] == code]
        assert hits, f"no {code} in:\n{self.err}"
        for d in hits:
            if d[0] == where or (where.endswith(":") and d[0].startswith(where)):
                return d
        raise AssertionError(f"{code} not located at {where}:\n{self.err}")


def small_pack(directory: Path) -> Path:
    """pack.yaml and art_016.yaml: input is under test here, not rules, so compiling is quick."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(PACK / "pack.yaml", directory / "pack.yaml")
    shutil.copy(PACK / "art_016.yaml", directory / "art_016.yaml")
    return directory


def run_main(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch | None = None,
    stdin: bytes | str | None = None,
) -> Run:
    """``hezhang-rules ARGS`` in this process; ``stdin`` as bytes (a real pipe) or as text."""
    if stdin is not None:
        assert monkeypatch is not None
        if isinstance(stdin, bytes):
            stream: io.TextIOBase = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        else:
            stream = io.StringIO(stdin)
        monkeypatch.setattr(sys, "stdin", stream)
    code = main(args)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def run_process(args: list[str | bytes], stdin: bytes | None = None, timeout: float = 60.0) -> Run:
    """``python -m hezhang_rules.cli ARGS`` in a child process (a hang fails the test)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    p = subprocess.run(
        [sys.executable, "-m", "hezhang_rules.cli", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        env=env,
    )
    return Run(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))
