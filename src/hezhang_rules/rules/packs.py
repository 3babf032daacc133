"""Finding a rule pack by name: the bundled pack, and packs other distributions register.

The bundled pack (``qinghemen``) is the package ``hezhang_rules.packs.qinghemen``; any other
distribution can ship a pack as a Python package and register it under the entry-point group
:data:`GROUP` (see :mod:`hezhang_rules.packs`). A pack is then named on the command line
(``--rules qinghemen``) or in Python (:func:`pack_path`, ``hz.load_pack("qinghemen")``).

Where a command takes ``--rules``, :func:`resolve_rules` decides what it means: an existing folder
is that folder; otherwise the name of an installed pack; without ``--rules``,
``$HEZHANG_RULES_DIR`` if set, else the bundled pack.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from pathlib import Path
from typing import TYPE_CHECKING

from hezhang_rules.diagnostics import Diagnostic, RuleLoadError, Span, did_you_mean, did_you_mean_zh

if TYPE_CHECKING:
    from hezhang_rules.rules.loader import RuleSet

GROUP = "hezhang_rules.packs"
"""The entry-point group under which a distribution registers a rule pack (a package name)."""
DEFAULT_PACK = "qinghemen"
"""The pack every command uses when none is named."""
BUILTIN = {"qinghemen": "hezhang_rules.packs.qinghemen"}
"""Packs of this distribution, found without the installed metadata (a source checkout)."""
RULES_ENV = "HEZHANG_RULES_DIR"
"""The environment variable naming a pack folder to use instead of the bundled pack."""


def installed_packs() -> dict[str, str]:
    """Every pack name with the package that holds it: this distribution's, then the entry
    points of every installed distribution (an entry point does not replace a bundled name)."""
    found = dict(BUILTIN)
    for ep in importlib.metadata.entry_points(group=GROUP):
        found.setdefault(ep.name, ep.value)
    return dict(sorted(found.items()))


def pack_path(name: str) -> Path:
    """The folder of the installed pack ``name``.

    Raises :class:`RuleLoadError` (``hz_rule_no_such_pack``) naming the installed packs when
    there is no such pack, or when its package cannot be imported or is not a folder on disk
    (a zipped install).
    """
    packs = installed_packs()
    module = packs.get(name)
    where = Span(f"<pack {name}>")
    if module is None:
        hint = did_you_mean(name, packs)
        listed = ", ".join(packs)
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_rule_no_such_pack",
                    f"no rule pack named `{name}` is installed (installed: {listed})",
                    where,
                    help=hint,
                    zh=f"没有安装名为 `{name}` 的规则包（已安装：{'、'.join(packs)}）",
                    help_zh=did_you_mean_zh(name, packs),
                )
            ]
        )
    try:
        package = importlib.import_module(module)
    except ImportError as exc:
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_rule_no_such_pack",
                    f"the pack `{name}` is registered as `{module}`, which cannot be imported: "
                    f"{exc}",
                    where,
                    zh=f"规则包 `{name}` 登记为 `{module}`，但无法导入",
                )
            ]
        ) from None
    folders = [Path(p) for p in getattr(package, "__path__", ())]
    folder = next((f for f in folders if (f / "pack.yaml").is_file()), None)
    if folder is None:
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_rule_no_such_pack",
                    f"the pack `{name}` (package `{module}`) has no pack.yaml in a folder on disk",
                    where,
                    help="install the distribution unzipped (pip does by default)",
                    zh=f"规则包 `{name}`（包 `{module}`）在磁盘上的文件夹中没有 pack.yaml",
                    help_zh="以未压缩的方式安装发行包（pip 默认如此）",
                )
            ]
        )
    return folder


def resolve_rules(value: str | Path | None) -> Path:
    """What ``--rules VALUE`` names: an existing folder, else an installed pack's name; without a
    value, ``$HEZHANG_RULES_DIR`` if set, else the bundled pack.

    A value that is neither is returned as a path, so that loading it reports
    ``hz_rule_no_such_dir`` at that path (:func:`no_pack_help` says which names would work).
    """
    if value is None or str(value) == "":
        env = os.environ.get(RULES_ENV)
        return Path(env) if env else pack_path(DEFAULT_PACK)
    path = Path(value)
    try:
        if path.exists():
            return path
    except OSError:  # a name too long: the loader says what is wrong with it
        return path
    text = str(value)
    if text in installed_packs():
        return pack_path(text)
    return path


def no_pack_help() -> str:
    """The help line under ``hz_rule_no_such_dir``: the ways to name a pack."""
    names = ", ".join(installed_packs())
    return (
        f"--rules takes a pack folder or the name of an installed pack ({names}); "
        f"without --rules, ${RULES_ENV} or the bundled pack `{DEFAULT_PACK}` is used"
    )


def no_pack_help_zh() -> str:
    """:func:`no_pack_help` in Chinese."""
    names = "、".join(installed_packs())
    return (
        f"--rules 取规则包文件夹或已安装规则包的名称（{names}）；"
        f"不给 --rules 时，使用 ${RULES_ENV} 或自带的规则包 `{DEFAULT_PACK}`"
    )


def load_pack(name: str = DEFAULT_PACK) -> RuleSet:
    """The installed pack ``name`` loaded (the bundled ``qinghemen`` by default): the rules of
    :func:`pack_path`, checked like any pack folder (:class:`RuleLoadError` on a problem)."""
    from hezhang_rules.rules.loader import load_rules

    return load_rules(pack_path(name))
