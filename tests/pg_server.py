"""A throwaway PostgreSQL server for the tests, from Debian's `postgresql` binaries.

The server refuses to run as root, so as root it is initialised and started as the `postgres`
account (through `runuser`) in a temporary directory that account owns; as anyone else it runs
as that user. It listens on 127.0.0.1 on a free port, with its socket in the same directory.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

USER = "perfbot"
# A test (and so its child processes) puts a database here to run its apps on PostgreSQL.
TEST_DATABASE = "PERFBOT_TEST_DATABASE_URL"


def binaries() -> Path | None:
    """The newest installed server's bin directory (None when `postgresql` is not installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    """One running server; `url()` is a database URL for a fresh or named database."""

    home: Path
    port: int
    bin_dir: Path
    template: str = "template1"  # a database new ones are copied from

    @classmethod
    def start(cls) -> PgServer:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed: run tests/install-postgres.sh")
        home = Path(tempfile.mkdtemp(prefix="perfbot-pg-"))
        if os.geteuid() == 0:
            shutil.chown(home, "postgres")
        server = cls(home, _free_port(), bin_dir)
        server._run("initdb", "-D", str(home / "data"), "-A", "trust", "-U", USER, "-E", "UTF8")
        server._run("pg_ctl", "-D", str(home / "data"), "-l", str(home / "log"), "-w", "-o",
                    f"-p {server.port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=on", "start")  # fmt: skip
        return server

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.home)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, *, template: str = "template1") -> str:
        """A new database, a copy of `template` (by default empty); its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `new_database`, ending the sessions still open on it (a test's
        app that was never closed keeps a pool's connections: enough of them and the server
        refuses new clients)."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)
