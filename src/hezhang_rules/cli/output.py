"""Where a command writes: checked before any work, written whole or not at all.

Every file or folder named by the user (``--output``, ``--out``) goes through here:

* :func:`output_file` / :func:`output_folder` refuse, with exit 2 and a ``<command line>``
  diagnostic naming the path, a target that is a directory (for a file), a device, a FIFO or a
  socket, a path under /dev, /proc or /sys (``/dev/stdout``), or that is (as written or after
  resolving symbolic links) one of the inputs being read, a file an input folder holds or an
  input refers to (a pack's regulation text, a case's world), or lies inside a fact folder or
  rule pack being read; with ``--force``, a table to be replaced that is not a regular file.
  They run before anything is loaded.
* :func:`atomic_file` writes through a temporary made exclusively (``O_CREAT | O_EXCL``, a random
  name, never a symbolic link followed) in the target's folder, flushed and synced, then renamed
  over the target: a reader, or a second run writing the same target, sees the old file or one
  whole new one (the last rename wins), never a mixture.
* :func:`handle_signals` turns SIGTERM into an exception like Ctrl-C, so the temporary is removed
  on every exit; whatever temporary is still registered when the command ends is removed too.
"""

from __future__ import annotations

import io
import os
import re
import select
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from sys import UnraisableHookArgs

from hezhang_rules.diagnostics import Diagnostic, Span, UsageError, os_reason_zh

_LIVE: set[str] = set()
"""Temporaries being written now (removed by :func:`remove_temporaries` at the latest)."""

_WRITTEN: list[str] = []
"""Targets renamed into place during this command."""

_FILLING: list[str] = []
"""Folders being filled with whole files, one by one, during this command."""

_CAUGHT: list[int] = []
"""The signal that stopped this command, if one did."""

_HELD: list[bool] = []
_PENDING: list[int] = []
"""While ``_HELD``, a signal is noted in ``_PENDING`` and acted on when the hold ends."""

WORLD_FILES = ("README.md",)
"""Besides ``<kind>.parquet`` / ``<kind>.jsonl``: what a folder of fact tables may hold."""


