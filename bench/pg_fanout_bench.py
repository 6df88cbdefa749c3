"""Opening a round through Slack on PostgreSQL: bench/fanout_bench.py with the ten-year store
copied into a database (`perfbot store copy`'s code) on a server this benchmark starts.

Goal (issue 17, point 5): wall time within 1.2× the rate-limit floor, no request DM'd twice or
lost, as on TinyDB. Skipped, with a line saying why, when no PostgreSQL can be started.
"""

from __future__ import annotations

from pathlib import Path

from bench.data import history_store
from bench.fanout_bench import fan_out
from bench.pg_side import start_server
from bench.results import Result
from perfbot.store.copy import to_postgres


def run(workdir: Path) -> list[Result]:
    server = start_server("pg_fanout")
    if server is None:
        return []
    try:
        history = history_store(workdir)
        url = server.new_database()
        to_postgres(history.data_dir, url)
        return fan_out(history.data_dir, database_url=url, label="pg fan-out")
    finally:
        server.stop()
