"""PostgreSQL's side of the PostgreSQL benchmarks: a throwaway server, or a clear line saying why
there is none (the benchmark is then skipped, not failed)."""

from __future__ import annotations

import subprocess

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
