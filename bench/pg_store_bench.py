"""The store on PostgreSQL: the ten-year history copied in, then one durable submission.

Goal (issue 17): the same as the TinyDB store's (issue 8), p99 under 20 ms, on a PostgreSQL
server this benchmark starts itself (tests/pg_server.py; synchronous commit, fsync on). Timed:

* `perfbot store copy` of the ten-year store into an empty database (every table, checked);
* `store.returns.save` of a revision (earlier version kept, audit record, idempotency key), and
  the same through `app.collector.submit` (validation and RAG too), each in the latest quarter;
* the baselines: the same two on the TinyDB store, each on its own copy of the history.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.data import LAST, history_clock, history_store
from bench.results import Result, compared, percentile, sample
from bench.store_bench import MS, _revision, _save_times, _stats, _submit_times
from perfbot import app as app_module
from perfbot.model import Measure, Return
from perfbot.settings import Settings
from perfbot.store import Store
from perfbot.store.copy import to_postgres
from perfbot.store.pg import PgStore
from perfbot.submission import Submission
from tests.pg_server import PgServer

PERIOD = LAST


def run(workdir: Path) -> list[Result]:
    workdir.mkdir(parents=True, exist_ok=True)
    history = history_store(workdir / "tinydb")
    store = Store.open(history.data_dir, clock=history_clock(PERIOD))
    returned = store.returns.for_period(PERIOD)
    measures = [m for m in store.register.measures() if m.measure_id in returned]
    baseline = _stats("TinyDB store.returns.save (revision)", _save_times(history.data_dir, measures),
                      note="baseline: journal line + fsync")  # fmt: skip
    server = PgServer.start()
    try:
        url = server.new_database()
        started = time.perf_counter()
        copied = to_postgres(history.data_dir, url)
        results = [Result("setup: ten-year store", history.seconds, 1, note=history.scale),
                       Result("store copy into PostgreSQL", time.perf_counter() - started, 1,
                              note=f"{sum(copied.counts.values()):,} records, {copied.returns_checked:,} returns checked"),
                       *baseline]  # fmt: skip
        results += _stats("PostgreSQL store.returns.save (revision)", _pg_save_times(url, measures),
                          floor=baseline, budget_p99=20.0, note="one transaction, synchronous commit")  # fmt: skip
        on_files = _stats("TinyDB app.collector.submit (revision)",
                          _submit_times(history_store(workdir / "tinydb-submit").data_dir, measures),
                          note="baseline")  # fmt: skip
        submitted = history_store(workdir / "pg-submit")  # its perfbot.toml; the data is the database's
        times = _pg_submit_times(submitted.data_dir, url, measures)
        # The goal is the absolute one: each of the rating's reads is a round trip to the server
        # here (about 35 per submission), where TinyDB reads memory, so no ratio is promised.
        results += [*on_files,
                    compared("PostgreSQL app.collector.submit (revision) p50", percentile(times, 50) * MS,
                             len(times), baseline=on_files[0], note="validation, RAG, save"),
                    compared("PostgreSQL app.collector.submit (revision) p99", percentile(times, 99) * MS,
                             len(times), baseline=on_files[1], budget=20.0, note=f"max {max(times) * MS:.1f} ms")]  # fmt: skip
        return results
    finally:
        server.stop()


def _pg_save_times(url: str, measures: list[Measure]) -> list[float]:
    store = PgStore.open(url, clock=history_clock(PERIOD))

    def save(i: int) -> None:
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        store.returns.save(Return(measure.measure_id, PERIOD, value, commentary=commentary,
                                  submitted_by=measure.owner_email, channel="slack"),
                           idempotency_key=f"bench-save:{i}")  # fmt: skip

    try:
        return sample(save, runs=1000, seconds=30)
    finally:
        store.close()


def _pg_submit_times(data: Path, url: str, measures: list[Measure]) -> list[float]:
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

    return sample(submit, runs=500, seconds=20)
