"""Mutation score of the evaluation code: the share of its mutants that a fast suite kills.

Issue 23, item 4. Slow and noisy: run by hand, never in CI (docs/testing.md, "Mutation score").

The mutation tool is Cosmic Ray, kept out of the project's dependencies: install it in a venv of
its own and run this script with that venv's Python; the tests run with the project's Python::

    python3 -m venv /tmp/crvenv && /tmp/crvenv/bin/pip install cosmic-ray==8.7.0
    nice -n 15 /tmp/crvenv/bin/python benchmarks/mutation.py \\
        --python .venv/bin/python --sample 200 --seed 23 --fresh

What is mutated: the engine core and the requirement kinds (``MODULES``: core, run, periods,
instances, batch, kinds/*). What must kill them: ``FAST_SUITE``, the golden corpus on the batch
evaluator only, the unit tests of periods and operators and every ``tests/unit/test_kill_*.py``
(5-20 s a run on a shared machine). The other engines are left out on purpose: they share the
batch engine's code, so they would catch the same mutants, slower. Mutants inside type
annotations are set aside, not counted (``annotation_spans``: equivalent by construction).

Cosmic Ray mutates files in place, so the script copies the checkout (``COPIED``) to
``--workdir`` and mutates the copy; the checkout is never touched, and one may edit it while a
run goes on. Each test run is capped in time (``--timeout``) and address space (``--memory-gb``):
a mutant that loops is killed, not left to fill the machine. The session (a SQLite file in the
work directory) keeps every result: run the script again without ``--fresh`` to resume.

With ``--sample N`` only N mutants, drawn at random with ``--seed`` from the sorted list, are
tested; the score is given with its 95 % (Wilson) interval. The survivors, with their diffs, are
written to ``survivors.txt`` in the work directory. After adding tests,
``--retest-survivors`` tests the session's survivors again with the checkout's tests (adding
tests cannot revive a killed mutant); ``--without-kill-tests`` measures the suite without the
tests written for the survivors.
"""

from __future__ import annotations

import argparse
import ast
import math
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

try:
    from cosmic_ray.commands import init as cr_init
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult
except ImportError:  # pragma: no cover - told how to get it
    sys.exit(
        "needs cosmic-ray: python3 -m venv /tmp/crvenv && /tmp/crvenv/bin/pip install "
        "cosmic-ray==8.7.0, then run this script with /tmp/crvenv/bin/python"
    )

ROOT = Path(__file__).resolve().parents[1]

MODULES = (
    "src/hezhang_rules/evaluate/core.py",
    "src/hezhang_rules/evaluate/run.py",
    "src/hezhang_rules/evaluate/periods.py",
    "src/hezhang_rules/evaluate/instances.py",
    "src/hezhang_rules/evaluate/batch.py",
    "src/hezhang_rules/evaluate/kinds/__init__.py",
    "src/hezhang_rules/evaluate/kinds/count.py",
    "src/hezhang_rules/evaluate/kinds/deadline.py",
    "src/hezhang_rules/evaluate/kinds/evidence.py",
    "src/hezhang_rules/evaluate/kinds/forbid.py",
    "src/hezhang_rules/evaluate/kinds/ops.py",
    "src/hezhang_rules/evaluate/kinds/policy.py",
    "src/hezhang_rules/evaluate/kinds/response.py",
    "src/hezhang_rules/evaluate/kinds/words.py",
)
"""The evaluation code under mutation, relative to the checkout."""

KILL_TESTS = "tests/unit/test_kill_*.py"
"""The tests written for the survivors; ``--without-kill-tests`` leaves them out (the score
before them)."""


FAST_SUITE = (
    "tests/unit/test_periods.py",
    "tests/unit/test_operators.py",
    KILL_TESTS,
    "tests/golden",
)
"""The tests that must kill the mutants (globs, relative to the checkout); the golden corpus runs
on the batch evaluator only (``-k`` below)."""

ANNOTATION = "in an annotation"
"""The output recorded for mutants set aside as equivalent (see ``annotation_spans``)."""

COPIED = ("src", "tests", "docs", "pyproject.toml")
"""What the work directory needs of the checkout."""


def suite_files(root: Path, kill_tests: bool = True) -> list[str]:
    """``FAST_SUITE``'s globs expanded in ``root``, sorted, fastest (unit tests) first."""
    files: list[str] = []
    for pattern in FAST_SUITE:
        if pattern != KILL_TESTS or kill_tests:
            files += sorted(str(p.relative_to(root)) for p in root.glob(pattern))
    return files


