"""The outbox: every outbound message is recorded before it is sent and marked after.

A message moves pending → sending (claimed, with a lease) → sent | failed | skipped. A crash while
sending leaves it claimed; once the lease runs out it may be claimed again, so a crash between
recording and sending re-sends at most once per key. Claims are conditional updates under the
store lock, so two processes never both send the same key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tinydb import Query

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.files import FileSet


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to one recipient; `content` is domain data, never a platform payload."""

    key: str
    period: Period
    kind: str
    recipient: str
    content: dict[str, Any] = field(default_factory=dict)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    created_at: str = ""
    lease_until: str | None = None
    retry_at: str | None = None
    sent_at: str | None = None
    channel: str | None = None
    delivery_ref: str | None = None
    error: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": self.key, "period": str(self.period), "kind": self.kind,
            "recipient": self.recipient, "content": self.content, "status": self.status.value,
            "attempts": self.attempts, "created_at": self.created_at,
            "lease_until": self.lease_until, "retry_at": self.retry_at, "sent_at": self.sent_at,
            "channel": self.channel, "delivery_ref": self.delivery_ref, "error": self.error,
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> OutboxMessage:
        data = dict(doc)
        data["period"] = Period.parse(data["period"])
        data["status"] = OutboxStatus(data["status"])
        return cls(**data)


class Outbox:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self, period: Period):  # noqa: ANN202 - a TinyDB table
        return self._files.period(period).table("outbox")

    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and no change) if its key is already recorded."""
        file = self._files.period(message.period)
        with file.transaction():
            if self._table(message.period).contains(Query().key == message.key):
                return False
            doc = message.to_doc() | {"created_at": self._clock.now().isoformat()}
            self._table(message.period).insert(doc)
        return True

    def get(self, period: Period, key: str) -> OutboxMessage | None:
        doc = self._table(period).get(Query().key == key)
        return OutboxMessage.from_doc(doc) if doc else None

    def for_period(self, period: Period) -> list[OutboxMessage]:
        docs = self._table(period).all()
        return sorted((OutboxMessage.from_doc(d) for d in docs), key=lambda m: m.created_at)

    def claimable(self, period: Period) -> list[OutboxMessage]:
        now = self._clock.now()
        return [m for m in self.for_period(period) if _claimable(m, now)]

    def claim(self, period: Period, key: str, *, lease: timedelta) -> OutboxMessage | None:
        """Take a message for sending, or None if it is sent, skipped or someone else holds it."""
        file = self._files.period(period)
        now = self._clock.now()
        with file.transaction():
            current = self.get(period, key)
            if current is None or not _claimable(current, now):
                return None
            fields = {
                "status": OutboxStatus.SENDING.value,
                "attempts": current.attempts + 1,
                "lease_until": (now + lease).isoformat(),
            }
            self._table(period).update(fields, Query().key == key)
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
            self._table(period).update(fields, Query().key == key)


def _claimable(message: OutboxMessage, now: datetime) -> bool:
    if message.status is OutboxStatus.PENDING:
        return message.retry_at is None or datetime.fromisoformat(message.retry_at) <= now
    if message.status is OutboxStatus.SENDING and message.lease_until:
        return datetime.fromisoformat(message.lease_until) <= now
    return False
