"""Sign-off on Teams: the head's card (the figures, a reason box, Approve and Send back), and
what a submitted card becomes. Decisions go to `perfbot.services.sign_off`, as on every channel;
its refusals come back on the card, under the reason box."""

from __future__ import annotations

from typing import Any

from bot import sign_off_messages as say
from bot.teams.cards import MAX_INPUT, Card, Element, card, error, heading, notice_card
from bot.teams.digest_card import plain
from perfbot.notices import ASKS_TO_DECIDE, PersonNotice
from perfbot.periods import Period, PeriodError
from perfbot.services import Services
from perfbot.sign_off import SignOffError

SIGN_OFF_ACTION = "signoff"
DECISIONS = ("approve", "send-back")


def sign_off_card(notice: PersonNotice) -> Card:
    """A sign-off request, reminder or escalation (with the decision), or a sent-back notice."""
    lines = [say.opening(notice), say.reason_line(notice), *(f"• {say.figure_line(m)}" for m in notice.measures)]
    if notice.kind not in ASKS_TO_DECIDE:
        return notice_card(say.subject(notice), [line for line in lines if line], form_url=notice.form_url)
    body = [heading(say.subject(notice)), *(plain(line) for line in lines if line)]
    return decision_card(notice.period, notice.service, body, form_url=notice.form_url)


def decision_card(period: str, service: str, body: list[Element], *, form_url: str = "",
                  reason: str = "", problem: str = "") -> Card:  # fmt: skip
    reason_box = {"type": "Input.Text", "id": "reason", "label": say.REASON_HINT, "isMultiline": True,
                  "maxLength": MAX_INPUT, "value": reason}  # fmt: skip
    body = [*body, reason_box, *([error(problem)] if problem else [])]
    data = {"perfbot": SIGN_OFF_ACTION, "period": period, "service": service}
    actions: list[Element] = [
        {"type": "Action.Submit", "title": say.APPROVE, "data": {**data, "decision": "approve"}, "style": "positive"},
        {"type": "Action.Submit", "title": say.SEND_BACK, "data": {**data, "decision": "send-back"}},
    ]  # fmt: skip
    if form_url:
        actions.append({"type": "Action.OpenUrl", "title": say.OPEN_PAGE, "url": form_url})
    return card(body, actions, fallback=f"{service} {period}")


def submit_card(app: Services, *, email: str, data: dict[str, Any]) -> Card:
    """Decide as the card says; the card that replaces it (the outcome, or the refusal on it)."""
    try:
        period, service = Period.parse(str(data.get("period", ""))), str(data.get("service", ""))
    except PeriodError:
        return notice_card(say.NOT_YOURS.format(person=email, service="this service"), [])
    decision, reason = data.get("decision"), str(data.get("reason") or "")[:MAX_INPUT]
    if decision not in DECISIONS:
        return notice_card("This card is out of date: use the sign-off page.", [])
    try:
        kept = app.sign_off.decide(period, service, by=email, approve=decision == "approve", reason=reason)
    except SignOffError as problem:
        return decision_card(str(period), service, [heading(f"{service} · {period}")], reason=reason,
                             problem=str(problem))  # fmt: skip
    last = kept.last_decision
    return notice_card(say.decided(service=service, period=str(period), by=last.by, approved=decision == "approve",
                                   on_behalf_of=last.on_behalf_of, reason=last.reason), [])  # fmt: skip
