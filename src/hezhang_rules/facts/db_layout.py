"""The layout of facts in a database: one table per fact kind, generated from the fact model.

The same layout as the Parquet tables (``hezhang-rules tables``): a table per kind, named as
the kind (``inspections``), a column per field of the model, named as the field, in the model's
order. Types:

============================  ===========================  ==============================
field                         PostgreSQL                   SQLite
============================  ===========================  ==============================
text, id, enumeration         ``text``                     ``TEXT``
date                          ``date``                     ``TEXT`` (ISO ``YYYY-MM-DD``)
whole number                  ``bigint``                   ``INTEGER``
number                        ``double precision``         ``REAL``
yes/no                        ``boolean``                  ``INTEGER`` (0 or 1)
list, mapping, nested record  ``jsonb``                    ``TEXT`` holding JSON
============================  ===========================  ==============================

A nested value holds the same JSON as the field in a fact file. ``id`` is the primary key; a
required field is ``NOT NULL``; a field with a default may be NULL (the default applies). The
database's own constraints are a first guard for the platform writing into it: reading
validates every row as any other fact source does (located ``table KIND, row id=…, column
FIELD``), since a database may have been filled by hand or by another tool.

The layout is versioned with the model: :data:`FACT_SCHEMA_VERSION` is a digest of it, kept in
the table ``hezhang_meta`` (``key``, ``value``) of a database this library writes, and printed
by ``hezhang-rules db schema`` at the head of the DDL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from hezhang_rules.facts.models import FACT_KINDS
from hezhang_rules.facts.schema import FieldShape, model_fields

Dialect = Literal["sqlite", "postgresql"]
DIALECTS: tuple[Dialect, ...] = ("sqlite", "postgresql")
META_TABLE = "hezhang_meta"
"""The table holding ``fact_schema_version`` (and who wrote the database) as key/value rows."""

_SCALARS: dict[type, tuple[str, str]] = {
    # scalar type: (PostgreSQL, SQLite)
    str: ("text", "TEXT"),
    dt.date: ("date", "TEXT"),
    int: ("bigint", "INTEGER"),
    float: ("double precision", "REAL"),
    bool: ("boolean", "INTEGER"),
}


def is_json(shape: FieldShape) -> bool:
    """Whether a field is stored as JSON (a list, mapping or nested record)."""
    return shape.kind != "scalar"


def column_type(shape: FieldShape, dialect: Dialect) -> str:
    """The SQL type of a field's column in ``dialect``."""
    if is_json(shape):
        return "jsonb" if dialect == "postgresql" else "TEXT"
    scalar = shape.scalar or str
    for base in (bool, dt.date, int, float):  # bool before int: a bool is an int
        if issubclass(scalar, base):
            pg, lite = _SCALARS[base]
            return pg if dialect == "postgresql" else lite
    pg, lite = _SCALARS[str]  # text, ids and enumerations
    return pg if dialect == "postgresql" else lite


def create_table(kind: str, dialect: Dialect) -> str:
    """``CREATE TABLE`` of one kind."""
    model = FACT_KINDS[kind]
    lines = []
    for name, shape in model_fields(model).items():
        sql = f"{_quote(name)} {column_type(shape, dialect)}"
        if name == "id":
            sql += " PRIMARY KEY"
        elif model.model_fields[name].is_required():
            sql += " NOT NULL"
        lines.append(sql)
    body = ",\n    ".join(lines)
    return f"CREATE TABLE {_quote(kind)} (\n    {body}\n);"


def _quote(name: str) -> str:
    """A table or column name, quoted (the model's names are identifiers; some are keywords)."""
    return f'"{name}"'


def _tables(dialect: Dialect) -> str:
    return "\n\n".join(create_table(kind, dialect) for kind in FACT_KINDS)


FACT_SCHEMA_VERSION = hashlib.sha256(
    (_tables("postgresql") + _tables("sqlite")).encode()
).hexdigest()[:12]
"""A digest of the layout in both dialects: changes whenever a fact kind or field does."""


def ddl(dialect: Dialect) -> str:
    """The whole schema in ``dialect``: every kind's table and the meta table with the layout's
    version (what ``hezhang-rules db schema`` prints)."""
    meta = (
        f"CREATE TABLE {_quote(META_TABLE)} (\n"
        "    key text PRIMARY KEY,\n    value text NOT NULL\n);\n"
        f"INSERT INTO {_quote(META_TABLE)} (key, value) "
        f"VALUES ('fact_schema_version', '{FACT_SCHEMA_VERSION}');"
    )
    head = (
        f"-- hezhang-rules fact tables, {dialect}, fact schema version {FACT_SCHEMA_VERSION}\n"
        "-- One table per fact kind, a column per field (docs/fact-model.md).\n"
    )
    return f"{head}\n{_tables(dialect)}\n\n{meta}\n"


__all__ = [
    "DIALECTS",
    "FACT_SCHEMA_VERSION",
    "META_TABLE",
    "Dialect",
    "column_type",
    "create_table",
    "ddl",
    "is_json",
]
