"""Rule files → :class:`RuleSet` (syntax checked, every problem located).

A rule pack is a directory holding ``pack.yaml`` and one ``art_NNN.yaml`` per article. The
loader checks what can be checked per file (schema, file name ↔ article number ↔ rule ids,
duplicates); meaning (field paths, parameter types, escalation cycles) is the compiler's.

Every file is read once, bounded (``source.read_bytes_bounded``: a FIFO, device, socket or
directory named like a rule file is refused without being opened), and its digest is taken
from the bytes that were parsed. A rule file that is a symlink is followed only when it
resolves inside the pack directory: a pack from elsewhere cannot make ``lint`` read (and echo
parts of) a file outside it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hezhang_rules.diagnostics import (
    Diagnostic,
    RuleLoadError,
    Span,
    did_you_mean,
    did_you_mean_zh,
    os_reason_zh,
    pydantic_zh,
)
from hezhang_rules.rules.model import PackFile, Rule, RuleFile
from hezhang_rules.rules.packs import no_pack_help, no_pack_help_zh
from hezhang_rules.source import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    SourceError,
    check_regular_file,
    decode_text,
    parse_text,
    read_bytes_bounded,
)

ARTICLE_FILE = re.compile(r"^art_(\d{3})\.ya?ml$")
PACK_FILE = "pack.yaml"


@dataclass(frozen=True)
class LoadedFile:
    """A parsed rule or pack file: its model, its document (for spans) and its text digest."""

    path: str
    doc: Document
    digest: str


@dataclass(frozen=True)
class LoadedRuleFile(LoadedFile):
    model: RuleFile


@dataclass(frozen=True)
class LoadedPack(LoadedFile):
    model: PackFile


@dataclass(frozen=True)
class RuleSet:
    """A loaded rule pack: the pack file and the article files sorted by article number."""

    root: str
    pack: LoadedPack
    files: tuple[LoadedRuleFile, ...]

    def digest(self) -> str:
        """sha256 over the pack's files (name and bytes), independent of load order."""
        h = hashlib.sha256()
        for f in sorted([self.pack, *self.files], key=lambda x: Path(x.path).name):
            h.update(Path(f.path).name.encode() + b"\0" + f.digest.encode() + b"\n")
        return h.hexdigest()


def _pydantic_diags(
    doc: Document, exc: ValidationError, model: type[BaseModel], prefix: tuple[Any, ...] = ()
) -> list[Diagnostic]:
    out = []
    for err in exc.errors():
        if _other_branch(err):
            continue
        clean = _document_path(doc.data, tuple(err["loc"]), err["type"])
        path = (*prefix, *clean)
        is_key = err["type"] == "extra_forbidden"
        span = doc.span(path, key=is_key)
        msg = err["msg"].removeprefix("Value error, ")
        zh = pydantic_zh(err)
        help_text = help_zh = None
        code = "hz_rule_schema"
        kinds = "count, forbid, deadline, response or evidence"
        kinds_zh = "count、forbid、deadline、response 或 evidence"
        if is_key:
            code = "hz_rule_unknown_key"
            msg = f"unknown key `{clean[-1]}`"
            zh = f"未知的键 `{clean[-1]}`"
            help_text = did_you_mean(str(clean[-1]), _keys_near(model, clean[:-1]))
            help_zh = did_you_mean_zh(str(clean[-1]), _keys_near(model, clean[:-1]))
        elif err["type"] == "missing":
            code = "hz_rule_missing_key"
            msg = f"missing key `{clean[-1]}`"
            zh = f"缺少键 `{clean[-1]}`"
        elif err["type"] == "union_tag_invalid":
            code = "hz_rule_unknown_requirement"
            given = err.get("input", {}).get("type")
            msg = f"unknown requirement type {given!r}; expected {kinds}"
            zh = f"未知的要求类型 `{given}`；应为 {kinds_zh}"
        elif err["type"] == "union_tag_not_found":
            code = "hz_rule_missing_key"
            msg = f"missing key `type` ({kinds})"
            zh = f"缺少键 `type`（{kinds_zh}）"
        elif err["type"] in ("enum", "literal_error"):
            code = "hz_rule_unknown_value"
            allowed = re.findall(r"'([^']+)'", str(err.get("ctx", {}).get("expected", "")))
            msg = f"`{err.get('input')}` is not one of: {', '.join(allowed)}"
            zh = f"`{err.get('input')}` 不在可选值之中：{'、'.join(allowed)}"
            help_text = did_you_mean(str(err.get("input")), allowed)
            help_zh = did_you_mean_zh(str(err.get("input")), allowed)
        field = ".".join(str(x) for x in clean)
        out.append(
            Diagnostic(
                code,
                msg,
                span,
                field_path=field or None,
                help=help_text,
                zh=zh,
                help_zh=help_zh,
            )
        )
    return _dedupe(out)


