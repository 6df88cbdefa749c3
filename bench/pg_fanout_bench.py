"""Opening a round through Slack on PostgreSQL: bench/fanout_bench.py with the ten-year store
copied into a database (`perfbot store copy`'s code) on a server this benchmark starts.

Goal (issue 17, point 5): wall time within 1.2× the rate-limit floor, no request DM'd twice or
lost, as on TinyDB. Skipped, with a line saying why, when no PostgreSQL can be started.
"""

from __future__ import annotations

from pathlib import Path

from bench.fanout_bench import fan_out
from bench.pg_side import history_in_postgres
from bench.results import Result


def run(workdir: Path) -> list[Result]:
    with history_in_postgres(workdir, "pg_fanout") as found:
        if found is None:
            return []
        history, url = found
        return fan_out(history.data_dir, database_url=url, label="pg fan-out")
