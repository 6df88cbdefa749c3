"""The scheduler's lock: on PostgreSQL one replica at a time runs the tick, and another takes
over when the holder goes; on TinyDB every process ticks, as before."""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg

from perfbot.store.pg.leader import SCHEDULER_LOCK
from schedules.runner import Runner


def test_on_postgres_one_store_holds_the_lock_until_it_gives_it_up(any_store, reopen):
    first, second = any_store.scheduler_lock(), reopen(any_store).scheduler_lock()
    try:
        assert first.acquire() and first.acquire()  # held: asking again keeps it
        if not hasattr(any_store, "url"):
            assert second.acquire()  # TinyDB: every process ticks
            return
        assert not second.acquire()
        first.release()
        assert second.acquire() and not first.acquire()
    finally:
        first.release()
        second.release()


def test_when_the_holders_connection_dies_another_replica_takes_over(database_url, reopen):
    from perfbot.store.pg import PgStore

    store = PgStore.open(database_url)
    try:
        first, second = store.scheduler_lock(), reopen(store).scheduler_lock()
        assert first.acquire() and not second.acquire()
        with psycopg.connect(database_url, autocommit=True) as admin:  # the holder's host goes
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                          "AND (classid::bigint << 32 | objid::bigint) = %s", [SCHEDULER_LOCK])  # fmt: skip
        assert second.acquire()
        assert not first.acquire()  # it notices it lost the lock, and does not tick
        second.release()
    finally:
        store.close()


def test_only_the_runner_holding_the_lock_ticks(database_url, reopen):
    from perfbot.store.pg import PgStore

    store = PgStore.open(database_url)
    ticks = {"a": 0, "b": 0}

    def counter(name: str):  # noqa: ANN202
        return lambda: ticks.__setitem__(name, ticks[name] + 1)

    a = Runner(counter("a"), every=timedelta(milliseconds=20), lock=store.scheduler_lock())
    b = Runner(counter("b"), every=timedelta(milliseconds=20), lock=reopen(store).scheduler_lock())
    try:
        a.start()
        _until(lambda: ticks["a"] >= 3)
        b.start()
        _until(lambda: b.ticks >= 3)
        assert a.leading and not b.leading and ticks["b"] == 0
        a.stop()  # a clean shutdown gives the lock up
        _until(lambda: ticks["b"] >= 3)
        assert b.leading
    finally:
        a.stop()
        b.stop()
        store.close()


def _until(condition, limit: float = 20.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.01)
