"""The demo's remedial actions: red returns raised them; the next quarter's request asks about
them; owners answer (done, still open with a new date, dropped with a reason) through the same
service as Slack, Teams and the web; the list shows what became of each."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from perfbot.actions import ActionStatus, TrackedAction
from perfbot.app import App
from perfbot.cli.actions_commands import COLUMNS, action_row
from perfbot.clock import LONDON, ManualClock
from perfbot.periods import Period
from perfbot.services.actions import ActionUpdate
from perfbot.tables import render

WHERE = {"web": "on the web form", "slack": "in Slack", "teams": "in Teams"}  # the same service behind each
OFFICER_OPENS = datetime(2026, 4, 13, 9, 0, tzinfo=LONDON)  # the Monday after Easter Monday
ANSWERS = (  # what each owner says, and the change they try first if the rules refuse it
    ("web", ActionStatus.DONE, "Two agency staff started in February; the backlog is cleared.", None),
    ("slack", ActionStatus.OPEN, "Recruitment is under way; one post filled.", "2026/27 Q1"),
    ("teams", ActionStatus.DROPPED, "Superseded by the new service plan agreed by Cabinet.", None),
)


class Narrator(Protocol):
    def step(self, clock: ManualClock, text: str) -> None: ...
    def note(self, text: str) -> None: ...
    def keep_only(self, recipient: str) -> None: ...


def show_actions(app: App, out: Narrator, clock: ManualClock, period: Period) -> None:
    """Raised in `period`, asked about in the next quarter's request, answered, listed."""
    raised = [a for a in app.store.actions.all() if a.raised_in == period]
    if not raised:
        return
    out.step(clock, f"Red returns in {period} raised {len(raised)} tracked remedial actions, due by the "
                    f"end of {period.next()}:")  # fmt: skip
    for action in raised:
        out.note(f"• {action.action_id} ({action.owner}): {action.text}")
    clock.set(OFFICER_OPENS)
    _, report = app.cycle.open_round(period.next(), actor="performance@larkfield.gov.uk")
    asked = raised[0].owner
    out.keep_only(asked)
    out.step(clock, f"Round {period.next()} opened: {len(report.delivery.sent)} requests sent. Each asks "
                    f"about its open actions — {asked}'s:")  # fmt: skip
    for action, (via, status, note, due) in zip(raised, ANSWERS, strict=False):
        _answer(app, out, clock, action, via=via, status=status, note=note, due=due)
    out.step(clock, "perfbot actions list --status all:")
    today = clock.now().date()
    print(render([action_row(a, today) for a in app.store.actions.all() if a.raised_in == period], COLUMNS, "table"))
    overdue = [f"{item.measure_id}: {reason}" for item in app.digest(period.next()).exceptions
               for reason in item.reasons if reason.startswith("action overdue")]  # fmt: skip
    out.step(clock, f"The {period.next()} digest for CMT lists {len(overdue)} overdue actions among its exceptions:")
    for line in overdue:
        out.note(f"• {line}")


def _answer(app: App, out: Narrator, clock: ManualClock, action: TrackedAction, *, via: str,
            status: ActionStatus, note: str, due: str | None) -> None:  # fmt: skip
    """The owner's answer; the first try leaves out what the rules ask for, to show the error."""
    first = ActionUpdate(action.action_id, by=action.owner, via=via, status=status, note="" if due is None else note)
    if status is not ActionStatus.DONE:
        refused = app.actions.update(first)
        out.step(clock, f"{action.owner} answers {WHERE[via]}: {action.action_id} {_words(status)} — "
                        f"refused: {next(iter(refused.errors.values()))}")  # fmt: skip
    result = app.actions.update(ActionUpdate(action.action_id, by=action.owner, via=via, status=status,
                                             note=note, due=due))  # fmt: skip
    stored = result.action
    assert stored is not None, result.errors
    due_now = f", now due by the {stored.due}" if stored.is_open else ""
    out.step(clock, f"{action.owner} answers {WHERE[via]}: {action.action_id} {_words(status)}{due_now}: “{note}”")


def _words(status: ActionStatus) -> str:
    return {"done": "done", "open": "still open", "dropped": "dropped"}[status.value]
