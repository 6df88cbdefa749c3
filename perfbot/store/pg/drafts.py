"""Web-form drafts: one per (owner, quarter, measure), the primary key."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.pg.db import Database
from perfbot.store.records import Draft


class Drafts:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def save(self, *, owner: str, period: Period, measure_id: str, value: str, commentary: str, action: str) -> Draft:
        """Keep (or replace) the owner's draft for one measure."""
        draft = Draft(owner.lower(), period, measure_id, value, commentary, action, self._clock.now())
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO drafts (owner, period, measure_id, doc) VALUES (%s, %s, %s, %s) "
                         "ON CONFLICT (owner, period, measure_id) DO UPDATE SET doc = excluded.doc",
                         [draft.owner, str(period), measure_id, Jsonb(draft.to_doc())])  # fmt: skip
        return draft

    def get(self, *, owner: str, period: Period, measure_id: str) -> Draft | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM drafts WHERE owner = %s AND period = %s AND measure_id = %s",
                               [owner.lower(), str(period), measure_id]).fetchone()  # fmt: skip
        return Draft.from_doc(row[0]) if row else None

    def for_owner(self, *, owner: str, period: Period) -> dict[str, Draft]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM drafts WHERE owner = %s AND period = %s",
                                [owner.lower(), str(period)]).fetchall()  # fmt: skip
        return {d.measure_id: d for d in (Draft.from_doc(doc) for (doc,) in rows)}

    def discard(self, *, owner: str, period: Period, measure_id: str) -> bool:
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM drafts WHERE owner = %s AND period = %s AND measure_id = %s RETURNING 1",
                                [owner.lower(), str(period), measure_id]).fetchone() is not None  # fmt: skip
