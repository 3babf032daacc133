"""Coverage-guided fuzzing of the loaders and fact validation with atheris (libFuzzer).

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/atheris_loader.py -max_total_time=600 -rss_limit_mb=2048 fuzz/corpus

Any exception other than the library's own errors is a finding (atheris prints the input and
writes it as crash-*). Seeds: tests/hostile/corpus and examples/ are good starting corpora:
    mkdir -p fuzz/corpus
    cp tests/hostile/corpus/facts/* src/hezhang_rules/packs/qinghemen/example/*.yaml fuzz/corpus/
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import hezhang_rules as hz
    from hezhang_rules.facts.loader import records_from_document
    from hezhang_rules.source import Limits, SourceError, parse_json, parse_yaml

LIMITS = Limits(max_depth=32, max_nodes=20_000, max_alias_nodes=2_000, max_scalar_chars=10_000)


def test_one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    as_json = fdp.ConsumeBool()
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    try:
        doc = (parse_json if as_json else parse_yaml)(text, "fuzz", LIMITS)
    except SourceError:
        return
    diags: list[hz.Diagnostic] = []
    records = records_from_document(doc, diags, {}, LIMITS)
    if diags:
        return
    try:
        hz.FactSet.build(records)
    except hz.FactLoadError:
        return


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
