"""Returns: the current revision of each (measure, quarter) in `returns`, earlier ones in
`return_history`, applied idempotency keys in `applied`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.model import Return, Value
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.pg.docs import decoded
from perfbot.store.records import AuditRecord, SaveOutcome, SaveStatus

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


# What is stored now, in one snapshot (run it after taking the return's lock): whether the
# delivery's key was applied, the current revision and the last revision number kept.
_READ = (
    "SELECT EXISTS (SELECT FROM applied WHERE period = %(p)s AND key = %(key)s), "
    "(SELECT doc FROM returns WHERE measure_id = %(m)s AND period = %(p)s), "
    "(SELECT coalesce(max(revision), 0) FROM return_history WHERE measure_id = %(m)s AND period = %(p)s)"
)
# The whole change in one statement (each part of a data-modifying WITH runs), so that it applies
# entirely or not at all without a savepoint of its own: the delivery's key claimed, the revision
# it replaces kept, the new one current and the audit record. Its result is not waited for: in a
# pipelined commit it travels with the COMMIT. The key is read as unclaimed under the return's
# lock, so a claim can only clash with a different return given the same key at the same moment
# (keys are per return): the primary key of `applied` then fails the whole transaction.
_WRITE = (
    "WITH claimed AS (INSERT INTO applied (period, key, at) SELECT %(p)s, %(key)s, %(claimed_at)s "
    "WHERE %(key)s::text IS NOT NULL), "
    "kept AS (INSERT INTO return_history (measure_id, period, revision, doc) "
    "SELECT %(m)s, %(p)s, %(kept_revision)s::integer, %(kept)s::jsonb WHERE %(kept)s::jsonb IS NOT NULL), "
    "current AS (INSERT INTO returns (measure_id, period, revision, doc) VALUES (%(m)s, %(p)s, %(revision)s, %(doc)s) "
    "ON CONFLICT (measure_id, period) DO UPDATE SET revision = excluded.revision, doc = excluded.doc) "
    "INSERT INTO audit (at, doc) VALUES (%(at)s, %(audit)s)"
)


@dataclass(frozen=True, slots=True)
class _Stored:
    applied: bool  # the delivery's idempotency key is already claimed
    previous: Return | None  # the current revision, if any
    last_kept: int  # the highest revision number in the history (0: none)


def _read(conn: Connection, submitted: Return, key: str | None) -> _Stored:
    applied, doc, last_kept = conn.execute(_READ, {
        "m": submitted.measure_id, "p": str(submitted.period), "key": key}).fetchone()  # fmt: skip
    return _Stored(applied, Return.from_doc(doc) if doc is not None else None, last_kept)


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

    def current_values(self, measure_id: str, periods: Iterable[Period]) -> dict[Period, Value]:
        """The figures of `measure_id`'s current returns in `periods`, by quarter (quarters without
        one left out), in one query that sends only the figures (a rating's hot path)."""
        wanted = sorted({str(p) for p in periods})
        if not wanted:
            return {}
        rows = self._db.fetch_all("SELECT period, doc->'value' FROM returns WHERE measure_id = %s AND period = ANY(%s)",
                                  [measure_id, wanted])  # fmt: skip
        return {Period.parse(period): value for period, value in rows}

    def for_period(self, period: Period) -> dict[str, Return]:
        return self.for_periods([period]).get(period, {})

    def of_measures(self, period: Period, measure_ids: Iterable[str]) -> dict[str, Return]:
        """The current returns of these measures in `period`, by key, in one query."""
        wanted = sorted(set(measure_ids))
        if not wanted:
            return {}
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM returns WHERE period = %s AND measure_id = ANY(%s)",
                                [str(period), wanted]).fetchall()  # fmt: skip
        return {r.measure_id: r for r in (Return.from_doc(doc) for (doc,) in rows)}

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
        """Store a return durably; a repeat of the same delivery (`idempotency_key`) is not applied twice.

        Three statements, joining a running transaction as they are (the change is one statement,
        so it needs no savepoint): the return's lock; what is stored, read after the lock; the
        change with its key, the earlier version and the audit record. Pipelined when it is a
        transaction of its own: BEGIN, the lock and the read go out together (the server runs
        them in order, and the read's snapshot is taken once the lock is held), and the change
        with the COMMIT (its outcome is known from the read)."""
        with self._db.joined(pipelined=True) as conn:
            lock(conn, "return", submitted.measure_id, str(submitted.period))
            return self._write(conn, submitted, _read(conn, submitted, idempotency_key), idempotency_key)

    def save_many(self, returns: list[Return]) -> list[SaveOutcome]:
        """Store many returns (a bulk import) in one transaction."""
        with self._db.transaction() as conn:
            outcomes = []
            for item in returns:
                lock(conn, "return", item.measure_id, str(item.period))
                outcomes.append(self._write(conn, item, _read(conn, item, None), None))
        return outcomes

    @staticmethod
    def _keep(conn: Connection, version: Return, doc: dict) -> None:
        conn.execute("INSERT INTO return_history (measure_id, period, revision, doc) VALUES (%s, %s, %s, %s)",
                      [version.measure_id, str(version.period), version.revision, Jsonb(doc)])  # fmt: skip

    def _write(self, conn: Connection, submitted: Return, found: _Stored, key: str | None) -> SaveOutcome:
        now = self._clock.now()
        previous = found.previous
        if found.applied or (previous is not None and _same_content(previous, submitted)):
            assert previous is not None, "an applied submission always leaves a return"
            return SaveOutcome(SaveStatus.UNCHANGED, previous)
        # after any withdrawn revisions: a number is never reused
        revision = previous.revision + 1 if previous is not None else found.last_kept + 1
        stamped = replace(submitted, revision=revision,
                          submitted_at=submitted.submitted_at or (None if submitted.unknown_time else now))  # fmt: skip
        after = stamped.to_doc()
        before = previous.to_doc() if previous is not None else None
        audit_doc = AuditRecord(at=now, actor=stamped.submitted_by or "unknown",
                                action="return.revised" if previous else "return.created",
                                subject=f"return {stamped.measure_id} {stamped.period}",
                                before=before, after=after).to_doc()  # fmt: skip
        conn.execute(_WRITE, {
            "m": stamped.measure_id, "p": str(stamped.period), "revision": stamped.revision, "doc": Jsonb(after),
            "key": key, "claimed_at": now.isoformat(), "kept_revision": previous.revision if previous else None,
            "kept": Jsonb(before | {"superseded_at": now.isoformat()}) if before is not None else None,
            "at": now, "audit": Jsonb(audit_doc),
        })  # fmt: skip
        return SaveOutcome(SaveStatus.REVISED if previous else SaveStatus.CREATED, stamped, previous)
