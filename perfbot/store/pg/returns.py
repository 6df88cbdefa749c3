"""Returns: the current revision of each (measure, quarter) in `returns`, earlier ones in
`return_history`, applied idempotency keys in `applied`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.pg.docs import decoded
from perfbot.store.records import SaveOutcome, SaveStatus

_DECODED_AT_ONCE = 2000  # documents: decoding a report's 50,000 returns at once doubles its peak memory


def _quarters_in(table: str) -> str:
    """The quarters `table` holds, found by skipping along its index on period: one probe per
    quarter rather than one row per record (the dashboard asks on every page)."""
    return (f"(WITH RECURSIVE q(period) AS ((SELECT period FROM {table} ORDER BY period LIMIT 1) UNION ALL "
            f"SELECT (SELECT t.period FROM {table} t WHERE t.period > q.period ORDER BY t.period LIMIT 1) "
            f"FROM q WHERE q.period IS NOT NULL) SELECT period FROM q WHERE period IS NOT NULL)")  # fmt: skip


# Every table that names a quarter; each but return_history (a few rows per revised return) leads
# an index with period.
_PERIODS = " UNION ".join([*map(_quarters_in, ("returns", "outbox", "sign_offs", "publications", "chat_messages")),
                           "SELECT period FROM return_history"])  # fmt: skip


def _same_content(a: Return, b: Return) -> bool:
    def content(r: Return) -> tuple:
        return (r.value, r.commentary, r.action, r.numerator, r.denominator, r.confirmed)

    return content(a) == content(b)


def _current(conn: Connection, measure_id: str, period: Period) -> Return | None:
    row = conn.execute("SELECT doc FROM returns WHERE measure_id = %s AND period = %s",
                       [measure_id, str(period)]).fetchone()  # fmt: skip
    return Return.from_doc(row[0]) if row else None


class Returns:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, measure_id: str, period: Period) -> Return | None:
        with self._db.reading() as conn:
            return _current(conn, measure_id, period)

    def current_values(self, measure_id: str, periods: Iterable[Period]) -> dict[Period, Return]:
        """The current returns of `measure_id` in `periods`, by quarter (quarters without one left
        out), in one query."""
        wanted = sorted({str(p) for p in periods})
        if not wanted:
            return {}
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM returns WHERE measure_id = %s AND period = ANY(%s)",
                                [measure_id, wanted]).fetchall()  # fmt: skip
        return {r.period: r for r in (Return.from_doc(doc) for (doc,) in rows)}

    def for_period(self, period: Period) -> dict[str, Return]:
        return self.for_periods([period]).get(period, {})

    def for_periods(self, periods: Iterable[Period]) -> dict[Period, dict[str, Return]]:
        """The current returns of each of `periods` that has any, by quarter, then measure id, in
        one query (a report reads ten or twenty quarters)."""
        wanted = sorted({str(p) for p in periods})
        if not wanted:
            return {}
        found: dict[Period, dict[str, Return]] = {}
        with self._db.reading() as conn:
            cursor = conn.execute("SELECT doc::text FROM returns WHERE period = ANY(%s)", [wanted])
            while rows := cursor.fetchmany(_DECODED_AT_ONCE):  # only a slice's documents held at once
                for item in map(Return.from_doc, decoded(text for (text,) in rows)):
                    found.setdefault(item.period, {})[item.measure_id] = item
        return found

    def versions(self, measure_id: str, period: Period) -> list[Return]:
        """Every version of a return, oldest first, the current one last (one consistent read)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT doc FROM (SELECT revision, doc FROM return_history WHERE measure_id = %(m)s AND period = %(p)s "
                "UNION ALL SELECT revision, doc FROM returns WHERE measure_id = %(m)s AND period = %(p)s) AS found "
                "ORDER BY revision", {"m": measure_id, "p": str(period)},
            ).fetchall()  # fmt: skip
        return [Return.from_doc(doc) for (doc,) in rows]

    def withdrawal(self, measure_id: str, period: Period) -> dict[str, str] | None:
        with self._db.reading() as conn:
            if _current(conn, measure_id, period) is not None:
                return None
            row = conn.execute(
                "SELECT doc FROM return_history WHERE measure_id = %s AND period = %s "
                "AND doc ? 'withdrawn_by' ORDER BY revision DESC LIMIT 1", [measure_id, str(period)],
            ).fetchone()  # fmt: skip
        if row is None:
            return None
        doc = row[0]
        return {"by": doc["withdrawn_by"], "at": doc["superseded_at"], "reason": doc.get("withdrawn_reason", "")}

    def withdraw(self, measure_id: str, period: Period, *, actor: str, reason: str) -> Return:
        with self._db.transaction() as conn:
            lock(conn, "return", measure_id, str(period))
            current = _current(conn, measure_id, period)
            if current is None:
                raise KeyError(f"{measure_id} {period}")
            now = self._clock.now()
            self._keep(conn, current, current.to_doc() | {
                "superseded_at": now.isoformat(), "withdrawn_by": actor, "withdrawn_reason": reason})  # fmt: skip
            conn.execute("DELETE FROM returns WHERE measure_id = %s AND period = %s", [measure_id, str(period)])
            audit.record(conn, at=now, actor=actor, action="return.withdrawn",
                         subject=f"return {measure_id} {period}", before=current.to_doc(),
                         after={"withdrawn": True, "reason": reason})  # fmt: skip
        return current

    def periods(self) -> list[Period]:
        """Every quarter with anything stored in it, oldest first."""
        with self._db.reading() as conn:
            rows = conn.execute(_PERIODS).fetchall()
        return sorted(Period.parse(p) for (p,) in rows)

    def save(self, submitted: Return, *, idempotency_key: str | None = None) -> SaveOutcome:
        """Store a return durably; a repeat of the same delivery (`idempotency_key`) is not applied twice."""
        with self._db.transaction() as conn:
            lock(conn, "return", submitted.measure_id, str(submitted.period))
            if idempotency_key:
                inserted = conn.execute(
                    "INSERT INTO applied (period, key, at) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    [str(submitted.period), idempotency_key, self._clock.now().isoformat()],
                ).rowcount  # fmt: skip
                if not inserted:
                    current = _current(conn, submitted.measure_id, submitted.period)
                    assert current is not None, "an applied submission always leaves a return"
                    return SaveOutcome(SaveStatus.UNCHANGED, current)
            return self._write(conn, submitted)

    def save_many(self, returns: list[Return]) -> list[SaveOutcome]:
        """Store many returns (a bulk import) in one transaction."""
        with self._db.transaction() as conn:
            outcomes = []
            for item in returns:
                lock(conn, "return", item.measure_id, str(item.period))
                outcomes.append(self._write(conn, item))
        return outcomes

    @staticmethod
    def _keep(conn: Connection, version: Return, doc: dict) -> None:
        conn.execute("INSERT INTO return_history (measure_id, period, revision, doc) VALUES (%s, %s, %s, %s)",
                      [version.measure_id, str(version.period), version.revision, Jsonb(doc)])  # fmt: skip

    def _write(self, conn: Connection, submitted: Return) -> SaveOutcome:
        now = self._clock.now()
        previous = _current(conn, submitted.measure_id, submitted.period)
        if previous is not None and _same_content(previous, submitted):
            return SaveOutcome(SaveStatus.UNCHANGED, previous)
        if previous is not None:
            revision = previous.revision + 1
        else:  # after any withdrawn revisions: a number is never reused
            revision = conn.execute(
                "SELECT coalesce(max(revision), 0) + 1 FROM return_history WHERE measure_id = %s AND period = %s",
                [submitted.measure_id, str(submitted.period)]).fetchone()[0]  # fmt: skip
        stamped = replace(submitted, revision=revision,
                          submitted_at=submitted.submitted_at or (None if submitted.unknown_time else now))  # fmt: skip
        if previous is not None:
            self._keep(conn, previous, previous.to_doc() | {"superseded_at": now.isoformat()})
        conn.execute(
            "INSERT INTO returns (measure_id, period, revision, doc) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (measure_id, period) DO UPDATE SET revision = excluded.revision, doc = excluded.doc",
            [stamped.measure_id, str(stamped.period), stamped.revision, Jsonb(stamped.to_doc())],
        )  # fmt: skip
        audit.record(conn, at=now, actor=stamped.submitted_by or "unknown",
                     action="return.revised" if previous else "return.created",
                     subject=f"return {stamped.measure_id} {stamped.period}",
                     before=previous.to_doc() if previous else None, after=stamped.to_doc())  # fmt: skip
        return SaveOutcome(SaveStatus.REVISED if previous else SaveStatus.CREATED, stamped)
