"""Tracked remedial actions, kept in the core file so every report reads them in one place.

Raised inside the return's quarter commit, an action's own commit comes first: a crash between
the two leaves an action whose return was never acknowledged (its re-submission finds the action
already there), never an acknowledged red return without its action."""

from __future__ import annotations

from dataclasses import replace

from perfbot.actions import ActionChange, ActionError, ActionStatus, Due, TrackedAction, action_id
from perfbot.clock import Clock
from perfbot.model import Return
from perfbot.store import audit
from perfbot.store.files import FileSet

TABLE = "actions"


class Actions:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def track(self, raised_by: Return, *, owner: str, due: Due) -> TrackedAction:
        """Raise the action of a red return, or reword it while open; durable with the return
        when called inside its quarter's commit."""
        file = self._files.core
        now = self._clock.now()
        key = action_id(raised_by.measure_id, raised_by.period)
        with file.transaction():
            table = file.table(TABLE)
            found = _find(table, key)
            if found is None:
                action = TrackedAction(
                    measure_id=raised_by.measure_id, raised_in=raised_by.period,
                    text=raised_by.action.strip(), owner=owner.lower(), due=due,
                    status=ActionStatus.OPEN, raised_at=now, raised_by=raised_by.submitted_by,
                )  # fmt: skip
                table.insert({"key": key, **action.to_doc()})
                audit.record(file.table("audit"), at=now, actor=raised_by.submitted_by,
                             action="action.raised", subject=f"action {key}",
                             after={"text": action.text, "owner": action.owner,
                                    "due": action.due.to_text()})  # fmt: skip
                return action
            doc_id, action = found
            if not action.is_open or action.text == raised_by.action.strip():
                return action
            reworded = TrackedAction.from_doc({**action.to_doc(), "text": raised_by.action.strip()})
            table.update({"text": reworded.text}, doc_ids=[doc_id])
            audit.record(file.table("audit"), at=now, actor=raised_by.submitted_by,
                         action="action.reworded", subject=f"action {key}",
                         before={"text": action.text}, after={"text": reworded.text})  # fmt: skip
            return reworded

    def get(self, key: str) -> TrackedAction | None:
        """The action with id `key` ("HO02-2025-26-Q3"), if there is one."""
        found = _find(self._files.core.table(TABLE), key)
        return found[1] if found else None

    def change(self, key: str, change: ActionChange) -> TrackedAction:
        """Apply a checked change (see `perfbot.actions.change_for`), durably and audited; the same
        change as the last one (but for its time) is not applied twice."""
        file = self._files.core
        with file.transaction():
            table = file.table(TABLE)
            found = _find(table, key)
            if found is None:
                raise ActionError(f"there is no action {key}")
            doc_id, action = found
            if action.changes and replace(action.changes[-1], at=change.at) == change:
                return action  # the same change again (two clicks at once): kept once
            after = action.changed(change)
            table.update({"status": after.status.value, "due": after.due.to_text(),
                          "owner": after.owner,
                          "changes": [c.to_doc() for c in after.changes]}, doc_ids=[doc_id])  # fmt: skip
            audit.record(file.table("audit"), at=change.at, actor=change.by,
                         action="action.changed", subject=f"action {key}",
                         before={"status": action.status.value, "due": action.due.to_text(),
                                 "owner": action.owner},
                         after={"status": after.status.value, "due": after.due.to_text(),
                                "owner": after.owner, "note": change.note, "via": change.via})  # fmt: skip
            return after

    def all(self) -> list[TrackedAction]:
        """Every tracked action, oldest quarter first, then by measure."""
        actions = (TrackedAction.from_doc(doc) for doc in self._files.core.table(TABLE).all())
        return sorted(actions, key=lambda a: (a.raised_in, a.measure_id))


def _find(table, key: str) -> tuple[int, TrackedAction] | None:  # noqa: ANN001 - a TinyDB table
    for doc in table.all():
        if doc.get("key") == key:
            return doc.doc_id, TrackedAction.from_doc(doc)
    return None
