"""The App Home tab: your returns this round; for performance officers, completion by service."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot import sign_off_messages as signoff_say
from bot.slack import messages as say
from bot.slack.blocks import (
    OPEN_RETURNS,
    Block,
    actions,
    button,
    context,
    escape,
    figures,
    header,
    returns_value,
    section,
)  # fmt: skip
from bot.slack.returns import Recorded
from bot.slack.signoff_blocks import decision_buttons
from perfbot.formatting import rag_label
from perfbot.notices import MeasureLine
from perfbot.services.round_status import SignOffStanding

CHASE_SERVICE = "chase_service"
MAX_SERVICES = 60


@dataclass(frozen=True, slots=True)
class HomeData:
    """What the Home tab shows one person."""

    period: str = ""  # "" when no round is open
    deadline: str = ""
    lines: tuple[MeasureLine, ...] = ()
    done: dict[str, Recorded] = field(default_factory=dict)
    services: tuple[dict[str, Any], ...] = ()  # service_status rows, for performance officers
    note: str = ""
    sign_offs: tuple[SignOffStanding, ...] = ()  # the services a head of service (or deputy) approves


def _bullets(items: list[str]) -> list[Block]:
    chunks = [""]
    for item in items:
        if len(chunks[-1]) + len(item) > 2900:
            chunks.append("")
        chunks[-1] += item + "\n"
    return [section(chunk.rstrip()) for chunk in chunks if chunk]


def _mine(data: HomeData) -> list[Block]:
    outstanding = [m for m in data.lines if m.measure_id not in data.done]
    submitted = [m for m in data.lines if m.measure_id in data.done]
    blocks = [section(say.HOME_ROUND.format(period=data.period, deadline=data.deadline))]
    if not data.lines:
        return blocks + [context(say.NO_MEASURES.format(period=data.period))]
    blocks.append(section(say.HOME_OUTSTANDING.format(count=len(outstanding))))
    blocks += _bullets([f"• *{escape(m.measure_id)}* {escape(m.title)} — {figures(m)}"
                        for m in outstanding]) or [context(say.HOME_NONE_OUTSTANDING)]  # fmt: skip
    if submitted:
        blocks.append(section(say.HOME_SUBMITTED.format(count=len(submitted))))
        blocks += _bullets([f"• *{escape(m.measure_id)}* {escape(m.title)}: "
                            f"{escape(data.done[m.measure_id].value)} — "
                            f"{rag_label(data.done[m.measure_id].rag)}" for m in submitted])  # fmt: skip
    ids = [m.measure_id for m in outstanding] or [m.measure_id for m in data.lines]
    label = say.SUBMIT_BUTTON if outstanding else say.REVISE_BUTTON
    blocks.append(actions(button(label, OPEN_RETURNS, value=returns_value(data.period, ids),
                                 primary=bool(outstanding))))  # fmt: skip
    return blocks


def _officer(data: HomeData) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, header(say.HOME_OFFICER)]
    for row in data.services[:MAX_SERVICES]:
        text = "*" + escape(say.STATUS_SERVICE.format(service=row["service"], returned=row["returned"],
                                                       expected=row["expected"],
                                                       pct=row["completion_pct"])) + "*"  # fmt: skip
        text += escape(signoff_say.service_sign_off(row.get("sign_off")))
        extra = {}
        if row["returned"] < row["expected"]:
            value = json.dumps({"p": data.period, "s": row["service"]}, separators=(",", ":"))
            extra["accessory"] = button(say.HOME_CHASE, CHASE_SERVICE, value=value)
        blocks.append(section(text, **extra))
    return blocks


def _sign_offs(data: HomeData) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, header(signoff_say.YOUR_SIGN_OFFS)]
    for standing in data.sign_offs[:MAX_SERVICES // 3]:
        blocks.append(section(escape(signoff_say.standing_line(standing.service, standing.state,
                                                               reason=standing.reason,
                                                               to_decide=standing.to_decide))))  # fmt: skip
        if standing.to_decide:
            blocks.append(decision_buttons(data.period, standing.service, url=standing.link))
    return blocks


def home_view(data: HomeData) -> dict[str, Any]:
    """The Home tab view for one person."""
    blocks: list[Block] = [header(say.HOME_TITLE)]
    if data.note:
        blocks.append(context(escape(data.note)))
    if not data.period:
        blocks.append(section(say.HOME_NO_ROUND))
    else:
        blocks += _mine(data)
        if data.sign_offs:
            blocks += _sign_offs(data)
        if data.services:
            blocks += _officer(data)
    return {"type": "home", "blocks": blocks[:100]}
