"""Updating a remedial action: the one use case behind Slack, Teams, the web and the CLI.

**Who may.** The action's owner; the owner's deputy (`perfbot people set OWNER --deputy EMAIL`);
whoever answers for its measure (owner, deputy or head of service: `perfbot.services.duties`);
or a performance officer. The rules of the change itself (a reason to drop, a new due date to
keep an overdue action open) are `perfbot.actions.change_for`'s. Every change is stored with who,
when, through which channel and why, and audited (`store.actions.change`). The same change sent
twice (a double click, a retried delivery) is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfbot.actions import ActionError, ActionStatus, Due, TrackedAction, change_for
from perfbot.config import Config
from perfbot.notices import ActionAsk
from perfbot.services.duties import Duties
from perfbot.store.interfaces import Store

FORM_FIELDS = ("status", "note", "due")  # what every channel's form asks for


@dataclass(frozen=True, slots=True)
class ActionUpdate:
    """What someone asked to change about an action, from any channel."""

    action_id: str
    by: str  # the person's e-mail address (from the CLI, whoever the officer says)
    via: str  # "slack", "teams", "web", "cli"
    status: ActionStatus | None = None
    note: str = ""
    due: str | None = None  # a quarter ("2026/27 Q1") or a date ("2026-09-30")
    owner: str | None = None  # hand it to someone else
    officer: bool = False  # an officer's own tool (the CLI): `by` is not checked


@dataclass(frozen=True, slots=True)
class ActionUpdated:
    """The action after the update, or the errors by field ("action", "status", "note", "due",
    "owner") saying why nothing changed."""

    action: TrackedAction | None = None
    errors: dict[str, str] = field(default_factory=dict)
    repeated: bool = False  # the same change had been made already: nothing new stored

    @property
    def accepted(self) -> bool:
        return self.action is not None

    def on_form(self) -> dict[str, str]:
        """The errors as a form shows them: by input ("status", "note", "due"; anything else
        under "status"), each a sentence."""
        found: dict[str, str] = {}
        for name, message in self.errors.items():
            found.setdefault(name if name in FORM_FIELDS else "status", message[:1].upper() + message[1:])
        return found


class ActionUpdates:
    """Who may update which action, and the update itself."""

    def __init__(self, store: Store, config: Config) -> None:
        self._store = store
        self._duties = Duties(store, config)

    def may_update(self, person: str, action: TrackedAction) -> bool:
        """The owner, their deputy, whoever answers for the measure, or an officer."""
        who = person.strip().lower()
        if not who:
            return False
        holder = self._store.people.get(action.owner)
        if who == action.owner or (holder is not None and (holder.deputy or "").lower() == who):
            return True
        return self._duties.may_write(who, action.measure_id)

    def open_for(self, person: str) -> list[TrackedAction]:
        """The open actions this person may update, the ones they own first, then oldest first."""
        who = person.strip().lower()
        mine = [a for a in self._store.actions.all() if a.is_open and self.may_update(who, a)]
        return sorted(mine, key=lambda a: (a.owner != who, a.raised_in, a.measure_id))

    def update(self, request: ActionUpdate) -> ActionUpdated:
        """Check and store the change; errors by field when it cannot be made."""
        key = request.action_id.strip()
        action = self._store.actions.get(key)
        if action is None:
            return ActionUpdated(errors={"action": f"there is no action {key!r}"})
        by = request.by.strip() if request.officer else request.by.strip().lower()
        if not request.officer and not self.may_update(by, action):
            return ActionUpdated(errors={"action": f"only the action's owner ({action.owner}), their deputy, "
                                                   "the head of service or a performance officer may "
                                                   f"update {key}"})  # fmt: skip
        if _repeats(action, request, by):
            return ActionUpdated(action, repeated=True)
        try:
            change = change_for(action, by=by, at=self._store.clock.now(), status=request.status,
                                note=request.note, due=request.due, owner=request.owner, via=request.via)  # fmt: skip
        except ActionError as error:
            return ActionUpdated(errors={error.field: str(error)})
        return ActionUpdated(self._store.actions.change(key, change))


def _repeats(action: TrackedAction, request: ActionUpdate, by: str) -> bool:
    """Whether the action's last change is this very request again (a double click, a retry)."""
    last = action.changes[-1] if action.changes else None
    if last is None or (last.by, last.via, last.note) != (by, request.via, request.note.strip()):
        return False
    try:
        due = Due.parse(request.due).to_text() if request.due and request.due.strip() else last.due
    except ActionError:
        return False
    return last.status is (request.status or action.status) and last.due == due


def ask_for(action: TrackedAction) -> ActionAsk:
    """An open action as a request asks about it ("last quarter you said: … — done?")."""
    return ActionAsk(action.action_id, action.measure_id, action.text, str(action.due), str(action.raised_in))
