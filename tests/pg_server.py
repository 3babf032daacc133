"""A throwaway PostgreSQL server for the tests (standard library only; dev.py imports it too).

The tests run against a real server, Debian's ``postgresql`` package (``.ci/run`` installs it):
:func:`start` makes a private cluster in a temporary folder (``initdb``, trust authentication,
``fsync`` off: a test server holds nothing worth keeping), listening on 127.0.0.1 at a free port,
and returns its address, ``postgresql://hz@127.0.0.1:PORT/postgres``. As root the server runs as
the ``postgres`` user (PostgreSQL refuses to run as root). :func:`stop` ends it and removes the
folder.

Where the tests find it: ``HEZHANG_TEST_POSTGRES`` names a running server's address (``dev.py
test`` starts one and sets it). Unset, the ``postgres_url`` fixture (tests/conftest.py) starts one
for the session if the binaries are here, and skips the PostgreSQL tests if they are not, unless
``HEZHANG_REQUIRE_POSTGRES=1`` (set by ``.ci/run``): then a missing server fails them.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENV_URL = "HEZHANG_TEST_POSTGRES"
ENV_REQUIRE = "HEZHANG_REQUIRE_POSTGRES"
USER = "hz"


@dataclass(frozen=True)
class Server:
    """A running throwaway server: its address and its folder (data, socket and log)."""

    url: str
    folder: Path
    as_postgres: bool


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: Debian's ``/usr/lib/postgresql/N/bin``
    (the newest), else the ``PATH``'s; None when PostgreSQL is not installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str], as_postgres: bool) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if as_postgres else cmd


def start() -> Server:
    """Start a private cluster; raise ``RuntimeError`` (with the server's log) if it fails."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="hezhang-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    init = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER]
    init += ["--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]
    done = subprocess.run(_as_server_user(init, as_postgres), check=False, **quiet)  # type: ignore[call-overload]
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr}")
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options]
    ctl += ["-l", str(folder / "log"), "-w", "start"]
    done = subprocess.run(_as_server_user(ctl, as_postgres), check=False, **quiet)  # type: ignore[call-overload]
    if done.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log}")
    return Server(f"postgresql://{USER}@127.0.0.1:{port}/postgres", folder, as_postgres)


def stop(server: Server) -> None:
    """Stop the server (fast shutdown) and remove its folder."""
    bin_dir = binaries()
    if bin_dir is not None:
        ctl = [str(bin_dir / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "fast", "stop"]
        subprocess.run(
            _as_server_user(ctl, server.as_postgres),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    shutil.rmtree(server.folder, ignore_errors=True)


def database_url(admin_url: str, name: str) -> str:
    """The address of database ``name`` on the server of ``admin_url``."""
    return admin_url.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url`` for the ``with`` block: its address
    (dropped afterwards, connections and all). Needs the ADBC PostgreSQL driver (the ``db``
    extra), imported here only: dev.py loads this module with the standard library alone."""
    import adbc_driver_postgresql.dbapi as pg

    name = f"hz_{uuid.uuid4().hex[:12]}"
    with pg.connect(admin_url, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield database_url(admin_url, name)
    finally:
        with pg.connect(admin_url, autocommit=True) as con, con.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