def test_command(python: str, root: Path, kill_tests: bool = True) -> str:
    """The command that runs the fast suite, stopping at the first failure."""
    parts = [
        python,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-k",
        "'not columnar and not monitor'",
        *suite_files(root, kill_tests),
    ]
    return " ".join(parts)


def copy_checkout(workdir: Path) -> None:
    """A fresh copy of what the suite needs, without caches."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, ignore=ignore)
        else:
            shutil.copy2(src, workdir / name)


def sort_key(item: WorkItem) -> tuple[str, str, int]:
    """Job ids are random; the order of mutants (and so the sample) is by place and operator."""
    m = item.mutations[0]
    return (str(m.module_path), m.operator_name, m.occurrence)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion ``k / n``."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where ``path``'s type annotations are, as (line, character) spans.

    Under ``from __future__ import annotations`` an annotation is a string that nothing in these
    modules evaluates (dataclasses read only its text for ``ClassVar``), so a mutant inside one
    (``date | None`` made ``date + None``) is equivalent by construction: not tested, not
    counted. A module without that import has none set aside.
    """
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    if not any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    ):
        return []
    lines = text.splitlines()

    def char(line: int, byte: int) -> int:  # ast counts UTF-8 bytes, Cosmic Ray characters
        return len(lines[line - 1].encode("utf-8")[:byte].decode("utf-8"))

    spans = []
    for node in ast.walk(tree):
        notes: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            notes.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            notes.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            notes.append(node.annotation)
        for note in notes:
            if note is not None and note.end_lineno is not None and note.end_col_offset is not None:
                spans.append(
                    (
                        (note.lineno, char(note.lineno, note.col_offset)),
                        (note.end_lineno, char(note.end_lineno, note.end_col_offset)),
                    )
                )
    return spans


def in_annotation(
    item: WorkItem, spans: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]
) -> bool:
    """Whether the mutant lies inside a type annotation of its module."""
    m = item.mutations[0]
    start, end = tuple(m.start_pos), tuple(m.end_pos)
    return any(a <= start and end <= b for a, b in spans[str(m.module_path)])


def prepare(db: WorkDB, sample: int | None, seed: int) -> None:
    """Every mutant of ``MODULES`` in the session; those in annotations and, with ``sample``,
    all but a seeded sample of the others marked skipped."""
    cr_init([Path(m) for m in MODULES], db, {})
    spans = {m: annotation_spans(Path(m)) for m in MODULES}
    items = sorted(db.work_items, key=sort_key)
    notes = [it.job_id for it in items if in_annotation(it, spans)]
    db.set_multiple_results(
        notes, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=ANNOTATION)
    )
    set_aside = set(notes)
    items = [it for it in items if it.job_id not in set_aside]
    if sample is not None and sample < len(items):
        chosen = {it.job_id for it in random.Random(seed).sample(items, sample)}
        skipped = [it.job_id for it in items if it.job_id not in chosen]
        db.set_multiple_results(skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))


def run(db: WorkDB, command: str, timeout: float) -> None:
    """Test every pending mutant, one at a time, saving each result as it comes."""
    pending = sorted(db.pending_work_items, key=sort_key)
    started = time.monotonic()
    for i, item in enumerate(pending, 1):
        result = mutate_and_test(item.mutations, command, timeout)
        db.set_result(item.job_id, result)
        m = item.mutations[0]
        elapsed = time.monotonic() - started
        print(
            f"[{i}/{len(pending)} {elapsed:5.0f}s] {result.test_outcome or result.worker_outcome}"
            f" {m.module_path}:{m.start_pos[0]} {m.operator_name}",
            flush=True,
        )


def forget_survivors(session: Path) -> None:
    """Drop the results of the surviving mutants, so that the next run tests them again."""
    with sqlite3.connect(session) as con:
        con.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")


