"""The scheduler's lock on PostgreSQL: a session advisory lock on a connection of its own.

The replica whose connection holds `pg_try_advisory_lock(SCHEDULER_LOCK)` runs the tick. The lock
goes when that connection does: at once when the process is killed (its socket closes), and
within about a minute when its host or network dies (server-side TCP keepalives, set below). The
other replica asks again before each tick (every minute), so it takes over within two.
"""

from __future__ import annotations

import contextlib
import logging
import threading

import psycopg

log = logging.getLogger("perfbot.store")
SCHEDULER_LOCK = 0x7065_7266_7469_636B  # "perftick"
_KEEPALIVES = "-c tcp_keepalives_idle=20 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"


class AdvisoryLock:
    """`interfaces.SchedulerLock` on PostgreSQL."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: psycopg.Connection | None = None
        self._mutex = threading.Lock()

    def acquire(self) -> bool:
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.execute("SELECT 1")
                    return True
                except psycopg.Error:
                    log.warning("lost the scheduler lock with its database connection")
                    self._drop()
            try:
                conn = psycopg.connect(self._url, autocommit=True, connect_timeout=10, options=_KEEPALIVES)
            except psycopg.Error as error:
                log.warning("cannot reach the database for the scheduler lock: %s", error)
                return False
            if conn.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK]).fetchone()[0]:
                self._conn = conn
                return True
            conn.close()
            return False

    def release(self) -> None:
        with self._mutex:
            if self._conn is not None:
                with contextlib.suppress(psycopg.Error):  # a connection gone took the lock with it
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", [SCHEDULER_LOCK])
                self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
