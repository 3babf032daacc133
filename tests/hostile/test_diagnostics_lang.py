"""The malformed-input corpus, and bad command lines, said in one language at a time.

Under ``HEZHANG_LANG=zh`` (or ``--lang zh``) standard error holds no English sentence: once the
identifiers are taken out (the location and code of each line, anything quoted, file paths,
option names, record labels, and words joined by ``_ . - / = :`` or digits), no two ASCII words
follow one another. Under ``en`` it holds no Chinese character outside the same identifiers
(the corpus's values and names are Chinese). The argparse usage synopsis is a list of options
and is read as identifiers.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hezhang_rules.cli import main

from .make_corpus import CORPUS, large_cases
from .test_stream_hostile import CASES as STREAM_CASES
from .test_tables_hostile import CASES as TABLE_CASES
from .test_tables_hostile import EXAMPLE as TABLES_EXAMPLE
from .test_tables_hostile import Case as TableCase

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "hezhang_rules" / "packs" / "qinghemen" / "pack.yaml"
FACTS = sorted((CORPUS / "facts").iterdir())
RULES = sorted((CORPUS / "rules").iterdir())

HEAD = re.compile(r"^(?:\S.*?): hz_[a-z0-9_]+: ")
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|《[^》]*》|<[^<>]*>")
RECORD = re.compile(r"\S+\[\d+\](?: \(id [^)]*\))?|\b[a-z_]+ \(id [^)]*\)")
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S*)?")
PATH = re.compile(r"\S*[/\\]\S*")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD_RUN = re.compile(r"\b[A-Za-z]+\s+[A-Za-z]+\b")


def _lines(err: str) -> list[str]:
    """The lines of standard error that are said in words (the usage synopsis is not)."""
    out, synopsis = [], False
    for line in err.splitlines():
        if line.startswith(("usage: ", "用法：")):
            synopsis = True
            continue
        if synopsis and line.startswith(" "):
            continue
        synopsis = False
        out.append(line)
    return out


def _words(line: str, paths: list[str]) -> str:
    """A line with its identifiers taken out (each replaced by a mark that is no word)."""
    text = HEAD.sub("", line)
    for p in sorted(paths, key=len, reverse=True):
        text = text.replace(p, " ¦ ")
    for pattern in (QUOTED, RECORD, PATH, OPTION):
        text = pattern.sub(" ¦ ", text)
    # an identifier: a token holding a digit, or joined by _ . - = : (max_bytes, art016.x, 0x1f)
    return " ".join(
        "¦" if re.search(r"[\d_.=:-]", tok) and re.search(r"[A-Za-z\d]", tok) else tok
        for tok in text.split()
    )


def english_sentences(err: str, paths: list[str]) -> list[str]:
    """Every run of two or more ASCII words outside identifiers, with its line."""
    return [
        f"{m.group(0)!r} in {line!r}"
        for line in _lines(err)
        for m in WORD_RUN.finditer(_words(line, paths))
    ]


def chinese_outside_values(err: str, paths: list[str]) -> list[str]:
    """Every line with a Chinese character outside identifiers and quoted values."""
    return [line for line in _lines(err) if HAN.search(_words(line, paths))]


def test_the_measures_find_what_they_look_for() -> None:
    """The checks would fail: an English sentence, a Chinese word, are each found."""
    assert english_sentences("x.yaml:1:1: hz_a: 键 `k` 重复\n  提示: first defined here", [])
    assert not english_sentences(
        "x.yaml:1:1: hz_a: 键 `first defined` 重复 (--as-of max_bytes)", []
    )
    assert chinese_outside_values("x.yaml:1:1: hz_a: duplicate key 重复", [])
    assert not chinese_outside_values("河.yaml:1:1: hz_a: duplicate key `河` in 《办法》", [])


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("pack")
    shutil.copy(PACK, pack / "pack.yaml")
    shutil.copy(PACK.parent / "art_016.yaml", pack / "art_016.yaml")
    return pack


def _judge(err: str, lang: str, paths: list[str]) -> None:
    assert re.search(r"hz_[a-z_]+", err), err  # a diagnostic was said
    if lang == "zh":
        assert HAN.search(err), err
        found = english_sentences(err, paths)
        assert not found, "\n".join(found)
    else:
        found = chinese_outside_values(err, paths)
        assert not found, "\n".join(found)


def _run(
    argv: list[str],
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    paths: list[str],
) -> None:
    monkeypatch.setenv("HEZHANG_LANG", lang)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    err = capsys.readouterr().err
    assert code == 2, err
    _judge(err, lang, paths)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", FACTS, ids=[p.name for p in FACTS])
def test_fact_file(
    path: Path,
    lang: str,
    small_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["check", str(path), "--as-of", "2022-01-10", "--rules", str(small_pack)]
    _run(argv, lang, monkeypatch, capsys, [str(path), str(small_pack)])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", RULES, ids=[p.name for p in RULES])
def test_rule_file(
    path: Path,
    lang: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(PACK, pack / "pack.yaml")
    shutil.copy(path, pack / "art_016.yaml")
    _run(["lint", str(pack)], lang, monkeypatch, capsys, [str(pack)])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "area, name, content", list(large_cases()), ids=[c[1] for c in large_cases()]
)
def test_large_case(
    area: str,
    name: str,
    content: str | bytes,
    lang: str,
    tmp_path: Path,
    small_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    extra = ["--limit", "max_records=1000"] if "too_many_records" in name else []
    argv = ["check", str(path), "--as-of", "2022-01-10", "--rules", str(small_pack), *extra]
    _run(argv, lang, monkeypatch, capsys, [str(path), str(small_pack)])


# Bad command lines: each is refused with a diagnostic (argparse's own errors included).
COMMAND_LINES = {
    "bad_as_of": ["check", "{facts}", "--as-of", "2022-13-45"],
    "as_of_out_of_range": ["check", "{facts}", "--as-of", "1066-10-14"],
    "bad_param": ["check", "{facts}", "--as-of", "2022-01-10", "--param", "nonsense"],
    "unknown_param": ["check", "{facts}", "--as-of", "2022-01-10", "--param", "no_such=1"],
    "bad_param_value": [
        "check",
        "{facts}",
        "--as-of",
        "2022-01-10",
        "--param",
        "art034.results_due_inclusive=3",
    ],
    "bad_limit": ["check", "{facts}", "--as-of", "2022-01-10", "--limit", "max_bytes=zero"],
    "unknown_limit": ["check", "{facts}", "--as-of", "2022-01-10", "--limit", "max_stuff=1"],
    "bad_within": ["todo", "{facts}", "--as-of", "2022-01-10", "--within", "soon"],
    "no_such_facts": ["check", "{tmp}/missing.yaml", "--as-of", "2022-01-10"],
    "no_such_rules": ["check", "{facts}", "--as-of", "2022-01-10", "--rules", "{tmp}/nothing"],
    "output_is_directory": ["check", "{facts}", "--as-of", "2022-01-10", "--output", "{tmp}"],
    "unknown_finding": ["explain", "no/such/finding", "{facts}", "--as-of", "2022-01-10"],
    "missing_arguments": ["check"],
    "invalid_choice": ["check", "{facts}", "--as-of", "2022-01-10", "--format", "pdf"],
    "unknown_command": ["audit"],
    "no_such_weights": ["check", "{facts}", "--as-of", "2022-01-10", "--weights", "{tmp}/w.yaml"],
    "bad_synth": ["synth", "--chiefs", "many", "--year", "2021", "--out", "{tmp}/w"],
    "synth_out_of_range": ["synth", "--chiefs", "0", "--year", "1900", "--out", "{tmp}/w"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(COMMAND_LINES))
def test_command_line(
    name: str,
    lang: str,
    tmp_path: Path,
    small_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    facts = CORPUS.parent.parent.parent / "src/hezhang_rules/packs/qinghemen/example"
    argv = [
        a.replace("{facts}", str(facts)).replace("{tmp}", str(tmp_path))
        for a in COMMAND_LINES[name]
    ]
    if "--rules" not in argv and argv[0] in ("check", "todo", "explain") and len(argv) > 1:
        argv += ["--rules", str(small_pack)]
    _run(argv, lang, monkeypatch, capsys, [str(tmp_path), str(facts), str(small_pack)])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lang_option_wins_over_the_environment(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check --lang`` decides the language of its diagnostics whatever $HEZHANG_LANG says."""
    monkeypatch.setenv("HEZHANG_LANG", "en" if lang == "zh" else "zh")
    code = main(["check", str(tmp_path / "x.yaml"), "--as-of", "2022-01-10", "--lang", lang])
    err = capsys.readouterr().err
    assert code == 2
    _judge(err, lang, [str(tmp_path)])
    assert ("发现 1 个问题" in err) == (lang == "zh")
    assert ("1 problem found" in err) == (lang == "en")


