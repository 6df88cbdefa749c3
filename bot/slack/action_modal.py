"""The Slack modal that updates one remedial action: done, still open or dropped (the button's
choice made already), a note, a new due date. It carries the action and the request message it
was opened from, so the request can be redrawn once the update is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack.action_asks import CHOICES
from bot.slack.blocks import escape, plain, section

ACTION_MODAL = "action_update_modal"
MAX_NOTE = 2000  # perfbot.actions.MAX_TEXT


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


def choice_option(choice: str) -> dict[str, Any]:
    return {"text": plain(CHOICES[choice]), "value": choice}


def action_modal(*, text: str, due: str, choice: str, origin: ModalOrigin) -> dict[str, Any]:
    """The form that updates one action, with `choice` already made."""
    return {
        "type": "modal", "callback_id": ACTION_MODAL, "private_metadata": origin.to_metadata(),
        "title": plain("Remedial action", 24), "submit": plain("Update", 24), "close": plain("Cancel", 24),
        "blocks": [
            section(f"*{escape(origin.action_id)}*\n{escape(text)}\nDue {escape(due)}."),
            {"type": "input", "block_id": "status", "label": plain("Is it done?"),
             "element": {"type": "radio_buttons", "action_id": "input", "initial_option": choice_option(choice),
                         "options": [choice_option(c) for c in CHOICES]}},
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
