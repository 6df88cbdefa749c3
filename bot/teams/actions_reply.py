"""What a submitted actions card does: each action given a choice is updated through
`perfbot.services.actions` (the same rules and errors as Slack, the web and the CLI). Updates
that pass are stored; those that do not come back on a card with the error under the input, and
with what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.teams import messages as say
from bot.teams.action_card import CHOICES, FIELDS, AskState, actions_card, input_id, updated_card
from bot.teams.cards import Card
from perfbot.actions import ActionStatus
from perfbot.services.actions import ActionUpdate, ask_for

if TYPE_CHECKING:
    from perfbot.services import Services

STATUSES = {value: ActionStatus(value) for value, _ in CHOICES}


def open_actions_card(app: Services, email: str) -> Card:
    """The "actions" command: a card of the open actions this person may update."""
    return actions_card(tuple(ask_for(a) for a in app.actions.open_for(email)))


def submit_actions(app: Services, *, email: str, data: dict[str, Any]) -> Card:
    """Update each action the person chose something for; the card to answer with."""
    ids = [i.strip() for i in str(data.get("actions", "")).split(",") if i.strip()]
    typed = {k: str(v).strip() for k, v in data.items() if isinstance(v, str) and "." in k}
    chosen = [i for i in ids if any(typed.get(input_id(i, name)) for name in FIELDS)]  # a note alone: say so
    if not chosen:
        first = ids[0] if ids else ""
        return _again(app, ids, AskState(typed, {input_id(first, "status"): say.ACTIONS_NONE_CHOSEN}))
    done, errors = [], {}
    for action_id in chosen:
        status = STATUSES.get(typed.get(input_id(action_id, "status"), ""))
        if status is None:  # none chosen, or not one of the card's choices
            errors[input_id(action_id, "status")] = say.ACTION_CHOOSE
            continue
        result = app.actions.update(ActionUpdate(
            action_id, by=email, via="teams", status=status, note=typed.get(input_id(action_id, "note"), ""),
            due=typed.get(input_id(action_id, "due")) or None))  # fmt: skip
        if result.accepted:
            done.append(say.ACTION_NOW.format(action_id=action_id, status=say.STATUS_WORDS[status.value]))
        errors.update({input_id(action_id, name): message for name, message in result.on_form().items()})
    if errors:
        failed = [i for i in chosen if any(k.startswith(f"{i}.") for k in errors)]
        return _again(app, failed, AskState(typed, errors))
    return updated_card(done)


def _again(app: Services, ids: list[str], state: AskState) -> Card:
    """The card again for these actions (those that still exist), with the errors shown."""
    found = [a for a in (app.store.actions.get(i) for i in ids) if a is not None]
    if not found:
        return actions_card((), state)
    return actions_card(tuple(ask_for(a) for a in found), state)
