"""Requests: one DM per owner per round, people found by e-mail and cached, nobody dropped."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.slack.channel import SlackChannel
from perfbot.notices import PersonNotice
from tests.integration.test_slack_support import (
    ALEX,
    JO,
    JO_DM,
    OFFICER_DM,
    PERIOD,
    SAM_DM,
    SlackWorld,
    replies,
    texts,
)  # fmt: skip


def _request(world: SlackWorld, email: str) -> PersonNotice:
    message = next(m for m in world.store.outbox.for_period(PERIOD)
                   if m.kind == "request" and m.recipient == email)  # fmt: skip
    return PersonNotice.from_content(message.content)


def test_each_owner_gets_one_dm_with_targets_last_values_deadline_button_and_link(
    world: SlackWorld,
) -> None:
    world.open_round()
    dm = world.request_dm(JO_DM)
    shown = texts(dm)
    assert "*CS01* Calls answered within 60 seconds\\nTarget 90% · last quarter 91%" in shown
    assert "*CS02* Complaints answered within 10 days\\nTarget 95% · last quarter 96%" in shown
    assert "Please submit by Monday 26 January 2026" in shown
    buttons = {e["action_id"]: e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons["open_returns"]["text"]["text"] == "Submit returns"
    assert buttons["open_web_form"]["url"] == _request(world, JO).form_url
    assert "WS01" not in shown and "CS01" not in texts(world.request_dm(SAM_DM))
    assert "Monday 26 January 2026" in dm["text"]  # the notification text says it too


def test_a_second_open_or_a_retried_send_never_dms_twice(world: SlackWorld) -> None:
    world.open_round()
    world.open_round()
    again = SlackChannel.from_settings(world.settings.slack, store=world.store, config=world.app.config)
    posts = world.fake.count("chat.postMessage")
    ref = again.send_request(again.resolve_person(JO), _request(world, JO))
    assert ref == f"slack:{JO_DM}:{world.request_dm(JO_DM)['ts']}"
    assert world.fake.count("chat.postMessage") == posts
    assert len(world.fake.messages(JO_DM)) == 1


def test_people_are_looked_up_by_email_once_and_cached_in_the_store(world: SlackWorld) -> None:
    world.open_round()
    looked_up = [c.body["email"] for c in world.fake.calls("users.lookupByEmail")]
    assert sorted(looked_up) == sorted([JO, "sam@council.example", ALEX, "perf@council.example"])
    channel = SlackChannel.from_settings(world.settings.slack, store=world.store, config=world.app.config)
    assert channel.resolve_person(JO) == "U0JOBLOGS1"
    assert channel.resolve_person(ALEX) is None
    assert world.fake.count("users.lookupByEmail") == 4  # all from the store's cache
    world.clock.advance(timedelta(hours=7))  # "not in Slack" is checked again after a while
    assert channel.resolve_person(ALEX) is None and world.fake.count("users.lookupByEmail") == 5


def test_someone_not_in_slack_is_reported_to_the_officer_once_and_reached_elsewhere(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="perfbot.slack"):
        world.open_round()
    report = world.fake.messages(OFFICER_DM)
    assert len(report) == 1 and ALEX in report[0]["text"] and "register" in report[0]["text"]
    assert any(ALEX in r.getMessage() and "not find" in r.getMessage() for r in caplog.records)
    alex = [m for m in world.store.outbox.for_period(PERIOD) if m.recipient == ALEX]
    assert [(m.kind, m.channel) for m in alex] == [("request", "local")]
    assert any(to == ALEX and "HR01" in text for to, text in world.shown)
    world.clock.advance(timedelta(hours=7))
    world.app.cycle.chase(actor="perf@council.example")  # alex is looked up again, not re-reported
    assert len(world.fake.messages(OFFICER_DM)) == 1


def test_reminders_thread_under_the_request_and_show_in_the_dm(world: SlackWorld) -> None:
    world.open_round()
    world.clock.set(world.app.cycle.dates(PERIOD).reminders[0] + timedelta(minutes=1))
    world.app.cycle.tick()
    request = world.request_dm(SAM_DM)
    thread = replies(world.fake, SAM_DM, request)
    assert len(thread) == 1 and "Reminder" in thread[0]["text"]
    # Sam's reminder (Jo's may go out at the same moment: people's messages are sent side by side)
    call = next(c.body for c in reversed(world.fake.calls("chat.postMessage")) if c.body["channel"] == SAM_DM)
    assert call["thread_ts"] == request["ts"] and call["reply_broadcast"] is True
