"""Remedial actions from Slack: "Done", "Still open" or "Dropped" under a request's ask opens the
action's modal with that choice made; the "My remedial actions" shortcut opens a form of every
open action the person may update. Submissions go to `perfbot.services.actions` (the same rules
and errors as the web, Teams and the CLI), errors come back on the modal's blocks, and the
requests are redrawn to show what became of each action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.action_asks import BUTTONS, CHOICES
from bot.slack.action_modal import ACTION_MODAL, ModalOrigin, action_modal, read_action_modal
from bot.slack.actions_form import ACTIONS_FORM, actions_form, form_block, read_actions_form
from bot.slack.modals import info_modal
from bot.slack.runtime import Slack, log
from perfbot.actions import ActionStatus
from perfbot.channel import TransportError
from perfbot.services.actions import ActionUpdate, ask_for

Ack = Callable[..., Any]
STATUSES = {"done": ActionStatus.DONE, "open": ActionStatus.OPEN, "dropped": ActionStatus.DROPPED}
ACTIONS_SHORTCUT = "actions_shortcut"


def register(bolt: BoltApp, slack: Slack) -> None:
    for action_id, choice in BUTTONS.items():
        _register_button(bolt, slack, action_id, choice)

    @bolt.view(ACTION_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_update(slack, ack, user_id=body["user"]["id"], view=view)

    @bolt.shortcut(ACTIONS_SHORTCUT)
    def from_shortcut(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        open_form(slack, trigger_id=shortcut["trigger_id"], user_id=shortcut["user"]["id"])

    @bolt.view(ACTIONS_FORM)
    def form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_form(slack, ack, user_id=body["user"]["id"], view=view)


def _register_button(bolt: BoltApp, slack: Slack, action_id: str, choice: str) -> None:
    @bolt.action(action_id)
    def clicked(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        container = body.get("container") or {}
        origin = ModalOrigin(str(action.get("value") or ""), str(container.get("channel_id") or ""),
                             str(container.get("message_ts") or ""))  # fmt: skip
        open_update(slack, trigger_id=body["trigger_id"], user_id=body["user"]["id"], origin=origin,
                    choice=choice)  # fmt: skip


def open_update(slack: Slack, *, trigger_id: str, user_id: str, origin: ModalOrigin, choice: str) -> None:
    """The modal for one action (who may update it is checked when it is submitted)."""
    try:
        slack.api.open_view(trigger_id, _update_view(slack, origin, choice))
    except TransportError as error:
        log.warning("Slack: could not open the action form for %s: %s", user_id, error)


def _update_view(slack: Slack, origin: ModalOrigin, choice: str) -> dict[str, Any]:
    """The action's form, or why there is none (gone, or answered already elsewhere)."""
    found = slack.perf.store.actions.get(origin.action_id)
    if found is None:
        return info_modal("Remedial action", say.ACTION_GONE.format(action_id=origin.action_id))
    if not found.is_open:
        return info_modal("Remedial action", say.ACTION_CLOSED.format(action_id=found.action_id,
                                                                      status=found.status.value))  # fmt: skip
    return action_modal(text=found.text, due=str(found.due), choice=choice, origin=origin)


def submit_update(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    """Store the update before the ack (it is quick and durable), then redraw the request."""
    origin = ModalOrigin.read(view.get("private_metadata"))
    answers = read_action_modal((view.get("state") or {}).get("values") or {})
    email = slack.people.email_of(user_id)
    if origin is None or email is None or answers["status"] not in CHOICES:
        problem = say.NOT_IN_SLACK if email is None else say.ACTION_FORM_DAMAGED
        ack(response_action="errors", errors={"status": problem})
        return
    result = slack.perf.actions.update(ActionUpdate(
        origin.action_id, by=email, via="slack", status=STATUSES[answers["status"]],
        note=answers["note"], due=answers["due"] or None))  # fmt: skip
    if not result.accepted:
        ack(response_action="errors", errors=result.on_form())  # the modal's block ids are the fields
        return
    ack()
    if result.action is not None and origin.channel and origin.ts:
        _redraw(slack, origin, result.action.measure_id)


def open_form(slack: Slack, *, trigger_id: str, user_id: str) -> None:
    """Every open action the person may update, on one form (or why there is none)."""
    email = slack.people.email_of(user_id)
    asks = tuple(ask_for(a) for a in slack.perf.actions.open_for(email)) if email else ()
    if email is None or not asks:
        view = info_modal("Remedial actions", say.NOT_IN_SLACK if email is None else say.NO_OPEN_ACTIONS)
    else:
        view = actions_form(asks)
    try:
        slack.api.open_view(trigger_id, view)
    except TransportError as error:
        log.warning("Slack: could not open the actions form for %s: %s", user_id, error)


def submit_form(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    """Update each action given a choice; the form stays open with the errors of any that fail."""
    answers = read_actions_form((view.get("state") or {}).get("values") or {})
    email = slack.people.email_of(user_id)
    if email is None or not answers:
        first = next((b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"), "status")
        ack(response_action="errors", errors={first: say.NOT_IN_SLACK if email is None else say.ACTION_CHOOSE})
        return
    errors, done = {}, []
    for action_id, typed in answers.items():
        if typed["status"] not in CHOICES:
            errors[form_block(action_id, "status")] = say.ACTION_CHOOSE
            continue
        result = slack.perf.actions.update(ActionUpdate(
            action_id, by=email, via="slack", status=STATUSES[typed["status"]], note=typed["note"],
            due=typed["due"] or None))  # fmt: skip
        errors.update({form_block(action_id, name): message for name, message in result.on_form().items()})
        if result.action is not None:
            done.append(result.action)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    for period in [r.period for r in slack.perf.duties.open_rounds()]:
        slack.notices.refresh(period, {a.measure_id for a in done})


def _redraw(slack: Slack, origin: ModalOrigin, measure_id: str) -> None:
    anchor = slack.notices.notice_at(origin.channel, origin.ts)
    if anchor is not None:
        slack.notices.refresh(anchor.period, [measure_id])