def report(db: WorkDB, workdir: Path) -> None:
    """The score, by module, and the survivors' diffs in ``survivors.txt``."""
    completed = list(db.completed_work_items)
    notes = sum(r.output == ANNOTATION for _, r in completed)
    population = db.num_work_items - notes
    tested = [(it, r) for it, r in completed if r.worker_outcome == WorkerOutcome.NORMAL]
    odd = Counter(
        str(r.worker_outcome)
        for _, r in completed
        if r.worker_outcome not in (WorkerOutcome.NORMAL, WorkerOutcome.SKIPPED)
    )
    survivors = sorted(
        (it for it, r in tested if r.test_outcome == TestOutcome.SURVIVED), key=sort_key
    )
    by_module: dict[str, list[int]] = {}
    for it, r in tested:
        counts = by_module.setdefault(str(it.mutations[0].module_path), [0, 0])
        counts[0] += r.test_outcome != TestOutcome.SURVIVED
        counts[1] += 1
    n = len(tested)
    killed = n - len(survivors)
    pending = db.num_work_items - db.num_results
    print(
        f"\nmutants: {population} in {len(MODULES)} modules ({notes} more in annotations, set "
        f"aside); tested {n}"
        + (" (a random sample)" if n + pending < population else "")
        + (f"; pending {pending}" if pending else "")
        + (f"; no result: {dict(odd)}" if odd else "")
    )
    for module, (k, t) in sorted(by_module.items()):
        print(f"  {module:50} {k:4}/{t:<4} killed")
    low, high = wilson(killed, n)
    print(
        f"mutation score: {killed}/{n} = {killed / max(n, 1):.1%} killed "
        f"(95 % interval {low:.1%}–{high:.1%})"
    )
    incompetent = sum(r.test_outcome == TestOutcome.INCOMPETENT for _, r in tested)
    if incompetent:
        print(f"  of which {incompetent} incompetent (the mutant did not run at all)")
    out = workdir / "survivors.txt"
    with out.open("w", encoding="utf-8") as f:
        for it in survivors:
            m = it.mutations[0]
            result = dict(db.results)[it.job_id]
            f.write(
                f"## {m.module_path}:{m.start_pos[0]} {m.operator_name} #{m.occurrence}\n"
                f"{result.diff}\n"
            )
    print(f"survivors ({len(survivors)}): {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        default=str(ROOT / ".venv" / "bin" / "python"),
        help="the Python that runs the tests (the project's venv)",
    )
    parser.add_argument("--sample", type=int, help="test only N mutants, drawn at random")
    parser.add_argument("--seed", type=int, default=23, help="the sample's seed")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/hezhang-mutation"),
        help="where the copy of the checkout is mutated (replaced by --fresh)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds before a test run counts as killed (a looping mutant)",
    )
    parser.add_argument(
        "--memory-gb",
        type=float,
        default=4.0,
        help="address space of a test run: a mutant looping over a growing list fails with "
        "MemoryError (killed) instead of filling the machine",
    )
    parser.add_argument("--fresh", action="store_true", help="drop a previous session")
    parser.add_argument(
        "--without-kill-tests",
        action="store_true",
        help=f"leave {KILL_TESTS} out of the suite (the score before they were written)",
    )
    parser.add_argument(
        "--retest-survivors",
        action="store_true",
        help="copy the checkout's tests again and test the session's survivors anew (after "
        "adding tests: a mutant a test killed stays killed when tests are only added)",
    )
    parser.add_argument("--report", action="store_true", help="only print the session's score")
    args = parser.parse_args()

    workdir = args.workdir.resolve()
    session = workdir / "session.sqlite"
    if args.fresh or not session.exists():
        if args.report:
            sys.exit(f"no session in {workdir}")
        copy_checkout(workdir)
    os.chdir(workdir)
    if args.retest_survivors:
        shutil.rmtree(workdir / "tests")
        shutil.copytree(
            ROOT / "tests",
            workdir / "tests",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis"),
        )
    command = test_command(args.python, workdir, not args.without_kill_tests)
    env = {**os.environ, "PYTHONPATH": str(workdir / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    os.environ.update(env)  # mutate_and_test runs the suite in this environment
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by every test run

    if not args.report and (args.retest_survivors or not session.exists()):
        baseline = subprocess.run(command, shell=True, env=env, capture_output=True, text=True)
        if baseline.returncode != 0:  # every mutant would count as killed
            sys.exit(f"the fast suite fails unmutated; no score:\n{baseline.stdout[-3000:]}")
    if args.retest_survivors:
        forget_survivors(session)
    if not session.exists():
        with use_db(str(session), WorkDB.Mode.create) as db:
            prepare(db, args.sample, args.seed)
    with use_db(str(session), WorkDB.Mode.open) as db:
        if not args.report:
            print(f"suite: {command}", flush=True)
            run(db, command, args.timeout)
        report(db, workdir)


if __name__ == "__main__":
    main()
