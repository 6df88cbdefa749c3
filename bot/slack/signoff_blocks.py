"""Block Kit for sign-off: the head's DM (the figures, Approve, Send back, the web page), the
reason modal, and the message once decided. Limits kept as in `bot.slack.blocks`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot import sign_off_messages as say
from bot.slack.blocks import (
    MAX_FALLBACK,
    MAX_MEASURES,
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    header,
    plain,
    section,
)  # fmt: skip
from perfbot.notices import ASKS_TO_DECIDE, PersonNotice

APPROVE = "signoff_approve"
SEND_BACK = "signoff_send_back"
OPEN_PAGE = "signoff_open_page"
REASON_MODAL = "signoff_reason"
REASON_BLOCK = "reason"


def decision_value(period: str, service: str) -> str:
    """What the Approve and Send back buttons carry: the round and the service."""
    return json.dumps({"p": period, "s": service}, separators=(",", ":"))


def decision_buttons(period: str, service: str, *, url: str = "") -> Block:
    """Approve, Send back (the DM's own actions) and the sign-off page, for one service."""
    value = decision_value(period, service)
    buttons = [button(say.APPROVE, APPROVE, value=value, primary=True), button(say.SEND_BACK, SEND_BACK, value=value)]
    if url:
        buttons.append(button(say.OPEN_PAGE, OPEN_PAGE, url=url))
    digest = hashlib.sha256(service.encode()).hexdigest()[:24]  # unique per service, however long its name
    return actions(*buttons, block_id=f"signoff:{digest}")


def sign_off_message(notice: PersonNotice) -> tuple[str, list[Block]]:
    """A sign-off request, reminder, escalation or sent-back notice as (fallback text, blocks)."""
    blocks = [header(say.subject(notice)), section(escape(say.opening(notice)))]
    if say.reason_line(notice):
        blocks.append(section(f"*{escape(say.reason_line(notice))}*"))
    shown = notice.measures[:MAX_MEASURES]
    blocks += [section(escape(say.figure_line(m))) for m in shown]
    if len(notice.measures) > len(shown):
        blocks.append(context(f"… and {len(notice.measures) - len(shown)} more on the web page."))
    buttons = []
    if notice.kind in ASKS_TO_DECIDE:
        value = decision_value(notice.period, notice.service)
        buttons += [button(say.APPROVE, APPROVE, value=value, primary=True), button(say.SEND_BACK, SEND_BACK, value=value)]
    if notice.form_url:
        buttons.append(button(say.OPEN_PAGE, OPEN_PAGE, url=notice.form_url))
    if buttons:
        blocks.append(actions(*buttons))
    return clip(say.notice_text(notice), MAX_FALLBACK), blocks


def reason_modal(*, period: str, service: str, approve: bool, metadata: dict[str, Any]) -> dict[str, Any]:
    """Asks why: to send back, or to approve on the head of service's behalf."""
    label = say.BEHALF_LABEL if approve else say.REASON_LABEL
    element = {"type": "plain_text_input", "action_id": "input", "multiline": True, "max_length": 2000}
    return {
        "type": "modal", "callback_id": REASON_MODAL, "title": plain("Sign-off", 24),
        "submit": plain(say.APPROVE if approve else say.SEND_BACK, 24), "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata, separators=(",", ":"))[:3000],
        "blocks": [section(escape(f"{service} · {period}")),
                   {"type": "input", "block_id": REASON_BLOCK, "label": plain(label), "element": element}],
    }  # fmt: skip


def decided_message(notice_text: str, outcome: str) -> tuple[str, list[Block]]:
    """The DM once decided: what was asked, and what was decided instead of the buttons."""
    return clip(outcome, MAX_FALLBACK), [section(escape(clip(notice_text, 2900))), context(escape(outcome))]
