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
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar

import psycopg
from psycopg import Connection, Pipeline
from psycopg.pq import PipelineStatus, TransactionStatus
from psycopg_pool import ConnectionPool, PoolTimeout

from perfbot.store.records import StoreUnavailableError

log = logging.getLogger("perfbot.store")
_names = itertools.count()
_VERSIONS = "SELECT name, version FROM store_versions"
_savepoints = itertools.count()


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
        self.versions: dict[str, int] | None = None  # `Database.versions`, read once per session

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
        self._pipe: ContextVar[Pipeline | None] = ContextVar(f"perfbot-pg-pipe-{n}", default=None)
        self._after: ContextVar[list[Callable[[], object]] | None] = ContextVar(f"perfbot-pg-after-{n}", default=None)

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
    def transaction(self, *, pipelined: bool = False) -> Iterator[Connection]:
        """A transaction, or a savepoint in the one this thread is running.

        `pipelined`: a new transaction runs in pipeline mode (`_pipelined`): statements go out
        without waiting for the one before, so BEGIN travels with the block's first statements
        and COMMIT with its last. Only for blocks that fetch every result they depend on (no
        `rowcount`, no COPY): in pipeline mode errors surface at the fetch, not the `execute`."""
        running, after = self._current.get(), self._after.get()
        if running is not None:
            assert after is not None, "set with the running transaction"
            pipe, kept = self._pipe.get(), len(after)
            try:
                with _savepoint(running, pipe) if pipe is not None else running.transaction():
                    yield running
            except BaseException:
                del after[kept:]  # what the undone block asked for after the commit is undone too
                raise
            return
        after = []
        with self._connection() as conn, _pipelined(conn) if pipelined else _plain(conn) as pipe:
            tokens = self._current.set(conn), self._pipe.set(pipe), self._after.set(after)
            try:
                yield conn
            finally:
                self._after.reset(tokens[2])
                self._pipe.reset(tokens[1])
                self._current.reset(tokens[0])
                self._forget_versions()  # what the transaction wrote may have moved them
        for callback in after:
            try:
                callback()
            except Exception:
                log.exception("after a commit: %s failed (the commit stands)", getattr(callback, "__qualname__", callback))

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the running transaction has committed (never if it, or the block
        that asked, rolls back): for a check of a result that travelled with the COMMIT. Its
        failure is logged; the commit stands."""
        after = self._after.get()
        if after is None:
            raise RuntimeError("after_commit outside a transaction")
        after.append(callback)

    def versions(self) -> dict[str, int]:
        """The change counters of what processes keep in memory (`store_versions`: the register,
        the rounds), by name. Read once in a `session` block (a request sees one state, and a
        change another process makes is seen by the next request) and after each transaction
        in it; read afresh outside a session and inside a transaction."""
        held = self._held.get()
        cacheable = held is not None and not self.in_transaction()
        if cacheable and held.versions is not None:
            return held.versions
        with self.reading() as conn:
            found = dict(conn.execute(_VERSIONS).fetchall())
        if cacheable:
            held.versions = found
        return found

    def fetch_all(self, query: str, params: Sequence[object] | Mapping[str, object]) -> list[tuple]:
        """The rows of one read (as `reading`). A session's first read brings the change counters
        (`versions`) in the same round trip: a request that reads its figures first checks the
        register and the rounds without a round trip of its own."""
        held = self._held.get()
        if held is None or held.versions is not None or self.in_transaction():
            with self.reading() as conn:
                return conn.execute(query, params).fetchall()
        with self._connection() as conn:
            with conn.pipeline():  # both go out before either is waited for; leaving syncs once
                versions = conn.execute(_VERSIONS)
                rows = conn.execute(query, params)
            held.versions = dict(versions.fetchall())
            return rows.fetchall()

    def _forget_versions(self) -> None:
        held = self._held.get()
        if held is not None:
            held.versions = None

    @contextlib.contextmanager
    def joined(self, *, pipelined: bool = False) -> Iterator[Connection]:
        """A transaction, or the one this thread is running as it is, without a savepoint: for a
        block whose writes are a single statement (which applies entirely or not at all), and
        whose failure fails the running transaction's block (never caught inside it)."""
        running = self._current.get()
        if running is not None:
            yield running
            return
        with self.transaction(pipelined=pipelined) as conn:
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


@contextlib.contextmanager
def _plain(conn: Connection) -> Iterator[None]:
    """psycopg's transaction block: BEGIN, the block, COMMIT (or ROLLBACK on an exception)."""
    with conn.transaction():
        yield None
        _refuse_failed(conn)


@contextlib.contextmanager
def _pipelined(conn: Connection) -> Iterator[Pipeline]:
    """BEGIN, the block and COMMIT in pipeline mode, sent by hand: psycopg's own transaction
    blocks sync the pipeline on entering and leaving (and so do its savepoints), which would
    cost back the round trips pipelining saves. Leaving the pipeline syncs it, so the block
    returns only once the COMMIT has been answered, and a failed COMMIT raises here.

    A write whose result the block did not wait for may fail a constraint only then (a key
    claimed by another writer at the same moment): nothing is committed, and the caller is told
    to try again, as when the database does not answer."""
    try:
        with conn.pipeline() as pipe:
            conn.execute("BEGIN")
            try:
                yield pipe
                _refuse_failed(conn)
            except BaseException:
                _undo(conn, pipe, "ROLLBACK")
                raise
            conn.execute("COMMIT")
    except psycopg.IntegrityError as error:
        raise StoreUnavailableError(f"nothing was stored: a write clashed with one made at the same moment "
                                    f"({error.diag.constraint_name}); try again") from error  # fmt: skip


@contextlib.contextmanager
def _savepoint(conn: Connection, pipe: Pipeline) -> Iterator[None]:
    """A savepoint inside a pipelined transaction: a failing block is undone alone (the
    transaction goes on), as psycopg's nested transaction blocks do outside pipeline mode."""
    name = f"perfbot_{next(_savepoints)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        _undo(conn, pipe, f"ROLLBACK TO SAVEPOINT {name}")
        with contextlib.suppress(psycopg.Error):
            pipe.sync()  # answered now: the transaction is usable again before the block goes on
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")


def _undo(conn: Connection, pipe: Pipeline, command: str) -> None:
    """Send `command` (a rollback) after a failure, first leaving the pipeline's aborted state
    (the statements the server skipped report errors of their own: already reported)."""
    with contextlib.suppress(psycopg.Error):
        if conn.pgconn.pipeline_status == PipelineStatus.ABORTED:
            with contextlib.suppress(psycopg.Error):
                pipe.sync()
        conn.execute(command)


def _refuse_failed(conn: Connection) -> None:
    """A statement that failed inside the block and was caught there leaves the transaction
    aborted: PostgreSQL answers its COMMIT with a rollback and no error, which would let the
    caller acknowledge writes that were never stored. Fail the block instead (it rolls back)."""
    if (conn.info.transaction_status == TransactionStatus.INERROR
            or conn.pgconn.pipeline_status == PipelineStatus.ABORTED):  # fmt: skip
        raise StoreUnavailableError("a statement failed inside the transaction, so nothing in it was stored")


def lock(conn: Connection, *scope: str) -> None:
    """Hold an advisory lock on `scope` until the transaction ends (writers of it serialise)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["\x1f".join(scope)])
