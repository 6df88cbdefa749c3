"""Resident memory of a real `perfbot serve` on PostgreSQL: bench/memory_bench.py with the ten-year
store copied into a database (`perfbot store copy`'s code) on a server this benchmark starts, and
`PERFBOT_DATABASE_URL` set for the server.

Goal (issue 17, point 6): peak under 300 MB, as on TinyDB. Skipped, with a line saying why, when
no PostgreSQL can be started.
"""

from __future__ import annotations

from pathlib import Path

from bench.memory_bench import measure
from bench.pg_side import history_in_postgres
from bench.results import Result


def run(workdir: Path) -> list[Result]:
    with history_in_postgres(workdir, "pg_memory") as found:
        if found is None:
            return []
        history, url = found
        return measure(workdir, history.data_dir, scale=history.scale, database_url=url, label="pg ")
