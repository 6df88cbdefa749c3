"""The remedial-action ask in a Slack request, and its modal: valid Block Kit within Slack's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from bot.slack.action_asks import ask_blocks
from bot.slack.action_modal import ModalOrigin, action_modal, read_action_modal
from bot.slack.actions_form import actions_form, read_actions_form
from bot.slack.blocks import notice_message
from perfbot.clock import LONDON
from perfbot.notices import ActionAsk, MeasureLine, NoticeKind, PersonNotice
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import validate_blocks, validate_view

HOSTILE = "<!channel> Agency staff & " + "more " * 700


def _notice(measures: int, asks: int) -> PersonNotice:
    lines = tuple(MeasureLine(f"M{n:03d}", f"Measure {n}", "percent", 90.0) for n in range(measures))
    found = tuple(ActionAsk(f"M{n:03d}-2025-26-Q3", f"M{n:03d}", HOSTILE, "end of 2025/26 Q4", "2025/26 Q3")
                  for n in range(asks))  # fmt: skip
    return PersonNotice(NoticeKind.REQUEST, "2025/26 Q4", "jo@council.example",
                        datetime(2026, 4, 27, 17, tzinfo=LONDON), lines, actions=found)  # fmt: skip


def _with_asks(notice: PersonNotice, closed: dict[str, str] | None = None) -> list[dict]:
    _, blocks = notice_message(notice, {}, asks=lambda room: ask_blocks(notice, closed or {}, room=room))
    return blocks


def test_asks_sit_before_the_buttons_and_a_closed_one_says_what_became_of_it() -> None:
    notice = _notice(2, 2)
    blocks = _with_asks(notice, {"M001-2025-26-Q3": "done"})
    assert validate_blocks(blocks) == []
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Last quarter you said you would:" in shown and "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    asks = [b["block_id"] for b in blocks if b.get("block_id", "").startswith("ask:")]
    assert asks == ["ask:M000-2025-26-Q3"] and "Marked done. Thank you." in shown
    assert blocks[-2]["elements"][0]["action_id"] == "open_returns"  # the returns buttons stay last
    assert _with_asks(replace(notice, actions=())) == notice_message(replace(notice, actions=()), {})[1]


def test_many_measures_and_many_asks_stay_within_fifty_blocks() -> None:
    blocks = _with_asks(_notice(40, 30))
    assert validate_blocks(blocks) == [] and len(blocks) <= 50
    assert "more on the web form" in json.dumps(blocks)
    assert validate_blocks(_with_asks(_notice(8, 12))) == []


def test_the_modal_is_valid_and_read_back() -> None:
    view = action_modal(text=HOSTILE, due="end of 2025/26 Q4", choice="open",
                        origin=ModalOrigin("M000-2025-26-Q3", "D0JO", "1700000000.000100"))  # fmt: skip
    assert validate_view(view) == []
    answers = {"status": {"input": "dropped"}, "note": {"input": "No longer needed"}}
    values = signing.submitted_view(view, answers)["state"]["values"]
    assert read_action_modal(values) == {"status": "dropped", "note": "No longer needed", "due": ""}
    assert ModalOrigin.read(view["private_metadata"]) == ModalOrigin("M000-2025-26-Q3", "D0JO", "1700000000.000100")
    assert ModalOrigin.read("not json") is None and ModalOrigin.read('{"a": 3}') is None


def test_the_actions_form_is_valid_with_many_actions_and_read_back_by_action() -> None:
    notice = _notice(0, 30)
    view = actions_form(notice.actions)
    assert validate_view(view) == [] and len(view["blocks"]) <= 100
    assert "11 more not shown" in json.dumps(view)
    answers = {"status|M001-2025-26-Q3": {"input": "open"}, "due|M001-2025-26-Q3": {"input": "2026/27 Q1"},
               "note|M002-2025-26-Q3": {"input": "just a note"}}  # fmt: skip
    values = signing.submitted_view(view, answers)["state"]["values"]
    assert read_actions_form(values) == {
        "M001-2025-26-Q3": {"status": "open", "note": "", "due": "2026/27 Q1"},
        "M002-2025-26-Q3": {"status": "", "note": "just a note", "due": ""}}
