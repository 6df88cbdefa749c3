"""A lost PostgreSQL connection is the store's own clear error, and the next call works again."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

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


def test_a_key_claimed_by_another_return_at_the_same_moment_fails_the_commit_and_stores_nothing(
    database_url, clock
):
    # the save does not wait for its write (it travels with the COMMIT): a clash found only then
    # must fail the whole commit, never leave the submission acknowledged but not stored
    store = PgStore.open(database_url, clock=clock)
    q3 = Period(2025, 3)
    failure: list[BaseException] = []

    def save() -> None:
        try:
            with store.quarter_commit(q3):
                store.returns.save(Return("M1", q3, 5.0, submitted_by="jo@x.gov.uk"), idempotency_key="view-1")
        except BaseException as error:  # noqa: BLE001 - reported to the test's thread
            failure.append(error)

    try:
        with psycopg.connect(database_url) as other:  # another return's delivery, not committed yet
            other.execute("INSERT INTO applied (period, key, at) VALUES (%s, 'view-1', now())", [str(q3)])
            saving = threading.Thread(target=save)
            saving.start()
            _wait_until_blocked(database_url, other.info.backend_pid)  # the save read the key as free
            other.commit()
        saving.join(10)
        assert len(failure) == 1 and isinstance(failure[0], StoreUnavailableError), failure
        assert "applied_pkey" in str(failure[0]) and "try again" in str(failure[0])
        assert store.returns.get("M1", q3) is None
        assert store.audit.about("return M1 2025/26 Q3") == []
    finally:
        store.close()


def _wait_until_blocked(database_url: str, blocker: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as watch:
        for _ in range(500):
            if watch.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                             [blocker]).fetchone()[0]:  # fmt: skip
                return
            time.sleep(0.01)
    raise AssertionError("the save never waited for the other delivery's claim")


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


def test_a_requests_first_read_brings_the_change_counters_in_the_same_round_trip(database_url, clock):
    # a submission reads its figures first: the register's and rounds' counters come with them,
    # and the request goes on with that state (no round trip of their own)
    one, other = PgStore.open(database_url, clock=clock), PgStore.open(database_url, clock=clock)
    try:
        q3 = Period(2025, 3)
        other.returns.save(Return("M1", q3, 5.0, submitted_by="jo@x.gov.uk"))
        other.rounds.open(q3, deadline=clock.now(), actor="officer")
        assert one.rounds.get(q3).state is RoundState.OPEN  # kept in memory at this version
        with one.session():
            assert one.returns.current_values("M1", [q3, Period(2025, 2)]) == {q3: 5.0}
            other.rounds.set_state(q3, RoundState.CLOSED, actor="officer")
            assert one.rounds.get(q3).state is RoundState.OPEN  # as at the request's first read
        with one.session():
            assert one.rounds.get(q3).state is RoundState.CLOSED  # the next request sees the change
    finally:
        one.close()
        other.close()


def test_what_runs_after_a_commit_runs_only_for_what_was_committed(database_url, clock, caplog):
    # an alert's batch statement is not waited for; its check runs once the COMMIT is answered
    store = PgStore.open(database_url, clock=clock)
    q3, ran = Period(2025, 3), []

    def add_alert(item: str) -> None:
        store.outbox.add_to_batch(q3, kind="alert", recipient="cmt", items=[item], key_for=lambda s: f"alert-{s:%H}",
                                  slot_after=lambda m: m.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))  # fmt: skip

    try:
        with store.quarter_commit(q3):
            store.db.after_commit(lambda: ran.append("kept"))
            with pytest.raises(RuntimeError), store.db.transaction():  # a savepoint, undone
                store.db.after_commit(lambda: ran.append("undone"))
                raise RuntimeError("a nested block failed")
            add_alert("kept")
            assert ran == []  # not before the COMMIT is answered
        assert ran == ["kept"]
        with pytest.raises(RuntimeError), store.quarter_commit(q3):
            add_alert("rolled back")
            store.db.after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("the submission failed")
        assert ran == ["kept"]
        assert [m.content for m in store.outbox.for_period(q3)] == [{"items": ["kept"]}]

        def fails() -> None:
            raise OSError("the check after the commit failed")

        with store.quarter_commit(q3):
            add_alert("committed all the same")
            store.db.after_commit(fails)
        assert store.outbox.get(q3, "alert-11").content == {"items": ["kept", "committed all the same"]}
        assert "the commit stands" in caplog.text
        with pytest.raises(RuntimeError, match="outside a transaction"):
            store.db.after_commit(fails)
    finally:
        store.close()
