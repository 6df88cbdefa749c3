"""What perfbot answers to a reply it has read (pure: no Slack, no store)."""

from __future__ import annotations

import json

from bot.slack.reply_offer import MAX_VALUE, offer_blocks, offer_for
from collectors.reply_parser import Reading
from perfbot.model import Measure, Rag, Unit
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.submission import FieldErrors

MEASURE = Measure("CS01", "Calls <answered>", "Theme", "Service", "jo@council.example",
                  "head@council.example", unit=Unit.PERCENT, target=90.0)  # fmt: skip
PERIOD = Period(2025, 3)
GREEN = RagResult(Rag.GREEN, "on or better than target")


def _offer(reading: Reading, errors: dict[str, str] | None = None, rag: RagResult | None = GREEN):  # noqa: ANN202
    return offer_for(MEASURE, PERIOD, ["CS01", "CS02"], reading, errors=FieldErrors(errors or {}),
                     rag=rag, key="slack-reply:D1:1.2", user_id="U1")  # fmt: skip


def test_a_clean_reading_is_offered_with_save_and_the_form() -> None:
    offer = _offer(Reading("CS01", 92.5, "92.5%", "New rota"))
    assert offer.text == ("I read that as *CS01 Calls &lt;answered&gt;*: *92.5%* (● Green), commentary "
                          "“New rota”. Shall I save it?")  # fmt: skip
    saved = json.loads(offer.confirm[1])
    assert saved == {"p": "2025/26 Q3", "m": "CS01", "v": 92.5, "c": "New rota", "k": "slack-reply:D1:1.2",
                     "u": "U1", "x": 0}  # fmt: skip
    assert json.loads(offer.form)["d"] == {"CS01": {"v": "92.5%", "c": "New rota"}}
    assert [e["action_id"] for e in offer_blocks(offer)[1]["elements"]] == ["confirm_reply", "open_returns"]


def test_a_problem_other_than_an_unusual_figure_sends_them_to_the_form() -> None:
    offer = _offer(Reading("CS01", 70, "70%", "x"), {"action": "This is red: say what is being done"},
                   RagResult(Rag.RED, "off target"))  # fmt: skip
    assert "but this is red: say what is being done. Please use the form." in offer.text
    assert offer.confirm is None and offer_blocks(offer)[1]["elements"][0]["text"]["text"] == "Submit returns"


def test_an_unusual_figure_is_offered_to_save_anyway() -> None:
    flagged = RagResult(Rag.NA, "not rated", ("0 is far outside this measure's history",))
    offer = _offer(Reading("CS01", 0, "0", ""), {"value": "Check this figure"}, flagged)
    assert "That looks unusual (0 is far outside this measure's history)" in offer.text
    assert json.loads(offer.confirm[1])["x"] == 1


def test_a_reply_too_long_for_a_button_goes_to_the_form_without_the_draft() -> None:
    offer = _offer(Reading("CS01", 92.5, "92.5%", "word " * MAX_VALUE))
    assert "too long to confirm here" in offer.text and offer.confirm is None
    assert "d" not in json.loads(offer.form)
