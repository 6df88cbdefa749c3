"""Platform state: JSON values by (namespace, key); `atomic()` is one transaction, serialised
with the namespace's other writers by an advisory lock.

A `put` or `delete` is one statement under that lock; inside this thread's `atomic()` block of the
namespace, which holds the lock already, it is just the statement (a look-up remembered for each
DM of a fan-out makes two of them)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.store.pg.db import Database, lock

_PUT = ("INSERT INTO platform_state (namespace, key, value, at) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, at = excluded.at "
        "WHERE platform_state.value IS DISTINCT FROM excluded.value")  # an equal value: no write
_HELD: ContextVar[frozenset[tuple[int, str]]] = ContextVar("perfbot-pg-state-held", default=frozenset())


def _plain(value: Any) -> Any:
    """A JSON copy of `value`; TypeError if it is not JSON."""
    return json.loads(json.dumps(value, ensure_ascii=False))


class PlatformState:
    """One namespace (see `perfbot.store.interfaces.PlatformState`)."""

    def __init__(self, db: Database, clock: Clock, namespace: str) -> None:
        if not namespace:
            raise ValueError("a platform state namespace needs a name")
        self.namespace = namespace
        self._db = db
        self._clock = clock

    def get(self, key: str) -> Any | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT value FROM platform_state WHERE namespace = %s AND key = %s",
                               [self.namespace, key]).fetchone()  # fmt: skip
        return row[0] if row else None

    def put(self, key: str, value: Any) -> None:
        plain = _plain(value)
        with self._writing() as conn:
            conn.execute(_PUT, [self.namespace, key, Jsonb(plain), self._clock.now().isoformat()])

    def delete(self, key: str) -> bool:
        with self._writing() as conn:
            return conn.execute("DELETE FROM platform_state WHERE namespace = %s AND key = %s RETURNING 1",
                                [self.namespace, key]).fetchone() is not None  # fmt: skip

    def items(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(key, value) of every key starting with `prefix`, sorted by key."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT key, value FROM platform_state WHERE namespace = %s", [self.namespace]).fetchall()
        return sorted((key, value) for key, value in rows if key.startswith(prefix))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        held = _HELD.get()
        with self._db.transaction() as conn:
            if self._scope not in held:
                lock(conn, "platform state", self.namespace)
            token = _HELD.set(held | {self._scope})
            try:
                yield
            finally:
                _HELD.reset(token)

    @property
    def _scope(self) -> tuple[int, str]:
        return id(self._db), self.namespace

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """The connection for one write: this thread's atomic block's, or a block of its own."""
        if self._scope in _HELD.get():
            with self._db.reading() as conn:  # the running block's transaction
                yield conn
            return
        with self.atomic(), self._db.reading() as conn:
            yield conn
