"""Working days (weekends and UK bank holidays skipped) and the dates of a round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

import holidays

from perfbot.clock import LONDON
from perfbot.config import CycleConfig
from perfbot.periods import Period


class WorkingCalendar:
    """Working days for one UK nation's bank holidays (subdivision ENG, SCT or NIR)."""

    def __init__(self, subdivision: str = "ENG") -> None:
        self._holidays = holidays.country_holidays("GB", subdiv=subdivision)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (before it, if negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


def at(day: date, moment: time) -> datetime:
    """A wall-clock time in London on a day (correct on either side of the clock change)."""
    return datetime.combine(day, moment, tzinfo=LONDON)


@dataclass(frozen=True)
class WorkingHours:
    """When scheduled messages may go out: working days, from `start` until `end`, London time."""

    calendar: WorkingCalendar
    start: time
    end: time

    @classmethod
    def of(cls, calendar: WorkingCalendar, cycle: CycleConfig) -> WorkingHours:
        return cls(calendar, cycle.send_time, cycle.send_until)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(LONDON)
        return self.calendar.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_start(self, moment: datetime) -> datetime:
        """The first opening of working hours at or after `moment`."""
        local = moment.astimezone(LONDON)
        day = local.date() if local.time() <= self.start else local.date() + timedelta(days=1)
        return at(self.calendar.on_or_after(day), self.start)

    def next_slot(self, moment: datetime) -> datetime:
        """The next hourly delivery slot after `moment` in working hours (out of hours: the opening)."""
        if not self.contains(moment):
            return self.next_start(moment)
        top = moment.astimezone(LONDON).replace(minute=0, second=0, microsecond=0)
        candidate = top + timedelta(hours=1)  # wall-clock arithmetic: 10:40 → 11:00
        return candidate if self.contains(candidate) else self.next_start(candidate)


@dataclass(frozen=True)
class RoundDates:
    """When each step of one quarter's round falls due."""

    period: Period
    cycle: CycleConfig
    calendar: WorkingCalendar
    opened: datetime | None = None  # when the round actually opened, if it has

    @cached_property
    def opens(self) -> datetime:
        """When the round is scheduled to open."""
        day = self.calendar.add_working_days(self.period.end, self.cycle.open_after_quarter_end)
        return at(day, self.cycle.send_time)

    @cached_property
    def deadline(self) -> datetime:
        """Close of the deadline day (23:59:59 London). A round opened late keeps its full window."""
        start = max(self.opens.date(), self.opened.date() if self.opened else self.opens.date())
        day = self.calendar.add_working_days(start, self.cycle.deadline_after_open)
        return at(day, time(23, 59, 59))

    @cached_property
    def reminders(self) -> tuple[datetime, ...]:
        days = (
            self.calendar.add_working_days(self.deadline.date(), -n)
            for n in self.cycle.reminders_before_deadline
        )
        first = self.opened.date() if self.opened else self.opens.date()
        return tuple(at(d, self.cycle.send_time) for d in days if d > first)

    @cached_property
    def at_deadline_day(self) -> datetime:
        """The morning of the deadline day: the "due today" notice."""
        return at(self.deadline.date(), self.cycle.send_time)

    @cached_property
    def escalation(self) -> datetime:
        day = self.calendar.add_working_days(self.deadline.date(), self.cycle.escalate_after_deadline)
        return at(day, self.cycle.send_time)

    @cached_property
    def digest(self) -> datetime:
        day = self.calendar.add_working_days(self.deadline.date(), self.cycle.digest_after_deadline)
        return at(day, self.cycle.send_time)
