"""What perfbot knows of chat platforms: which message is which, and what was handled.

Two small tables, none of them domain data (no audit records); who is who on a platform is the
platform's own state (`Store.platform_state`):

* `messages` (the quarter's file): the messages perfbot sent for a round (a request DM, a reminder,
  a digest), so a reply in their thread, a retry or an update finds them again.
* `handled` (core file): delivery ids already processed (Slack event ids, confirmations), kept
  for a few days, so a platform's retry is recognised and not processed twice.

Every write is one store transaction; `claim` is a conditional insert, so two workers never both
handle the same delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from tinydb import Query

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.files import FileSet
from perfbot.store.records import ChatMessage

HANDLED_FOR = timedelta(days=3)  # Slack retries within minutes; a few days is plenty


class ChatDirectory:
    """Messages and handled deliveries for the chat platforms."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

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
