"""Where perfbot can reach people in Teams: a reference to every conversation the bot was installed
in or messaged from (a person's 1:1 chat, or a team channel an officer chose for CMT digests), so
requests can be sent proactively. Kept in the store's platform state (namespace "teams", key
`conversation:<id>`); a write that changes nothing is not made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from perfbot.clock import Clock
from perfbot.store.interfaces import AuditLog, PlatformState

NAMESPACE = "teams"
_PREFIX = "conversation:"


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
    def __init__(self, state: PlatformState, audit: AuditLog, clock: Clock) -> None:
        self._state = state
        self._audit = audit
        self._clock = clock

    def get(self, conversation_id: str) -> ConversationRef | None:
        found = self._state.get(_PREFIX + conversation_id)
        return ConversationRef.from_doc(found) if found else None

    def _put(self, ref: ConversationRef) -> None:
        self._state.put(_PREFIX + ref.conversation_id, ref.to_doc())

    def remember(self, ref: ConversationRef) -> bool:
        """Store or refresh a reference (its CMT binding is kept); False when nothing changed."""
        with self._state.atomic():
            current = self.get(ref.conversation_id)
            merged = replace(ref, email=ref.email.lower(),
                             destination=current.destination if current else ref.destination)  # fmt: skip
            if current is not None and replace(current, updated_at="") == replace(merged, updated_at=""):
                return False
            self._put(replace(merged, updated_at=self._clock.now().isoformat()))
        return True

    def for_email(self, email: str) -> ConversationRef | None:
        """The person's 1:1 chat with the bot, if they have installed it or written to it."""
        email = email.strip().lower()
        return _latest(r for r in self.all() if r.email == email and r.kind == "personal")

    def for_user(self, aad_object_id: str) -> ConversationRef | None:
        return _latest(r for r in self.all() if r.aad_object_id == aad_object_id and r.kind == "personal")

    def for_destination(self, name: str) -> ConversationRef | None:
        return next((r for r in self.all() if r.destination == name), None)

    def bind(self, conversation_id: str, destination: str, *, actor: str) -> ConversationRef:
        """Make this conversation the one `destination` (a CMT recipient) is posted to."""
        with self._state.atomic():
            current = self.get(conversation_id)
            if current is None:
                raise KeyError(conversation_id)
            for other in self.all():
                if other.destination == destination:
                    self._put(replace(other, destination=""))
            bound = replace(current, destination=destination)
            self._put(bound)
            self._audit.record(actor=actor, action="teams.destination.bound",
                               subject=f"digest destination {destination}", before=None, after=bound.to_doc())  # fmt: skip
        return bound

    def forget(self, conversation_id: str) -> None:
        """The bot was removed from this conversation: stop using it."""
        self._state.delete(_PREFIX + conversation_id)

    def all(self) -> list[ConversationRef]:
        return [ConversationRef.from_doc(value) for _, value in self._state.items(_PREFIX)]


def _latest(refs: Any) -> ConversationRef | None:
    found = list(refs)
    return max(found, key=lambda r: r.updated_at) if found else None