def _document_path(data: Any, loc: tuple[Any, ...], err_type: str) -> tuple[Any, ...]:
    """The part of a pydantic error location that names real keys and indexes of the file.

    Pydantic inserts union and discriminator tags (``count``, ``ParamRef``, ``list[...]``) into
    locations; walking the parsed document tells them from the author's own keys, whatever
    those keys look like (``a[b`` included). A missing key is kept as the last step.
    """
    out: list[Any] = []
    current = data
    for i, step in enumerate(loc):
        if (isinstance(current, dict) and step in current) or (
            isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        ):
            out.append(step)
            current = current[step]
        elif i == len(loc) - 1 and err_type == "missing" and isinstance(step, str):
            out.append(step)
    return tuple(out)


def _other_branch(err: Any) -> bool:
    """Whether ``err`` is about the union branch the author did not mean.

    Fields that take a literal or ``{param: name}`` fail twice when wrong; a literal written by
    the author is judged as a literal, a ``{param: …}`` mapping as a parameter reference.
    """
    loc = err["loc"]
    is_ref = isinstance(err.get("input"), dict) and "param" in err["input"]
    if "ParamRef" in loc:
        return not is_ref and not isinstance(err.get("input"), dict)
    if any(isinstance(x, str) and "[" in x and not x.startswith("function") for x in loc):
        return bool(is_ref)
    return False


