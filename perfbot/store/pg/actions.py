"""Tracked remedial actions by key ("HO02-2025-26-Q3", the primary key)."""

from __future__ import annotations

from dataclasses import replace

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.actions import ActionChange, ActionError, ActionStatus, Due, TrackedAction, action_id
from perfbot.clock import Clock
from perfbot.model import Return
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database


def _locked(conn: Connection, key: str) -> TrackedAction | None:
    row = conn.execute("SELECT doc FROM actions WHERE key = %s FOR UPDATE", [key]).fetchone()
    return TrackedAction.from_doc(row[0]) if row else None


def _put(conn: Connection, key: str, action: TrackedAction) -> None:
    conn.execute("INSERT INTO actions (key, doc) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc",
                 [key, Jsonb({"key": key, **action.to_doc()})])  # fmt: skip


class Actions:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def track(self, raised_by: Return, *, owner: str, due: Due) -> TrackedAction:
        """Raise the action of a red return, or reword it while open (in the return's transaction
        when called inside its quarter's commit)."""
        now = self._clock.now()
        key = action_id(raised_by.measure_id, raised_by.period)
        text = raised_by.action.strip()
        with self._db.transaction() as conn:
            fresh = TrackedAction(measure_id=raised_by.measure_id, raised_in=raised_by.period, text=text,
                                  owner=owner.lower(), due=due, status=ActionStatus.OPEN, raised_at=now,
                                  raised_by=raised_by.submitted_by)  # fmt: skip
            inserted = conn.execute("INSERT INTO actions (key, doc) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                    [key, Jsonb({"key": key, **fresh.to_doc()})]).fetchone()  # fmt: skip
            if inserted:
                audit.record(conn, at=now, actor=raised_by.submitted_by, action="action.raised",
                             subject=f"action {key}",
                             after={"text": fresh.text, "owner": fresh.owner, "due": fresh.due.to_text()})  # fmt: skip
                return fresh
            action = _locked(conn, key)
            assert action is not None
            if not action.is_open or action.text == text:
                return action
            reworded = TrackedAction.from_doc({**action.to_doc(), "text": text})
            _put(conn, key, reworded)
            audit.record(conn, at=now, actor=raised_by.submitted_by, action="action.reworded",
                         subject=f"action {key}", before={"text": action.text}, after={"text": text})  # fmt: skip
            return reworded

    def get(self, key: str) -> TrackedAction | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM actions WHERE key = %s", [key]).fetchone()
        return TrackedAction.from_doc(row[0]) if row else None

    def change(self, key: str, change: ActionChange) -> TrackedAction:
        """Apply a checked change (see `perfbot.actions.change_for`), durably and audited; the same
        change as the last one (but for its time) is not applied twice."""
        with self._db.transaction() as conn:
            action = _locked(conn, key)
            if action is None:
                raise ActionError(f"there is no action {key}")
            if action.changes and replace(action.changes[-1], at=change.at) == change:
                return action  # the same change again (two clicks at once): kept once
            after = action.changed(change)
            _put(conn, key, after)
            audit.record(conn, at=change.at, actor=change.by, action="action.changed", subject=f"action {key}",
                         before={"status": action.status.value, "due": action.due.to_text(), "owner": action.owner},
                         after={"status": after.status.value, "due": after.due.to_text(),
                                "owner": after.owner, "note": change.note, "via": change.via})  # fmt: skip
            return after

    def all(self) -> list[TrackedAction]:
        """Every tracked action, oldest quarter first, then by measure."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM actions").fetchall()
        return sorted((TrackedAction.from_doc(doc) for (doc,) in rows), key=lambda a: (a.raised_in, a.measure_id))
