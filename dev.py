#!/usr/bin/env python3
"""Developer and CI entry point for hezhang-rules (standard library only).

python3 dev.py setup          create .venv and install the package with [dev] extras
python3 dev.py demo           setup, then audit src/hezhang_rules/packs/qinghemen/example
python3 dev.py test [ARGS]    setup, then ruff, mypy, import-linter, the private-import check,
                              pytest under coverage on every core (ARGS go to pytest, -n 0 for
                              one process; without ARGS the whole suite must cover
                              COVERAGE_FLOOR % of the package's lines)
python3 dev.py compat         install and run COMPAT_TESTS under pyenv's Python 3.13 and
                              COMPAT_SMOKE under 3.12
python3 dev.py docs           setup, then build the docs site (mkdocs.yml) with --strict into a
                              temporary folder: any broken link or anchor fails
python3 dev.py install        build the sdist and wheel (twine check), install the wheel into
                              fresh venvs outside the checkout (3.11 and 3.13; core, then [all])
                              and run example, check, lint, test and monitor from an empty folder
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP_NAME = ".dev-stamp"
COMPAT_VERSIONS = ("3.12", "3.13")
COMPAT_TESTS = (
    "tests/golden",
    "--ignore=tests/golden/test_golden_sqlite.py",
    "tests/monitor/test_monitor.py",
    "tests/cli/test_install.py",
    "tests/cli/test_reports.py",
    "tests/unit/test_db_io.py",
)
"""What ``dev.py compat`` runs on each newer Python, where the suite's 3.11 run (``dev.py test``)
already proved the logic: what a new interpreter or a wheel built for it could change. The golden
corpus on every engine (durable-rules' C extension, polars), the monitor's own tests, the
package as installed (packs by name, extras, the same report bytes elsewhere), every report
format written, and facts through the ADBC drivers (SQLite and PostgreSQL: their own wheels per
Python). The golden corpus through SQLite (minutes, the same driver calls as test_db_io) runs on
3.11 only."""
COMPAT_SMOKE = (
    "tests/monitor/test_monitor.py",
    "tests/cli/test_install.py",
    "tests/unit/test_db_io.py",
)
"""What the Pythons between 3.11 and the newest run (3.12): what their own wheels and builds
could change (durable-rules' C extension, the installed package, the ADBC drivers), the whole of
``COMPAT_TESTS`` being held on 3.11 (``dev.py test``) and on the newest (3.13). Kept short for
CI's time."""
DEMO_ARGS = ("check", "src/hezhang_rules/packs/qinghemen/example", "--as-of", "2022-01-10")
PACKAGE = ROOT / "src" / "hezhang_rules"
PUBLIC_PRIVATE_MODULES = frozenset({"_version"})
"""Underscore modules any package may import from (the version string)."""
COVERAGE_FLOOR = 92
"""Line coverage (%) of src/hezhang_rules the whole suite must keep (``dev.py test`` with no
ARGS): a couple of points under the 94.3 % the whole suite gave in CI when it was set
(docs/testing.md)."""


class DevError(Exception):
    """A failure with a message for the user and an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def run(cmd: Sequence[str | Path], env: dict[str, str] | None = None) -> int:
    """Print and run ``cmd`` in the repo root; return its exit code."""
    args = [str(c) for c in cmd]
    extra = "" if env is None else " ".join(f"{k}={v}" for k, v in env.items()) + " "
    print(f"+ {extra}{shlex.join(args)}", flush=True)
    full_env = None if env is None else {**os.environ, **env}
    start = time.monotonic()
    try:
        code = subprocess.run(args, cwd=ROOT, env=full_env, check=False).returncode
    except FileNotFoundError as exc:
        raise DevError(f"cannot run {args[0]}: {exc.strerror}") from exc
    note = ": pytest collected no tests" if code == 5 and "pytest" in args else ""
    print(f"  (exit {code}{note}, {time.monotonic() - start:.1f}s)", flush=True)
    return code


def must(cmd: Sequence[str | Path], env: dict[str, str] | None = None) -> None:
    code = run(cmd, env)
    if code != 0:
        raise DevError(f"command failed (exit {code}): {shlex.join(str(c) for c in cmd)}", code)


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def python_version(python: Path | str) -> tuple[int, ...] | None:
    """The (major, minor, micro) of an interpreter, or None if it cannot run."""
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys; print(*sys.version_info[:3])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return tuple(int(p) for p in out.split())


def build_env(version: tuple[int, ...]) -> dict[str, str] | None:
    """durable-rules 2.0.28 calls PyEval_CallObject, removed in 3.13; its setup.py overwrites
    CFLAGS, so map the name through CPPFLAGS (only on >= 3.13)."""
    if version >= (3, 13):
        return {"CPPFLAGS": "-DPyEval_CallObject=PyObject_CallObject"}
    return None


def ensure_venv(python: Path | str, venv: Path) -> tuple[int, ...]:
    """Create ``venv`` with ``python`` (recreate it if its version differs), install the package
    with [dev] extras unless the stamp says this pyproject.toml is already installed."""
    want = python_version(python)
    if want is None:
        raise DevError(f"interpreter {python} does not run")
    have = python_version(venv_python(venv)) if venv.exists() else None
    if have != want:
        if venv.exists():
            print(f"{venv.name}: python {have} != {want}; recreating", flush=True)
            shutil.rmtree(venv)
        must([python, "-m", "venv", venv])
    stamp = venv / STAMP_NAME
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        print(f"{venv.name}: up to date (pyproject.toml unchanged)", flush=True)
        return want
    stamp.unlink(missing_ok=True)
    pip: list[str | Path] = [venv_python(venv), "-m", "pip", "install"]
    if want >= (3, 13):
        pip.append("--no-cache-dir")  # never reuse a wheel built without the CPPFLAGS fix
    must([*pip, "-e", ".[dev]"], env=build_env(want))
    stamp.write_text(digest + "\n")
    return want


def cmd_setup(_args: list[str]) -> int:
    ensure_venv(sys.executable, VENV)
    return 0


def cmd_demo(_args: list[str]) -> int:
    ensure_venv(sys.executable, VENV)
    # An import error also exits 1: rule it out so exit 1 can only mean "violations found".
    must([venv_python(VENV), "-c", "import hezhang_rules.cli"])
    code = run([VENV / "bin" / "hezhang-rules", *DEMO_ARGS])
    if code == 1:
        print("demo: exit 1 means the audit found violations, as the example intends", flush=True)
        return 0
    return code


def is_private(name: str) -> bool:
    """``_x`` is private to its package; dunders (``__version__``) and ``_version`` are not."""
    if name in PUBLIC_PRIVATE_MODULES or (name.startswith("__") and name.endswith("__")):
        return False
    return name.startswith("_")


def _imports(
    tree: ast.Module, here: tuple[str, ...]
) -> Iterator[tuple[int, tuple[str, ...], list[str]]]:
    """Each import of ``tree`` as (line, absolute module parts, names taken from it); ``here``
    is the package holding the module (its parts), for relative imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, tuple(alias.name.split(".")), []
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else ()
            module = (*base, *(node.module.split(".") if node.module else ()))
            yield node.lineno, module, [a.name for a in node.names if a.name != "*"]


def private_imports(package_dir: Path, shown_from: Path = ROOT) -> list[str]:
    """Every import, in a module of ``package_dir``, of a private name or module of another of
    its packages (``package_dir/OTHER…``; a top-level module counts as a package of its own):
    ``file:line: imports _Name from pkg.other.module``. Such an import reaches past another
    package's public seam (issue 17); ``_version`` is public."""
    top = package_dir.name
    found: list[str] = []
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir).with_suffix("").parts
        here = (top, *rel[:-1])  # the package the module's relative imports start from
        own = rel[0] if len(rel) > 1 else ("" if rel[0] == "__init__" else rel[0])
        shown = path.relative_to(shown_from) if path.is_relative_to(shown_from) else path
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module, names in _imports(tree, here):
            if module[:1] != (top,) or (module[1] if len(module) > 1 else "") == own:
                continue
            private = next((i for i, part in enumerate(module) if is_private(part)), None)
            if private is not None:
                taken = [module[private]]
                source = ".".join(module[:private])
            else:
                taken = [n for n in names if is_private(n)]
                source = ".".join(module)
            found += [f"{shown}:{line}: imports {name} from {source}" for name in taken]
    return found


def check_private_imports() -> int:
    """The ``dev.py test`` step: print each cross-package private import; 1 if any."""
    found = private_imports(PACKAGE)
    for line in found:
        print(line, flush=True)
    print(f"  ({len(found)} cross-package private imports)", flush=True)
    return 1 if found else 0


PARALLEL = ("-n", "auto", "--dist", "worksteal")
"""pytest-xdist: one worker per core, an idle worker taking queued tests from a busy one (the
long properties are single tests). ARGS come after, so ``-n 0`` there runs one process."""


def coverage_commands(python: Path, args: list[str]) -> list[list[str | Path]]:
    """pytest under coverage of the package (``[tool.coverage]`` in pyproject.toml), spread over
    the cores by pytest-xdist, then the total line coverage in per cent. pytest-cov starts
    coverage in the main process before the conftest files import the package (so its
    module-level code counts) and in each worker before collection, and combines their data
    into ``.coverage``. The whole suite is held to ``COVERAGE_FLOOR``; a run narrowed by
    ``args`` prints its figure with no floor. The 25 slowest tests are listed (what to trim when
    CI nears its time)."""
    floor = 0 if args else COVERAGE_FLOOR
    return [
        [python, "-m", "pytest", *PARALLEL, "--cov", "--cov-report=", "--durations=25", *args],
        [python, "-m", "coverage", "report", "--format=total", f"--fail-under={floor}"],
    ]


def run_pytest(python: Path, args: list[str]) -> int:
    """The pytest step: the tests, then the coverage figure (exit 2 under the floor)."""
    tests, report = coverage_commands(python, args)
    code = run(tests)
    if code != 0:
        return code
    floor = "no floor: a narrowed run" if args else f"floor {COVERAGE_FLOOR}%"
    print(f"line coverage of src/hezhang_rules in per cent ({floor}):", flush=True)
    return run(report)


def _pg_server() -> types.ModuleType:
    """tests/pg_server.py (standard library only), loaded by path: dev.py imports no package."""
    spec = importlib.util.spec_from_file_location("pg_server", ROOT / "tests" / "pg_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while it is built
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def postgres_for_tests() -> Iterator[None]:
    """A throwaway PostgreSQL server for the test run, its address in HEZHANG_TEST_POSTGRES
    (one server for every pytest worker). Nothing is started when the variable is already set
    or PostgreSQL is not installed (the PostgreSQL tests then start their own or skip; with
    HEZHANG_REQUIRE_POSTGRES=1, as in .ci/run, they fail)."""
    pg = _pg_server()
    if os.environ.get(pg.ENV_URL) or pg.binaries() is None:
        if pg.binaries() is None:
            print("PostgreSQL is not installed: its tests skip (apt-get install postgresql)")
        yield
        return
    try:
        server = pg.start()
    except RuntimeError as exc:
        raise DevError(f"cannot start the test PostgreSQL server: {exc}") from exc
    print(f"PostgreSQL for the tests: {server.url}", flush=True)
    os.environ[pg.ENV_URL] = server.url
    try:
        yield
    finally:
        del os.environ[pg.ENV_URL]
        pg.stop(server)


def cmd_test(args: list[str]) -> int:
    ensure_venv(sys.executable, VENV)
    with postgres_for_tests():
        return _test_steps(args)


def _test_steps(args: list[str]) -> int:
    bin_dir = VENV / "bin"
    lint = ["src", "tests", "benchmarks", "fuzz", "dev.py"]
    steps: list[tuple[str, Callable[[], int]]] = [
        ("ruff", lambda: run([bin_dir / "ruff", "check", *lint])),
        ("mypy", lambda: run([bin_dir / "mypy", "--strict", "src"])),
        ("import-linter", lambda: run([bin_dir / "lint-imports"])),
        ("private imports", check_private_imports),
        ("pytest", lambda: run_pytest(bin_dir / "python", args)),
    ]
    for name, step in steps:
        print(f"==> {name}", flush=True)
        code = step()
        if code != 0:
            print(f"FAILED: {name} (exit {code})", file=sys.stderr, flush=True)
            return code
    print("==> all checks passed", flush=True)
    return 0


def pyenv_python(minor: str) -> Path | None:
    """The newest ``$(pyenv root)/versions/<minor>.N/bin/python3``, or None."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    out = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    if out.returncode != 0 or not out.stdout.strip():
        return None
    pattern = re.compile(re.escape(minor) + r"\.(\d+)")
    found: list[tuple[int, Path]] = []
    for d in (Path(out.stdout.strip()) / "versions").glob(f"{minor}.*"):
        m = pattern.fullmatch(d.name)
        if m and (d / "bin" / "python3").exists():
            found.append((int(m.group(1)), d / "bin" / "python3"))
    return max(found)[1] if found else None


def cmd_compat(_args: list[str]) -> int:
    results: dict[str, str] = {}
    for minor in COMPAT_VERSIONS:
        print(f"==> compat {minor}", flush=True)
        python = pyenv_python(minor)
        if python is None:
            results[minor] = "skipped (pyenv or version not found)"
            print(f"compat {minor}: {results[minor]}", flush=True)
            continue
        venv = ROOT / f".venv-{minor}"
        try:
            ensure_venv(python, venv)
            must([venv_python(venv), "-c", "import durable.lang, hezhang_rules"])
            tests = COMPAT_TESTS if minor == COMPAT_VERSIONS[-1] else COMPAT_SMOKE
            must([venv_python(venv), "-m", "pytest", *PARALLEL, *tests])
        except DevError as exc:
            results[minor] = f"FAILED: {exc}"
        else:
            results[minor] = "ok"
    print("==> compat summary", flush=True)
    for minor, result in results.items():
        print(f"  python {minor}: {result}", flush=True)
    return 1 if any(r.startswith("FAILED") for r in results.values()) else 0


def cmd_docs(_args: list[str]) -> int:
    """Build the site as CI does: strict (a warning fails), into a folder thrown away after."""
    ensure_venv(sys.executable, VENV)
    with tempfile.TemporaryDirectory(prefix="hezhang-docs-") as site:
        return run([VENV / "bin" / "mkdocs", "build", "--strict", "--site-dir", site])


INSTALL_VERSIONS = ("3.11", "3.13")
"""The oldest supported Python and the newest (where durable-rules needs its build workaround)."""
EXAMPLE_AS_OF = "2022-01-10"


def expect(cmd: Sequence[str | Path], code: int, cwd: Path, says: str = "") -> str:
    """Run ``cmd`` in ``cwd``; fail unless it exits ``code`` (and says ``says`` on stderr)."""
    args = [str(c) for c in cmd]
    print(f"+ (in {cwd.name}) {shlex.join(args)}  [expect exit {code}]", flush=True)
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != code or says not in done.stderr:
        raise DevError(
            f"{shlex.join(args)}: exit {done.returncode} (expected {code}"
            + (f", saying {says!r}" if says else "")
            + f")\nstdout: {done.stdout[-1500:]}\nstderr: {done.stderr[-1500:]}"
        )
    return done.stdout


def site_size(venv: Path) -> int:
    """Bytes installed in the venv's site-packages."""
    (site,) = venv.glob("lib/python3.*/site-packages")
    return sum(f.stat().st_size for f in site.rglob("*") if f.is_file())


def install_check(python: Path, wheel: Path, work: Path, reference: bytes) -> dict[str, int]:
    """Install ``wheel`` with ``python`` into a fresh venv, core then [all], and run the commands
    a user runs, from an empty folder outside the checkout. Returns the install sizes."""
    version = python_version(python)
    assert version is not None
    venv = work / "venv"
    must([python, "-m", "venv", venv])
    pip: list[str | Path] = [venv_python(venv), "-m", "pip", "install", "-q"]
    must([*pip, wheel])
    sizes = {"core": site_size(venv)}
    hz = venv / "bin" / "hezhang-rules"
    here = work / "empty"
    here.mkdir()
    # the core: pydantic, PyYAML and polars; numpy (synth) is an extra
    expect([venv_python(venv), "-c", "import numpy"], 1, here, "ModuleNotFoundError")
    expect([hz, "example", "district"], 0, here)
    check: list[str | Path] = [hz, "check", "district", "--as-of", EXAMPLE_AS_OF]
    monitor: list[str | Path] = [hz, "monitor", "district/facts.jsonl", "--as-of", EXAMPLE_AS_OF]
    xlsx = [*check, "--format", "xlsx", "--output", "r.xlsx"]
    expect([*check, "--format", "json", "--output", "r.json"], 1, here)
    if (here / "r.json").read_bytes() != reference:
        raise DevError("the installed wheel's report differs from the checkout's (r.json)")
    expect([hz, "lint"], 0, here)
    expect([hz, "test"], 0, here)
    expect(monitor, 2, here, "hezhang-rules[monitor]")
    expect(xlsx, 2, here, "hezhang-rules[xlsx]")
    synth: list[str | Path] = [hz, "synth", "--year", "2021", "--out", "w", "--chiefs"]
    expect([*synth, "10"], 2, here, "hezhang-rules[synth]")
    extra = ["--no-cache-dir"] if version >= (3, 13) else []
    must([*pip, *extra, f"{wheel}[all]"], env=build_env(version))
    sizes["all"] = site_size(venv)
    expect(monitor, 1, here)
    expect(xlsx, 1, here)
    some = PACKAGE / "packs" / "qinghemen" / "cases" / "art016"  # all of them: tests/golden
    expect([hz, "test", some, "--evaluator", "columnar", "--evaluator", "monitor"], 0, here)
    expect([*synth, "20"], 0, here)
    tables: list[str | Path] = [hz, "check", "w", "--as-of", EXAMPLE_AS_OF, "--format", "parquet"]
    expect([*tables, "--output", "w.parquet"], 1, here)
    return sizes


def cmd_install(_args: list[str]) -> int:
    ensure_venv(sys.executable, VENV)
    hz = VENV / "bin" / "hezhang-rules"
    with tempfile.TemporaryDirectory(prefix="hz-install-") as tmp:
        dist = Path(tmp) / "dist"
        must([venv_python(VENV), "-m", "build", "--sdist", "--wheel", "--outdir", dist])
        must([venv_python(VENV), "-m", "twine", "check", "--strict", *sorted(dist.iterdir())])
        (wheel,) = dist.glob("*.whl")
        example = PACKAGE / "packs" / "qinghemen" / "example"
        ref = Path(tmp) / "reference.json"
        args: list[str | Path] = ["check", example, "--as-of", EXAMPLE_AS_OF]
        if run([hz, *args, "--format", "json", "--output", ref]) != 1:
            raise DevError("the checkout's audit of the example did not exit 1")
        reference = ref.read_bytes()
        for minor in INSTALL_VERSIONS:
            own = python_version(sys.executable) or ()
            same = ".".join(str(n) for n in own[:2]) == minor
            python = Path(sys.executable) if same else pyenv_python(minor)
            if python is None:
                raise DevError(f"no Python {minor} (pyenv) to install the wheel with")
            print(f"==> install {wheel.name} on Python {minor}", flush=True)
            work = Path(tmp) / f"py{minor}"
            work.mkdir()
            sizes = install_check(python, wheel, work, reference)
            mb = {k: f"{v / 1e6:.1f} MB" for k, v in sizes.items()}
            print(f"python {minor}: ok; installed size core {mb['core']}, all {mb['all']}")
    return 0


COMMANDS = {
    "setup": cmd_setup,
    "demo": cmd_demo,
    "test": cmd_test,
    "compat": cmd_compat,
    "docs": cmd_docs,
    "install": cmd_install,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    start = time.monotonic()
    try:
        code = COMMANDS[argv[0]](argv[1:])
    except DevError as exc:
        print(f"dev.py {argv[0]}: {exc}", file=sys.stderr, flush=True)
        code = exc.code
    except KeyboardInterrupt:
        code = 130
    print(f"dev.py {argv[0]}: exit {code} after {time.monotonic() - start:.1f}s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
