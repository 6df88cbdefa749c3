"""Sign-off from Slack: Approve on the head's DM decides at once; Send back (or an officer's
Approve, on the head's behalf) opens a modal asking why. Decisions go to
`perfbot.services.sign_off` like every channel's; its refusals come back on the modal's field or
as a DM, in its own words."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot import sign_off_messages as say
from bot.slack.runtime import Slack, log
from bot.slack.signoff_blocks import (
    APPROVE,
    OPEN_PAGE,
    REASON_BLOCK,
    REASON_MODAL,
    SEND_BACK,
    decided_message,
    reason_modal,
)  # fmt: skip
from perfbot.channel import TransportError
from perfbot.periods import Period, PeriodError
from perfbot.sign_off import SignOffError

Ack = Callable[..., Any]


def register(bolt: BoltApp, slack: Slack) -> None:
    @bolt.action(APPROVE)
    def approve(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        clicked(slack, body, action, approve=True)

    @bolt.action(SEND_BACK)
    def send_back(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        clicked(slack, body, action, approve=False)

    @bolt.action(OPEN_PAGE)
    def open_page(ack: Ack) -> None:
        ack()  # a link button: Slack opens the page itself

    @bolt.view(REASON_MODAL)
    def with_reason(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reasoned(slack, ack, user_id=body["user"]["id"], view=view)


def _target(value: str) -> tuple[Period, str] | None:
    """The (round, service) a button's value or a modal's metadata names; None if it names none."""
    try:
        found = json.loads(value)
        return Period.parse(found["p"]), str(found["s"])
    except (ValueError, KeyError, TypeError, PeriodError):
        return None


def clicked(slack: Slack, body: dict[str, Any], action: dict[str, Any], *, approve: bool) -> None:
    user_id = body["user"]["id"]
    target = _target(action.get("value", ""))
    email = slack.people.email_of(user_id)
    if target is None or email is None:
        _tell(slack, user_id, "That button is not one perfbot can act on. Use the sign-off page instead.")
        return
    period, service = target
    ephemeral = (body.get("container") or {}).get("is_ephemeral")  # a /perf status answer: nothing to update
    where = {"c": (body.get("channel") or {}).get("id", ""),
             "t": "" if ephemeral else (body.get("message") or {}).get("ts", ""),
             "h": "1" if (body.get("view") or {}).get("type") == "home" else ""}  # clicked on the Home tab
    sign_off = slack.perf.sign_off
    if not sign_off.may_decide(email, period, service):
        _tell(slack, user_id, say.NOT_YOURS.format(person=email, service=service))
        return
    if approve and sign_off.is_approver(email, period, service):
        _decide(slack, user_id, email, period, service, approve=True, reason="", where=where)
        return
    metadata = {"p": str(period), "s": service, "a": approve, **where}
    slack.api.open_view(body["trigger_id"], reason_modal(period=str(period), service=service, approve=approve,
                                                         metadata=metadata))  # fmt: skip


def reasoned(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    metadata = view.get("private_metadata") or "{}"
    target = _target(metadata)
    meta = json.loads(metadata) if target is not None else {}
    email = slack.people.email_of(user_id)
    reason = ((view["state"]["values"].get(REASON_BLOCK) or {}).get("input") or {}).get("value") or ""
    if target is None or email is None:
        ack(response_action="errors", errors={REASON_BLOCK: say.NOT_YOURS.format(person="You", service="this")})
        return
    period, service = target
    try:
        kept = slack.perf.sign_off.decide(period, service, by=email, approve=bool(meta.get("a")), reason=reason)
    except SignOffError as error:
        ack(response_action="errors", errors={REASON_BLOCK: str(error)[:150]})
        return
    ack()
    _done(slack, user_id, kept, where={"c": meta.get("c", ""), "t": meta.get("t", ""), "h": meta.get("h", "")})


def _decide(slack: Slack, user_id: str, email: str, period: Period, service: str, *, approve: bool,
            reason: str, where: dict[str, str]) -> None:  # fmt: skip
    try:
        kept = slack.perf.sign_off.decide(period, service, by=email, approve=approve, reason=reason)
    except SignOffError as error:
        _tell(slack, user_id, f"Not done: {error}.")
        return
    _done(slack, user_id, kept, where=where)


def _done(slack: Slack, user_id: str, kept: Any, *, where: dict[str, str]) -> None:  # noqa: ANN401 - ServiceSignOff
    if where.get("h"):
        slack.publish_home(user_id)  # the Home tab shows the decision instead of the buttons
    last = kept.last_decision
    outcome = say.decided(service=kept.service, period=str(kept.period), by=last.by,
                          approved=last.state.value == "approved", on_behalf_of=last.on_behalf_of,
                          reason=last.reason)  # fmt: skip
    if where.get("c") and where.get("t"):
        original = say.opening_for(kept.service, str(kept.period))
        text, blocks = decided_message(original, outcome)
        try:
            slack.api.update(where["c"], where["t"], text=text, blocks=blocks)
            return
        except TransportError as error:
            log.warning("Slack: could not update the sign-off message: %s", error)
    _tell(slack, user_id, outcome)


def _tell(slack: Slack, user_id: str, text: str) -> None:
    try:
        slack.api.post(user_id, text=text)
    except TransportError as error:
        log.warning("Slack: could not tell %s about their sign-off: %s", user_id, error)
