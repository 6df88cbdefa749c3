"""The store's value types and errors: what every backend takes and gives back (no engine here)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from perfbot.model import Measure, Return, TargetOverride
from perfbot.periods import Period
from perfbot.terms import Terms, TermsBook, TermsEntry, Timeline

DRAFT_FIELDS = ("value", "commentary", "action")


class StoreCorruptError(RuntimeError):
    """A data file cannot be read; the message names the file and how to restore it."""


class StoreUnavailableError(StoreCorruptError):
    """The database cannot be reached (or the connection broke); nothing of the operation was
    committed. The message names the database; the next operation tries again."""


class StoreWriteError(RuntimeError):
    """A write did not reach the disk; the previous state is intact."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    subject: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_doc(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "subject": self.subject, "before": self.before, "after": self.after}  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AuditRecord:
        return cls(at=datetime.fromisoformat(doc["at"]), actor=doc["actor"], action=doc["action"],
                   subject=doc["subject"], before=doc.get("before"), after=doc.get("after"))  # fmt: skip


class SaveStatus(StrEnum):
    CREATED = "created"
    REVISED = "revised"
    UNCHANGED = "unchanged"  # same content again, or a retried delivery of the same submission


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    status: SaveStatus
    current: Return
    replaced: Return | None = None  # the version a revision superseded (REVISED only)


@dataclass(frozen=True, slots=True)
class RegisterChanges:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    retired: tuple[str, ...]
    targets_set: int
    terms_changed: tuple[str, ...] = ()  # "CS01 target 80 → 85 from 2026/27 Q1; earlier …"


@dataclass(frozen=True, slots=True)
class Publication:
    """One edition of a quarter's published figures (a reopened round publishes a new one)."""

    period: Period
    edition: int
    at: str  # ISO 8601
    by: str
    rows: dict[str, dict[str, Any]]  # by measure id


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
    not_before: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": self.key, "period": str(self.period), "kind": self.kind,
            "recipient": self.recipient, "content": self.content, "status": self.status.value,
            "attempts": self.attempts, "created_at": self.created_at,
            "lease_until": self.lease_until, "retry_at": self.retry_at, "sent_at": self.sent_at,
            "channel": self.channel, "delivery_ref": self.delivery_ref, "error": self.error,
            "not_before": self.not_before,
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> OutboxMessage:
        data = dict(doc)
        data["period"] = Period.parse(data["period"])
        data["status"] = OutboxStatus(data["status"])
        return cls(**data)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


BATCH_HOPS = 48  # a batch already taken for sending hands new items on to the next slot


