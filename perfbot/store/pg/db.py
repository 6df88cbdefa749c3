"""The backend's one way to the database: transactions that repository calls inside join.

Every write is `with db.transaction() as conn:`; the transaction commits (durably: PostgreSQL's
synchronous commit) before the block's caller goes on. A transaction opened while one is running
in the same thread (`Store.quarter_commit`, `PlatformState.atomic`) joins it as a savepoint, so
the outer block commits everything together or nothing. Read-check-write methods serialise on
`lock(conn, scope…)`, a transaction-level advisory lock, as TinyDB's writers do on its file lock.
Each read or transaction checks a connection out of the pool, unless a `session` block holds one
for all of them (`Store.session`: a submission's reads and its save).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from contextvars import ContextVar

import psycopg
from psycopg import Connection
from psycopg_pool import ConnectionPool, PoolTimeout

from perfbot.store.records import StoreUnavailableError

_names = itertools.count()


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """A lost database becomes the store's own error (a clear 503 or CLI line, not a traceback)."""
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as error:
        raise StoreUnavailableError(f"the PostgreSQL database is unavailable, nothing was changed: {error}") from error


class _Held:
    """The connection a `session` block keeps, checked out at its first use."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self.conn: Connection | None = None

    def connection(self) -> Connection:
        if self.conn is None:
            with _reachable():
                self.conn = self._pool.getconn()
        return self.conn

    def give_back(self) -> None:
        if self.conn is not None:
            self._pool.putconn(self.conn)  # the pool discards a broken one
            self.conn = None


class Database:
    """A pool, the transaction running in the current thread, if any, and the connection a
    `session` block in this thread holds, if any."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        n = next(_names)
        self._current: ContextVar[Connection | None] = ContextVar(f"perfbot-pg-{n}", default=None)
        self._held: ContextVar[_Held | None] = ContextVar(f"perfbot-pg-held-{n}", default=None)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Within the block, this thread's reads and transactions use one pooled connection
        (checked out at the first, given back at the end), not one checkout each: a request
        that reads ten times waits for the pool once. Keep the block to store work: a held
        connection is one the other requests cannot have."""
        if self._held.get() is not None:
            yield
            return
        held = _Held(self.pool)
        token = self._held.set(held)
        try:
            yield
        finally:
            self._held.reset(token)
            held.give_back()

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        """The session's connection, else one from the pool for the block."""
        held = self._held.get()
        if held is not None:
            with _reachable():
                yield held.connection()
            return
        with _reachable(), self.pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction, or a savepoint in the one this thread is running."""
        running = self._current.get()
        if running is not None:
            with running.transaction():
                yield running
            return
        with self._connection() as conn, conn.transaction():
            token = self._current.set(conn)
            try:
                yield conn
            finally:
                self._current.reset(token)

    @contextlib.contextmanager
    def joined(self) -> Iterator[Connection]:
        """A transaction, or the one this thread is running as it is, without a savepoint: for a
        block whose writes are a single statement (which applies entirely or not at all)."""
        running = self._current.get()
        if running is not None:
            yield running
            return
        with self.transaction() as conn:
            yield conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads: the running transaction's (to see its writes), else the
        session's or the pool's."""
        running = self._current.get()
        if running is not None:
            yield running
            return
        with self._connection() as conn:
            yield conn

    def in_transaction(self) -> bool:
        """Whether this thread is inside a transaction (whose writes may yet roll back)."""
        return self._current.get() is not None

    def close(self) -> None:
        self.pool.close()


def lock(conn: Connection, *scope: str) -> None:
    """Hold an advisory lock on `scope` until the transaction ends (writers of it serialise)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["\x1f".join(scope)])
