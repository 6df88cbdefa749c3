"""A lost PostgreSQL connection is the store's own clear error, and the next call works again."""

from __future__ import annotations

import psycopg
import pytest

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store.pg import PgStore
from perfbot.store.records import SaveStatus, StoreUnavailableError


def test_a_broken_connection_is_one_clear_error_and_nothing_half_done(database_url, clock):
    store = PgStore.open(database_url, clock=clock)
    try:
        store.rounds.all()  # the pool's connection is in use
        with psycopg.connect(database_url, autocommit=True) as admin:  # the database restarts
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
        with pytest.raises(StoreUnavailableError, match="PostgreSQL database is unavailable"):
            store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"))
        assert store.returns.get("M1", Period(2025, 3)) is None  # a fresh connection; nothing was saved
        store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"))
        assert store.returns.get("M1", Period(2025, 3)).value == 5.0
    finally:
        store.close()


def _checkouts(store: PgStore) -> int:
    return store.db.pool.get_stats().get("requests_num", 0)


def test_a_session_reads_and_saves_on_one_connection_and_gives_it_back(database_url, clock):
    store = PgStore.open(database_url, clock=clock)
    try:
        before = _checkouts(store)
        store.rounds.all()
        store.returns.get("M1", Period(2025, 3))
        assert _checkouts(store) - before == 2  # outside a session: one checkout per call
        before = _checkouts(store)
        with store.session():
            store.rounds.all()
            with store.quarter_commit(Period(2025, 3)):
                store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"))
            assert store.returns.get("M1", Period(2025, 3)).value == 5.0
        assert _checkouts(store) - before == 1
        assert store.db.pool.get_stats()["pool_available"] == store.db.pool.get_stats()["pool_size"]
    finally:
        store.close()


def test_a_session_whose_transaction_fails_commits_nothing_and_goes_on(database_url, clock):
    store = PgStore.open(database_url, clock=clock)
    try:
        with store.session():
            with pytest.raises(RuntimeError), store.quarter_commit(Period(2025, 3)):
                store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"),
                                   idempotency_key="view-1")  # fmt: skip
                raise RuntimeError("the observer failed after the save")
            assert store.returns.get("M1", Period(2025, 3)) is None  # rolled back with its block
            assert store.audit.about("return M1 2025/26 Q3") == []
            again = store.returns.save(Return("M1", Period(2025, 3), 6.0, submitted_by="jo@x.gov.uk"),
                                       idempotency_key="view-1")  # the key was given back too  # fmt: skip
        assert again.status is SaveStatus.CREATED
        assert store.returns.get("M1", Period(2025, 3)).value == 6.0
    finally:
        store.close()