def claimable_now(message: OutboxMessage, now: datetime) -> bool:
    """Whether `message` may be claimed at `now` (every backend's rule)."""
    if message.not_before and datetime.fromisoformat(message.not_before) > now:
        return False
    if message.status is OutboxStatus.PENDING:
        return message.retry_at is None or datetime.fromisoformat(message.retry_at) <= now
    if message.status is OutboxStatus.SENDING and message.lease_until:
        return datetime.fromisoformat(message.lease_until) <= now
    return False


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message perfbot sent for a round, and what it was about (domain data only)."""

    platform: str
    period: Period
    channel: str
    ts: str
    kind: str  # request, reminder, chase, escalation, digest, …
    email: str = ""  # the person it was sent to ("" for a channel post)
    content: dict[str, Any] = field(default_factory=dict)  # e.g. the notice it showed
    parts_sent: int = 0  # thread replies already posted under it (a digest's exceptions)

    def to_doc(self) -> dict[str, Any]:
        return {
            "platform": self.platform, "period": str(self.period), "channel": self.channel,
            "ts": self.ts, "kind": self.kind, "email": self.email, "content": self.content,
            "parts_sent": self.parts_sent,
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ChatMessage:
        return cls(
            platform=doc["platform"], period=Period.parse(doc["period"]), channel=doc["channel"],
            ts=doc["ts"], kind=doc["kind"], email=doc.get("email", ""),
            content=doc.get("content") or {}, parts_sent=int(doc.get("parts_sent", 0)),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Draft:
    owner: str
    period: Period
    measure_id: str
    value: str
    commentary: str
    action: str
    saved_at: datetime

    def to_doc(self) -> dict[str, Any]:
        return {
            "owner": self.owner, "period": str(self.period), "measure_id": self.measure_id,
            "value": self.value, "commentary": self.commentary, "action": self.action,
            "saved_at": self.saved_at.isoformat(),
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Draft:
        return cls(
            owner=doc["owner"], period=Period.parse(doc["period"]), measure_id=doc["measure_id"],
            value=doc.get("value", ""), commentary=doc.get("commentary", ""),
            action=doc.get("action", ""), saved_at=datetime.fromisoformat(doc["saved_at"]),
        )  # fmt: skip


def key_of(session_id: str) -> str:
    """What the store keeps for a session id (never the id itself)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class WebSession:
    key: str  # SHA-256 of the cookie's session id
    email: str
    started: datetime
    expires: datetime
    how: str  # "link" or "entra"
    app_roles: tuple[str, ...] = ()  # Entra app roles from the id_token, when configured

    def to_doc(self) -> dict[str, Any]:
        return {"key": self.key, "email": self.email, "started": self.started.isoformat(),
                "expires": self.expires.isoformat(), "ends": self.expires.timestamp(), "how": self.how,
                "app_roles": list(self.app_roles)}  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> WebSession:
        return cls(doc["key"], doc["email"], datetime.fromisoformat(doc["started"]),
                   datetime.fromisoformat(doc["expires"]), doc.get("how", "link"),
                   tuple(doc.get("app_roles", ())))  # fmt: skip


@dataclass(frozen=True, slots=True)
class PeerChanges:
    """What storing a batch of peer values did."""

    added: int
    replaced: int  # same metric, area and period, a different value or area name
    unchanged: int


def terms_entry_doc(measure_id: str, entry: TermsEntry) -> dict[str, Any]:
    """How a measure's terms entry is stored (every backend)."""
    start = str(entry.start) if entry.start is not None else None
    return {"measure_id": measure_id, "start": start, **entry.terms.to_doc(), "at": entry.at, "by": entry.by}


def timeline_of(docs: list[Any]) -> Timeline:
    """One measure's timeline from its stored terms entries."""
    entries = [
        TermsEntry(Period.parse(d["start"]) if d.get("start") else None, Terms.from_doc(d),
                   d.get("at", ""), d.get("by", ""))
        for d in docs
    ]  # fmt: skip
    entries.sort(key=lambda e: (e.start is not None, e.start or Period(1900, 1)))
    return Timeline(tuple(entries))


def terms_book_of(docs: Mapping[str, Mapping[str, Any]]) -> TermsBook:
    """Every measure's timeline from all stored terms entries."""
    by_measure: dict[str, list[Any]] = {}
    for doc in docs.values():
        by_measure.setdefault(doc["measure_id"], []).append(doc)
    return TermsBook({mid: timeline_of(found) for mid, found in by_measure.items()})


def targets_of(overrides: Mapping[tuple[str, Period], float]) -> list[TargetOverride]:
    """The per-period targets (the register's `targets` sheet), in measure and quarter order."""
    return [TargetOverride(m, p, t) for (m, p), t in sorted(overrides.items())]


def starts_of(book: TermsBook, measures: list[Measure]) -> dict[str, Period]:
    """From which quarter each measure's latest terms apply (its `target_from`), where dated."""
    found = {}
    for measure in measures:
        start = book.timeline(measure).latest.start
        if start is not None:
            found[measure.measure_id] = start
    return found


def upload_path(path: str) -> PurePosixPath:
    """`path` as a relative path inside the uploads area; ValueError for anything else."""
    found = PurePosixPath(path)
    if found.is_absolute() or ".." in found.parts or not found.parts or found.parts[0] != "uploads":
        raise ValueError(f"not an upload's path: {path!r}")
    return found
