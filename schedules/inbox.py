"""A person's web inbox: every message perfbot recorded for them (sent, waiting, or not
delivered), newest first. What they still owe is `perfbot.services.duties`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus, Store
from schedules.planner import parse_key

KINDS = {"request": "Request for returns", "reminder": "Reminder", "deadline": "Deadline notice",
         "chase": "Chase", "escalation": "Overdue returns in your service", "digest": "CMT digest",
         "alert": "Exception alert", "sign-off": "Figures to sign off", "sign-off-reminder": "Sign-off reminder",
         "sign-off-escalation": "Figures not signed off yet", "sent-back": "Figures sent back"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class InboxMessage:
    period: Period
    kind: str  # readable, e.g. "Reminder"
    status: str  # "sent", "waiting" or "not delivered"
    at: datetime
    channel: str
    reason: str
    for_whom: str  # the absent owner when a deputy received it, else ""
    measures: tuple[str, ...]


def messages_for(store: Store, email: str) -> list[InboxMessage]:
    """Messages recorded for `email` (as recipient, or addressee while away), newest first."""
    person = email.lower()
    found = []
    for round_ in store.rounds.all():
        for message in store.outbox.for_period(round_.period):
            addressee = parse_key(message.key).person
            if person in (message.recipient.lower(), addressee) and message.status is not OutboxStatus.SKIPPED:
                found.append(_entry(message, addressee if addressee != message.recipient else ""))
    return sorted(found, key=lambda m: m.at, reverse=True)


def _entry(message: OutboxMessage, for_whom: str) -> InboxMessage:
    status = {OutboxStatus.SENT: "sent", OutboxStatus.FAILED: "not delivered"}.get(message.status, "waiting")
    when = message.sent_at or message.created_at
    measures = tuple(line["measure_id"] for line in message.content.get("measures", []))
    return InboxMessage(message.period, KINDS.get(message.kind, message.kind), status,
                        datetime.fromisoformat(when), message.channel or "",
                        message.error or "" if status != "sent" else "", for_whom, measures)  # fmt: skip
