"""PostgreSQL's side of the PostgreSQL benchmarks: a throwaway server, or a clear line saying why
there is none (the benchmark is then skipped, not failed)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.data import History, history_store
from perfbot.store.copy import to_postgres
from tests.pg_server import PgServer


def start_server(benchmark: str) -> PgServer | None:
    """A fresh PostgreSQL server (tests/pg_server.py), or None after printing why it is skipped."""
    try:
        return PgServer.start()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        reason = detail.decode(errors="replace").strip().splitlines()[-1:] or [str(error)]
        print(f"  {benchmark}: skipped, no PostgreSQL server could be started: {reason[0]}", flush=True)
        return None


@contextlib.contextmanager
def history_in_postgres(workdir: Path, benchmark: str) -> Iterator[tuple[History, str] | None]:
    """The ten-year history copied into a database on a fresh server (`perfbot store copy`'s
    code): the history and the database's URL, or None when no server could be started (said in
    a line). The server is stopped at the end of the block."""
    server = start_server(benchmark)
    if server is None:
        yield None
        return
    try:
        history = history_store(workdir)
        url = server.new_database()
        to_postgres(history.data_dir, url)
        yield history, url
    finally:
        server.stop()
