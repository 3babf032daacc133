"""The columnar path: fact tables read and validated as columns, hot rules evaluated as columns.

See docs/scale.md. ``load_tables`` reads ``<kind>.parquet`` / ``<kind>.jsonl`` folders;
``evaluate_tables`` evaluates a plan over them and gives a :class:`ColumnarReport`, which writes
the report as a stream or becomes the same :class:`~hezhang_rules.findings.Report` as the batch
evaluator's.
"""

from hezhang_rules.columnar.evaluate import (
    ColumnarReport,
    columnar_rule,
    evaluate_columnar,
    evaluate_tables,
)
from hezhang_rules.facts.frames import frames_from_facts, write_tables
from hezhang_rules.facts.tables import (
    Tables,
    is_table_folder,
    load_tables,
    table_files,
    tables_factset,
)

__all__ = [
    "ColumnarReport",
    "Tables",
    "columnar_rule",
    "evaluate_columnar",
    "evaluate_tables",
    "frames_from_facts",
    "is_table_folder",
    "load_tables",
    "table_files",
    "tables_factset",
    "write_tables",
]
