"""Web sessions kept server-side, and sign-in links used up, so both can be ended.

A session's cookie carries a random id; the store keeps only its SHA-256 (a copy of the data
directory gives no one a working cookie), with whose session it is and when it ends. Sign-out
ends it, an administrator can end anyone's, and it ends by itself at `expires`. A sign-in link's
nonce is recorded when the link is used, so each link signs in once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tinydb import Query

from perfbot.clock import Clock
from perfbot.store.files import FileSet
from perfbot.store.records import WebSession, key_of


class WebSessions:
    """The `web_sessions` and `used_links` tables of the core file."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _sessions(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("web_sessions")

    def start(self, email: str, *, hours: int, how: str = "link",
              app_roles: tuple[str, ...] = ()) -> tuple[str, WebSession]:  # fmt: skip
        """A new session: (the id for the cookie, what the store keeps). Ended ones are swept out."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock.now()
        found = WebSession(key_of(session_id), email.lower(), now, now + timedelta(hours=hours), how,
                           tuple(app_roles))  # fmt: skip
        with self._files.core.transaction():
            self._sessions().remove(Query().ends < now.timestamp())
            self._sessions().insert(found.to_doc())
        return session_id, found

    def get(self, session_id: str) -> WebSession | None:
        """The session, if it has not ended."""
        doc = self._sessions().get(Query().key == key_of(session_id))
        found = WebSession.from_doc(doc) if doc else None
        return found if found is not None and found.expires > self._clock.now() else None

    def end(self, *, key: str) -> bool:
        """End a session now (sign-out, or an administrator); whether it was there."""
        with self._files.core.transaction():
            return bool(self._sessions().remove(Query().key == key))

    def active(self) -> list[WebSession]:
        """Every session that has not ended, newest first."""
        now = self._clock.now()
        found = [WebSession.from_doc(d) for d in self._sessions().all()]
        return sorted((s for s in found if s.expires > now), key=lambda s: s.started, reverse=True)

    def use_link(self, nonce: str, *, expires: datetime) -> bool:
        """Record a sign-in link as used; False if it was used before (each link signs in once)."""
        table = self._files.core.table("used_links")
        now = self._clock.now()
        with self._files.core.transaction():
            if table.get(Query().nonce == nonce) is not None:
                return False
            table.remove(Query().ends < now.timestamp())  # a link past its expiry cannot be used anyway
            table.insert({"nonce": nonce, "ends": expires.timestamp()})
        return True
