"""Remedial actions: what a service said it would do about a red figure, tracked to done.

**The rule.** A return rated Red that gives an action raises one tracked action for that measure
and quarter, when the quarter is one the cycle ran (history imported for quarters with no round
raises none). A revision of the return while the action is open updates its wording. The action
belongs to the measure's owner and is due by the end of the next quarter, unless someone gives
it another quarter or a date. It is open until marked done or dropped (dropping needs a reason);
every change is kept with who, when and why. An open action whose due date has passed by the end
of a quarter is **overdue** in that quarter: an exception in its digest and reports. The next
quarter's request to the owner asks about each open action ("last quarter you said: … — done?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from perfbot.model import Rag
from perfbot.periods import Period, PeriodError
from perfbot.rag import RagResult

MAX_TEXT = 2_000  # an action's wording, and a note on a change
_ID = re.compile(r"^\s*([A-Za-z0-9_.\-]+?)-(\d{4})-(\d{2})-Q([1-4])\s*$")


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ActionError(ValueError):
    """A change to an action that cannot be made, said so the person can put it right; `field`
    names what to correct ("status", "note", "due", "owner" or "action")."""

    def __init__(self, message: str, *, field: str = "action") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Due:
    """When an action should be done: by the end of a quarter, or by a date."""

    by: date
    quarter: Period | None = None

    @classmethod
    def end_of(cls, period: Period) -> Due:
        return cls(period.end, period)

    @classmethod
    def parse(cls, text: str) -> Due:
        """A quarter ("2026/27 Q1") or a date ("2027-03-31"); ActionError saying which it wants."""
        cleaned = text.strip()
        try:
            return cls.end_of(Period.parse(cleaned))
        except PeriodError:
            pass
        try:
            return cls(date.fromisoformat(cleaned))
        except ValueError:
            raise ActionError(
                f"due must be a quarter such as 2026/27 Q1 or a date such as 2027-03-31, not {text!r}",
                field="due",
            ) from None

    def __str__(self) -> str:
        if self.quarter is not None:
            return f"end of {self.quarter}"
        return f"{self.by.day} {self.by:%B %Y}"

    def to_text(self) -> str:
        return str(self.quarter) if self.quarter is not None else self.by.isoformat()


@dataclass(frozen=True, slots=True)
class ActionChange:
    """One change to an action: its status after the change, and what else changed and why."""

    at: datetime
    by: str
    status: ActionStatus
    note: str = ""
    due: str | None = None  # Due.to_text() when the due date was moved
    owner: str | None = None  # when it was handed to someone else
    via: str = ""  # where it was made: "slack", "teams", "web", "cli"

    def to_doc(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "by": self.by, "status": self.status.value,
                "note": self.note, "due": self.due, "owner": self.owner, "via": self.via}  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ActionChange:
        return cls(datetime.fromisoformat(doc["at"]), doc["by"], ActionStatus(doc["status"]),
                   doc.get("note", ""), doc.get("due"), doc.get("owner"), doc.get("via", ""))  # fmt: skip


@dataclass(frozen=True, slots=True)
class TrackedAction:
    """A remedial action raised by a red return, and what has happened to it since."""

    measure_id: str
    raised_in: Period
    text: str
    owner: str
    due: Due
    status: ActionStatus
    raised_at: datetime
    raised_by: str
    changes: tuple[ActionChange, ...] = ()

    @property
    def action_id(self) -> str:
        return action_id(self.measure_id, self.raised_in)

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.OPEN

    def overdue_on(self, day: date) -> bool:
        """Open and past its due date on `day`."""
        return self.is_open and self.due.by < day

    def overdue_in(self, period: Period, *, today: date) -> bool:
        """Overdue by the end of `period`, as far as today knows (an action is never overdue
        in a quarter that has not ended past its due date yet)."""
        return self.overdue_on(min(today, period.end + timedelta(days=1)))

    def changed(self, change: ActionChange) -> TrackedAction:
        """This action after `change`."""
        due = Due.parse(change.due) if change.due else self.due
        return replace(self, status=change.status, due=due, owner=change.owner or self.owner,
                       changes=(*self.changes, change))  # fmt: skip

    def to_doc(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id, "raised_in": str(self.raised_in), "text": self.text,
            "owner": self.owner, "due": self.due.to_text(), "status": self.status.value,
            "raised_at": self.raised_at.isoformat(), "raised_by": self.raised_by,
            "changes": [c.to_doc() for c in self.changes],
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TrackedAction:
        return cls(
            measure_id=doc["measure_id"], raised_in=Period.parse(doc["raised_in"]),
            text=doc["text"], owner=doc["owner"], due=Due.parse(doc["due"]),
            status=ActionStatus(doc["status"]), raised_at=datetime.fromisoformat(doc["raised_at"]),
            raised_by=doc.get("raised_by", ""),
            changes=tuple(ActionChange.from_doc(c) for c in doc.get("changes", ())),
        )  # fmt: skip


def action_id(measure_id: str, period: Period) -> str:
    """The id people type: the measure and the quarter that raised it, e.g. "HO02-2025-26-Q3"."""
    return f"{measure_id}-{period.key}"


def parse_action_id(text: str) -> tuple[str, Period]:
    """(measure id, quarter) from an action id; ActionError naming the expected shape."""
    match = _ID.match(text)
    if not match:
        raise ActionError(f"{text!r} is not an action id: it looks like HO02-2025-26-Q3 "
                          "(the measure, then the quarter that raised it)")  # fmt: skip
    measure_id, year, next_year, quarter = match.groups()
    if (int(year) + 1) % 100 != int(next_year):
        raise ActionError(f"{text!r} names no real financial year ({year}-{next_year})")
    return measure_id, Period(int(year), int(quarter))


def should_track(rag: RagResult | None, action: str) -> bool:
    """Whether a stored return raises (or rewords) a tracked action: Red, with an action."""
    return rag is not None and rag.rag is Rag.RED and bool(action.strip())


def change_for(
    action: TrackedAction,
    *,
    by: str,
    at: datetime,
    status: ActionStatus | None = None,
    note: str = "",
    due: str | None = None,
    owner: str | None = None,
    via: str = "",
) -> ActionChange:
    """The change someone asked for, checked: ActionError with the reason it cannot be made.

    Dropping needs a reason. Saying an action past its due date is still open (`status` OPEN)
    needs a new due date, and a new due date must not have passed already."""
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise ActionError(f"the note is {len(note):,} characters; keep it under {MAX_TEXT:,}", field="note")
    new_status = status or action.status
    if new_status is ActionStatus.DROPPED and action.status is not ActionStatus.DROPPED and not note:
        raise ActionError("say why the action is dropped (a note): CMT will read it", field="note")
    moved = Due.parse(due) if due and due.strip() else None
    if moved is not None and moved.by < at.date() and new_status is ActionStatus.OPEN:
        raise ActionError(f"the new due date ({moved}) has passed already", field="due")
    if status is ActionStatus.OPEN and moved is None and action.overdue_on(at.date()):
        raise ActionError(f"it was due by {action.due}: give a new due date to keep it open", field="due")
    new_due = moved.to_text() if moved is not None else None
    new_owner = owner.strip().lower() if owner and owner.strip() else None
    if new_owner is not None and "@" not in new_owner:
        raise ActionError(f"owner must be an e-mail address, not {owner!r}", field="owner")
    if new_status is action.status and new_due in (None, action.due.to_text()) \
            and new_owner in (None, action.owner) and not note:  # fmt: skip
        hint = " (say how it is going in a note, or give a new due date)" if action.is_open else ""
        raise ActionError(f"nothing to change: {action.action_id} is already {action.status.value}{hint}",
                          field="note" if action.is_open else "status")  # fmt: skip
    return ActionChange(at, by, new_status, note, new_due, new_owner, via)


def overdue_reason(action: TrackedAction) -> str:
    """The exception an overdue action raises, in CMT's words."""
    return f"action overdue (due {action.due}, raised {action.raised_in}): {_short(action.text)}"


