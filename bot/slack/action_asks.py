"""Block Kit for the "last quarter you said: … — done?" ask in a Slack request.

Each ask has three buttons (Done, Still open, Dropped) carrying the action id; each opens the
action's modal (`bot.slack.action_modal`) with that choice made. An ask whose action is no longer
open shows what became of it instead of the buttons.
"""

from __future__ import annotations

from bot import messages as common
from bot.slack.blocks import Block, actions, button, context, escape, section
from perfbot.notices import ActionAsk, PersonNotice
from perfbot.store import Store

CHOICES = {"done": "Done", "open": "Still open", "dropped": "Dropped"}
BUTTONS = {f"action_{choice}": choice for choice in CHOICES}  # action_id → the choice it makes


def ask_blocks(notice: PersonNotice, closed: dict[str, str], *, room: int) -> list[Block]:
    """The asks of a request in at most `room` blocks; `closed` says, by action id, what became
    of actions no longer open ("done", "dropped")."""
    if not notice.actions or room < 4:
        return []
    asks = notice.actions
    shown = asks if 1 + 2 * len(asks) <= room else asks[: (room - 2) // 2]
    blocks: list[Block] = [section(f"*{escape(common.actions_heading(notice))}*")]
    for ask in shown:
        blocks += _ask(ask, closed.get(ask.action_id))
    if len(shown) < len(asks):
        blocks.append(context(f"{len(asks) - len(shown)} more on the web form."))
    return blocks


def closed_actions(store: Store, notice: PersonNotice) -> dict[str, str]:
    """What became of each asked-about action that is no longer open, by action id."""
    found = {}
    for ask in notice.actions:
        action = store.actions.get(ask.action_id)
        if action is not None and not action.is_open:
            found[ask.action_id] = action.status.value
    return found


def _ask(ask: ActionAsk, closed: str | None) -> list[Block]:
    text = escape(common.action_line(ask))
    if closed is not None:
        return [section(text), context(f"Marked {closed}. Thank you.")]
    buttons = [button(label, f"action_{choice}", value=ask.action_id) for choice, label in CHOICES.items()]
    return [section(text), actions(*buttons, block_id=f"ask:{ask.action_id}")]
