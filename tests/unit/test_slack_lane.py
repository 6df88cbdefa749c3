"""Redraws in the background: a full rate tier never holds the caller, and only the newest view
of a message is sent."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.slack.pacing import BackgroundLane


def test_calls_run_in_order_in_the_background_while_the_caller_goes_on() -> None:
    lane, release, done = BackgroundLane("test"), threading.Event(), []
    lane.submit("a", lambda: (release.wait(5), done.append("a")))
    lane.submit("b", lambda: done.append("b"))
    assert done == []  # the first call is waiting (as for a rate-limit slot): nobody else is
    release.set()
    assert lane.wait_idle(5) and done == ["a", "b"]


def test_a_newer_call_for_the_same_target_replaces_the_queued_one() -> None:
    lane, release, done = BackgroundLane("test"), threading.Event(), []
    lane.submit("busy", lambda: release.wait(5))
    lane.submit(("C1", "1.0"), lambda: done.append("first view"))
    lane.submit(("C2", "2.0"), lambda: done.append("other message"))
    lane.submit(("C1", "1.0"), lambda: done.append("newest view"))
    release.set()
    assert lane.wait_idle(5) and done == ["newest view", "other message"]


def test_a_failing_call_is_logged_and_the_lane_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    lane, done = BackgroundLane("chat.update"), []
    with caplog.at_level(logging.ERROR, logger="perfbot.slack"):
        lane.submit("a", lambda: 1 / 0)
        lane.submit("b", lambda: done.append("b"))
        assert lane.wait_idle(5)
    assert done == ["b"] and "a background chat.update failed" in caplog.text


def test_the_thread_stops_when_idle_and_starts_again_for_the_next_call() -> None:
    lane, done = BackgroundLane("idle-test", idle=0.05), []
    lane.submit("a", lambda: done.append("a"))
    assert lane.wait_idle(5)
    threading.Event().wait(0.3)
    assert not any(t.name == "slack-idle-test" for t in threading.enumerate())
    lane.submit("b", lambda: done.append("b"))
    assert lane.wait_idle(5) and done == ["a", "b"]
