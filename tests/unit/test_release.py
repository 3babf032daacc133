"""Release hygiene: one version everywhere, a changelog that names it, the licence declared.

The version is written once, in ``src/hezhang_rules/_version.py``; the distribution's metadata
reads it there (``pyproject.toml``), ``hezhang_rules.__version__`` re-exports it and
``hezhang-rules --version`` prints it. CHANGELOG.md (Keep a Changelog) has an Unreleased section
and a dated heading for that version. The README's first two commands are the project's
promise to a newcomer and stay as they are.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

import hezhang_rules
from hezhang_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)
KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
"""The kinds of change Keep a Changelog 1.1.0 names (the ``###`` headings)."""


def written_version() -> str:
    """The string _version.py assigns, read from its source (not from the imported package)."""
    tree = ast.parse((ROOT / "src" / "hezhang_rules" / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        match node:
            case ast.Assign(targets=[ast.Name(id="__version__")], value=ast.Constant(value=str(v))):
                return v
    raise AssertionError("_version.py assigns no __version__ string")


def changelog() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"], "pyproject.toml states the version a second time"
    assert "version" in project["project"]["dynamic"]
    read_from = project["tool"]["setuptools"]["dynamic"]["version"]
    assert read_from == {"attr": "hezhang_rules._version.__version__"}
    assert hezhang_rules.__version__ == written_version()


def test_the_command_line_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"hezhang-rules {written_version()}"


def test_the_changelog_has_unreleased_and_the_current_version() -> None:
    headings = {m["version"]: m["date"] for m in HEADING.finditer(changelog())}
    assert "Unreleased" in headings and headings["Unreleased"] is None
    version = written_version()
    assert version in headings, f"CHANGELOG.md has no `## [{version}] - DATE` heading"
    released = headings[version]
    assert released is not None, f"`## [{version}]` has no release date"
    dt.date.fromisoformat(released)


def test_the_changelog_keeps_its_format() -> None:
    """Unreleased first, then releases newest first, each under a dated heading; only the
    kinds of change Keep a Changelog names."""
    text = changelog()
    headings = [(m["version"], m["date"]) for m in HEADING.finditer(text)]
    assert headings[0] == ("Unreleased", None)
    assert all(date is not None for _, date in headings[1:]), headings
    releases = [tuple(int(p) for p in v.split(".")) for v, _ in headings[1:]]
    assert releases == sorted(releases, reverse=True) and len(set(releases)) == len(releases)
    kinds = set(re.findall(r"^### (.+)$", text, re.M))
    assert kinds <= KINDS, kinds - KINDS


def test_the_licence_is_declared_and_shipped() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence, "the licence text is whole"
    for name in project["license-files"]:
        assert (ROOT / name).is_file(), name


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.match(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None, "README.md starts with a sh block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands[:2] == ["python3 dev.py demo", "python3 dev.py test"]
