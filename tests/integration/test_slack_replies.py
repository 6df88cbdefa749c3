"""Plain replies: read, confirmed with a button, then saved; unreadable ones get the form."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    JO_DM,
    JO_ID,
    PERIOD,
    SAM_DM,
    SAM_ID,
    SECRET,
    SlackWorld,
    opened_view,
    replies,
    texts,
    wait_until,
)  # fmt: skip


def _reply(world: SlackWorld, channel: str, user_id: str, text: str, **delivery: Any) -> dict[str, Any]:
    """The person replies in their request's thread; perfbot's answer in that thread."""
    request = world.request_dm(channel)
    before = len(replies(world.fake, channel, request))
    event = signing.message_event(signing_secret=SECRET, text=text, user_id=user_id,
                                  thread_ts=request["ts"], **delivery)  # fmt: skip
    assert world.send(event).status_code == 200
    return wait_until(lambda: replies(world.fake, channel, request)[before:])[-1]


def _now(world: SlackWorld, channel: str, message: dict[str, Any]) -> dict[str, Any]:
    """A message as it is now (after any chat.update)."""
    return next(m for m in world.fake.messages(channel) if m["ts"] == message["ts"])


def _buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for b in message.get("blocks", []) if b["type"] == "actions"
            for e in b["elements"]}  # fmt: skip


def test_a_plain_reply_is_read_confirmed_with_a_button_and_then_saved(world: SlackWorld) -> None:
    world.open_round()
    answer = _reply(world, SAM_DM, SAM_ID, "Q3 was 45, down because of the new rounds")
    assert "*WS01 Missed bin collections per 100,000*: *45* (● Green)" in answer["text"]
    assert "commentary “Down because of the new rounds”" in answer["text"]
    assert world.store.returns.get("WS01", PERIOD) is None  # nothing saved before the click
    save = _buttons(answer)["confirm_reply"]
    assert world.click(answer, "confirm_reply", user_id=SAM_ID).status_code == 200
    stored = wait_until(lambda: world.store.returns.get("WS01", PERIOD))
    assert (stored.value, stored.commentary, stored.channel, stored.submitted_by) == (
        45, "Down because of the new rounds", "slack", "sam@council.example")
    saved = wait_until(lambda: _now(world, SAM_DM, answer)["text"].startswith("Saved") and _now(world, SAM_DM, answer))
    assert "(revision 1)" in saved["text"] and "confirm_reply" not in texts(saved)
    wait_until(lambda: "45 — ● Green" in texts(world.request_dm(SAM_DM)))
    assert save["style"] == "primary"


def test_a_double_click_on_save_stores_it_once(world: SlackWorld) -> None:
    world.open_round()
    answer = _reply(world, SAM_DM, SAM_ID, "45")
    for _ in range(2):
        world.click(answer, "confirm_reply", user_id=SAM_ID)
    wait_until(lambda: world.fake.count("chat.update") >= 2)
    assert len(world.store.returns.versions("WS01", PERIOD)) == 1


def test_the_measure_named_by_id_or_title_takes_the_figure(world: SlackWorld) -> None:
    world.open_round()
    by_id = _reply(world, JO_DM, JO_ID, "CS02 was 96.5% as usual")
    assert "*CS02 Complaints answered within 10 days*: *96.5%*" in by_id["text"]
    by_title = _reply(world, JO_DM, JO_ID, "calls answered 93%, extra staff")
    assert "*CS01 Calls answered within 60 seconds*: *93%*" in by_title["text"]


def test_an_unreadable_reply_is_answered_with_the_form(world: SlackWorld) -> None:
    world.open_round()
    answer = _reply(world, JO_DM, JO_ID, "will do it tomorrow")
    assert "couldn't read that" in answer["text"] and "Which measure" in answer["text"]
    assert "confirm_reply" not in _buttons(answer)
    world.click(answer, "open_returns", user_id=JO_ID)
    assert opened_view(world.fake)["callback_id"] == "returns_modal"


def test_an_off_target_figure_without_an_action_goes_to_the_form_prefilled(world: SlackWorld) -> None:
    world.open_round()
    answer = _reply(world, JO_DM, JO_ID, "CS01 70%, sickness")
    assert "red: say what is being done" in answer["text"] and "confirm_reply" not in _buttons(answer)
    world.click(answer, "open_returns", user_id=JO_ID)
    view = opened_view(world.fake)
    value = next(b for b in view["blocks"] if b.get("block_id") == "value:CS01")["element"]
    commentary = next(b for b in view["blocks"] if b.get("block_id") == "commentary:CS01")["element"]
    assert (value["initial_value"], commentary["initial_value"]) == ("70%", "Sickness")


def test_a_slack_retry_of_the_same_event_is_answered_once(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.open_round()
    request = world.request_dm(SAM_DM)
    with caplog.at_level(logging.INFO, logger="perfbot.slack"):
        for retry in (None, 1, 2):
            delivery = signing.message_event(signing_secret=SECRET, text="45", user_id=SAM_ID,
                                             thread_ts=request["ts"], ts="1768212000.000100",
                                             event_id="Ev0RETRY0001", retry_num=retry)  # fmt: skip
            assert world.send(delivery).status_code == 200
    assert sum("already handled" in r.getMessage() for r in caplog.records) == 2
    wait_until(lambda: replies(world.fake, SAM_DM, request))
    time.sleep(1.2)  # longer than a second answer in the same DM would be paced
    assert len(replies(world.fake, SAM_DM, request)) == 1


def test_a_message_straight_into_the_dm_is_about_the_current_round(world: SlackWorld) -> None:
    world.open_round()
    typed = world.fake.add_message(SAM_DM, text="missed bins 45", user=SAM_ID)
    event = signing.message_event(signing_secret=SECRET, text=typed["text"], user_id=SAM_ID,
                                  ts=typed["ts"])  # fmt: skip
    world.send(event)
    answer = wait_until(lambda: replies(world.fake, SAM_DM, typed))[0]
    assert "*WS01 Missed bin collections per 100,000*: *45*" in answer["text"]


def test_a_figure_that_looks_like_missing_data_is_saved_only_when_confirmed(world: SlackWorld) -> None:
    world.open_round()
    answer = _reply(world, JO_DM, JO_ID, "CS01 0%, the phones were down all quarter")
    assert "That looks unusual" in answer["text"]
    assert _buttons(answer)["confirm_reply"]["text"]["text"] == "Yes, it's right — save it"
    world.click(answer, "confirm_reply", user_id=JO_ID)
    stored = wait_until(lambda: world.store.returns.get("CS01", PERIOD))
    assert (stored.value, stored.commentary) == (0, "The phones were down all quarter")


def test_only_the_person_who_replied_can_save_it(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.open_round()
    answer = _reply(world, SAM_DM, SAM_ID, "45")
    with caplog.at_level(logging.WARNING, logger="perfbot.slack"):
        world.click(answer, "confirm_reply", user_id=JO_ID)
        wait_until(lambda: any("pressed Save" in r.getMessage() for r in caplog.records))
    assert world.store.returns.get("WS01", PERIOD) is None
