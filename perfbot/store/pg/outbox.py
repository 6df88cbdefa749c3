"""The outbox in PostgreSQL: primary key (period, key), claims under `FOR UPDATE SKIP LOCKED`.

A claim locks the message's row and skips it when another replica holds the lock, so two
`perfbot serve` processes never both take a message; the lease and statuses are the TinyDB
backend's (see `perfbot.store.outbox_repo`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.records import BATCH_HOPS, OutboxMessage, OutboxStatus, claimable_now

log = logging.getLogger("perfbot.outbox")

_INSERT = ("INSERT INTO outbox (period, key, created_at, doc) VALUES (%s, %s, %s, %s) "
           "ON CONFLICT (period, key) DO NOTHING")  # fmt: skip
# A message's document with its batch items: those the document holds (a batch written before
# migration 0005, or copied in), then those added since, rows of `outbox_items` (for `o`).
FULL_DOC = ("coalesce(jsonb_set(o.doc, '{content,items}', coalesce(o.doc #> '{content,items}', '[]'::jsonb) || "
            "(SELECT jsonb_agg(i.item ORDER BY i.n) FROM outbox_items i WHERE i.period = o.period AND i.key = o.key)), "
            "o.doc)")  # fmt: skip
# A batch (`target`: its key, and the items its document holds) gains the given items it does not
# hold yet, in their order: one small row each, the batch document untouched.
_ADD_ITEMS = ("INSERT INTO outbox_items (period, key, item) SELECT %(p)s, t.key, given.item "
              "FROM target t, jsonb_array_elements_text(%(items)s::jsonb) WITH ORDINALITY AS given(item, i) "
              "WHERE NOT coalesce(t.held ? given.item, false) ORDER BY given.i ON CONFLICT DO NOTHING")  # fmt: skip
# One statement adds items to the first of the candidate slots' batches that is open (none yet,
# or pending), so that it can travel with the COMMIT: the candidates' rows are locked first (a
# claim under way is waited for, then seen as taken); a new batch is one of `docs`. It answers
# the batch's key, or no row when none was open.
_ADD_TO_BATCH = (
    "WITH existing AS (SELECT key, doc->>'status' AS status, doc #> '{content,items}' AS held FROM outbox "
    "WHERE period = %(p)s AND key = ANY(%(keys)s) FOR UPDATE), "
    "target AS (SELECT c.key, c.n, e.key IS NULL AS new, e.held FROM unnest(%(keys)s::text[]) WITH ORDINALITY AS c(key, n) "
    "LEFT JOIN existing e ON e.key = c.key WHERE e.key IS NULL OR e.status = %(pending)s ORDER BY c.n LIMIT 1), "
    "created AS (INSERT INTO outbox (period, key, created_at, doc) "
    "SELECT %(p)s, t.key, %(at)s, %(docs)s::jsonb -> (t.n::integer - 1) FROM target t WHERE t.new), "
    f"added AS ({_ADD_ITEMS}) "
    "SELECT key FROM target"
)  # fmt: skip
_CANDIDATES = 3  # slots offered to that statement: beyond them (a clock far behind), after the commit


def _get(conn: Connection, period: Period, key: str, *, for_update: str = "") -> OutboxMessage | None:
    row = conn.execute(f"SELECT {FULL_DOC} FROM outbox o WHERE period = %s AND key = %s {for_update}",
                       [str(period), key]).fetchone()  # fmt: skip
    return OutboxMessage.from_doc(row[0]) if row else None


def _status(conn: Connection, period: Period, key: str) -> OutboxStatus | None:
    """A message's status, its row locked until the transaction ends (None: no such message)."""
    row = conn.execute("SELECT doc->>'status' FROM outbox WHERE period = %s AND key = %s FOR UPDATE",
                       [str(period), key]).fetchone()  # fmt: skip
    return OutboxStatus(row[0]) if row else None


