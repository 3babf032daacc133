"""The clause register: every sentence of every encoded article, and what accounts for it.

A sentence is *normative* when it carries one of the markers the measures use for duties
(应, 负责, 由…, 至少, 一般, 不得, 前, 及时). A sentence is *accounted for* when a rule's
``clause`` or an ``unchecked`` entry's ``clause`` is part of it (or it is part of one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hezhang_rules.compile.plan import Plan
from hezhang_rules.diagnostics import Diagnostic
from hezhang_rules.source import load_document

NORMATIVE_MARKERS = ("应", "负责", "由", "至少", "一般", "不得", "前", "及时")


@dataclass(frozen=True)
class ClauseEntry:
    article: int
    sentence: str
    normative: bool
    rules: tuple[str, ...]
    unchecked: tuple[str, ...]  # reasons
    uncovered: tuple[str, ...] = ()  # duty markers no quoted clause covers, with context

    @property
    def accounted(self) -> bool:
        return bool(self.rules or self.unchecked) and not self.uncovered


def sentences(text: str) -> list[str]:
    """The sentences of an article (split at 。 and ；), without the ``第N条`` heading."""
    body = re.sub(r"^第[一二三四五六七八九十]+条[\s\u3000]*", "", text.strip())
    parts = re.split(r"(?<=[。；])", body.replace("\n", ""))
    return [p.strip() for p in parts if p.strip(" 。；\u3000")]


def _core(clause: str) -> str:
    return clause.strip().strip("。；，…").replace(" … ", "…").strip()


def _covered_ranges(clause: str, sentence: str) -> list[tuple[int, int]]:
    """Character ranges of ``sentence`` a clause quotes (each piece between "…")."""
    out = []
    for piece in (p.strip() for p in _core(clause).split("…")):
        start = sentence.find(piece) if piece else -1
        if start >= 0:
            out.append((start, start + len(piece)))
    return out


def _uncovered_markers(sentence: str, clauses: list[str]) -> tuple[str, ...]:
    """Duty markers in ``sentence`` outside every quoted clause (e.g. a dropped "及时" duty)."""
    ranges = [r for c in clauses for r in _covered_ranges(c, sentence)]
    if any(_core(sentence) in _core(c) for c in clauses):
        return ()
    out = []
    for marker in NORMATIVE_MARKERS:
        for m in re.finditer(re.escape(marker), sentence):
            if not any(a <= m.start() and m.end() <= b for a, b in ranges):
                out.append(sentence[max(0, m.start() - 6) : m.end() + 6])
    return tuple(out)


def _overlaps(clause: str, sentence: str) -> bool:
    core = _core(clause)
    if not core:
        return False
    pieces = [p for p in core.split("…") if p.strip()]
    return all(p.strip() in sentence for p in pieces) or _core(sentence) in core


def clause_register(plan: Plan) -> list[ClauseEntry]:
    """One entry per sentence of every article in ``plan``, in article order."""
    rules_by_article: dict[int, list[tuple[str, str]]] = {}
    for r in plan.rules:
        rules_by_article.setdefault(r.article, []).append((r.id, r.clause))
    out = []
    for a in plan.articles:
        for s in sentences(a.text):
            rule_ids = tuple(
                rid for rid, clause in rules_by_article.get(a.number, []) if _overlaps(clause, s)
            )
            reasons = tuple(reason for clause, reason, _ in a.unchecked if _overlaps(clause, s))
            normative = any(m in s for m in NORMATIVE_MARKERS)
            clauses = [c for _, c in rules_by_article.get(a.number, [])] + [
                c for c, _, _ in a.unchecked
            ]
            uncovered = _uncovered_markers(s, clauses) if normative else ()
            out.append(ClauseEntry(a.number, s, normative, rule_ids, reasons, uncovered))
    return out


def render_register(entries: list[ClauseEntry], lang: str = "zh") -> str:
    """A Markdown table: article, sentence, normative?, how it is accounted for."""
    head = (
        "| 条 | 句子 | 规范性 | 规则 / 未检查原因 |"
        if lang == "zh"
        else "| art. | sentence | normative | rules / reason unchecked |"
    )
    lines = [head, "|---|---|---|---|"]
    for e in entries:
        how = ", ".join([*(f"`{r}`" for r in e.rules), *(f"*{u}*" for u in e.unchecked)])
        if not how:
            how = "**未处理**" if lang == "zh" else "**not accounted for**"
        if e.uncovered:
            how += (" — **未覆盖**: " if lang == "zh" else " — **uncovered**: ") + " / ".join(
                e.uncovered
            )
        mark = (
            "是"
            if lang == "zh" and e.normative
            else ("否" if lang == "zh" else ("yes" if e.normative else "no"))
        )
        lines.append(f"| {e.article} | {e.sentence.replace('|', '｜')} | {mark} | {how} |")
    covered = sum(1 for e in entries if e.normative and e.accounted)
    total = sum(1 for e in entries if e.normative)
    lines += ["", f"{covered}/{total} normative sentences accounted for"]
    return "\n".join(lines) + "\n"


def unaccounted(plan: Plan) -> list[Diagnostic]:
    """A diagnostic for every normative sentence no rule and no ``unchecked`` entry covers."""
    spans = {a.number: a.text_span for a in plan.articles}
    return [
        Diagnostic(
            "hz_lint_unaccounted_clause",
            f"article {e.article}: normative sentence not accounted for: {e.sentence}"
            + (
                f" (duty words outside every quoted clause: {' / '.join(e.uncovered)})"
                if e.uncovered
                else ""
            ),
            spans.get(e.article),
            help="add a rule whose `clause` quotes it, or an `unchecked` entry with a reason",
            zh=f"第 {e.article} 条：规范性语句未被涵盖：{e.sentence}"
            + (f"（在所有引用条款之外的义务词：{' / '.join(e.uncovered)}）" if e.uncovered else ""),
            help_zh="添加一条以 `clause` 引用它的规则，或一条写明理由的 `unchecked` 条目",
        )
        for e in clause_register(plan)
        if e.normative and not e.accounted
    ]


def scan_cases(directory: Path) -> dict[str, dict[str, list[str]]]:
    """Golden case files under ``directory``: rule id → status → case files expecting it.

    A case file (see tests/golden/conftest.py) lists ``expect`` entries whose ids start with
    the rule id. Files and folders whose names start with ``_`` are worlds, not cases.
    """
    out: dict[str, dict[str, list[str]]] = {}
    for path in sorted(directory.rglob("*.yaml")):
        rel = path.relative_to(directory)
        if any(part.startswith("_") for part in rel.parts):
            continue
        data = load_document(path, str(rel)).data
        if not isinstance(data, dict):
            continue
        expect = data.get("expect")
        for e in expect if isinstance(expect, list) else []:
            if not isinstance(e, dict):  # a malformed case: `coverage` refuses it before this
                continue
            rule_id = str(e.get("id", "")).split("/", 1)[0]
            files = out.setdefault(rule_id, {}).setdefault(str(e.get("status")), [])
            if str(rel) not in files:
                files.append(str(rel))
    return out


def render_coverage(plan: Plan, cases: dict[str, dict[str, list[str]]]) -> str:
    """docs/coverage.md: article → sentences → rules → golden cases → register entries."""
    entries = clause_register(plan)
    by_article: dict[int, list[ClauseEntry]] = {}
    for e in entries:
        by_article.setdefault(e.article, []).append(e)
    normative = [e for e in entries if e.normative]
    tested = sum(
        1
        for r in plan.rules
        if cases.get(r.id, {}).get("fulfilled") and cases.get(r.id, {}).get("violated")
    )
    lines = [
        "# Coverage of 《清河门区河长制工作管理办法》",
        "",
        "Generated by `hezhang-rules coverage` from the rule files and the pack's golden "
        "cases; `tests/unit/test_register.py` checks it is current. Every sentence of "
        "every article is listed with the rules that check it and the register entries "
        "(`unchecked` reasons) that account for what no machine checks.",
        "",
        f"- articles: {len(plan.articles)}; rules: {plan.rule_count}; "
        f"sentences: {len(entries)}, normative: {len(normative)}, accounted for: "
        f"{sum(1 for e in normative if e.accounted)}",
        f"- rules with a compliant and a violating golden case: {tested}/{plan.rule_count}",
    ]
    rules_by_article: dict[int, list[str]] = {}
    for r in plan.rules:
        rules_by_article.setdefault(r.article, []).append(r.id)
    for a in plan.articles:
        lines += ["", f"## 第{a.number}条 {a.title.zh} — {a.title.en}", ""]
        lines += ["| sentence | normative | rules | register |", "|---|---|---|---|"]
        for e in by_article.get(a.number, []):
            lines.append(
                f"| {e.sentence.replace('|', '｜')} | {'yes' if e.normative else 'no'} | "
                f"{', '.join(f'`{r}`' for r in e.rules) or '—'} | "
                f"{', '.join(e.unchecked) or '—'} |"
            )
        ids = sorted(rules_by_article.get(a.number, []))
        if ids:
            lines += [
                "",
                "| rule | compliant cases | violating cases | other cases |",
                "|---|---|---|---|",
            ]
            for rid in ids:
                c = cases.get(rid, {})
                other = sorted(
                    {f for s, fs in c.items() if s not in ("fulfilled", "violated") for f in fs}
                )
                lines.append(
                    f"| `{rid}` | {_files(c.get('fulfilled', []))} | "
                    f"{_files(c.get('violated', []))} | {_files(other)} |"
                )
    return "\n".join(lines) + "\n"


def _files(files: list[str]) -> str:
    return "<br>".join(f"`{f}`" for f in sorted(files)) if files else "—"
