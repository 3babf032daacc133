"""The docs name only code that exists: a renamed or deleted module or function fails here, not
in a newcomer's hands.

Checked in each doc below, line by line:

* **module paths**: every ``something/x.py`` (anywhere in the text) is a file, relative to the
  repository, to ``src`` or to ``src/hezhang_rules``; a backticked bare ``x.py`` is a file beside
  a path the line names, else anywhere in the repository's Python (src, tests, benchmarks, fuzz);
* **dotted modules**: every ``hezhang_rules.a.b`` is a module or package, and what follows the
  longest such prefix (``hezhang_rules.testing.cases.EVALUATORS``) is a name it defines or
  imports (a package: its ``__init__`` or any of its modules), then a member of that class;
* **Python names** in backticks (outside fenced code) that read as references to code: a call
  (``evaluate()``, ``Span(file, line, col)``), a private name (``_requirement``), a class
  (``World``), a constant with an underscore (``DATE_FIELD``), ``Class.member`` (``World.check``,
  ``_Ctx.error``: the class must exist and define the member), ``module.name``
  (``source.load_document``, ``evaluate.batch._Run``) and ``path.py: NAME``. A bare name must be
  defined (``def``, ``class``, an assignment or annotated field, at any depth) in a module the
  same line names, or — when the line names none — anywhere in the repository's Python; a class
  or constant may also be one the code imports or reads as an attribute (pydantic's, polars')
  or a builtin. Plain lower-case words are YAML keys, statuses and fields far more often than
  code, so they are not checked; nor, in a doc of a data format, lower-case dotted paths
  (``response.where``).
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = SRC / "hezhang_rules"
PYTHON_DIRS = (PACKAGE, ROOT / "tests", ROOT / "benchmarks", ROOT / "fuzz")

INVENTED = frozenset({"SequenceRequirement", "SequencePlan"})
"""Names architecture.md makes up for its worked example (adding a ``sequence`` requirement)."""
EXTERNAL = frozenset({"MessageNotHandledException", "MessageObservedException"})
"""durable-rules' exceptions, which docs/monitor.md names and the code matches by message."""

PATH = re.compile(r"(?<![\w/.<-])((?:[A-Za-z_][\w.-]*/)+[A-Za-z_][\w-]*\.py)\b")
DIR = re.compile(r"`((?:[\w-]+/)+)`")
DOTTED = re.compile(r"\bhezhang_rules(?:\.[A-Za-z_]\w*)+")
TICKED = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
REF = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\(.*\))?(?:\s*→.*)?")
PATH_NAME = re.compile(r"((?:[\w-]+/)*[\w-]+\.py):\s*([A-Za-z_]\w*)")
BARE = re.compile(r"[\w-]+\.py")
CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


@dataclass
class Module:
    """What one source file defines: its top-level names (imports included: re-exports), every
    name defined at any depth, each class's members, and the names it imports or reads as
    attributes (other libraries' classes)."""

    top: set[str] = field(default_factory=set)
    anywhere: set[str] = field(default_factory=set)
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    used: set[str] = field(default_factory=set)

    def defines(self, name: str) -> bool:
        return name in self.top or name in self.anywhere


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return []


