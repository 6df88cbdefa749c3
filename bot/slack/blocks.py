"""Block Kit for messages: small builders, and the request/reminder DM.

Slack's limits are kept by construction (50 blocks a message, 3,000 characters a section, 150 a
header, 75 a button label). User text is escaped, so a title can never mention @channel or link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot import messages as common
from bot.slack import messages as say
from bot.slack.returns import Recorded
from perfbot.formatting import format_value, rag_label
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice

Block = dict[str, Any]
MAX_SECTION = 3000
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
MAX_FALLBACK = 3000  # chat.update refuses more than 4,000 characters of text
MAX_MEASURES = 40  # a DM stays well inside Slack's 50 blocks
MAX_BLOCKS = 50
OPEN_RETURNS = "open_returns"
OPEN_WEB_FORM = "open_web_form"


def escape(text: object) -> str:
    """Slack's three control characters as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fallback_text(text: str) -> str:
    """A message's `text` as Slack must get it: `&`, `<` and `>` as entities, so a register title
    or a person's words can never become a mention (`<!channel>`) or a disguised link. Text
    escaped already is left as it is (an entity's `&` is not escaped twice)."""
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text)}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION)}, **extra}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION)}]}


def button(text: str, action_id: str, *, value: str = "", url: str = "", primary: bool = False) -> Block:
    found: Block = {"type": "button", "text": plain(text, 75), "action_id": action_id}
    if value:
        found["value"] = value[:2000]
    if url:
        found["url"] = url
    if primary:
        found["style"] = "primary"
    return found


def actions(*elements: Block, block_id: str | None = None) -> Block:
    found: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        found["block_id"] = block_id
    return found


def returns_value(period: str, measure_ids: list[str], draft: dict[str, Any] | None = None) -> str:
    """What the "Submit returns" button carries: the round and the measures (and any draft)."""
    value: dict[str, Any] = {"p": period, "m": measure_ids}
    if draft:
        value["d"] = draft
    return json.dumps(value, separators=(",", ":"))


def figures(line: MeasureLine) -> str:
    target = "No target" if line.target is None else f"Target {format_value(line.target, line.unit)}"
    last = "none" if line.last_value is None else format_value(line.last_value, line.unit)
    return f"{target} · last quarter {last}"


def measure_section(line: MeasureLine, done: Recorded | None, *, with_owner: bool = False) -> Block:
    """One measure: id, title, target and last value, and what was recorded (with its RAG)."""
    text = f"*{escape(line.measure_id)}* {escape(line.title)}\n{figures(line)}"
    if with_owner and line.owner:
        text += f" · owner {escape(line.owner)}"
    if done is None:
        text += f"\n{say.OUTSTANDING}"
    else:
        text += f"\n*Recorded:* {escape(done.value)} — {rag_label(done.rag)} (revision {done.revision})"
    return section(text)


def notice_message(
    notice: PersonNotice, done: dict[str, Recorded], *, round_open: bool = True,
    asks: Callable[[int], list[Block]] | None = None,
) -> tuple[str, list[Block]]:
    """A request, reminder, chase or escalation as (fallback text, blocks); `asks` gives the
    blocks asking about its remedial actions in the room left (`bot.slack.action_asks`)."""
    escalation = notice.kind is NoticeKind.ESCALATION
    blocks = [
        header(f"{notice.period} performance returns"),
        section(f"{escape(common.opening(notice))}\n{escape(common.by_when(notice))}"),
    ]
    shown = notice.measures[:MAX_MEASURES]
    blocks += [measure_section(m, done.get(m.measure_id), with_owner=escalation) for m in shown]
    if len(notice.measures) > len(shown):
        blocks.append(context(say.MORE_MEASURES.format(count=len(notice.measures) - len(shown))))
    if notice.note:
        blocks.append(context(escape(notice.note)))
    steps = _next_steps(notice, done, round_open=round_open)
    if asks is not None:
        blocks += asks(MAX_BLOCKS - len(blocks) - len(steps))
    blocks += steps
    return clip(common.notice_text(notice), MAX_FALLBACK), blocks


def _next_steps(notice: PersonNotice, done: dict[str, Recorded], *, round_open: bool) -> list[Block]:
    if not round_open:
        return [context(say.ROUND_CLOSED)]
    ids = [m.measure_id for m in notice.measures]
    complete = bool(ids) and all(i in done for i in ids)
    label = say.REVISE_BUTTON if complete else say.SUBMIT_BUTTON
    buttons = [button(label, OPEN_RETURNS, value=returns_value(notice.period, ids), primary=not complete)]
    if notice.form_url:
        buttons.append(button(say.WEB_FORM_BUTTON, OPEN_WEB_FORM, url=notice.form_url))
    steps = [actions(*buttons)]
    if complete:
        steps.append(context(say.ALL_RETURNED))
    elif ids:
        steps.append(context(say.REPLY_HINT.format(example=escape(ids[0]))))
    return steps
