"""Collection rounds: one row per quarter (the primary key makes `open` happen once)."""

from __future__ import annotations

from datetime import datetime

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.model import Round, RoundState
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database


class Rounds:
    """Every quarter's round, kept in memory at one `rounds` version (a trigger moves it on any
    change to the table, migration 0004): a submission's check of its round costs no query of
    its own, only the version check its request shares with the register."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._loaded: tuple[int, dict[Period, Round]] | None = None

    def get(self, period: Period) -> Round | None:
        return self._current().get(period)

    def all(self) -> list[Round]:
        return sorted(self._current().values(), key=lambda r: r.period)

    def _current(self) -> dict[Period, Round]:
        if self._db.in_transaction():  # it may have written them, and may yet roll back
            return self._read()
        version = self._db.versions()["rounds"]
        if self._loaded is None or self._loaded[0] != version:
            self._loaded = (version, self._read())  # read after the version: never older than it
        return self._loaded[1]

    def _read(self) -> dict[Period, Round]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM rounds").fetchall()
        return {r.period: r for r in (Round.from_doc(doc) for (doc,) in rows)}

    def open(self, period: Period, *, deadline: datetime, actor: str) -> tuple[Round, bool]:
        """Open the round (idempotent). Returns the round and whether this call opened it."""
        opened = Round(period, RoundState.OPEN, self._clock.now(), deadline)
        with self._db.transaction() as conn:
            inserted = conn.execute("INSERT INTO rounds (period, doc) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                    [str(period), Jsonb(opened.to_doc())]).fetchone()  # fmt: skip
            if not inserted:
                row = conn.execute("SELECT doc FROM rounds WHERE period = %s", [str(period)]).fetchone()
                return Round.from_doc(row[0]), False
            audit.record(conn, at=opened.opened_at, actor=actor, action="round.opened",
                         subject=f"round {period}", after=opened.to_doc())  # fmt: skip
        return opened, True

    def set_state(self, period: Period, state: RoundState, *, actor: str, reason: str = "") -> Round:
        """Close or reopen a round (`reason` is kept in the audit trail)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT doc FROM rounds WHERE period = %s FOR UPDATE", [str(period)]).fetchone()
            if row is None:
                raise KeyError(str(period))
            current = Round.from_doc(row[0])
            closed_at = self._clock.now() if state is RoundState.CLOSED else None
            doc = current.to_doc() | {"state": state.value,
                                      "closed_at": closed_at.isoformat() if closed_at else None}  # fmt: skip
            conn.execute("UPDATE rounds SET doc = %s WHERE period = %s", [Jsonb(doc), str(period)])
            audit.record(conn, at=self._clock.now(), actor=actor, action=f"round.{state.value}",
                         subject=f"round {period}", before=current.to_doc(),
                         after=doc | ({"reason": reason} if reason else {}))  # fmt: skip
        return Round.from_doc(doc)
