"""The reports on PostgreSQL: bench/reports_bench.py with the ten-year store copied into a database
(`perfbot store copy`'s code) on a server this benchmark starts.

The same figures (analyse, the digest in every format, the quarterly report without the Word and
PDF papers, each in process on a freshly opened store; the same four commands in new processes
with `PERFBOT_DATABASE_URL` set), against the same baselines read from the database. Goal (issue
17, point 6): the quarterly report under 10 s, the other budgets as on TinyDB. Skipped, with a
line saying why, when no PostgreSQL can be started.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from bench.data import LAST, history_clock, history_store
from bench.pg_side import start_server
from bench.reports_bench import measure
from bench.results import Result
from perfbot.store import interfaces
from perfbot.store.copy import to_postgres
from perfbot.store.pg import PgStore

QUARTERLY_GOAL = 10.0  # seconds (issue 17, point 6)


def run(workdir: Path) -> list[Result]:
    server = start_server("pg_reports")
    if server is None:
        return []
    try:
        history = history_store(workdir)
        url = server.new_database()
        started = time.perf_counter()
        copied = to_postgres(history.data_dir, url)
        copy = Result("pg setup: store copy into PostgreSQL", time.perf_counter() - started, 1,
                      note=f"{history.scale}; {sum(copied.counts.values()):,} records")  # fmt: skip
        clock = history_clock(LAST)

        @contextlib.contextmanager
        def fresh() -> Iterator[interfaces.Store]:
            store = PgStore.open(url, clock=clock)  # a new pool: nothing cached between runs
            try:
                yield store
            finally:
                store.close()

        env = {"PERFBOT_DATA": str(history.data_dir), "PERFBOT_DATABASE_URL": url}  # its perfbot.toml
        return [copy, *measure(workdir, fresh, env, label="pg ", papers=False, quarterly_budget=QUARTERLY_GOAL)]
    finally:
        server.stop()
