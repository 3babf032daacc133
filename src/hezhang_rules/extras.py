"""The optional parts of the package and what each needs installed (pyproject's extras).

The core (``pip install hezhang-rules``) loads rule packs, reads fact files and evaluates them
with the batch engine, and writes every report format but ``xlsx`` and ``parquet``. The rest is
an extra, named here once: the command that needs one calls :func:`need`, which answers a missing
extra with exit 2 and the pip command to run (``hz_usage_missing_extra``), never a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError


@dataclass(frozen=True)
class Extra:
    """One extra of the distribution: the modules it brings and what it serves."""

    name: str
    modules: tuple[str, ...]
    serves: str
    serves_zh: str


EXTRAS: dict[str, Extra] = {
    e.name: e
    for e in (
        Extra(
            "tables",
            ("polars",),
            "fact tables (Parquet/JSON lines), the columnar engine",
            "事实表（Parquet/JSON 行）与列式引擎",
        ),
        Extra(
            "xlsx",
            ("openpyxl", "fastexcel"),
            "the xlsx report, xlsx fact workbooks",
            "xlsx 报告与 xlsx 事实工作簿",
        ),
        Extra(
            "monitor", ("durable",), "the live monitor (durable-rules)", "实时监控（durable-rules）"
        ),
        Extra(
            "synth",
            ("numpy", "polars"),
            "the world generator (hezhang-rules synth)",
            "世界生成器（hezhang-rules synth）",
        ),
        Extra("testing", ("hypothesis",), "the property-test strategies", "性质测试的生成策略"),
        Extra(
            "db",
            ("polars", "adbc_driver_manager", "adbc_driver_sqlite", "adbc_driver_postgresql"),
            "facts and findings in SQLite and PostgreSQL (ADBC)",
            "SQLite 与 PostgreSQL 中的事实和检查结果（ADBC）",
        ),
    )
}
"""Every extra; ``all`` in pyproject installs them together."""

DURABLE_ON_313 = (
    "durable-rules 2.0.28 calls PyEval_CallObject, which Python 3.13 removed: install it with "
    "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --no-cache-dir "
    "--force-reinstall durable-rules==2.0.28"
)
"""How to build durable-rules on Python 3.13 (its setup.py overwrites CFLAGS, not CPPFLAGS)."""

DURABLE_ON_313_ZH = (
    "durable-rules 2.0.28 调用了 Python 3.13 已删除的 PyEval_CallObject：请这样安装 "
    "`CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --no-cache-dir "
    "--force-reinstall durable-rules==2.0.28`"
)
""":data:`DURABLE_ON_313` in Chinese."""


_WHAT_ZH = {
    "reading fact tables": "读取事实表",
    "the columnar evaluator": "列式求值器",
    "the monitor evaluator": "监控求值器",
}
"""What asks for an extra (``need``'s ``what``), in Chinese where it is words, not a command."""


def missing(name: str) -> tuple[str, ...]:
    """The modules of the extra ``name`` that are not installed."""
    return tuple(m for m in EXTRAS[name].modules if importlib.util.find_spec(m) is None)


def need(name: str, what: str) -> None:
    """Raise :class:`UsageError` (exit 2) unless the extra ``name`` is installed and loads.

    ``what`` says what asked for it (``--format xlsx``, ``monitor``). The monitor's extra is
    imported, not only found: durable-rules is a C extension that pip may install half-built
    (on Python 3.13 without the CPPFLAGS workaround), and then fails only on import.
    """
    extra = EXTRAS[name]
    what_zh = _WHAT_ZH.get(what, what + " ")  # a command or option keeps a space before 需要
    absent = missing(name)
    if absent:
        raise UsageError(
            [
                Diagnostic(
                    "hz_usage_missing_extra",
                    f"{what} needs {', '.join(absent)} ({extra.serves}), which is not installed",
                    Span("<command line>"),
                    help=f"pip install 'hezhang-rules[{name}]'",
                    zh=f"{what_zh}需要 {', '.join(absent)}（{extra.serves_zh}），但它没有安装",
                    help_zh=f"请运行 `pip install 'hezhang-rules[{name}]'`",
                )
            ]
        )
    if name == "monitor":
        try:
            importlib.import_module("durable.engine")
        except ImportError as exc:
            hint = DURABLE_ON_313 if sys.version_info >= (3, 13) else None
            raise UsageError(
                [
                    Diagnostic(
                        "hz_usage_missing_extra",
                        f"{what} needs durable-rules, which is installed but does not load: {exc}",
                        Span("<command line>"),
                        help=hint or f"pip install --force-reinstall 'hezhang-rules[{name}]'",
                        zh=f"{what_zh}需要 durable-rules，它已安装但无法加载",
                        help_zh=(DURABLE_ON_313_ZH if hint else None)
                        or f"请运行 `pip install --force-reinstall 'hezhang-rules[{name}]'`",
                    )
                ]
            ) from None