def _short(text: str, limit: int = 160) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def overdue_by_measure(
    actions: list[TrackedAction], period: Period, *, today: date
) -> dict[str, list[TrackedAction]]:
    """Each measure's actions overdue by the end of `period` (see `TrackedAction.overdue_in`)."""
    found: dict[str, list[TrackedAction]] = {}
    for action in actions:
        if action.raised_in < period and action.overdue_in(period, today=today):
            found.setdefault(action.measure_id, []).append(action)
    return found


@dataclass(frozen=True, slots=True)
class ActionLine:
    """An action as a report lists it."""

    action: TrackedAction
    state: str  # "Overdue", "Open", "Done" or "Dropped"
    last_note: str


def for_report(actions: list[TrackedAction], period: Period, *, today: date) -> list[ActionLine]:
    """The actions a quarter's report lists: every open action raised by then (overdue first),
    and those closed since the quarter began, with the last word on each."""
    lines = []
    for action in actions:
        if action.raised_in > period:
            continue
        closed_at = action.changes[-1].at.date() if action.changes and not action.is_open else None
        if closed_at is not None and closed_at < period.start:
            continue
        overdue = action.overdue_in(period, today=today)
        state = "Overdue" if overdue else action.status.value.capitalize()
        notes = [c.note for c in action.changes if c.note]
        lines.append(ActionLine(action, state, notes[-1] if notes else ""))
    order = {"Overdue": 0, "Open": 1, "Done": 2, "Dropped": 3}
    return sorted(lines, key=lambda line: (order[line.state], line.action.due.by, line.action.measure_id))
