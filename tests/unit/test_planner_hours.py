"""Working hours in London: working days only, 09:30 to 17:30, right on both sides of a clock change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from perfbot.clock import LONDON, ManualClock
from perfbot.config import ConfigError, CycleConfig, parse
from schedules.calendar import WorkingCalendar, WorkingHours

HOURS = WorkingHours.of(WorkingCalendar("ENG"), CycleConfig())


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [("2026-01-12 09:29", False), ("2026-01-12 09:30", True), ("2026-01-12 17:29", True),
     ("2026-01-12 17:30", False), ("2026-01-17 10:00", False),  # a Saturday
     ("2026-04-06 10:00", False), ("2026-12-28 10:00", False)],  # Easter Monday, a substitute day
)  # fmt: skip
def test_working_hours_are_london_working_days_from_send_time_to_send_until(moment, inside):
    assert HOURS.contains(_at(moment)) is inside


def test_working_hours_follow_london_wall_time_either_side_of_the_clock_changes():
    assert HOURS.contains(datetime(2026, 3, 30, 8, 0, tzinfo=UTC)) is False  # 09:00 BST
    assert HOURS.contains(datetime(2026, 3, 30, 8, 30, tzinfo=UTC)) is True  # 09:30 BST
    assert HOURS.contains(datetime(2026, 3, 27, 8, 30, tzinfo=UTC)) is False  # 08:30 GMT
    assert HOURS.contains(datetime(2025, 10, 27, 9, 30, tzinfo=UTC)) is True  # 09:30 GMT
    assert HOURS.contains(datetime(2025, 10, 24, 8, 30, tzinfo=UTC)) is True  # 09:30 BST


def test_the_next_opening_skips_nights_weekends_and_bank_holidays():
    assert HOURS.next_start(_at("2026-01-12 08:00")) == _at("2026-01-12 09:30")
    assert HOURS.next_start(_at("2026-01-16 18:00")) == _at("2026-01-19 09:30")  # Friday evening
    assert HOURS.next_start(_at("2026-04-02 18:00")) == _at("2026-04-07 09:30")  # Easter
    assert HOURS.next_start(_at("2026-03-27 18:00")).utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("event", "slot"),
    [("2026-01-12 10:20", "2026-01-12 11:00"), ("2026-01-12 11:00", "2026-01-12 12:00"),
     ("2026-01-12 08:10", "2026-01-12 09:30"), ("2026-01-12 09:10", "2026-01-12 09:30"),
     ("2026-01-12 09:40", "2026-01-12 10:00"), ("2026-01-12 17:10", "2026-01-13 09:30"),
     ("2026-03-27 19:00", "2026-03-30 09:30")],
)  # fmt: skip
def test_alert_slots_are_hourly_within_working_hours(event, slot):
    assert HOURS.next_slot(_at(event)) == _at(slot)


def test_a_manual_clock_advanced_across_the_autumn_change_keeps_real_time():
    clock = ManualClock(_at("2025-10-25 09:30"))
    clock.advance(timedelta(hours=24))
    assert clock.now().hour == 8 and clock.now().utcoffset() == timedelta(0)


def test_send_until_is_a_cycle_setting_that_must_follow_send_time():
    assert parse({"cycle": {"send_until": "16:00"}}).cycle.send_until.hour == 16
    with pytest.raises(ConfigError, match="cycle.send_until must be later than cycle.send_time"):
        parse({"cycle": {"send_time": "10:00", "send_until": "09:00"}})