def _insert(conn: Connection, message: OutboxMessage) -> bool:
    created = datetime.fromisoformat(message.created_at)
    params = [str(message.period), message.key, created, Jsonb(message.to_doc())]
    return conn.execute(_INSERT + " RETURNING 1", params).fetchone() is not None  # a fetch: pipeline-safe


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def enqueue(self, message: OutboxMessage, *, actor: str | None = None, action: str = "") -> bool:
        """Record a message to send; False (and no change) if its key is already recorded."""
        now = self._clock.now()
        stamped = OutboxMessage.from_doc(message.to_doc() | {"created_at": now.isoformat()})
        with self._db.transaction() as conn:
            if not _insert(conn, stamped):
                return False
            if actor is not None:
                audit.record(conn, at=now, actor=actor, action=action or "outbox.recorded",
                             subject=f"message {message.key}", after=stamped.to_doc())  # fmt: skip
        return True

    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> list[bool]:
        """Record many messages in one transaction; whether each was new."""
        if not messages:
            return []
        now = self._clock.now()
        params = [[str(m.period), m.key, now, Jsonb(m.to_doc() | {"created_at": now.isoformat()})]
                  for m in messages]  # fmt: skip
        with self._db.transaction() as conn, conn.cursor() as cursor:
            # One pipelined batch (not a round trip per message); a row back for each new one.
            cursor.executemany(_INSERT + " RETURNING 1", params, returning=True)
            fresh = [cursor.fetchone() is not None]
            while cursor.nextset():
                fresh.append(cursor.fetchone() is not None)
        return fresh

    def add_to_batch(
        self,
        period: Period,
        *,
        kind: str,
        recipient: str,
        items: Iterable[str],
        slot_after: Callable[[datetime], datetime],
        key_for: Callable[[datetime], str],
    ) -> None:
        """Add items to the batch that goes out at the next slot after now whose batch is not
        taken for sending yet. One statement, not waited for: in a pipelined commit (a return and
        the alert it raises) it travels with the COMMIT. When the next `_CANDIDATES` slots are all
        taken (a clock far behind the sender's), the items are added slot by slot once the
        commit is answered."""
        items = list(items)
        now = self._clock.now()
        slots = [slot_after(now)]
        while len(slots) < _CANDIDATES:
            slots.append(slot_after(slots[-1]))
        keys = [key_for(slot) for slot in slots]
        docs = [_new_batch(key, period, kind, recipient, created=now, slot=slot).to_doc()
                for key, slot in zip(keys, slots, strict=True)]  # fmt: skip
        with self._db.joined(pipelined=True) as conn:
            lock(conn, "outbox batch", str(period), kind, recipient)
            added = conn.execute(_ADD_TO_BATCH, {"p": str(period), "keys": keys, "pending": OutboxStatus.PENDING.value,
                                                 "at": now, "docs": Jsonb(docs), "items": Jsonb(items)})  # fmt: skip

            def added_or_later() -> None:
                if added.fetchone() is None:
                    log.warning("%s batch for %s: the next %d slots are taken for sending; added slot by slot",
                                kind, recipient, _CANDIDATES)  # fmt: skip
                    self._add_slot_by_slot(period, kind, recipient, items, slot_after, key_for)

            self._db.after_commit(added_or_later)

    def _add_slot_by_slot(self, period: Period, kind: str, recipient: str, items: list[str],
                          slot_after: Callable[[datetime], datetime], key_for: Callable[[datetime], str]) -> None:  # fmt: skip
        """`add_to_batch`, looking at one slot's batch at a time (as far as `BATCH_HOPS`)."""
        with self._db.transaction(pipelined=True) as conn:
            lock(conn, "outbox batch", str(period), kind, recipient)
            slot = slot_after(self._clock.now())
            for _ in range(BATCH_HOPS):
                key = key_for(slot)
                status = _status(conn, period, key)
                if status is None or status is OutboxStatus.PENDING:
                    break
                slot = slot_after(slot)
            else:
                raise RuntimeError(f"no open {kind} batch for {recipient} in {BATCH_HOPS} slots")
            if status is None:
                _insert(conn, _new_batch(key, period, kind, recipient, created=self._clock.now(), slot=slot))
            conn.execute(f"WITH target AS (SELECT key, doc #> '{{content,items}}' AS held FROM outbox "
                         f"WHERE period = %(p)s AND key = %(key)s) {_ADD_ITEMS}",
                         {"p": str(period), "key": key, "items": Jsonb(items)})  # fmt: skip

    def get(self, period: Period, key: str) -> OutboxMessage | None:
        with self._db.reading() as conn:
            return _get(conn, period, key)

    def for_period(self, period: Period) -> list[OutboxMessage]:
        """Every message of a quarter, in the order they were recorded."""
        with self._db.reading() as conn:
            rows = conn.execute(f"SELECT {FULL_DOC} FROM outbox o WHERE period = %s ORDER BY created_at, seq",
                                [str(period)]).fetchall()  # fmt: skip
        return [OutboxMessage.from_doc(doc) for (doc,) in rows]

    def claimable(self, period: Period) -> list[OutboxMessage]:
        now = self._clock.now()
        return [m for m in self.for_period(period) if claimable_now(m, now)]

    def claim(self, period: Period, key: str, *, lease: timedelta) -> OutboxMessage | None:
        """Take a message for sending, or None if it is sent, skipped or someone else holds it."""
        with self._db.transaction() as conn:
            current = _get(conn, period, key, for_update="FOR UPDATE SKIP LOCKED")
            now = self._clock.now()
            if current is None or not claimable_now(current, now):
                return None
            fields = {"status": OutboxStatus.SENDING.value, "attempts": current.attempts + 1,
                      "lease_until": (now + lease).isoformat()}  # fmt: skip
            self._update(conn, period, key, **fields)
        return OutboxMessage.from_doc(current.to_doc() | fields)

    def mark_sent(self, period: Period, key: str, *, channel: str, ref: str = "") -> None:
        self._set(period, key, status=OutboxStatus.SENT.value, sent_at=self._clock.now().isoformat(),
                  channel=channel, delivery_ref=ref, error=None, lease_until=None)  # fmt: skip

    def mark_failed(self, period: Period, key: str, *, error: str, retry_at: datetime | None) -> None:
        """A failed attempt: retried from `retry_at`, or never again when that is None."""
        status = OutboxStatus.PENDING if retry_at else OutboxStatus.FAILED
        self._set(period, key, status=status.value, error=error, lease_until=None,
                  retry_at=retry_at.isoformat() if retry_at else None)  # fmt: skip

    def mark_skipped(self, period: Period, key: str, *, reason: str) -> None:
        self._set(period, key, status=OutboxStatus.SKIPPED.value, error=reason, lease_until=None)

    def _set(self, period: Period, key: str, **fields: Any) -> None:
        # One UPDATE: on the pool's autocommit connection it is a durable transaction by itself,
        # without a BEGIN and a COMMIT round trip after each DM; in a running transaction, part of it.
        with self._db.reading() as conn:
            self._update(conn, period, key, **fields)

    @staticmethod
    def _update(conn: Connection, period: Period, key: str, **fields: Any) -> None:
        conn.execute("UPDATE outbox SET doc = doc || %s WHERE period = %s AND key = %s",
                     [Jsonb(fields), str(period), key])  # fmt: skip


def _new_batch(key: str, period: Period, kind: str, recipient: str, *, created: datetime, slot: datetime) -> OutboxMessage:
    """A batch as it is created: its items are rows of `outbox_items`."""
    return OutboxMessage(key, period, kind, recipient, {"items": []}, created_at=created.isoformat(),
                         not_before=slot.isoformat())  # fmt: skip
