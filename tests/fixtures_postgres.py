"""A real PostgreSQL server for the tests, started once per session in a temporary directory.

The server comes from Debian's ``postgresql`` package (``initdb``/``pg_ctl`` on PATH or under
``/usr/lib/postgresql/*/bin``). It listens only on a Unix socket inside its temporary
directory, so it needs no free port and nothing else can reach it. initdb refuses to run as
root, so as root the server runs as the ``postgres`` OS user (created by that package).

Without the binaries the tests that need the server are skipped with the reason; set
``REQUIRE_POSTGRES=1`` (as CI should) to make that a failure instead.

Fixtures: ``postgres_server`` (the running server), ``postgres_url`` (a database created once
per session) and ``fresh_postgres_url`` (a new empty database per test, dropped after it).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

import psycopg
import pytest

__all__ = ["PostgresServer", "find_bin_dir", "fresh_postgres_url", "postgres_server",
           "postgres_url"]

SERVER_USER = "postgres"  # the OS user Debian's package creates
MISSING = "PostgreSQL server binaries not found: install Debian's postgresql package"
_SETTINGS = """
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
max_connections = 100
"""


def _version_key(bin_dir: str) -> tuple[int, ...]:
    version = Path(bin_dir).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl (PATH first, then the newest Debian version)."""
    candidates = []
    if initdb := shutil.which("initdb"):
        candidates.append(str(Path(initdb).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for directory in candidates:
        if all(Path(directory, name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(directory)
    return None


def _run_as_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.skip(f"running as root and there is no {SERVER_USER!r} OS user to run "
                    "PostgreSQL as (initdb refuses root)")
    return ["runuser", "-u", SERVER_USER, "--"]


class PostgresServer:
    """A throwaway PostgreSQL cluster in ``base_dir``, reached through its Unix socket."""

    def __init__(self, bin_dir: Path, base_dir: Path, run_as: list[str]) -> None:
        self.bin_dir = bin_dir
        self.base_dir = base_dir
        self.data_dir = base_dir / "data"
        self.log_file = base_dir / "server.log"
        self._run_as = run_as

    def url(self, dbname: str) -> str:
        """A libpq URI for ``dbname`` on this server, as the superuser."""
        return f"postgresql://{SERVER_USER}@/{dbname}?host={quote(str(self.base_dir), safe='')}"

    def _pg(self, tool: str, *args: str) -> None:
        command = [*self._run_as, str(self.bin_dir / tool), *args]
        result = subprocess.run(command, cwd=self.base_dir, capture_output=True, text=True,
                                check=False)
        if result.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}):\n{result.stdout}"
                               f"{result.stderr}\n{log}")

    def start(self) -> None:
        """initdb, then start the server and wait until it accepts connections."""
        # --no-sync only skips flushing the fresh cluster; the running server still fsyncs.
        self._pg("initdb", "-D", str(self.data_dir), "-U", SERVER_USER, "-A", "trust",
                 "-E", "UTF8", "--no-locale", "--no-sync")
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(_SETTINGS.format(socket_dir=self.base_dir))
        self._pg("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "60",
                 "start")

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions still open are ended)."""
        self._pg("pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop")

    def create_database(self, dbname: str) -> str:
        """Create ``dbname`` and return its URL."""
        self._admin(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def drop_database(self, dbname: str) -> None:
        """Drop ``dbname``, ending any session still connected to it."""
        self._admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)


def _make_base_dir(run_as: list[str]) -> Path:
    base_dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
    if run_as:
        # The server user must own its directory; mkdtemp made it 0700 for root.
        account = pwd.getpwnam(SERVER_USER)
        os.chown(base_dir, account.pw_uid, account.pw_gid)
    return base_dir


def _missing_binaries() -> NoReturn:
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(f"{MISSING} (REQUIRE_POSTGRES is set)")
    pytest.skip(MISSING)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server running for the whole session."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _missing_binaries()
    run_as = _run_as_prefix()
    server = PostgresServer(bin_dir, _make_base_dir(run_as), run_as)
    try:
        server.start()
        yield server
    finally:
        if (server.data_dir / "postmaster.pid").exists():
            server.stop()
        shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a database created once for the session."""
    return postgres_server.create_database("moderation_test")


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    dbname = f"test_{uuid.uuid4().hex[:12]}"
    yield postgres_server.create_database(dbname)
    postgres_server.drop_database(dbname)
