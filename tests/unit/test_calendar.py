from datetime import date, datetime

from perfbot.config import CycleConfig
from perfbot.periods import Period
from schedules.calendar import RoundDates, WorkingCalendar

ENGLAND = WorkingCalendar("ENG")


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not ENGLAND.is_working_day(date(2025, 12, 25))  # Christmas
    assert not ENGLAND.is_working_day(date(2025, 12, 27))  # Saturday
    assert ENGLAND.is_working_day(date(2025, 12, 29))
    assert ENGLAND.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    assert ENGLAND.add_working_days(date(2025, 12, 29), -1) == date(2025, 12, 24)


def test_scotland_has_its_own_bank_holidays():
    assert ENGLAND.is_working_day(date(2026, 1, 2))
    assert not WorkingCalendar("SCT").is_working_day(date(2026, 1, 2))  # 2 January


def test_round_dates_for_q3():
    dates = RoundDates(Period(2025, 3), CycleConfig(), ENGLAND)
    assert dates.opens.date() == date(2026, 1, 8)  # 5 working days after 31 Dec, skipping 1 Jan
    assert dates.deadline.date() == date(2026, 1, 22)
    assert [r.date() for r in dates.reminders] == [date(2026, 1, 15), date(2026, 1, 21)]
    assert dates.escalation.date() == date(2026, 1, 26)
    assert dates.digest.date() == date(2026, 1, 29)
    assert dates.opens.tzinfo is not None and dates.opens.utcoffset().total_seconds() == 0


def test_send_time_is_london_wall_clock_across_the_clock_change():
    q4 = RoundDates(Period(2025, 4), CycleConfig(), ENGLAND)  # opens in April: British Summer Time
    assert q4.opens.hour == 9 and q4.opens.minute == 30
    assert q4.opens.utcoffset().total_seconds() == 3600
    assert q4.opens.isoformat().endswith("+01:00")


def test_a_round_opened_late_keeps_its_full_window():
    late = RoundDates(Period(2025, 3), CycleConfig(), ENGLAND, opened=datetime.fromisoformat("2026-01-20T10:00+00:00"))
    assert late.deadline.date() == date(2026, 2, 3)
