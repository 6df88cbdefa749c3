"""The audit trail in one table, written by each repository inside its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.store.pg.db import Database
from perfbot.store.records import AuditRecord


def record(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit record; call inside the transaction that makes the change."""
    doc = AuditRecord(at, actor, action, subject, before, after).to_doc()
    conn.execute("INSERT INTO audit (at, doc) VALUES (%s, %s)", [at, Jsonb(doc)])


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        with self._db.transaction() as conn:
            record(conn, at=self._clock.now(), actor=actor, action=action, subject=subject,
                   before=before, after=after)  # fmt: skip

    def all(self) -> list[AuditRecord]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM audit ORDER BY at, id").fetchall()
        return [AuditRecord.from_doc(doc) for (doc,) in rows]

    def about(self, subject: str) -> list[AuditRecord]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM audit WHERE doc ->> 'subject' = %s ORDER BY at, id",
                                [subject]).fetchall()  # fmt: skip
        return [AuditRecord.from_doc(doc) for (doc,) in rows]
