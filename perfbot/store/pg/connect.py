"""A connection pool on a PostgreSQL URL (`PERFBOT_DATABASE_URL`)."""

from __future__ import annotations

from urllib.parse import urlparse

from psycopg_pool import ConnectionPool

from perfbot.store.records import StoreWriteError

POOL_MAX = 8  # web threads + the scheduler's tick; PostgreSQL's default allows 100 connections


def is_database_url(text: str) -> bool:
    """Whether `text` names a PostgreSQL database (rather than a data directory)."""
    return urlparse(text).scheme in ("postgresql", "postgres")


WAIT_SECONDS = 5.0


def open_pool(url: str, *, max_size: int = POOL_MAX, timeout: float = 10.0) -> ConnectionPool:
    """A pool of autocommit connections (transactions are explicit), checked to connect."""
    # A request waits at most WAIT_SECONDS for a connection: with the database gone it is answered
    # 503 (Slack and Teams retry) rather than held past their own time-outs.
    pool = ConnectionPool(url, min_size=1, max_size=max_size, kwargs={"autocommit": True},
                          open=False, name="perfbot", timeout=WAIT_SECONDS)  # fmt: skip
    pool.open()
    try:
        pool.wait(timeout=timeout)
    except Exception as error:
        pool.close()
        where = urlparse(url)
        raise StoreWriteError(
            f"cannot connect to PostgreSQL at {where.hostname}:{where.port or 5432}{where.path} "
            f"(PERFBOT_DATABASE_URL): {error}"
        ) from None
    return pool
