"""Time in Europe/London, injectable so tests and the demo can drive the calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in Europe/London."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(LONDON)


class ManualClock:
    """A clock that only moves when told to (tests, the demo)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=LONDON)
        self._now = start.astimezone(LONDON)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LONDON)
        self._now = moment.astimezone(LONDON)

    def advance(self, delta: timedelta) -> None:
        self._now = (self._now.astimezone(ZoneInfo("UTC")) + delta).astimezone(LONDON)