@cache
def parse(path: Path) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    m = Module()
    for node in tree.body:
        m.top.update(_targets(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            m.used.update(a.name.rsplit(".", 1)[-1] for a in node.names)
        elif isinstance(node, ast.Attribute):
            m.used.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            m.used.add(node.value)  # an environment variable's name, a key looked up by name
        else:
            m.anywhere.update(_targets(node))
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                m.classes[node.name].update(_targets(member))
    return m


@cache
def repository() -> tuple[Path, ...]:
    """Every Python file of the repository that docs may name."""
    return (ROOT / "dev.py", *(p for d in PYTHON_DIRS for p in sorted(d.rglob("*.py"))))


@cache
def dotted_modules() -> dict[str, tuple[Path, ...]]:
    """``hezhang_rules.a.b`` → its file; a package → its ``__init__`` then all its modules."""
    own: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        own[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {
        name: (path, *(p for n, p in own.items() if n.startswith(name + ".")))
        for name, path in own.items()
    }


def in_files(name: str, files: Iterable[Path]) -> bool:
    return any(parse(f).defines(name) for f in files)


def has_class(name: str) -> bool:
    return any(name in parse(f).classes for f in repository())


def has_member(cls: str, name: str) -> bool:
    return any(name in parse(f).classes.get(cls, ()) for f in repository())


def known_anywhere(name: str) -> bool:
    """Defined anywhere; a class or constant may also be imported, read as an attribute or a
    builtin (other libraries' names)."""
    if in_files(name, repository()):
        return True
    if name.startswith("_"):
        return False
    return (
        hasattr(builtins, name)
        or name in EXTERNAL
        or any(name in parse(f).used for f in repository())
    )


def resolve_dotted(dotted: str) -> bool:
    """``hezhang_rules.a.b[.Name[.member]]``: the longest module prefix, then its names."""
    parts = dotted.split(".")
    modules = dotted_modules()
    for n in range(len(parts), 0, -1):
        files = modules.get(".".join(parts[:n]))
        if files is None:
            continue
        rest = parts[n:]
        if not rest:
            return True
        if len(rest) > 2 or not in_files(rest[0], files):
            return False
        return len(rest) == 1 or has_member(rest[0], rest[1])
    return False


def stems(head: str) -> list[str]:
    """The dotted names of the package's modules and packages whose last part is ``head``."""
    return [name for name in dotted_modules() if name.rsplit(".", 1)[-1] == head]


def resolve_ref(ref: str, named: list[Path]) -> bool:
    """Whether a reference names code that exists (see the module docstring)."""
    head, *rest = ref.split(".")
    if not rest:  # a name, or a module of the package (`_version`)
        return (in_files(ref, named) if named else known_anywhere(ref)) or bool(stems(ref))
    if has_class(head):
        return len(rest) == 1 and has_member(head, rest[0])
    if stems(head):
        return any(resolve_dotted(f"{s}.{'.'.join(rest)}") for s in stems(head))
    if head.startswith("_") or head[0].isupper():
        return False  # a class or module that does not exist
    return known_anywhere(rest[-1])  # a method called on a variable: `doc.span(…)`


def looks_like_code(ref: str, call: bool, data_format: bool) -> bool:
    """A call, a private name, a class, a constant with an underscore, or a dotted name headed
    by a class, a private name or (outside a data format's doc) a module of the package."""
    head = ref.split(".")[0]
    if call or head.startswith("_") or CONSTANT.fullmatch(head):
        return True
    if head[0].isupper():
        return len(head) > 1 and not head.isupper()
    return "." in ref and not data_format and bool(stems(head))


def bare_files(name: str, beside: list[str]) -> list[Path]:
    """The files a bare ``x.py`` may be: at the top of the repository or the package, beside a
    path or in a folder the line names before it (``evaluate/batch.py``, ``world.py``), else,
    when it names none, any file of the repository's Python of that name."""
    out = [ROOT / name, PACKAGE / name]
    for other in beside:
        folder = other if other.endswith("/") else str(Path(other).parent)
        out += [base / folder / name for base in (ROOT, SRC, PACKAGE)]
    found = [p for p in out if p.is_file()]
    return found if found or beside else [p for p in repository() if p.name == name]


def resolve_path(text: str, beside: list[str]) -> bool:
    """A module path: relative to the repository, to src or to the package; a bare name as
    :func:`bare_files` finds it."""
    if "/" in text:
        return any((base / text).is_file() for base in (ROOT, SRC, PACKAGE))
    return bool(bare_files(text, beside))


def named_files(paths: list[str]) -> list[Path]:
    """The files of the module paths a line names (those that exist)."""
    out = []
    for p in paths:
        if p.endswith(".py"):
            out += [base / p for base in (ROOT, SRC, PACKAGE) if (base / p).is_file()]
    return out


def stale_names(doc: Path, data_format: bool = False) -> list[str]:
    """Each name in ``doc`` that does not exist, as ``doc:line: `name```."""
    text = doc.read_text(encoding="utf-8")
    fenced = {text.count("\n", 0, i) + 1 for m in FENCE.finditer(text) for i in range(*m.span())}
    stale: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        paths = [m.group(1) for m in PATH.finditer(line)]
        found = [p for p in paths if not resolve_path(p, [])]
        found += [m.group(0) for m in DOTTED.finditer(line) if not resolve_dotted(m.group(0))]
        if number not in fenced:
            places = [(m.start(), m.group(1)) for m in (*PATH.finditer(line), *DIR.finditer(line))]
            ticked = [(m.start(), m.group(1).strip()) for m in TICKED.finditer(line)]
            named = named_files(paths)
            for at, token in ticked:
                if BARE.fullmatch(token):
                    named += bare_files(token, [p for start, p in places if start < at])
            for at, token in ticked:
                beside = [p for start, p in places if start < at]
                found += stale_in_token(token, beside, named, data_format)
        stale += [(number, name) for name in found]
    return [f"{doc.name}:{n}: `{name}`" for n, name in sorted(set(stale))]


def stale_in_token(
    token: str, beside: list[str], named: list[Path], data_format: bool
) -> list[str]:
    """The stale names of one backticked span (its paths and dotted modules are checked with
    the whole line)."""
    if BARE.fullmatch(token):
        return [] if resolve_path(token, beside) else [token]
    pm = PATH_NAME.fullmatch(token)
    if pm:
        return [] if in_files(pm.group(2), named_files([pm.group(1)])) else [pm.group(2)]
    rm = REF.fullmatch(token)
    if rm is None or rm.group(1).startswith(("hezhang_rules", "__")) or rm.group(1) in INVENTED:
        return []  # dotted modules are checked with the line; dunders are Python's
    ref, call = rm.group(1), rm.group(2) is not None
    if not re.search(r"[A-Za-z]", ref) or not looks_like_code(ref, call, data_format):
        return []
    return [] if resolve_ref(ref, named) else [ref]


DOCS = [
    ("architecture.md", False),
    ("rule-format.md", True),
    ("monitor.md", False),
    ("scale.md", False),
    ("testing.md", False),
]


@pytest.mark.parametrize(("doc", "data_format"), DOCS)
def test_every_name_the_doc_gives_exists(doc: str, data_format: bool) -> None:
    stale = stale_names(ROOT / "docs" / doc, data_format)
    assert not stale, "names that do not exist:\n" + "\n".join(stale)


def test_the_check_finds_what_is_gone(tmp_path: Path) -> None:
    doc = tmp_path / "made-up.md"
    doc.write_text(
        "`evaluate/batch.py`, `world.py` and `gone.py`; `World.check`, `World.nope`,\n"
        "`_Ctx.error`, `evaluate(plan, facts, as_of)`, `removed_fn()`, `Judge`, `Nowhere`,\n"
        "`source.load_document`, `source.nope`, `facts/enums.py: ENUMS`, `facts/enums.py: NOPE`\n"
        "hezhang_rules.testing.cases.EVALUATORS, hezhang_rules.nope, see evaluate/gone.py.\n"
        "`in_force`, `due.days`, `art016.x`, `NNN`, `ValueError`: keys and words, not ours.\n"
        "`compile/compiler.py`: `_kinds_of` is there, `_status` is not.\n"
        "```\nnot_checked = `Gone`\n```\n",
        encoding="utf-8",
    )
    assert stale_names(doc) == [
        "made-up.md:1: `World.nope`",
        "made-up.md:1: `gone.py`",
        "made-up.md:2: `Nowhere`",
        "made-up.md:2: `_Ctx.error`",
        "made-up.md:2: `removed_fn`",
        "made-up.md:3: `NOPE`",
        "made-up.md:3: `source.nope`",
        "made-up.md:4: `evaluate/gone.py`",
        "made-up.md:4: `hezhang_rules.nope`",
        "made-up.md:6: `_status`",
    ]