def _keys_near(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (best effort, for "did you mean")."""
    from hezhang_rules.rules import model as m

    names: set[str] = set()
    for cls in (
        m.RuleFile,
        m.Rule,
        m.Holder,
        m.Condition,
        m.CountRequirement,
        m.DeadlineRequirement,
        m.ResponseRequirement,
        m.EvidenceRequirement,
        m.Trigger,
        m.Response,
        m.RelativeDue,
        m.DueDate,
        m.Parameter,
        m.PeriodPolicy,
        m.PostHolder,
        m.UnitHolder,
        m.RoleCheck,
        m.Related,
        m.Unchecked,
        m.PackFile,
        m.ArticleVersion,
        m.DatedValue,
        m.Amendment,
        m.Amendments,
    ):
        names.update(f.alias or n for n, f in cls.model_fields.items())
    return sorted(names)


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for d in diags:
        key = (str(d.span), d.code, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _read(root: Path, path: Path, limits: Limits) -> tuple[Document, str]:
    """Read and parse one pack file once: its document and the sha256 of its bytes."""
    display = str(path)
    check_regular_file(path, display)  # a FIFO or device is refused before anything else
    try:
        inside = path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):
        inside = True  # missing or a symlink loop: reading it reports that, located
    if not inside:
        raise SourceError(
            [
                Diagnostic(
                    "hz_rule_outside_pack",
                    "a symlink to a file outside the rule pack: not read",
                    Span(display),
                    help="copy the file into the pack; rule files are read only from the pack "
                    "directory",
                    zh="指向规则包之外文件的符号链接：未读取",
                    help_zh="把文件复制到规则包中；规则文件只从规则包目录读取",
                )
            ]
        )
    raw = read_bytes_bounded(path, display, limits.max_bytes)
    doc = parse_text(decode_text(raw, display), display, path.suffix, limits)
    return doc, hashlib.sha256(raw).hexdigest()


def _load_pack(root: Path, diags: list[Diagnostic], limits: Limits) -> LoadedPack | None:
    path = root / PACK_FILE
    if not path.exists() and not path.is_symlink():
        diags.append(
            Diagnostic(
                "hz_rule_no_pack",
                f"no {PACK_FILE} in rule directory",
                Span(str(root)),
                help="a rule pack is a directory with pack.yaml and art_NNN.yaml",
                zh=f"规则目录中没有 {PACK_FILE}",
                help_zh="规则包是含有 pack.yaml 和 art_NNN.yaml 的目录",
            )
        )
        return None
    try:
        doc, digest = _read(root, path, limits)
        model = PackFile.model_validate(doc.data)
    except SourceError as exc:
        diags.extend(exc.diagnostics)
        return None
    except ValidationError as exc:
        diags.extend(_pydantic_diags(doc, exc, PackFile))
        return None
    return LoadedPack(str(path), doc, digest, model)


def _load_article(
    root: Path, path: Path, diags: list[Diagnostic], limits: Limits
) -> LoadedRuleFile | None:
    try:
        doc, digest = _read(root, path, limits)
    except SourceError as exc:
        diags.extend(exc.diagnostics)
        return None
    if not isinstance(doc.data, dict):
        diags.append(
            Diagnostic(
                "hz_rule_schema",
                "a rule file is a mapping (article, text, rules…)",
                Span(str(path), 1, 1),
                zh="规则文件须为映射（article、text、rules……）",
            )
        )
        return None
    try:
        model = RuleFile.model_validate(doc.data)
    except ValidationError as exc:
        diags.extend(_pydantic_diags(doc, exc, RuleFile))
        return None
    number = int(ARTICLE_FILE.match(path.name).group(1))  # type: ignore[union-attr]
    if model.article != number:
        diags.append(
            Diagnostic(
                "hz_rule_article_mismatch",
                f"file {path.name} holds article {model.article}",
                doc.span(("article",)),
                help=f"article {model.article} belongs in art_{model.article:03d}.yaml",
                zh=f"文件 {path.name} 写的是第 {model.article} 条",
                help_zh=f"第 {model.article} 条应写在 art_{model.article:03d}.yaml 中",
            )
        )
    prefix = f"art{model.article:03d}."
    lists: list[tuple[tuple[str | int, ...], list[Rule]]] = [(("rules",), model.rules)]
    lists += [(("versions", vi, "rules"), v.rules) for vi, v in enumerate(model.versions)]
    for at, rules in lists:
        for i, rule in enumerate(rules):
            if not rule.id.startswith(prefix):
                diags.append(
                    Diagnostic(
                        "hz_rule_id_mismatch",
                        f"rule id `{rule.id}` does not belong to article {model.article}",
                        doc.span((*at, i, "id")),
                        help=f"ids in this file start with `{prefix}`",
                        zh=f"规则 id `{rule.id}` 不属于第 {model.article} 条",
                        help_zh=f"本文件中的 id 以 `{prefix}` 开头",
                    )
                )
    _check_versions(model, doc, diags)
    return LoadedRuleFile(str(path), doc, digest, model)


def _check_versions(model: RuleFile, doc: Document, diags: list[Diagnostic]) -> None:
    """A file with ``versions`` keeps its rules in them (its own ``rules`` is empty), and a
    version lists a rule id once (the same id in two versions is one rule, amended)."""
    if not model.versions:
        return
    if model.rules:
        diags.append(
            Diagnostic(
                "hz_rule_versions_rules",
                "a file with `versions` lists its rules in each version, not in `rules`",
                doc.span(("rules",), key=True),
                help="move the rules into the version they belong to (every version lists "
                "every rule in force under it)",
                zh="带 `versions` 的文件在各版本中列出规则，而不在 `rules` 中",
                help_zh="把规则移入所属的版本（每个版本列出其施行期间的全部规则）",
            )
        )
    for vi, version in enumerate(model.versions):
        seen: set[str] = set()
        for i, rule in enumerate(version.rules):
            if rule.id in seen:
                diags.append(
                    Diagnostic(
                        "hz_rule_duplicate_id",
                        f"rule id `{rule.id}` is used twice in version `{version.version}`",
                        doc.span(("versions", vi, "rules", i, "id")),
                        zh=f"规则 id `{rule.id}` 在版本 `{version.version}` 中被用了两次",
                    )
                )
            seen.add(rule.id)


PACKAGE_FILE = "__init__.py"
"""A pack shipped as a Python package (:mod:`hezhang_rules.packs`) holds this file too."""


def load_rules(directory: str | Path, limits: Limits = DEFAULT_LIMITS) -> RuleSet:
    """Load a rule pack directory; raise :class:`RuleLoadError` with every problem found."""
    root = Path(directory)
    diags: list[Diagnostic] = []
    try:
        if not root.is_dir():
            raise RuleLoadError(
                [
                    Diagnostic(
                        "hz_rule_no_such_dir",
                        "no such rule directory",
                        Span(str(root)),
                        help=no_pack_help(),
                        zh="没有该规则目录",
                        help_zh=no_pack_help_zh(),
                    )
                ]
            )
        listing = sorted(root.iterdir())
    except OSError as exc:  # a name too long, a folder that cannot be listed
        reason = exc.strerror or type(exc).__name__
        raise RuleLoadError(
            [
                Diagnostic(
                    "hz_load_unreadable",
                    f"cannot read: {reason}",
                    Span(str(root)),
                    zh=f"无法读取：{os_reason_zh(exc)}",
                )
            ]
        ) from None
    pack = _load_pack(root, diags, limits)
    files: list[LoadedRuleFile] = []
    for path in listing:
        if path.name in (PACK_FILE, PACKAGE_FILE) or path.name.startswith("."):
            continue
        if path.is_dir() and not ARTICLE_FILE.match(path.name):
            continue  # a sub-folder (cases, notes); one named like a rule file is refused below
        if not ARTICLE_FILE.match(path.name):
            diags.append(
                Diagnostic(
                    "hz_rule_bad_file_name",
                    "rule files are named art_NNN.yaml (three digits)",
                    Span(str(path)),
                    zh="规则文件须命名为 art_NNN.yaml（三位数字）",
                )
            )
            continue
        loaded = _load_article(root, path, diags, limits)
        if loaded is not None:
            files.append(loaded)
    _check_duplicates(files, diags)
    if diags or pack is None:
        raise RuleLoadError(
            diags or [Diagnostic("hz_rule_no_pack", "no pack", Span(str(root)), zh="没有规则包")]
        )
    files.sort(key=lambda f: f.model.article)
    return RuleSet(str(root), pack, tuple(files))


def _check_duplicates(files: Sequence[LoadedRuleFile], diags: list[Diagnostic]) -> None:
    seen_articles: dict[int, str] = {}
    seen_rules: dict[str, Span] = {}
    for f in files:
        if f.model.article in seen_articles:
            diags.append(
                Diagnostic(
                    "hz_rule_duplicate_article",
                    f"article {f.model.article} is also in {seen_articles[f.model.article]}",
                    f.doc.span(("article",)),
                    zh=f"第 {f.model.article} 条也在 {seen_articles[f.model.article]} 中",
                )
            )
        seen_articles[f.model.article] = f.path
        for i, rule in enumerate(f.model.rules):
            span = f.doc.span(("rules", i, "id"))
            if rule.id in seen_rules:
                diags.append(
                    Diagnostic(
                        "hz_rule_duplicate_id",
                        f"rule id `{rule.id}` is used twice",
                        span,
                        help=f"first used at {seen_rules[rule.id]}",
                        zh=f"规则 id `{rule.id}` 被用了两次",
                        help_zh=f"第一次用于 {seen_rules[rule.id]}",
                    )
                )
            seen_rules.setdefault(rule.id, span)
