"""Restarts: a new process on the same data dir carries on, catches up, and never re-sends."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from perfbot.clock import ManualClock
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    Q3,
    WILL,
    RecordingChannel,
    build,
    london,
    opened_q3,
    reply,
    restarted,
    run_days,
    seeded,
    small_register,
)  # fmt: skip

q3 = str(Q3)


def test_a_new_process_mid_round_carries_on_without_re_sending(tmp_path):
    data = tmp_path / "data"
    clock, before, app = seeded(data, london("2026-01-08 07:00"))
    run_days(clock, app, until=date(2026, 1, 15), events={
        london("2026-01-09 11:00"): reply(app, "A1", Q3, 95, by=ALICE),
        london("2026-01-09 11:01"): reply(app, "A2", Q3, 95, by=ALICE),
    })  # fmt: skip
    clock, after, app = restarted(data, london("2026-01-16 07:00"))
    run_days(clock, app, until=date(2026, 1, 30), events={
        london("2026-01-16 11:00"): reply(app, "B1", Q3, 95, by=BOB),
    })  # fmt: skip
    assert [(d.at, d.to, d.kind) for d in before.deliveries] == [
        ("2026-01-08 09:30", ALICE, "request"), ("2026-01-08 09:30", BOB, "request"),
        ("2026-01-08 09:30", CAROL, "request"),
        ("2026-01-15 09:30", BOB, "reminder"), ("2026-01-15 09:30", CAROL, "reminder"),
    ]  # fmt: skip
    assert [(d.at, d.to, d.kind) for d in after.deliveries] == [
        ("2026-01-21 09:30", CAROL, "reminder"), ("2026-01-22 09:30", CAROL, "deadline"),
        ("2026-01-26 09:30", WILL, "escalation"), ("2026-01-29 09:30", "cmt", "digest"),
    ]  # fmt: skip


def test_after_downtime_late_reminders_are_skipped_and_logged_but_escalation_and_digest_go(
    tmp_path, caplog
):
    data = tmp_path / "data"
    opened_q3(data)  # the round opens; then the server is down until after the escalation day
    clock, channel, app = restarted(data, london("2026-01-27 08:00"))
    with caplog.at_level(logging.INFO, logger="perfbot.cycle"):
        report = app.cycle.tick()  # out of hours: skips are recorded, nothing is sent
    assert channel.deliveries == [] and report.recorded == []
    assert sorted(report.skipped) == sorted(
        f"{q3}|{kind}|{who}" for kind in ("reminder#2026-01-15", "reminder#2026-01-21", "deadline")
        for who in (ALICE, BOB, CAROL)
    )  # fmt: skip
    assert "deadline had passed" in caplog.text
    skipped = app.store.outbox.get(Q3, f"{q3}|reminder#2026-01-15|{CAROL}")
    assert skipped.status.value == "skipped" and "deadline had passed" in skipped.error
    run_days(clock, app, until=date(2026, 1, 30))
    assert [(d.at, d.to, d.kind) for d in channel.deliveries] == [
        ("2026-01-27 09:30", "hana@council.gov.uk", "escalation"),
        ("2026-01-27 09:30", WILL, "escalation"),
        ("2026-01-29 09:30", "cmt", "digest"),
    ]


def test_a_digest_missed_entirely_is_still_sent_when_the_server_comes_back(tmp_path):
    data = tmp_path / "data"
    opened_q3(data)
    clock, channel, app = restarted(data, london("2026-03-02 09:30"))  # a month after the digest date
    app.cycle.tick()
    assert ("2026-03-02 09:30", "cmt", "digest", q3) in [
        (d.at, d.to, d.kind, d.period) for d in channel.deliveries
    ]
    app.cycle.tick()
    assert sum(d.kind == "digest" for d in channel.deliveries) == 1


def test_a_weekend_restart_waits_for_monday_morning_and_then_catches_up(tmp_path):
    data = tmp_path / "data"
    opened_q3(data)
    clock, channel, app = restarted(data, london("2026-01-17 10:00"))  # down from 14 Jan; back on Saturday
    app.cycle.tick()
    clock.set(london("2026-01-19 08:00"))
    app.cycle.tick()
    assert channel.deliveries == []  # nothing at the weekend, nothing before 09:30
    clock.set(london("2026-01-19 09:30"))
    report = app.cycle.tick()
    assert [(d.at, d.to, d.kind) for d in channel.deliveries] == [
        ("2026-01-19 09:30", who, "reminder") for who in (ALICE, BOB, CAROL)
    ]
    assert report.skipped == []  # the deadline (22 Jan) has not passed: still worth sending


def test_a_round_whose_opening_was_missed_opens_at_the_next_working_tick_with_a_full_window(tmp_path):
    data = tmp_path / "data"
    seeded(data, london("2026-01-05 09:30"))  # the server stops before the round was due (8 Jan)
    clock, channel, app = restarted(data, london("2026-01-10 10:00"))  # back on a Saturday
    app.cycle.tick()
    assert app.store.rounds.get(Q3) is None and channel.deliveries == []
    clock.set(london("2026-01-12 09:30"))
    report = app.cycle.tick()
    assert report.opened == [Q3] and [d.kind for d in channel.deliveries] == ["request"] * 3
    assert f"{app.store.rounds.get(Q3).deadline:%Y-%m-%d}" == "2026-01-26"  # 10 working days on


class _RunningClock(ManualClock):
    """A clock that moves on a millisecond each time it is read, as a real one does."""

    def now(self) -> datetime:
        self.advance(timedelta(milliseconds=1))
        return super().now()


def test_the_tick_that_opens_a_round_sends_its_requests_with_a_running_clock(tmp_path):
    clock = _RunningClock(london("2026-01-08 10:30"))  # the Q3 round is due to open (8 Jan 09:30)
    channel = RecordingChannel(clock)
    app = build(tmp_path / "data", clock, channel)
    app.store.register.apply(small_register(), [], actor="test")
    report = app.cycle.tick()
    assert report.opened == [Q3] and [d.kind for d in channel.deliveries] == ["request"] * 3