def test_chinese_without_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unset, or anything but ``en``: Chinese first."""
    for value in (None, "", "fr"):
        if value is None:
            monkeypatch.delenv("HEZHANG_LANG", raising=False)
        else:
            monkeypatch.setenv("HEZHANG_LANG", value)
        assert main(["check", str(tmp_path / "x.yaml"), "--as-of", "2022-01-10"]) == 2
        err = capsys.readouterr().err
        assert "没有该文件或目录" in err and "发现 1 个问题" in err, err


@pytest.fixture(scope="module")
def table_bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for fmt in ("jsonl", "parquet"):
        folder = tmp_path_factory.mktemp(f"base-{fmt}")
        assert main(["tables", str(TABLES_EXAMPLE), "--out", str(folder), "--format", fmt]) == 0
        out[fmt] = folder
    return out


@pytest.mark.parametrize("case", TABLE_CASES, ids=[f"{c.fmt}-{c.name}" for c in TABLE_CASES])
def test_hostile_table_in_chinese(
    case: TableCase,
    table_bases: dict[str, Path],
    small_pack: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The fact-table corpus in Chinese: both engines say the same lines, and in Chinese."""
    monkeypatch.setenv("HEZHANG_LANG", "zh")
    folder = tmp_path / "facts"
    shutil.copytree(table_bases[case.fmt], folder)
    case.build(folder)
    said = {}
    for engine in ("columnar", "records"):
        argv = ["check", str(folder), "--as-of", "2022-01-10", "--rules", str(small_pack)]
        code = main([*argv, "--engine", engine])
        err = capfd.readouterr().err
        assert code == 2, err
        lines = [x for x in err.splitlines() if re.match(r"^\S.*?: hz_[a-z_]+: ", x)]
        assert case.code in err, err
        found = english_sentences("\n".join(lines), [str(folder)])
        assert not found, "\n".join(found)
        said[engine] = lines
    assert said["columnar"] == said["records"], "the engines must refuse alike"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", sorted(STREAM_CASES))
def test_hostile_stream(
    case: str,
    lang: str,
    tmp_path: Path,
    small_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The monitor's stream corpus (a bad line refuses the whole stream), in each language."""
    pytest.importorskip("durable.engine")
    data, code, _line, _col, extra = STREAM_CASES[case]
    path = tmp_path / "facts.jsonl"
    path.write_bytes(data)
    argv = ["monitor", str(path), "--as-of", "2022-01-10", "--rules", str(small_pack), *extra]
    monkeypatch.setenv("HEZHANG_LANG", lang)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert code in err, err
    _judge(err, lang, [str(path), str(small_pack)])
