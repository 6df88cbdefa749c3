"""Who is who in Slack, kept in the store's platform state (namespace "slack").

`person:<email>` holds what a look-up found (the user id, or None when Slack does not know the
address, and when the performance officer was told); `address:<user id>` names its e-mail, so an
inbound event finds its sender without a scan. An address belongs to one person at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from perfbot.clock import Clock
from perfbot.store.interfaces import PlatformState


@dataclass(frozen=True, slots=True)
class ChatPerson:
    """A person's address on Slack; `address` None: Slack does not know them."""

    email: str
    address: str | None
    checked_at: datetime
    reported_at: datetime | None = None

    def to_doc(self) -> dict[str, Any]:
        return {
            "email": self.email, "address": self.address, "checked_at": self.checked_at.isoformat(),
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ChatPerson:
        reported = doc.get("reported_at")
        return cls(
            email=doc["email"], address=doc.get("address"),
            checked_at=datetime.fromisoformat(doc["checked_at"]),
            reported_at=datetime.fromisoformat(reported) if reported else None,
        )  # fmt: skip


class AddressBook:
    def __init__(self, state: PlatformState, clock: Clock) -> None:
        self._state = state
        self._clock = clock

    def person(self, email: str) -> ChatPerson | None:
        found = self._state.get(f"person:{email.strip().lower()}")
        return ChatPerson.from_doc(found) if found else None

    def person_at(self, address: str) -> ChatPerson | None:
        """Who has this address (the reverse look-up)."""
        email = self._state.get(f"address:{address}")
        person = self.person(email) if email else None
        return person if person is not None and person.address == address else None

    def remember(self, email: str, address: str | None) -> ChatPerson:
        """Record a look-up's outcome (keeping when an unknown person was last reported)."""
        email = email.strip().lower()
        with self._state.atomic():
            before = self.person(email)
            reported = before.reported_at if before and address is None else None
            found = ChatPerson(email, address, self._clock.now(), reported)
            if before is not None and before.address and before.address != address:
                self._state.delete(f"address:{before.address}")
            if address is not None:
                holder = self.person_at(address)
                if holder is not None and holder.email != email:  # the address moved: drop its old owner
                    self._state.delete(f"person:{holder.email}")
                self._state.put(f"address:{address}", email)
            self._state.put(f"person:{email}", found.to_doc())
        return found

    def mark_reported(self, email: str) -> None:
        """The performance officer has been told this person is not on Slack."""
        with self._state.atomic():
            person = self.person(email)
            if person is not None:
                reported = ChatPerson(person.email, person.address, person.checked_at, self._clock.now())
                self._state.put(f"person:{person.email}", reported.to_doc())
