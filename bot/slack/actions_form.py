"""The Slack form of every open action a person may update ("My remedial actions" shortcut): for
when the request's DM is not at hand. Block ids name the field and the action (`note|CS01-…`),
so each error comes back on its own input."""

from __future__ import annotations

from typing import Any

from bot import messages as common
from bot.slack.action_asks import CHOICES
from bot.slack.action_modal import MAX_NOTE, choice_option
from bot.slack.blocks import Block, context, escape, plain, section
from perfbot.notices import ActionAsk

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
             "element": {"type": "radio_buttons", "action_id": "input", "options": [choice_option(c) for c in CHOICES]}},
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
