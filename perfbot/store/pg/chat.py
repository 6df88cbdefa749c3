"""Chat messages perfbot sent (keyed by period, channel and ts) and deliveries already handled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.pg.db import Database
from perfbot.store.records import ChatMessage

HANDLED_FOR = timedelta(days=3)  # as the TinyDB backend: Slack retries within minutes


class ChatDirectory:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def remember_message(self, message: ChatMessage) -> None:
        with self._db.reading() as conn:  # one statement: durable by itself (autocommit), or in the running transaction
            conn.execute("INSERT INTO chat_messages (period, channel, ts, doc) VALUES (%s, %s, %s, %s) "
                         "ON CONFLICT (period, channel, ts) DO UPDATE SET doc = excluded.doc",
                         [str(message.period), message.channel, message.ts, Jsonb(message.to_doc())])  # fmt: skip

    def messages(
        self, platform: str, period: Period, *, email: str | None = None, kind: str | None = None
    ) -> list[ChatMessage]:
        """A round's messages on a platform, oldest first, optionally to one person or of a kind."""
        sql = "SELECT doc FROM chat_messages WHERE period = %s AND doc ->> 'platform' = %s"
        params = [str(period), platform]
        if email is not None:  # filtered here, so one person's look-up reads their few rows only
            sql, params = sql + " AND doc ->> 'email' = %s", [*params, email.strip().lower()]
        if kind is not None:
            sql, params = sql + " AND doc ->> 'kind' = %s", [*params, kind]
        with self._db.reading() as conn:
            rows = conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [ChatMessage.from_doc(doc) for (doc,) in rows]

    def message_at(self, platform: str, channel: str, ts: str, *, periods: Iterable[Period]) -> ChatMessage | None:
        """The message perfbot sent at (channel, ts), searched in these quarters in order."""
        with self._db.reading() as conn:
            for period in periods:
                row = conn.execute("SELECT doc FROM chat_messages WHERE period = %s AND channel = %s AND ts = %s "
                                   "AND doc ->> 'platform' = %s", [str(period), channel, ts, platform]).fetchone()  # fmt: skip
                if row:
                    return ChatMessage.from_doc(row[0])
        return None

    def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (within `HANDLED_FOR`), False for a repeat."""
        now = self._clock.now()
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM chat_handled WHERE at < %s", [now - HANDLED_FOR])
            return conn.execute("INSERT INTO chat_handled (key, at) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                [key, now]).fetchone() is not None  # fmt: skip
