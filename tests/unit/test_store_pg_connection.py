"""A lost PostgreSQL connection is the store's own clear error, and the next call works again."""

from __future__ import annotations

import psycopg
import pytest

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store.pg import PgStore
from perfbot.store.records import StoreUnavailableError


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
