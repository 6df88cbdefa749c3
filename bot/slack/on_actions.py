"""Remedial actions from Slack: "Done", "Still open" or "Dropped" under a request's ask opens the
action's modal with that choice made; its submission goes to `perfbot.services.actions` (the same
rules and errors as the web, Teams and the CLI), errors come back on the modal's blocks, and the
request is redrawn to show what became of the action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.action_asks import (
    ACTION_MODAL,
    BUTTONS,
    CHOICES,
    ModalOrigin,
    action_modal,
    read_action_modal,
)
from bot.slack.modals import info_modal
from bot.slack.runtime import Slack, log
from perfbot.actions import ActionStatus
from perfbot.channel import TransportError
from perfbot.services.actions import ActionUpdate

Ack = Callable[..., Any]
STATUSES = {"done": ActionStatus.DONE, "open": ActionStatus.OPEN, "dropped": ActionStatus.DROPPED}
ON_BLOCKS = {"status": "status", "note": "note", "due": "due"}  # the service's fields → block ids


def register(bolt: BoltApp, slack: Slack) -> None:
    for action_id, choice in BUTTONS.items():
        _register_button(bolt, slack, action_id, choice)

    @bolt.view(ACTION_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_update(slack, ack, user_id=body["user"]["id"], view=view)


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
    found = slack.perf.store.actions.get(origin.action_id)
    try:
        if found is None:
            slack.api.open_view(trigger_id, info_modal("Remedial action", say.ACTION_GONE.format(action_id=origin.action_id)))
            return
        slack.api.open_view(trigger_id, action_modal(text=found.text, due=str(found.due), choice=choice,
                                                     origin=origin))  # fmt: skip
    except TransportError as error:
        log.warning("Slack: could not open the action form for %s: %s", user_id, error)


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
        ack(response_action="errors", errors={ON_BLOCKS.get(k, "status"): _sentence(m) for k, m in result.errors.items()})
        return
    ack()
    if result.action is not None and origin.channel and origin.ts:
        _redraw(slack, origin, result.action.measure_id)


def _redraw(slack: Slack, origin: ModalOrigin, measure_id: str) -> None:
    anchor = slack.notices.notice_at(origin.channel, origin.ts)
    if anchor is not None:
        slack.notices.refresh(anchor.period, [measure_id])


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
