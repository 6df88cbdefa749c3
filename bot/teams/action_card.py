"""Remedial actions on Teams cards: the "last quarter you said: … — done?" ask under a request's
inputs, and a card of a person's open actions; each action with Done / Still open / Dropped, a
note and a new due date, sent with Action.Submit to `bot.teams.actions_reply`.

Input ids name the action and the field (`CS01-2025-26-Q3.status`), so each error sits right
below its input. User text goes in RichTextBlock text runs (never Markdown).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot import messages as common
from bot.teams import messages as say
from bot.teams.cards import Card, Element, card, error, heading
from bot.teams.digest_card import plain
from perfbot.notices import ActionAsk, PersonNotice

ACTIONS_ACTION = "actions"  # the `perfbot` value of the card's Action.Submit data
CHOICES = (("done", "Done"), ("open", "Still open"), ("dropped", "Dropped"))
FIELDS = ("status", "note", "due")
MAX_NOTE = 2000  # perfbot.actions.MAX_TEXT
MAX_ASKS = 8  # with a long note typed into each, a card stays inside Teams' 28 KB
MAX_SHOWN = 400  # of an action's wording (the web page shows it all)


@dataclass(frozen=True, slots=True)
class AskState:
    """What the person chose and typed, by input id, and the errors under the inputs."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def input_id(action_id: str, name: str) -> str:
    return f"{action_id}.{name}"


def ask_elements(asks: tuple[ActionAsk, ...], title: str, state: AskState | None = None) -> list[Element]:
    """A heading and, for each action, what was said and its inputs."""
    state = state or AskState()
    more = [plain(say.MORE_ACTIONS.format(count=len(asks) - MAX_ASKS))] if len(asks) > MAX_ASKS else []
    return [heading(title), *(_ask(a, state) for a in asks[:MAX_ASKS]), *more]


def _submit(asks: tuple[ActionAsk, ...]) -> Element:
    return {"type": "Action.Submit", "title": say.ACTIONS_SUBMIT,
            "data": {"perfbot": ACTIONS_ACTION, "actions": ",".join(a.action_id for a in asks[:MAX_ASKS])}}  # fmt: skip


def _ask(ask: ActionAsk, state: AskState) -> Element:
    ident = ask.action_id
    items: list[Element] = [
        {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": common.action_line(_shortened(ask))}]},
        {"type": "Input.ChoiceSet", "id": input_id(ident, "status"), "label": say.ACTION_STATUS_LABEL,
         "style": "expanded", "value": state.values.get(input_id(ident, "status"), ""),
         "choices": [{"title": title, "value": value} for value, title in CHOICES]},
        {"type": "Input.Text", "id": input_id(ident, "note"), "label": say.ACTION_NOTE_LABEL,
         "isMultiline": True, "maxLength": MAX_NOTE, "value": state.values.get(input_id(ident, "note"), "")[:MAX_NOTE]},
        {"type": "Input.Text", "id": input_id(ident, "due"), "label": say.ACTION_DUE_LABEL,
         "maxLength": 40, "value": state.values.get(input_id(ident, "due"), "")[:40]},
    ]  # fmt: skip
    for name in FIELDS:  # each error right below its input
        if input_id(ident, name) in state.errors:
            at = next(i for i, e in enumerate(items) if e.get("id") == input_id(ident, name))
            items.insert(at + 1, error(state.errors[input_id(ident, name)]))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _shortened(ask: ActionAsk) -> ActionAsk:
    if len(ask.text) <= MAX_SHOWN:
        return ask
    return replace(ask, text=ask.text[: MAX_SHOWN - 1].rstrip() + "…")


def with_asks(return_card: Card, notice: PersonNotice) -> Card:
    """A request's return card with its asks (and their own Submit) added below the inputs."""
    if not notice.actions:
        return return_card
    body = [*return_card["body"], *ask_elements(notice.actions, common.actions_heading(notice)),
            {"type": "ActionSet", "actions": [_submit(notice.actions)]}]  # fmt: skip
    return {**return_card, "body": body}


def actions_card(asks: tuple[ActionAsk, ...], state: AskState | None = None) -> Card:
    """A card of open actions to update (the "actions" command, or a submission with errors)."""
    if not asks:
        return card([heading(say.NO_OPEN_ACTIONS)], fallback=say.NO_OPEN_ACTIONS)
    body = [*ask_elements(asks, say.ACTIONS_HEADING, state), plain(say.ACTIONS_HINT, isSubtle=True)]
    return card(body, [_submit(asks)], fallback=say.ACTIONS_HEADING)


def updated_card(lines: list[str]) -> Card:
    """The read-only answer once every chosen update is stored."""
    return card([heading(say.ACTIONS_UPDATED), *(plain(f"• {line}") for line in lines)], fallback=say.ACTIONS_UPDATED)
