"""Database addresses: ``sqlite:///PATH`` and ``postgresql://USER@HOST[:PORT]/DB``.

Facts can be read from a database (``hezhang-rules check sqlite:///facts.db``), written to one
(``hezhang-rules tables … --format sqlite``), and findings recorded in one (``--store URL``). This
module is where an address is told apart from a path, checked, shown without its password, and
opened: through ADBC (Arrow Database Connectivity, the ``db`` extra), whose drivers hand whole
columns to polars (``fetch_arrow``) and take them back (``adbc_ingest``), with no row-by-row
Python on either side.

Every way an address can be wrong is a diagnostic located at the address (exit 2): a scheme this
library does not read, a SQLite file that does not exist (when it is read), a server that does
not answer or refuses the login, the extra not installed. A password in an address is never
printed: :attr:`DbUrl.shown` replaces it with ``***`` (a report names its source that way too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from hezhang_rules.diagnostics import Diagnostic, HezhangError, Span
from hezhang_rules.extras import need

Scheme = Literal["sqlite", "postgresql"]
SCHEMES: tuple[Scheme, ...] = ("sqlite", "postgresql")
_ALIASES: dict[str, Scheme] = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


class DatabaseError(HezhangError):
    """A database address that is malformed, or a database that cannot be opened or read."""


@dataclass(frozen=True)
class DbUrl:
    """A checked database address.

    ``url`` is the address as given (the driver's), ``shown`` the same without a password (for
    messages and reports), ``path`` the SQLite file (None for PostgreSQL).
    """

    scheme: Scheme
    url: str
    shown: str
    path: Path | None = None

    def span(self, detail: str = "") -> Span:
        """Where a diagnostic about this database points: the address, and ``detail`` (a table,
        a row) after it."""
        return Span(f"{self.shown} {detail}".rstrip())


def is_db_url(text: str) -> bool:
    """Whether ``text`` is written as an address (``scheme://…``) rather than a path. A path
    never holds ``://`` in practice; an address of an unknown scheme is still an address (and
    refused by :func:`parse_db_url`, rather than looked for as a file)."""
    return _URL.match(text) is not None


def _bad(text: str, message: str, zh: str, help: str, help_zh: str) -> DatabaseError:
    return DatabaseError(
        [
            Diagnostic(
                "hz_db_bad_url",
                message,
                Span(_hide_password(text)),
                help=help,
                zh=zh,
                help_zh=help_zh,
            )
        ]
    )


_FORMS = "sqlite:///PATH or postgresql://USER@HOST[:PORT]/DB"
_FORMS_ZH = "sqlite:///路径 或 postgresql://用户@主机[:端口]/库名"


def _hide_password(text: str) -> str:
    """``text`` with the password of its user part (``user:password@``) replaced by ``***``."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None:
        return text
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def parse_db_url(text: str) -> DbUrl:
    """Check ``text`` as a database address; raise :class:`DatabaseError` (``hz_db_bad_url``)."""
    m = _URL.match(text)
    if m is None:
        raise _bad(
            text,
            "not a database address",
            "不是数据库地址",
            f"write {_FORMS}",
            f"请写成 {_FORMS_ZH}",
        )
    scheme = _ALIASES.get(m.group(1).lower())
    if scheme is None:
        raise _bad(
            text,
            f"`{m.group(1)}` databases are not read (SQLite and PostgreSQL are)",
            f"不支持 `{m.group(1)}` 数据库（支持 SQLite 和 PostgreSQL）",
            f"write {_FORMS}",
            f"请写成 {_FORMS_ZH}",
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as exc:
        raise _bad(
            text,
            f"malformed address: {exc}",
            "地址格式不正确",
            f"write {_FORMS}",
            f"请写成 {_FORMS_ZH}",
        ) from None
    shown = _hide_password(text)
    if scheme == "sqlite":
        if parts.netloc or not parts.path or parts.path == "/":
            raise _bad(
                text,
                "a SQLite address names a file: sqlite:///relative/path.db or "
                "sqlite:////absolute/path.db",
                "SQLite 地址应指向一个文件：sqlite:///相对路径.db 或 sqlite:////绝对路径.db",
                "three slashes, then the path",
                "三个斜杠之后写路径",
            )
        if parts.query or parts.fragment:
            raise _bad(
                text,
                "a SQLite address takes no query or fragment",
                "SQLite 地址不接受查询参数或片段",
                "sqlite:///PATH",
                "sqlite:///路径",
            )
        path = Path(
            unquote(parts.path[1:])
        )  # sqlite:///a.db → a.db; sqlite:////tmp/a.db → /tmp/a.db
        return DbUrl("sqlite", text, shown, path)
    if not parts.hostname and "host=" not in parts.query:
        raise _bad(
            text,
            "a PostgreSQL address names its server: postgresql://USER@HOST[:PORT]/DB",
            "PostgreSQL 地址应写明服务器：postgresql://用户@主机[:端口]/库名",
            "for a local socket: postgresql:///DB?host=/var/run/postgresql",
            "本机套接字可写成 postgresql:///库名?host=/var/run/postgresql",
        )
    if parts.path in ("", "/"):
        raise _bad(
            text,
            "a PostgreSQL address names its database: postgresql://USER@HOST[:PORT]/DB",
            "PostgreSQL 地址应写明数据库：postgresql://用户@主机[:端口]/库名",
            f"write {_FORMS}",
            f"请写成 {_FORMS_ZH}",
        )
    url = "postgresql" + text[len(m.group(1)) :]  # postgres:// is the same address
    return DbUrl("postgresql", url, _hide_password(url))


def _driver(db: DbUrl) -> Callable[..., Any]:
    need("db", f"{db.scheme}://")
    if db.scheme == "sqlite":
        import adbc_driver_sqlite.dbapi as sqlite

        return sqlite.connect
    import adbc_driver_postgresql.dbapi as postgresql

    connect_pg: Callable[..., Any] = postgresql.connect
    return connect_pg


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def connect(db: DbUrl, *, create: bool = False, autocommit: bool = False) -> Any:
    """An ADBC DB-API connection to ``db``; raise :class:`DatabaseError` if it cannot be opened.

    A SQLite file must exist unless ``create`` (writing a database, the findings store): a
    mistyped path is then an error, not a new empty database read as "no facts". A PostgreSQL
    server that does not answer or refuses the login is ``hz_db_unreachable``, with the
    driver's first line (never the password).
    """
    connect_to = _driver(db)
    if db.scheme == "sqlite":
        assert db.path is not None
        if not create and not db.path.is_file():
            raise DatabaseError(
                [
                    Diagnostic(
                        "hz_db_no_such_database",
                        "no such SQLite file" if not db.path.exists() else "not a file",
                        db.span(),
                        zh="没有该 SQLite 文件" if not db.path.exists() else "不是文件",
                    )
                ]
            )
        if create and not db.path.parent.is_dir():
            raise DatabaseError(
                [
                    Diagnostic(
                        "hz_db_no_such_database",
                        f"no such folder: {db.path.parent}",
                        db.span(),
                        zh=f"没有该文件夹：{db.path.parent}",
                    )
                ]
            )
    try:
        if db.scheme == "sqlite":
            return connect_to(str(db.path), autocommit=autocommit)
        return connect_to(db.url, autocommit=autocommit)
    except Exception as exc:  # the drivers raise their own DB-API errors; all mean "cannot open"
        reason = _first_line(exc).replace(db.url, db.shown)
        raise DatabaseError(
            [
                Diagnostic(
                    "hz_db_unreachable",
                    f"cannot open the database: {reason}",
                    db.span(),
                    help="check the address, that the server runs, and the user's rights",
                    zh="无法打开数据库",
                    help_zh="请检查地址、服务器是否在运行以及用户权限",
                )
            ]
        ) from None


__all__ = ["SCHEMES", "DatabaseError", "DbUrl", "connect", "is_db_url", "parse_db_url"]
