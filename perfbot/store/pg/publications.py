"""Each quarter's published figures, by edition ((period, edition) is the primary key)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.records import Publication


def _publication(period: Period, doc: dict[str, Any]) -> Publication:
    return Publication(period, doc["edition"], doc["at"], doc["by"], {r["measure_id"]: r for r in doc["rows"]})


class Publications:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def latest(self, period: Period) -> Publication | None:
        editions = self.editions(period)
        return editions[-1] if editions else None

    def editions(self, period: Period) -> list[Publication]:
        """Every edition published for `period`, first to last."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM publications WHERE period = %s ORDER BY edition",
                                [str(period)]).fetchall()  # fmt: skip
        return [_publication(period, doc) for (doc,) in rows]

    def publish(self, period: Period, rows: list[dict[str, Any]], *, actor: str) -> Publication:
        """Freeze `rows` (one per measure) as `period`'s published figures, durably."""
        now = self._clock.now()
        with self._db.transaction() as conn:
            lock(conn, "publication", str(period))
            edition = conn.execute("SELECT coalesce(max(edition), 0) + 1 FROM publications WHERE period = %s",
                                   [str(period)]).fetchone()[0]  # fmt: skip
            doc = {"edition": edition, "at": now.isoformat(), "by": actor, "rows": rows}
            conn.execute("INSERT INTO publications (period, edition, doc) VALUES (%s, %s, %s)",
                         [str(period), edition, Jsonb(doc)])  # fmt: skip
            audit.record(conn, at=now, actor=actor, action="round.published", subject=f"round {period}",
                         after={"edition": edition, "measures": len(rows)})  # fmt: skip
        return _publication(period, doc)
