"""What perfbot knows of chat platforms: who is who, which message is which, what was handled.

Three small tables, none of them domain data (no audit records):

* `people` (core file): a person's address on a platform, found by e-mail and cached, or the
  fact that the platform does not know them (with when the performance officer was told).
* `messages` (the quarter's file): the messages perfbot sent for a round (a request DM, a reminder,
  a digest), so a reply in their thread, a retry or an update finds them again.
* `handled` (core file): delivery ids already processed (Slack event ids, confirmations), kept
  for a few days, so a platform's retry is recognised and not processed twice.

Every write is one store transaction; `claim` is a conditional insert, so two workers never both
handle the same delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tinydb import Query

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.files import FileSet

HANDLED_FOR = timedelta(days=3)  # Slack retries within minutes; a few days is plenty


@dataclass(frozen=True, slots=True)
class ChatPerson:
    """A person's address on one platform; `address` None: the platform does not know them."""

    platform: str
    email: str
    address: str | None
    checked_at: datetime
    reported_at: datetime | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "platform": self.platform, "email": self.email, "address": self.address,
            "checked_at": self.checked_at.isoformat(),
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ChatPerson:
        reported = doc.get("reported_at")
        return cls(
            platform=doc["platform"], email=doc["email"], address=doc.get("address"),
            checked_at=datetime.fromisoformat(doc["checked_at"]),
            reported_at=datetime.fromisoformat(reported) if reported else None,
        )  # fmt: skip


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


class ChatDirectory:
    """People, messages and handled deliveries for the chat platforms."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    # -- people ----------------------------------------------------------------------------------

    def _people(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("chat_people")

    @staticmethod
    def _person(platform: str, email: str):  # noqa: ANN205 - a TinyDB query
        return (Query().platform == platform) & (Query().email == email.strip().lower())

    def person(self, platform: str, email: str) -> ChatPerson | None:
        email = email.strip().lower()
        doc = next((d for d in self._people().find("email", email) if d.get("platform") == platform), None)
        return ChatPerson.from_doc(doc) if doc else None

    def person_at(self, platform: str, address: str) -> ChatPerson | None:
        """Who has this address on the platform (the reverse look-up)."""
        doc = next((d for d in self._people().find("address", address) if d.get("platform") == platform), None)
        return ChatPerson.from_doc(doc) if doc else None

    def remember_person(self, platform: str, email: str, address: str | None) -> ChatPerson:
        """Record a look-up's outcome (keeping when an unknown person was last reported)."""
        email = email.strip().lower()
        with self._files.core.transaction():
            before = self.person(platform, email)
            reported = before.reported_at if before and address is None else None
            found = ChatPerson(platform, email, address, self._clock.now(), reported)
            table = self._people()
            if address is not None:  # an address belongs to one person: drop stale owners of it
                stale = [d.doc_id for d in table.find("address", address)
                         if d.get("platform") == platform and d.get("email") != email]  # fmt: skip
                if stale:
                    table.remove(doc_ids=stale)
            mine = [d.doc_id for d in table.find("email", email) if d.get("platform") == platform]
            if mine:
                table.update(found.to_doc(), doc_ids=mine)
            else:
                table.insert(found.to_doc())
        return found

    def mark_reported(self, platform: str, email: str) -> None:
        """The performance officer has been told this person is not on the platform."""
        with self._files.core.transaction():
            self._people().update(
                {"reported_at": self._clock.now().isoformat()}, self._person(platform, email)
            )

    # -- messages --------------------------------------------------------------------------------

    def _messages(self, period: Period):  # noqa: ANN202 - a TinyDB table
        return self._files.period(period).table("chat_messages")

    def remember_message(self, message: ChatMessage) -> None:
        with self._files.period(message.period).transaction():
            table = self._messages(message.period)
            same = [d.doc_id for d in table.find("ts", message.ts) if d.get("channel") == message.channel]
            if same:
                table.update(message.to_doc(), doc_ids=same)
            else:
                table.insert(message.to_doc())

    def messages(
        self, platform: str, period: Period, *, email: str | None = None, kind: str | None = None
    ) -> list[ChatMessage]:
        """A round's messages on a platform, oldest first, optionally to one person or of a kind."""
        table = self._messages(period)
        docs = table.find("email", email.strip().lower()) if email is not None else table.all()
        found = [ChatMessage.from_doc(d) for d in docs]
        return [
            m for m in found
            if m.platform == platform and (email is None or m.email == email.strip().lower())
            and (kind is None or m.kind == kind)
        ]  # fmt: skip

    def message_at(
        self, platform: str, channel: str, ts: str, *, periods: Iterable[Period]
    ) -> ChatMessage | None:
        """The message perfbot sent at (channel, ts), searched in these quarters."""
        for period in periods:
            for doc in self._messages(period).find("ts", ts):
                if doc.get("platform") == platform and doc.get("channel") == channel:
                    return ChatMessage.from_doc(doc)
        return None

    # -- handled deliveries ----------------------------------------------------------------------

    def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (within `HANDLED_FOR`), False for a repeat."""
        now = self._clock.now()
        table = self._files.core.table("chat_handled")
        with self._files.core.transaction():
            if table.find_one("key", key) is not None:
                return False
            cutoff = (now - HANDLED_FOR).isoformat()
            table.remove(Query().at < cutoff)
            table.insert({"key": key, "at": now.isoformat()})
        return True
