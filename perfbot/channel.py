"""The port every channel implements. Adding a channel never touches the others."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Protocol

from perfbot.digest import Digest
from perfbot.notices import Alert, PersonNotice

# The outbox key of the message being sent, set by the dispatcher around each send: channels that
# give messages a stable id (e-mail's Message-ID) derive it from this, so a resend is recognisable.
OUTBOX_KEY: ContextVar[str] = ContextVar("perfbot_outbox_key", default="")


class TransportError(Exception):
    """A delivery failed. `permanent` failures are not retried (bad address, revoked token)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Channel(Protocol):
    """How perfbot reaches people on one platform.

    Optional attributes: `parallel_sends` (how many sends it takes at once, default 1) and
    `lists` (recipients that are shared forms, not people: each round's request goes to them).
    """

    name: str

    def resolve_person(self, email: str) -> str | None:
        """This platform's address for a person (by e-mail), or None if it does not know them."""
        ...

    def send_request(self, address: str, notice: PersonNotice) -> str:
        """Send a round's data request; returns a delivery reference."""
        ...

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        """Send a reminder, deadline notice, chase or escalation; returns a delivery reference."""
        ...

    def post_digest(self, destination: str, digest: Digest) -> str:
        """Post the CMT digest (exceptions as replies where the platform threads)."""
        ...

    def post_alert(self, destination: str, alert: Alert) -> str:
        """Post exceptions as they happen to a CMT channel."""
        ...