def _refuse(
    code: str, message: str, help: str | None = None, *, zh: str, help_zh: str | None = None
) -> UsageError:
    """A ``<command line>`` diagnostic; control characters of a path are shown escaped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    shown_zh = "".join(c if c.isprintable() else repr(c)[1:-1] for c in zh)
    return UsageError(
        [Diagnostic(code, shown, Span("<command line>"), help=help, zh=shown_zh, help_zh=help_zh)]
    )


_KIND_ZH = {
    "a directory": "目录",
    "a character device": "字符设备",
    "a block device": "块设备",
    "a FIFO (named pipe)": "命名管道",
    "a socket": "套接字",
    "not a regular file": "特殊文件",
    "a symbolic link": "符号链接",
    "a file": "文件",
}
"""The words of :func:`_kind_of` (and of a link, a file) in Chinese."""


def _clash_zh(clash: str) -> str:
    """What :func:`_clash` says, in Chinese (its quoted paths kept)."""
    paths = re.findall(r"`[^`]*`", clash)
    if "lies inside" in clash:
        return f"{paths[0]} 位于正在读取的文件夹 {paths[1]} 之中"
    if "a file in" in clash:
        return f"{paths[0]} 就是正在读取的文件夹 {paths[2]} 中的文件 {paths[1]}"
    return f"{paths[0]} 就是正在读取的文件 {paths[1]}"


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


KERNEL_FOLDERS = (Path("/dev"), Path("/proc"), Path("/sys"))
"""A file under these is a device or a kernel file in all but name (``/dev/stdout``,
``/proc/self/fd/1``): a report is never renamed over one."""

_MAX_HOPS = 40


def _hops(text: str) -> list[Path]:
    """Every path ``text`` passes through: as written (absolute, not resolved), each symbolic
    link's target in turn, and the fully resolved path. A magic link (``/proc/self/fd/1``)
    resolves to the name of whatever it points at, so the hop through ``/proc`` is kept."""
    current = os.path.abspath(text)
    seen = [Path(current)]
    for _ in range(_MAX_HOPS):
        parent = os.path.realpath(os.path.dirname(current))
        leaf = os.path.join(parent, os.path.basename(current))
        seen.append(Path(leaf))
        if not os.path.islink(leaf):
            break
        try:
            current = os.path.abspath(os.path.join(parent, os.readlink(leaf)))
        except OSError:
            break
        seen.append(Path(current))
    seen.append(_real(text))
    return seen


def _kernel_file(text: str) -> Path | None:
    """The path under /dev, /proc or /sys that ``text`` is or leads to, or ``None``."""
    for hop in _hops(text):
        if any(_inside(hop, k) for k in KERNEL_FOLDERS):
            return hop
    return None


def _under(text: str, kernel: Path) -> str:
    folder = next(k for k in KERNEL_FOLDERS if _inside(kernel, k))
    if kernel == Path(os.path.abspath(text)):
        return f"lies under `{folder}`"
    return f"leads to `{kernel}` under `{folder}`"


def _folder_files(folder: Path) -> Iterator[Path]:
    """Every file a folder holds, at any depth, symbolic links to folders followed (each real
    folder once)."""
    seen: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = _real(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        for name in filenames:
            yield Path(dirpath) / name


def _same_file(target: Path, other: Path) -> bool:
    """``target`` and ``other`` are one file (resolved paths equal, or one inode)."""
    if _real(target) == _real(other):
        return True
    try:
        return os.path.samefile(target, other)
    except (OSError, ValueError):
        return False


def _referred(reading: Iterable[str | Path], cases: Iterable[str | Path]) -> list[Path]:
    """The files an input refers to, which are inputs too: a rule pack's regulation text
    (``source:`` in ``pack.yaml``, relative to the pack) and the ``world:`` files of the golden
    cases in ``cases``. An input that cannot be read is left to the command, which reports it."""
    out: list[Path] = []
    for raw in reading:
        path = Path(raw)
        pack = path / "pack.yaml" if path.is_dir() else path
        if pack.name == "pack.yaml" and pack.is_file():
            source = _key_of(pack, "source")
            if source:
                out.append(pack.parent / source)
    for raw in cases:
        if Path(raw).is_dir():
            out.extend(_case_worlds(Path(raw)))
    return out


def _key_of(path: Path, key: str) -> str | None:
    from hezhang_rules.source import SourceError, load_document

    try:
        data = load_document(path).data
    except (SourceError, OSError, ValueError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _case_worlds(folder: Path) -> Iterator[Path]:
    """The ``world:`` files of the golden cases in ``folder`` (a case is found as ``lint``
    finds it)."""
    from hezhang_rules.testing.cases import find_world, is_case_file

    for path in _folder_files(folder):
        if path.suffix in (".yaml", ".yml", ".json") and is_case_file(path, folder):
            world = _key_of(path, "world")
            found = find_world(path, world) if world else None
            if found is not None:
                yield found


def _clash(
    target: Path, given: str, reading: Iterable[str | Path], cases: Iterable[str | Path] = ()
) -> str | None:
    """How ``target`` (as given: ``given``) would overwrite an input, in words, or ``None``.

    # INVARIANT: refused when the target, as written (absolute, unresolved) or resolved, lies
    # inside a folder being read (as written or resolved), or is one file (resolved path or
    # inode) with an input file, with a file an input folder holds (links followed), or with a
    # file an input refers to (the regulation text of a pack, a case's world).
    """
    reading = [*reading, *cases]
    here = (Path(os.path.abspath(target)), _real(target))
    for raw in [*reading, *_referred(reading, cases)]:
        source = Path(raw)
        if not os.path.lexists(source):
            continue
        if source.is_dir():
            folders = (Path(os.path.abspath(source)), _real(source))
            if any(_inside(t, f) for t in here for f in folders):
                return f"`{given}` lies inside `{raw}`, a folder being read"
            for held in _folder_files(source):
                if _same_file(target, held):
                    return f"`{given}` is `{held}`, a file in `{raw}`, a folder being read"
            continue
        if _same_file(target, source):
            return f"`{given}` is `{raw}`, a file being read"
    return None


def output_file(
    text: str | None,
    reading: Iterable[str | Path],
    option: str = "--output",
    cases: Iterable[str | Path] = (),
) -> Path | None:
    """``--output FILE`` checked before any work (exit 2 if it could destroy anything).

    ``reading``: every input of the command (fact files and folders, the rule pack, the weights
    file …); ``cases``: golden case folders read (their cases' worlds are inputs too). A
    symbolic link at ``FILE`` to an unrelated file is replaced, not written through.
    """
    if not text:
        return None
    out = Path(text)
    folder = out.parent if str(out.parent) else Path(".")
    if os.path.basename(text) in ("", ".", ".."):
        raise _refuse(
            "hz_usage_output_is_directory",
            f"{option} `{text}` names a directory",
            zh=f"{option} `{text}` 指的是目录",
        )
    if not folder.is_dir():
        raise _refuse(
            "hz_usage_bad_output",
            f"{option} `{text}`: the folder `{folder}` does not exist",
            zh=f"{option} `{text}`：文件夹 `{folder}` 不存在",
        )
    try:
        kind = _kind_of(out.stat().st_mode)
    except FileNotFoundError:
        kind = None  # a new file (or a dangling link, which is replaced)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise _refuse(
            "hz_usage_bad_output",
            f"{option} `{text}`: {reason}",
            zh=f"{option} `{text}`："
            + (os_reason_zh(exc) if isinstance(exc, OSError) else "路径无效"),
        ) from None
    if kind == "a directory":
        raise _refuse(
            "hz_usage_output_is_directory",
            f"{option} `{text}` is a directory",
            help="give a file name inside it",
            zh=f"{option} `{text}` 是目录",
            help_zh="请给出其中的一个文件名",
        )
    if kind is not None:
        raise _refuse(
            "hz_usage_output_not_regular",
            f"{option} `{text}` is {kind}: a report is written only to a regular file",
            help="leave out the option to write to standard output",
            zh=f"{option} `{text}` 是{_KIND_ZH.get(kind, kind)}：报告只写入普通文件",
            help_zh="不给此选项，报告就写到标准输出",
        )
    kernel = _kernel_file(text)
    if kernel is not None:
        raise _refuse(
            "hz_usage_output_not_regular",
            f"{option} `{text}` {_under(text, kernel)}, a device or kernel file in all but "
            "name: a report is written only to a regular file",
            help=f"leave out {option} and redirect standard output (`> FILE`)",
            zh=f"{option} `{text}` 实际上是设备或内核文件（在 `{kernel}` 处）：报告只写入普通文件",
            help_zh=f"不给 {option}，改为重定向标准输出（`> FILE`）",
        )
    clash = _clash(out, text, reading, cases)
    if clash:
        raise _refuse(
            "hz_usage_output_is_input",
            f"{option} would overwrite an input: {clash}",
            help="write the report somewhere outside the facts and rules being read",
            zh=f"{option} 会覆盖一个输入：{_clash_zh(clash)}",
            help_zh="把报告写到正在读取的事实和规则之外",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(
            "hz_usage_bad_output",
            f"{option} `{text}`: cannot write in `{folder}`",
            zh=f"{option} `{text}`：无法在 `{folder}` 中写入",
        )
    return out


def output_folder(
    text: str, reading: Iterable[str | Path], force: bool, option: str = "--out"
) -> Path:
    """``--out DIR`` for fact tables, checked before any work (exit 2 if it could destroy).

    A new or empty folder is taken; a non-empty one only with ``force``, and only when it holds
    nothing but a world's files (``<kind>.parquet|jsonl|csv``, ``facts.xlsx``, ``README.md``, hidden
    ``*.tmp`` temporaries), so ``--force`` never overwrites a file it did not write.
    """
    from hezhang_rules.facts.models import FACT_KINDS

    out = Path(text)
    try:
        kind = _kind_of(out.stat().st_mode)
    except FileNotFoundError:
        kind = "a directory"  # a new folder
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise _refuse(
            "hz_usage_bad_output",
            f"{option} `{text}`: {reason}",
            zh=f"{option} `{text}`："
            + (os_reason_zh(exc) if isinstance(exc, OSError) else "路径无效"),
        ) from None
    if kind != "a directory":
        what = kind or "a file"
        raise _refuse(
            "hz_usage_bad_output",
            f"{option} `{text}` exists and is not a directory: it is {what}",
            zh=f"{option} `{text}` 已存在且不是目录：它是{_KIND_ZH.get(what, what)}",
        )
    here = (Path(os.path.abspath(out)), _real(out))  # as written and resolved
    for raw in reading:
        if not os.path.lexists(raw):
            continue
        sources = (Path(os.path.abspath(raw)), _real(raw))
        if any(_inside(h, s) or _inside(s, h) for h in here for s in sources):
            raise _refuse(
                "hz_usage_output_is_input",
                f"{option} `{text}` overlaps `{raw}`, which is being read",
                help="write the tables into a folder of their own",
                zh=f"{option} `{text}` 与正在读取的 `{raw}` 重叠",
                help_zh="把表写到单独的文件夹中",
            )
    if not out.is_dir():
        return out
    names = sorted(p.name for p in out.iterdir())
    if names and not force:
        raise _refuse(
            "hz_usage_output_not_empty",
            f"{option} `{text}`: the output directory is not empty",
            help="give an empty or new directory, or --force to replace the tables in it",
            zh=f"{option} `{text}`：输出目录不是空的",
            help_zh="请给出空目录或新目录，或用 --force 替换其中的表",
        )
    tables = {f"{k}.{fmt}" for k in FACT_KINDS for fmt in ("parquet", "jsonl", "csv")}
    tables.add("facts.xlsx")  # `tables --format xlsx`
    foreign = [
        n
        for n in names
        if n not in tables
        and n not in WORLD_FILES
        and not (n.startswith(".") and n.endswith(".tmp"))
    ]
    if foreign:
        shown = ", ".join(f"`{n}`" for n in foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise _refuse(
            "hz_usage_output_not_a_world",
            f"{option} `{text}` holds files that are not fact tables ({shown}); "
            "--force replaces only the tables of a world",
            help="give an empty or new directory",
            zh=f"{option} `{text}` 中有不是事实表的文件（{shown}）；--force 只替换世界中的表",
            help_zh="请给出空目录或新目录",
        )
    for name in names:  # what --force may replace or remove: regular files only
        if name not in tables and name not in WORLD_FILES:
            continue
        mode = os.lstat(out / name).st_mode
        odd = "a symbolic link" if stat.S_ISLNK(mode) else _kind_of(mode)
        if odd is not None:
            raise _refuse(
                "hz_usage_output_not_regular",
                f"{option} `{text}`: `{name}` is {odd}; --force replaces only regular files",
                help="remove it yourself, or give an empty or new directory",
                zh=f"{option} `{text}`：`{name}` 是{_KIND_ZH.get(odd, odd)}；"
                "--force 只替换普通文件",
                help_zh="请自行删除它，或给出空目录或新目录",
            )
    return out


def started_folder(path: Path) -> None:
    """Note that ``path`` is being filled (an interruption may leave some whole files there)."""
    _FILLING.append(str(path))


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` only when the block ends without an exception.

    # INVARIANT: the temporary is created with O_EXCL under a random name in the target's
    # folder (so no planted link is followed and no other run shares it) and is removed on
    # every way out of the block; the rename is the only change ``path`` ever sees.
    """
    folder = path.parent if str(path.parent) else Path(".")
    short = os.fsdecode(os.fsencode(path.name)[:200])  # names hold 255 bytes: leave room
    with _signals_held():  # a signal between creating and registering would lose the name
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{short}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        _LIVE.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fh.fileno(), 0o666 & ~umask)  # mkstemp makes 0600; a report is ordinary
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _recheck(path)
        with _signals_held():  # renamed and unregistered together
            os.replace(tmp, path)
            _LIVE.discard(tmp)
            _WRITTEN.append(str(path))
        _sync_folder(folder)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise _cannot_write(path, exc) from None
    finally:
        if tmp in _LIVE:
            Path(tmp).unlink(missing_ok=True)
            _LIVE.discard(tmp)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back for a few statements (acted on when the block ends)."""
    _HELD.append(True)
    try:
        yield
    finally:
        _HELD.pop()
        if not _HELD and _PENDING:
            signum = _PENDING[0]
            _PENDING.clear()
            _on_signal(signum, None)


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """:func:`atomic_file` as UTF-8 text with ``\\n`` line ends."""
    with atomic_file(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            yield text
            text.flush()
        finally:
            text.detach()


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, bytes as they are) to ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def emit(out: Path | None, data: str | bytes) -> None:
    """Write ``data`` to ``out`` atomically, or to standard output (bytes to its buffer)."""
    if out is not None:
        write_atomically(out, data)
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            raise _refuse(
                "hz_usage_binary_to_terminal",
                "this format is binary: give --output FILE or redirect standard output",
                zh="此格式是二进制的：请给出 --output FILE，或重定向标准输出",
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data)


def _recheck(path: Path) -> None:
    """Refuse to rename over something that became a directory, device, FIFO or socket since
    the check before the work (a rename would replace it)."""
    try:
        kind = _kind_of(path.stat().st_mode)
    except FileNotFoundError:
        return
    if kind is not None:
        raise _refuse(
            "hz_usage_output_not_regular",
            f"--output `{path}` became {kind} while the report was made; nothing written",
            zh=f"生成报告期间 --output `{path}` 变成了{_KIND_ZH.get(kind, kind)}；未写入任何内容",
        )


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename itself is done
    finally:
        os.close(fd)


def _cannot_write(path: Path, exc: OSError) -> UsageError:
    return _refuse(
        "hz_usage_cannot_write",
        f"cannot write `{path}`: {exc.strerror or exc}; nothing written",
        zh=f"无法写入 `{path}`：{os_reason_zh(exc)}；未写入任何内容",
    )


# --- signals and the end of a command --------------------------------------------------------


class TerminatedError(KeyboardInterrupt):
    """SIGTERM, raised where Python handles the signal, so every ``finally`` runs."""


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _HELD:
        _PENDING.append(signum)
        return
    if _CAUGHT:  # a second signal: the first did not stop it soon enough; stop now
        remove_temporaries()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _CAUGHT.append(signum)
    if signum == signal.SIGTERM:
        raise TerminatedError
    raise KeyboardInterrupt


@contextmanager
def handle_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise an exception for the duration (a second one ends the process
    the signal's own way, after removing the temporaries); old handlers restored."""
    _CAUGHT.clear()
    _PENDING.clear()
    _WRITTEN.clear()
    _FILLING.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    sys.unraisablehook = _quiet_interrupts(hook)
    try:
        yield
    finally:
        remove_temporaries()
        sys.unraisablehook = hook
        for s, handler in old.items():
            signal.signal(s, handler)


