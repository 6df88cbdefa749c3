"""Where perfbot can reach people in Teams, and how far the SharePoint pollers have read.

`Conversations` keeps a reference to every Teams conversation the bot was installed in or
messaged from (a person's 1:1 chat, or a team channel an officer chose for CMT digests), so
requests can be sent proactively. `SyncMarks` keeps small named bookmarks (a poller's
high-water mark). Both live in the core file; a write that changes nothing is not made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from tinydb import Query

from perfbot.clock import Clock
from perfbot.store import audit
from perfbot.store.files import FileSet


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Enough of a Teams conversation to post into it later."""

    conversation_id: str
    service_url: str
    tenant_id: str
    kind: str  # "personal", "channel" or "groupChat"
    email: str = ""  # the person's, for a personal chat
    aad_object_id: str = ""
    user_id: str = ""
    name: str = ""  # the person's or the team's display name
    destination: str = ""  # the CMT recipient (e.g. "cmt") this channel receives digests for
    updated_at: str = ""

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ConversationRef:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in doc.items() if k in known})


class Conversations:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("teams_conversations")

    def get(self, conversation_id: str) -> ConversationRef | None:
        doc = self._table().get(Query().conversation_id == conversation_id)
        return ConversationRef.from_doc(doc) if doc else None

    def remember(self, ref: ConversationRef) -> bool:
        """Store or refresh a reference (its CMT binding is kept); False when nothing changed."""
        with self._files.core.transaction():
            current = self.get(ref.conversation_id)
            merged = replace(ref, email=ref.email.lower(),
                             destination=current.destination if current else ref.destination)  # fmt: skip
            if current is not None and replace(current, updated_at="") == replace(merged, updated_at=""):
                return False
            stamped = replace(merged, updated_at=self._clock.now().isoformat())
            self._table().upsert(stamped.to_doc(), Query().conversation_id == ref.conversation_id)
        return True

    def for_email(self, email: str) -> ConversationRef | None:
        """The person's 1:1 chat with the bot, if they have installed it or written to it."""
        docs = self._table().search((Query().email == email.strip().lower()) & (Query().kind == "personal"))
        return ConversationRef.from_doc(max(docs, key=lambda d: d["updated_at"])) if docs else None

    def for_user(self, aad_object_id: str) -> ConversationRef | None:
        docs = self._table().search((Query().aad_object_id == aad_object_id) & (Query().kind == "personal"))
        return ConversationRef.from_doc(max(docs, key=lambda d: d["updated_at"])) if docs else None

    def for_destination(self, name: str) -> ConversationRef | None:
        doc = self._table().get(Query().destination == name)
        return ConversationRef.from_doc(doc) if doc else None

    def bind(self, conversation_id: str, destination: str, *, actor: str) -> ConversationRef:
        """Make this conversation the one `destination` (a CMT recipient) is posted to."""
        with self._files.core.transaction():
            current = self.get(conversation_id)
            if current is None:
                raise KeyError(conversation_id)
            for doc in self._table().search(Query().destination == destination):
                self._table().update({"destination": ""}, doc_ids=[doc.doc_id])
            bound = replace(current, destination=destination)
            self._table().update(bound.to_doc(), Query().conversation_id == conversation_id)
            audit.record(
                self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                action="teams.destination.bound", subject=f"digest destination {destination}",
                before=None, after=bound.to_doc(),
            )  # fmt: skip
        return bound

    def forget(self, conversation_id: str) -> None:
        """The bot was removed from this conversation: stop using it."""
        with self._files.core.transaction():
            self._table().remove(Query().conversation_id == conversation_id)

    def all(self) -> list[ConversationRef]:
        return [ConversationRef.from_doc(d) for d in self._table().all()]


class SyncMarks:
    """Named bookmarks, e.g. the last `Modified` a SharePoint poller has read."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("sync_marks")

    def get(self, name: str) -> dict[str, Any] | None:
        doc = self._table().get(Query().name == name)
        return dict(doc["value"]) if doc else None

    def set(self, name: str, value: dict[str, Any]) -> None:
        with self._files.core.transaction():
            if self.get(name) == value:
                return
            self._table().upsert({"name": name, "value": value, "at": self._clock.now().isoformat()},
                                 Query().name == name)  # fmt: skip
