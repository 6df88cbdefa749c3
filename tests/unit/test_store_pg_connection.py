"""A lost PostgreSQL connection is the store's own clear error, and the next call works again."""

from __future__ import annotations

import psycopg
import pytest

from perfbot.model import Return, RoundState
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
        store.rounds.all()  # the rounds read into memory (their version checked, then read)
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


@pytest.mark.parametrize("pipelined", [False, True], ids=["plain", "pipelined"])
def test_a_failed_statement_caught_inside_a_transaction_fails_the_block_not_silently(
    database_url, clock, pipelined
):
    # PostgreSQL answers the COMMIT of an aborted transaction with a rollback and no error:
    # without the check the save below would look stored and be acknowledged.
    store = PgStore.open(database_url, clock=clock)
    try:
        failed = pytest.raises(StoreUnavailableError, match="nothing in it was stored")
        with failed, store.db.transaction(pipelined=pipelined) as conn:
            store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"))
            with pytest.raises(psycopg.errors.DivisionByZero):
                conn.execute("SELECT 1 / 0").fetchone()  # caught here, as an observer's failure is
        assert store.returns.get("M1", Period(2025, 3)) is None
        assert store.returns.save(Return("M1", Period(2025, 3), 6.0, submitted_by="jo@x.gov.uk")).status \
            is SaveStatus.CREATED  # fmt: skip
    finally:
        store.close()


def test_a_savepoint_keeps_the_save_when_a_nested_block_fails_in_a_pipelined_commit(database_url, clock):
    store = PgStore.open(database_url, clock=clock)
    try:
        with store.quarter_commit(Period(2025, 3)):  # pipelined
            store.returns.save(Return("M1", Period(2025, 3), 5.0, submitted_by="jo@x.gov.uk"))
            with pytest.raises(psycopg.errors.DivisionByZero), store.db.transaction() as conn:  # a savepoint
                conn.execute("SELECT 1 / 0").fetchone()
            store.returns.save(Return("M2", Period(2025, 3), 7.0, submitted_by="jo@x.gov.uk"))
        assert store.returns.get("M1", Period(2025, 3)).value == 5.0
        assert store.returns.get("M2", Period(2025, 3)).value == 7.0
    finally:
        store.close()


def test_rounds_kept_in_memory_see_a_change_made_elsewhere_at_the_next_request(database_url, clock):
    # two replicas: the rounds one keeps are re-read when the version moves, and a change made
    # outside perfbot (psql, an older replica) moves it too (a trigger, migration 0004)
    one, other = PgStore.open(database_url, clock=clock), PgStore.open(database_url, clock=clock)
    try:
        q3 = Period(2025, 3)
        other.rounds.open(q3, deadline=clock.now(), actor="officer")
        assert one.rounds.get(q3).state is RoundState.OPEN
        other.rounds.set_state(q3, RoundState.CLOSED, actor="officer")
        with one.session():  # a request: one version check for the register and the rounds
            assert one.rounds.get(q3).state is RoundState.CLOSED
            assert one.register.measure("M1") is None
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute("UPDATE rounds SET doc = jsonb_set(doc, '{state}', '\"open\"')")
        assert one.rounds.get(q3).state is RoundState.OPEN
        with one.session(), one.quarter_commit(q3):  # inside a transaction: read afresh
            one.rounds.set_state(q3, RoundState.CLOSED, actor="officer")
            assert one.rounds.get(q3).state is RoundState.CLOSED
        assert one.rounds.all()[0].state is RoundState.CLOSED
    finally:
        one.close()
        other.close()