def _quiet_interrupts(
    hook: Callable[[UnraisableHookArgs], object],
) -> Callable[[UnraisableHookArgs], object]:
    """``hook``, silent for the interruption this module raised itself: a signal that lands
    while a library (polars writing Parquet) runs Python code it cannot raise from is printed
    by Python as "Exception ignored" with a traceback; the command still ends as interrupted
    (exit 130/143, one line, nothing written)."""

    def quiet(args: UnraisableHookArgs) -> object:
        if _CAUGHT and isinstance(args.exc_value, KeyboardInterrupt):
            return None
        return hook(args)

    return quiet


def caught_signal() -> int | None:
    """SIGINT or SIGTERM if one stopped this command."""
    return _CAUGHT[0] if _CAUGHT else None


def remove_temporaries() -> None:
    for tmp in sorted(_LIVE):
        Path(tmp).unlink(missing_ok=True)
    _LIVE.clear()


def interrupted_message() -> str:
    """The one line printed when a signal stops a command."""
    if _FILLING:
        return f"interrupted; files written whole before it are in {', '.join(_FILLING)}"
    if _WRITTEN:
        return f"interrupted; already written whole before it: {', '.join(_WRITTEN)}"
    return "interrupted; nothing written"


def stdout_gone() -> bool:
    """Whether the reader of standard output has gone (``| head`` exited): polling the pipe
    reports an error. Libraries that write to it (polars) raise their own ``OSError``."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poll.poll(0))
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False


def quiet_stdout() -> None:
    """After a broken pipe: point standard output at /dev/null so the final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


__all__ = [
    "TerminatedError",
    "atomic_file",
    "atomic_text",
    "caught_signal",
    "emit",
    "handle_signals",
    "interrupted_message",
    "output_file",
    "output_folder",
    "quiet_stdout",
    "remove_temporaries",
    "started_folder",
    "stdout_gone",
    "write_atomically",
]
