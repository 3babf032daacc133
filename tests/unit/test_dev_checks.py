"""dev.py's own checks, on small made-up package trees: the cross-package private-import check
and the coverage arguments of the pytest step."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dev", module)
    spec.loader.exec_module(module)
    return module


dev = load_dev()


def tree(root: Path, files: dict[str, str]) -> Path:
    """A package ``pkg`` under ``root`` with ``files`` (path → source); ``__init__.py`` added."""
    pkg = root / "pkg"
    for name, source in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for d in [pkg, *(p for p in pkg.rglob("*") if p.is_dir())]:
        (d / "__init__.py").touch()
    return pkg


def test_a_private_name_from_another_package_is_reported(tmp_path: Path) -> None:
    pkg = tree(
        tmp_path,
        {
            "core/run.py": "_Run = object\n_helper = 1\npublic = 2\n",
            "fast/engine.py": "import os\n\nfrom pkg.core.run import _Run, _helper, public\n",
        },
    )
    assert dev.private_imports(pkg, tmp_path) == [
        "pkg/fast/engine.py:3: imports _Run from pkg.core.run",
        "pkg/fast/engine.py:3: imports _helper from pkg.core.run",
    ]


def test_private_modules_relative_and_nested_imports_are_reported(tmp_path: Path) -> None:
    pkg = tree(
        tmp_path,
        {
            "core/_impl.py": "x = 1\n",
            "fast/a.py": "from pkg.core._impl import x\n",
            "fast/b.py": "import pkg.core._impl\n",
            "fast/c.py": "from pkg.core import _impl\n",
            "fast/d.py": "from ..core.run import _Run\n",
            "fast/e.py": "def f():\n    from pkg.core.run import _late\n",
            "fast/f.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from pkg.core.run import _Typed\n",
        },
    )
    assert dev.private_imports(pkg, tmp_path) == [
        "pkg/fast/a.py:1: imports _impl from pkg.core",
        "pkg/fast/b.py:1: imports _impl from pkg.core",
        "pkg/fast/c.py:1: imports _impl from pkg.core",
        "pkg/fast/d.py:1: imports _Run from pkg.core.run",
        "pkg/fast/e.py:2: imports _late from pkg.core.run",
        "pkg/fast/f.py:3: imports _Typed from pkg.core.run",
    ]


def test_top_level_modules_and_the_root_are_packages_of_their_own(tmp_path: Path) -> None:
    pkg = tree(
        tmp_path,
        {
            "diagnostics.py": "from pkg.core.run import _Run\n",
            "core/run.py": "from pkg.diagnostics import _render\n",
            "__init__.py": "from pkg.core.run import _Run\n",
        },
    )
    assert dev.private_imports(pkg, tmp_path) == [
        "pkg/__init__.py:1: imports _Run from pkg.core.run",
        "pkg/core/run.py:1: imports _render from pkg.diagnostics",
        "pkg/diagnostics.py:1: imports _Run from pkg.core.run",
    ]


def test_allowed_imports_are_not_reported(tmp_path: Path) -> None:
    pkg = tree(
        tmp_path,
        {
            "core/run.py": "from pkg.core._impl import _x\nfrom ._impl import _y\n",
            "core/deep/k.py": "from pkg.core.run import _Run\nfrom ..run import _Run2\n",
            "fast/v.py": "from pkg._version import __version__\nfrom pkg.core import __all__\n",
            "fast/w.py": "from os import _exit\nimport _thread\nfrom pkg.core.run import *\n",
        },
    )
    assert dev.private_imports(pkg, tmp_path) == []


def test_the_step_prints_each_import_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tree(tmp_path, {"fast/engine.py": "from pkg.core.run import _Run\n"})
    monkeypatch.setattr(dev, "PACKAGE", pkg)
    assert dev.check_private_imports() == 1
    assert f"{pkg}/fast/engine.py:1: imports _Run from pkg.core.run\n" in capsys.readouterr().out
    (pkg / "fast" / "engine.py").write_text("from pkg.core.run import Run\n", encoding="utf-8")
    assert dev.check_private_imports() == 0


def test_the_whole_suite_is_held_to_the_floor_a_narrowed_run_is_not() -> None:
    python = Path("python")
    run, report = dev.coverage_commands(python, [])
    assert run[: 5 + len(dev.PARALLEL)] == [
        python,
        "-m",
        "pytest",
        *dev.PARALLEL,
        "--cov",
        "--cov-report=",
    ]
    assert "--durations=25" in run  # the slowest tests listed, for trimming CI
    assert report[-1] == f"--fail-under={dev.COVERAGE_FLOOR}" and dev.COVERAGE_FLOOR > 0
    run, report = dev.coverage_commands(python, ["tests/unit", "-x"])
    assert run[-2:] == ["tests/unit", "-x"]
    assert report[-1] == "--fail-under=0"
