"""The store on PostgreSQL: the ten-year history copied in, then one durable submission.

Goal (issue 17, points 5 and 6): a durable submission's p99 within 3× the p99 of a bare one-row
`INSERT …; COMMIT` on the same server in the same run (5× at 3,000 measures and beyond), and under
20 ms (the TinyDB store's goal from issue 8), on a PostgreSQL server this benchmark starts itself (tests/pg_server.py;
synchronous commit, fsync on). Skipped, with a line saying why, when no server can be started.
Timed:

* `perfbot store copy` of the ten-year store into an empty database (every table, checked);
* `store.returns.save` of a revision (earlier version kept, audit record, idempotency key), and
  the same through `app.collector.submit` (validation and RAG too), each in the latest quarter;
* the baseline: one row of about 1 KB inserted into a scratch table and committed, over one
  psycopg connection as the store's (autocommit off, one transaction per row), timed in turn
  with each of the two (one insert, one save, …), so that load from other work weighs on both;
* for comparison: the same two on the TinyDB store, each on its own copy of the history.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench.data import LAST, MEASURES, history_clock, history_store
from bench.pg_side import start_server
from bench.results import Result, compared, percentile
from bench.store_bench import MS, _revision, _save_times, _stats, _submit_times
from perfbot import app as app_module
from perfbot.model import Measure, Return
from perfbot.settings import Settings
from perfbot.store import Store
from perfbot.store.copy import to_postgres
from perfbot.store.pg import PgStore
from perfbot.submission import Submission

PERIOD = LAST
WITHIN = 3.0 if MEASURES < 3000 else 5.0  # × the bare INSERT; COMMIT's p99 (issue 17, points 5 and 6)


def run(workdir: Path) -> list[Result]:
    server = start_server("pg_store")
    if server is None:
        return []
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        history = history_store(workdir / "tinydb")
        store = Store.open(history.data_dir, clock=history_clock(PERIOD))
        returned = store.returns.for_period(PERIOD)
        measures = [m for m in store.register.measures() if m.measure_id in returned]
        on_files = _stats("TinyDB store.returns.save (revision)", _save_times(history.data_dir, measures),
                          note="for comparison: journal line + fsync")  # fmt: skip
        url = server.new_database()
        started = time.perf_counter()
        copied = to_postgres(history.data_dir, url)
        results = [Result("setup: ten-year store", history.seconds, 1, note=history.scale),
                   Result("store copy into PostgreSQL", time.perf_counter() - started, 1,
                          note=f"{sum(copied.counts.values()):,} records, {copied.returns_checked:,} returns checked"),
                   *on_files]  # fmt: skip
        bare_url = server.new_database()
        results += _against("store.returns.save (revision)", *_interleaved(bare_url, _pg_save(url, measures), 1000),
                            note="one transaction, synchronous commit")  # fmt: skip
        results += _stats("TinyDB app.collector.submit (revision)",
                          _submit_times(history_store(workdir / "tinydb-submit").data_dir, measures)[0],
                          note="for comparison")  # fmt: skip
        submitted = history_store(workdir / "pg-submit")  # its perfbot.toml; the data is the database's
        results += _against("app.collector.submit (revision)",
                            *_interleaved(bare_url, _pg_submit(submitted.data_dir, url, measures), 500),
                            note="validation, RAG, save")  # fmt: skip
        return results
    finally:
        server.stop()


def _against(name: str, bare: list[float], times: list[float], *, note: str) -> list[Result]:
    """The bare INSERT; COMMIT's p50 and p99 in ms, and `name`'s beside them; goal: `name`'s p99
    within `WITHIN` × the bare p99 (and under 20 ms)."""
    floor = _stats(f"PostgreSQL bare INSERT; COMMIT, beside {name.split(' ')[0]}", bare,
                   note="baseline: one 1 KB row, synchronous commit, alternating with the next")  # fmt: skip
    return [*floor,
            compared(f"PostgreSQL {name} p50", percentile(times, 50) * MS, len(times), baseline=floor[0], note=note),
            compared(f"PostgreSQL {name} p99", percentile(times, 99) * MS, len(times), baseline=floor[1], budget=20.0,
                     max_ratio=WITHIN, note=f"max {max(times) * MS:.1f} ms")]  # fmt: skip


def _interleaved(bare_url: str, measured: Callable[[int], None], runs: int,
                 seconds: float = 30.0) -> tuple[list[float], list[float]]:  # fmt: skip
    """Wall times of a bare one-row INSERT; COMMIT and of `measured(i)`, taken in turn so that
    other work on the machine (and its disk) weighs on both alike: (bare, measured)."""
    payload = "x" * 1024
    with psycopg.connect(bare_url) as conn:  # as the store's: autocommit off, one transaction per row
        conn.execute("CREATE TABLE IF NOT EXISTS scratch (id bigserial PRIMARY KEY,"
                     " at timestamptz NOT NULL DEFAULT now(), doc text NOT NULL)")  # fmt: skip
        conn.commit()
        if conn.execute("SHOW synchronous_commit").fetchone() != ("on",):
            raise RuntimeError("the bench's PostgreSQL does not commit synchronously")

        def insert() -> None:
            conn.execute("INSERT INTO scratch (doc) VALUES (%s)", (payload,))
            conn.commit()

        for i in range(3):  # warm-up
            insert()
            measured(-1 - i)
        bare: list[float] = []
        times: list[float] = []
        deadline = time.perf_counter() + seconds
        for i in range(runs):
            started = time.perf_counter()
            insert()
            between = time.perf_counter()
            measured(i)
            bare.append(between - started)
            times.append(time.perf_counter() - between)
            if time.perf_counter() > deadline:
                break
        return bare, times


def _pg_save(url: str, measures: list[Measure]) -> Callable[[int], None]:
    store = PgStore.open(url, clock=history_clock(PERIOD))

    def save(i: int) -> None:
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        store.returns.save(Return(measure.measure_id, PERIOD, value, commentary=commentary,
                                  submitted_by=measure.owner_email, channel="slack"),
                           idempotency_key=f"bench-save:{i}")  # fmt: skip

    return save


def _pg_submit(data: Path, url: str, measures: list[Measure]) -> Callable[[int], None]:
    app = app_module.build(data, clock=history_clock(PERIOD), show=lambda to, text: None,
                           settings=Settings(database_url=url))  # fmt: skip

    def submit(i: int) -> None:
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        result = app.collector.submit(Submission(
            measure.measure_id, PERIOD, str(value), commentary=commentary,
            submitted_by=measure.owner_email, channel="slack", idempotency_key=f"bench-submit:{i}"))  # fmt: skip
        if not result.accepted:
            raise RuntimeError(f"collector refused the bench's submission: {result.errors}")

    return submit
