"""The outbox: every outbound message is recorded before it is sent and marked after.

A message moves pending → sending (claimed, with a lease) → sent | failed | skipped. A crash while
sending leaves it claimed; once the lease runs out it may be claimed again, so a crash between
recording and sending re-sends at most once per key. Claims are conditional updates under the
store lock, so two processes never both send the same key. A message may wait for `not_before`
(a batch still collecting, or working hours).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet
from perfbot.store.records import BATCH_HOPS, OutboxMessage, OutboxStatus, claimable_now


class Outbox:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self, period: Period):  # noqa: ANN202 - a TinyDB table
        return self._files.period(period).table("outbox")

    def enqueue(self, message: OutboxMessage, *, actor: str | None = None, action: str = "") -> bool:
        """Record a message to send; False (and no change) if its key is already recorded.

        With `actor`, an audit record (`action`, e.g. "chase.recorded") is written in the same
        transaction, so the log and the outbox never disagree.
        """
        file = self._files.period(message.period)
        with file.transaction():
            if self._table(message.period).find_one("key", message.key) is not None:
                return False
            now = self._clock.now()
            doc = message.to_doc() | {"created_at": now.isoformat()}
            self._table(message.period).insert(doc)
            if actor is not None:
                audit.record(
                    file.table("audit"), at=now, actor=actor, action=action or "outbox.recorded",
                    subject=f"message {message.key}", after=doc,
                )  # fmt: skip
        return True

    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> list[bool]:
        """Record many messages, one durable transaction per quarter; whether each was new.

        As `enqueue` one by one (a key already recorded, or repeated in `messages`, is left as
        it is), except that a quarter's messages become durable all together or not at all, with
        one fsync rather than one each.
        """
        fresh = [False] * len(messages)
        by_period: dict[Period, list[int]] = {}
        for index, message in enumerate(messages):
            by_period.setdefault(message.period, []).append(index)
        for period, indexes in by_period.items():
            with self._files.period(period).transaction():
                table = self._table(period)
                known = {doc["key"] for doc in table.all()}
                created_at = self._clock.now().isoformat()
                docs = []
                for index in indexes:
                    message = messages[index]
                    if message.key in known:
                        continue
                    known.add(message.key)
                    docs.append(message.to_doc() | {"created_at": created_at})
                    fresh[index] = True
                if docs:
                    table.insert_multiple(docs)
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
        """Add items to the batch that goes out at the next slot after now (those it does not
        hold yet, once each, in their order).

        The time is read under the store lock, as it is when a batch is claimed, so an item never
        joins a batch that is already being sent: it goes to the next slot instead.
        """
        file = self._files.period(period)
        with file.transaction():
            slot = slot_after(self._clock.now())
            for _ in range(BATCH_HOPS):
                key = key_for(slot)
                current = self.get(period, key)
                if current is None or current.status is OutboxStatus.PENDING:
                    break
                slot = slot_after(slot)
            else:
                raise RuntimeError(f"no open {kind} batch for {recipient} in {BATCH_HOPS} slots")
            self._merge(period, key, kind=kind, recipient=recipient, items=list(items), slot=slot)

    def _merge(
        self, period: Period, key: str, *, kind: str, recipient: str, items: list[str], slot: datetime
    ) -> None:
        current = self.get(period, key)
        if current is None:
            message = OutboxMessage(key, period, kind, recipient, {"items": []},
                                    created_at=self._clock.now().isoformat(),
                                    not_before=slot.isoformat())  # fmt: skip
            self._table(period).insert(message.to_doc())
            current = message
        known = list(current.content.get("items", []))
        known += [i for i in dict.fromkeys(items) if i not in known]  # each item once
        self._table(period).update({"content": {"items": known}}, doc_ids=self._ids(period, key))

    def get(self, period: Period, key: str) -> OutboxMessage | None:
        doc = self._table(period).find_one("key", key)
        return OutboxMessage.from_doc(doc) if doc else None

    def _ids(self, period: Period, key: str) -> list[int]:
        """The document ids holding `key` (an indexed look-up, not a scan of the quarter)."""
        return [doc.doc_id for doc in self._table(period).find("key", key)]

    def for_period(self, period: Period) -> list[OutboxMessage]:
        """Every message of a quarter, in the order they were recorded."""
        docs = self._table(period).all()
        ordered = sorted(docs, key=lambda d: (datetime.fromisoformat(d["created_at"]), d.doc_id))
        return [OutboxMessage.from_doc(d) for d in ordered]

    def claimable(self, period: Period) -> list[OutboxMessage]:
        now = self._clock.now()
        return [m for m in self.for_period(period) if claimable_now(m, now)]

    def claim(self, period: Period, key: str, *, lease: timedelta) -> OutboxMessage | None:
        """Take a message for sending, or None if it is sent, skipped or someone else holds it."""
        file = self._files.period(period)
        with file.transaction():
            now = self._clock.now()
            current = self.get(period, key)
            if current is None or not claimable_now(current, now):
                return None
            fields = {
                "status": OutboxStatus.SENDING.value,
                "attempts": current.attempts + 1,
                "lease_until": (now + lease).isoformat(),
            }
            self._table(period).update(fields, doc_ids=self._ids(period, key))
        return OutboxMessage.from_doc(current.to_doc() | fields)

    def mark_sent(self, period: Period, key: str, *, channel: str, ref: str = "") -> None:
        self._set(period, key, status=OutboxStatus.SENT, sent_at=self._clock.now().isoformat(),
                  channel=channel, delivery_ref=ref, error=None, lease_until=None)  # fmt: skip

    def mark_failed(
        self, period: Period, key: str, *, error: str, retry_at: datetime | None
    ) -> None:
        """A failed attempt: retried from `retry_at`, or never again when that is None."""
        status = OutboxStatus.PENDING if retry_at else OutboxStatus.FAILED
        self._set(period, key, status=status, error=error, lease_until=None,
                  retry_at=retry_at.isoformat() if retry_at else None)  # fmt: skip

    def mark_skipped(self, period: Period, key: str, *, reason: str) -> None:
        self._set(period, key, status=OutboxStatus.SKIPPED, error=reason, lease_until=None)

    def _set(self, period: Period, key: str, **fields: Any) -> None:
        for name, value in fields.items():
            if isinstance(value, StrEnum):
                fields[name] = value.value
        with self._files.period(period).transaction():
            self._table(period).update(fields, doc_ids=self._ids(period, key))
