"""Block Kit for remedial actions: the "last quarter you said: … — done?" ask in a request, and
the modal that updates one action (done, still open, dropped; a note; a new due date).

Each ask has three buttons carrying the action id; each opens the modal with that choice made.
An ask whose action is no longer open shows what became of it instead of the buttons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot import messages as common
from bot.slack.blocks import Block, actions, button, context, escape, plain, section
from perfbot.notices import ActionAsk, PersonNotice
from perfbot.store import Store

ACTION_MODAL = "action_update_modal"
CHOICES = {"done": "Done", "open": "Still open", "dropped": "Dropped"}
BUTTONS = {f"action_{choice}": choice for choice in CHOICES}  # action_id → the choice it makes
MAX_NOTE = 2000  # perfbot.actions.MAX_TEXT


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


@dataclass(frozen=True, slots=True)
class ModalOrigin:
    """What the modal carries: the action, and the request message it was opened from."""

    action_id: str
    channel: str = ""
    ts: str = ""

    def to_metadata(self) -> str:
        return json.dumps({"a": self.action_id, "c": self.channel, "t": self.ts}, separators=(",", ":"))

    @classmethod
    def read(cls, metadata: str | None) -> ModalOrigin | None:
        try:
            found = json.loads(metadata or "")
        except ValueError:
            return None
        if not isinstance(found, dict) or not isinstance(found.get("a"), str):
            return None
        return cls(found["a"], str(found.get("c") or ""), str(found.get("t") or ""))


def _option(choice: str) -> dict[str, Any]:
    return {"text": plain(CHOICES[choice]), "value": choice}


def action_modal(*, text: str, due: str, choice: str, origin: ModalOrigin) -> dict[str, Any]:
    """The form that updates one action, with `choice` already made."""
    return {
        "type": "modal", "callback_id": ACTION_MODAL, "private_metadata": origin.to_metadata(),
        "title": plain("Remedial action", 24), "submit": plain("Update", 24), "close": plain("Cancel", 24),
        "blocks": [
            section(f"*{escape(origin.action_id)}*\n{escape(text)}\nDue {escape(due)}."),
            {"type": "input", "block_id": "status", "label": plain("Is it done?"),
             "element": {"type": "radio_buttons", "action_id": "input", "initial_option": _option(choice),
                         "options": [_option(c) for c in CHOICES]}},
            {"type": "input", "block_id": "note", "optional": True, "label": plain("Note"),
             "hint": plain("What was done, how it is going, or why it is dropped (required to drop)."),
             "element": {"type": "plain_text_input", "action_id": "input", "multiline": True,
                         "max_length": MAX_NOTE}},
            {"type": "input", "block_id": "due", "optional": True, "label": plain("New due date"),
             "hint": plain("A quarter, such as 2026/27 Q1, or a date, such as 2026-09-30. "
                           "Needed to keep a late action open."),
             "element": {"type": "plain_text_input", "action_id": "input", "max_length": 40}},
        ],
    }  # fmt: skip


def read_action_modal(values: dict[str, Any]) -> dict[str, str]:
    """{"status", "note", "due"} as chosen and typed ("" for anything left empty)."""
    status = ((values.get("status") or {}).get("input") or {}).get("selected_option") or {}
    return {
        "status": str(status.get("value") or ""),
        "note": str(((values.get("note") or {}).get("input") or {}).get("value") or ""),
        "due": str(((values.get("due") or {}).get("input") or {}).get("value") or ""),
    }


ACTIONS_FORM = "actions_form_modal"
MAX_FORM_ACTIONS = 19  # five blocks each (and a line saying how many more), inside 100 a modal


def actions_form(asks: tuple[ActionAsk, ...]) -> dict[str, Any]:
    """Every open action a person may update, each with its choices (the "My remedial actions"
    shortcut: for when the request's DM is not at hand). Block ids name the action and the field."""
    shown = asks[:MAX_FORM_ACTIONS]
    blocks: list[Block] = [context(say_more(len(asks) - len(shown)))] if len(asks) > len(shown) else []
    for ask in shown:
        blocks += [
            {"type": "divider"},
            section(escape(common.action_line(ask))),
            {"type": "input", "block_id": form_block(ask.action_id, "status"), "optional": True,
             "label": plain("Is it done?"),
             "element": {"type": "radio_buttons", "action_id": "input", "options": [_option(c) for c in CHOICES]}},
            {"type": "input", "block_id": form_block(ask.action_id, "note"), "optional": True, "label": plain("Note"),
             "element": {"type": "plain_text_input", "action_id": "input", "multiline": True, "max_length": MAX_NOTE}},
            {"type": "input", "block_id": form_block(ask.action_id, "due"), "optional": True,
             "label": plain("New due date (a quarter or a date)"),
             "element": {"type": "plain_text_input", "action_id": "input", "max_length": 40}},
        ]  # fmt: skip
    return {"type": "modal", "callback_id": ACTIONS_FORM, "title": plain("Remedial actions", 24),
            "submit": plain("Update", 24), "close": plain("Cancel", 24), "blocks": blocks}  # fmt: skip


def form_block(action_id: str, name: str) -> str:
    return f"{name}|{action_id}"


def say_more(count: int) -> str:
    return f"{count} more not shown: update these first, or use the web page from your request's link."


def read_actions_form(values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{action id: {"status", "note", "due"}} for each action given a choice, a note or a date."""
    found: dict[str, dict[str, str]] = {}
    for block, answer in values.items():
        name, _, action_id = block.partition("|")
        element = (answer or {}).get("input") or {}
        typed = (element.get("selected_option") or {}).get("value") if name == "status" else element.get("value")
        if name in ("status", "note", "due") and action_id and typed:
            found.setdefault(action_id, {"status": "", "note": "", "due": ""})[name] = str(typed)
    return found
