"""Web sessions (kept by the SHA-256 of their id) and sign-in links used up (by nonce)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.store.pg.db import Database
from perfbot.store.records import WebSession, key_of


class WebSessions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def start(self, email: str, *, hours: int, how: str = "link",
              app_roles: tuple[str, ...] = ()) -> tuple[str, WebSession]:  # fmt: skip
        """A new session: (the id for the cookie, what the store keeps). Ended ones are swept out."""
        session_id = secrets.token_urlsafe(32)
        now = self._clock.now()
        found = WebSession(key_of(session_id), email.lower(), now, now + timedelta(hours=hours), how, tuple(app_roles))
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM web_sessions WHERE ends < %s", [now])
            conn.execute("INSERT INTO web_sessions (key, ends, doc) VALUES (%s, %s, %s)",
                         [found.key, found.expires, Jsonb(found.to_doc())])  # fmt: skip
        return session_id, found

    def get(self, session_id: str) -> WebSession | None:
        """The session, if it has not ended."""
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM web_sessions WHERE key = %s", [key_of(session_id)]).fetchone()
        found = WebSession.from_doc(row[0]) if row else None
        return found if found is not None and found.expires > self._clock.now() else None

    def end(self, *, key: str) -> bool:
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM web_sessions WHERE key = %s RETURNING 1", [key]).fetchone() is not None

    def active(self) -> list[WebSession]:
        """Every session that has not ended, newest first."""
        now = self._clock.now()
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM web_sessions").fetchall()
        found = (WebSession.from_doc(doc) for (doc,) in rows)
        return sorted((s for s in found if s.expires > now), key=lambda s: s.started, reverse=True)

    def use_link(self, nonce: str, *, expires: datetime) -> bool:
        """Record a sign-in link as used; False if it was used before (each link signs in once)."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM used_links WHERE ends < %s", [self._clock.now()])
            return conn.execute("INSERT INTO used_links (nonce, ends) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                [nonce, expires]).fetchone() is not None  # fmt: skip
