"""Block Kit for modals: the returns form, the case-study form, and a plain notice.

Block ids name the field and the measure (`value:CS01`), so a validation error comes back on the
field it is about (`response_action: errors`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack import messages as say
from bot.slack.blocks import Block, clip, context, escape, figures, plain, section
from bot.slack.returns import Recorded
from collectors.case_studies import LIMITS
from perfbot.formatting import rag_label
from perfbot.notices import MeasureLine

RETURNS_MODAL = "returns_modal"
CASE_STUDY_MODAL = "casestudy_modal"
FIELDS = ("value", "commentary", "action")
MAX_MODAL_MEASURES = 19  # 5 blocks each, inside Slack's 100 a modal
MAX_TEXT = 3000


@dataclass(frozen=True, slots=True)
class ModalLine:
    """One measure in the returns form, with what to pre-fill."""

    line: MeasureLine
    value: str = ""
    commentary: str = ""
    action: str = ""
    recorded: Recorded | None = None


def _input(block_id: str, label: str, *, initial: str, multiline: bool = False,
           hint: str = "", placeholder: str = "", limit: int = MAX_TEXT) -> Block:  # fmt: skip
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "input",
                               "multiline": multiline, "max_length": limit}  # fmt: skip
    if initial:
        element["initial_value"] = initial[:limit]
    if placeholder:
        element["placeholder"] = plain(placeholder)
    block: Block = {"type": "input", "block_id": block_id, "optional": True,
                    "label": plain(label), "element": element}  # fmt: skip
    if hint:
        block["hint"] = plain(hint)
    return block


def block_id(field: str, measure_id: str) -> str:
    return f"{field}:{measure_id}"


def _measure_blocks(item: ModalLine) -> list[Block]:
    line = item.line
    text = f"*{escape(line.measure_id)}* {escape(line.title)}\n{figures(line)}"
    if item.recorded is not None:
        done = item.recorded
        text += f"\nSubmitted: {escape(done.value)} — {rag_label(done.rag)} (revision {done.revision})"
    return [
        {"type": "divider"},
        section(text),
        _input(block_id("value", line.measure_id), say.VALUE_LABEL, initial=item.value, limit=500,
               hint=say.VALUE_HINT.get(line.unit, ""), placeholder="e.g. 87.5"),
        _input(block_id("commentary", line.measure_id), say.COMMENTARY_LABEL,
               initial=item.commentary, multiline=True),
        _input(block_id("action", line.measure_id), say.ACTION_LABEL, initial=item.action,
               multiline=True),
    ]  # fmt: skip


def returns_modal(period: str, items: list[ModalLine], *, metadata: dict[str, Any]) -> dict[str, Any]:
    """The returns form for some of a person's measures in one round."""
    shown = items[:MAX_MODAL_MEASURES]
    blocks: list[Block] = [context(say.MODAL_INTRO)]
    for item in shown:
        blocks += _measure_blocks(item)
    if len(items) > len(shown):
        blocks.append(context(say.MORE_MEASURES.format(count=len(items) - len(shown))))
    metadata = {**metadata, "m": [i.line.measure_id for i in shown]}
    return {
        "type": "modal", "callback_id": RETURNS_MODAL,
        "title": plain(say.MODAL_TITLE.format(period=period), 24),
        "submit": plain("Submit", 24), "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata, separators=(",", ":")), "blocks": blocks,
    }  # fmt: skip


def read_returns(values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The returns form's answers: {measure id: {value, commentary, action}} (all strings)."""
    found: dict[str, dict[str, str]] = {}
    for key, answer in values.items():
        field, _, measure_id = key.partition(":")
        if field in FIELDS and measure_id:
            text = (answer.get("input") or {}).get("value") or ""
            found.setdefault(measure_id, dict.fromkeys(FIELDS, ""))[field] = text
    return found


def info_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that just says something (when there is nothing to fill in)."""
    return {"type": "modal", "title": plain(title, 24), "close": plain("Close", 24),
            "blocks": [section(escape(text))]}  # fmt: skip


def _select(block: str, label: str, options: list[str], *, initial: str = "") -> Block:
    choices = [{"text": plain(clip(o, 75), 75), "value": o[:150]} for o in sorted(options)[:100]]
    element: dict[str, Any] = {"type": "static_select", "action_id": "input", "options": choices}
    chosen = next((c for c in choices if c["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return {"type": "input", "block_id": block, "label": plain(label), "element": element}


def case_study_modal(
    *, themes: list[str], services: list[str], what_happened: str = "", theme: str = "",
    service: str = "", metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Title, theme, service, what happened, impact, consent to publish."""
    labels = say.CASE_LABELS
    required = {"optional": False}
    blocks = [
        _input("title", labels["title"], initial="", limit=LIMITS["title"]) | required,
        _select("theme", labels["theme"], themes, initial=theme),
        _select("service", labels["service"], services, initial=service),
        _input("what_happened", labels["what_happened"], initial=what_happened, multiline=True,
               limit=LIMITS["what_happened"]) | required,
        _input("impact", labels["impact"], initial="", multiline=True, limit=LIMITS["impact"]) | required,
        {"type": "input", "block_id": "consent", "optional": True, "label": plain(labels["consent"]),
         "element": {"type": "checkboxes", "action_id": "input", "options": [
             {"text": {"type": "mrkdwn", "text": say.CASE_CONSENT}, "value": "yes"}]}},
    ]  # fmt: skip
    return {
        "type": "modal", "callback_id": CASE_STUDY_MODAL, "title": plain(say.CASE_TITLE, 24),
        "submit": plain(say.CASE_SUBMIT, 24), "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata or {}), "blocks": blocks,
    }  # fmt: skip


def read_case_study(values: dict[str, Any]) -> dict[str, Any]:
    """The case-study form's answers (text fields stripped, consent a bool)."""
    def answer(key: str) -> dict[str, Any]:
        return (values.get(key) or {}).get("input") or {}

    found: dict[str, Any] = {k: (answer(k).get("value") or "").strip()
                             for k in ("title", "what_happened", "impact")}  # fmt: skip
    for key in ("theme", "service"):
        found[key] = (answer(key).get("selected_option") or {}).get("value", "")
    found["consent"] = any(o.get("value") == "yes" for o in answer("consent").get("selected_options") or [])
    return found
