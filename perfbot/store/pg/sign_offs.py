"""Each service's sign-off in each round, keyed by (period, service)."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.sign_off import ServiceSignOff
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock


class SignOffs:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, period: Period, service: str) -> ServiceSignOff | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM sign_offs WHERE period = %s AND service = %s",
                               [str(period), service]).fetchone()  # fmt: skip
        return ServiceSignOff.from_doc(row[0]) if row else None

    def for_period(self, period: Period) -> list[ServiceSignOff]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM sign_offs WHERE period = %s", [str(period)]).fetchall()
        return sorted((ServiceSignOff.from_doc(doc) for (doc,) in rows), key=lambda s: s.service)

    def put(self, sign_off: ServiceSignOff, *, actor: str, what: str) -> ServiceSignOff:
        """Store `sign_off` (replacing the service's earlier state), audited as `what`."""
        period = str(sign_off.period)
        with self._db.transaction() as conn:
            lock(conn, "sign-off", period, sign_off.service)
            row = conn.execute("SELECT doc FROM sign_offs WHERE period = %s AND service = %s",
                               [period, sign_off.service]).fetchone()  # fmt: skip
            conn.execute("INSERT INTO sign_offs (period, service, doc) VALUES (%s, %s, %s) "
                         "ON CONFLICT (period, service) DO UPDATE SET doc = excluded.doc",
                         [period, sign_off.service, Jsonb(sign_off.to_doc())])  # fmt: skip
            last = sign_off.last_decision
            audit.record(conn, at=self._clock.now(), actor=actor, action=what,
                         subject=f"sign-off {sign_off.service} {sign_off.period}",
                         before={"state": row[0]["state"]} if row else None,
                         after={"state": sign_off.state.value, "covers": dict(sign_off.covers),
                                "reason": last.reason if last and what != "sign_off.requested" else ""})  # fmt: skip
        return sign_off
