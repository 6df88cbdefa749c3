"""Resident memory of a real `perfbot serve` on PostgreSQL: bench/memory_bench.py with the ten-year
store copied into a database (`perfbot store copy`'s code) on a server this benchmark starts, and
`PERFBOT_DATABASE_URL` set for the server.

Goal (issue 17, point 6): peak under 300 MB, as on TinyDB. Skipped, with a line saying why, when
no PostgreSQL can be started.
"""

from __future__ import annotations

from pathlib import Path

from bench.data import history_store
from bench.memory_bench import measure
from bench.pg_side import start_server
from bench.results import Result
from perfbot.store.copy import to_postgres


def run(workdir: Path) -> list[Result]:
    server = start_server("pg_memory")
    if server is None:
        return []
    try:
        history = history_store(workdir)
        url = server.new_database()
        to_postgres(history.data_dir, url)
        return measure(workdir, history.data_dir, scale=history.scale, database_url=url, label="pg ")
    finally:
        server.stop()
