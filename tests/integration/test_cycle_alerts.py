"""Exception alerts: CMT hears of red, green-to-red and data-quality returns within the hour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from perfbot.model import Return
from perfbot.store import OutboxStatus
from perfbot.submission import Submission
from schedules.calendar import WorkingCalendar, WorkingHours
from tests.integration.test_cycle_support import ALICE, BOB, CAROL, Q3, london, opened_q3, reply

RED = {"commentary": "Two vacancies", "action": "Agency cover"}


@pytest.fixture
def opened(tmp_path):
    return opened_q3(tmp_path / "data")


def _alerts(channel):  # noqa: ANN001, ANN202
    return [(d.at, d.measures) for d in channel.deliveries if d.kind == "alert"]


def test_red_returns_in_one_hour_go_to_cmt_in_one_message_at_the_end_of_the_hour(opened):
    clock, channel, app = opened
    clock.set(london("2026-01-12 10:20"))
    reply(app, "A1", Q3, 70, by=ALICE, **RED)()
    clock.set(london("2026-01-12 10:45"))
    reply(app, "B1", Q3, 60, by=BOB, **RED)()
    reply(app, "A2", Q3, 95, by=ALICE)()  # green: no alert
    key = f"{Q3}|alert#2026-01-12T11:00|cmt"
    assert app.store.outbox.get(Q3, key).status is OutboxStatus.PENDING
    clock.set(london("2026-01-12 10:59"))
    app.cycle.tick()
    assert _alerts(channel) == []  # the batch is still collecting
    clock.set(london("2026-01-12 11:00"))
    app.cycle.tick()
    clock.set(london("2026-01-12 11:30"))
    reply(app, "C1", Q3, 50, by=CAROL, **RED)()
    clock.set(london("2026-01-12 12:00"))
    app.cycle.tick()
    assert _alerts(channel) == [("2026-01-12 11:00", ("A1", "B1")), ("2026-01-12 12:00", ("C1",))]
    first = next(d for d in channel.deliveries if d.kind == "alert")
    assert "A1 Measure A1 (Housing, alice@council.gov.uk): red at 70%" in first.text


def test_a_revision_from_green_to_red_and_a_confirmed_zero_are_alerts(opened):
    clock, channel, app = opened
    for quarter in Q3.back(5)[:-1]:
        app.store.returns.save(Return("C1", quarter, 99.6, submitted_by="history"))
    clock.set(london("2026-01-12 10:00"))
    reply(app, "A1", Q3, 95, by=ALICE)()
    reply(app, "A1", Q3, 70, by=ALICE, **RED)()  # revised: green → red
    result = app.collector.submit(Submission(
        "C1", Q3, 0, commentary="System outage", action="Re-run", submitted_by=CAROL, confirmed=True))
    assert result.accepted
    clock.set(london("2026-01-12 11:00"))
    app.cycle.tick()
    text = next(d.text for d in channel.deliveries if d.kind == "alert")
    assert "red at 70% (revised from green)" in text
    assert "C1 Measure C1" in text and "looks like missing data, confirmed" in text


def test_unchanged_resubmissions_history_and_green_returns_raise_no_alert(opened):
    clock, channel, app = opened
    clock.set(london("2026-01-12 10:00"))
    history = app.collector.submit(Submission("A1", Q3.previous(), 50, commentary="old", action="old",
                                              reason="history"))  # no round for 2025/26 Q2
    assert history.accepted
    reply(app, "A2", Q3, 95, by=ALICE)()
    reply(app, "B1", Q3, 70, by=BOB, **RED)()
    clock.set(london("2026-01-12 11:00"))
    app.cycle.tick()
    reply(app, "B1", Q3, 70, by=BOB, **RED)()  # the same figure again (a retried delivery)
    clock.set(london("2026-01-12 12:00"))
    app.cycle.tick()
    assert _alerts(channel) == [("2026-01-12 11:00", ("B1",))]
    assert not [m for m in app.store.outbox.for_period(Q3.previous()) if m.kind == "alert"]


def test_an_evening_return_is_alerted_at_the_start_of_the_next_working_day(opened):
    clock, channel, app = opened
    clock.set(london("2026-01-16 19:40"))  # a Friday evening
    reply(app, "A1", Q3, 70, by=ALICE, **RED)()
    for moment in ("2026-01-16 20:00", "2026-01-17 10:00", "2026-01-19 09:29", "2026-01-19 09:30"):
        clock.set(london(moment))
        app.cycle.tick()
    assert _alerts(channel) == [("2026-01-19 09:30", ("A1",))]


def test_an_item_arriving_as_its_batch_is_taken_joins_the_next_batch(opened):
    clock, _, app = opened
    hours = WorkingHours.of(WorkingCalendar("ENG"), app.config.cycle)
    clock.set(london("2026-01-12 10:10"))

    def add(item: str) -> None:
        app.store.outbox.add_to_batch(Q3, kind="alert", recipient="cmt", items=[item], slot_after=hours.next_slot,
                                      key_for=lambda slot: f"{Q3}|alert#{slot:%H:%M}|cmt")  # fmt: skip

    first, second = f"{Q3}|alert#11:00|cmt", f"{Q3}|alert#12:00|cmt"
    add("one")
    clock.set(london("2026-01-12 11:00"))
    assert app.store.outbox.claim(Q3, first, lease=timedelta(minutes=5)) is not None
    clock.set(london("2026-01-12 10:59"))  # a clock that stepped back must not lose the item
    add("two")
    assert app.store.outbox.get(Q3, first).content["items"] == ["one"]
    assert app.store.outbox.get(Q3, second).content["items"] == ["two"]


def test_a_return_and_the_alert_it_raises_are_one_commit(opened):
    """Stored together (one journal line, one fsync): a crash keeps both or neither."""
    clock, channel, app = opened
    if not hasattr(app.store, "files"):  # PostgreSQL: one transaction (test_store_pg_connection.py)
        pytest.skip("counts TinyDB's journal lines")
    clock.set(london("2026-01-12 10:20"))
    journal = app.store.files.data_dir / "periods" / f"{Q3.key}.json.journal"
    lines = journal.read_bytes().count(b"\n") if journal.exists() else 0
    reply(app, "A1", Q3, 70, by=ALICE, **RED)()
    assert journal.read_bytes().count(b"\n") == lines + 1
    assert app.store.returns.get("A1", Q3).value == 70
    assert app.store.outbox.get(Q3, f"{Q3}|alert#2026-01-12T11:00|cmt").content["items"]
