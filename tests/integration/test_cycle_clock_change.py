"""A round straddling the last Sunday of March: every message at 09:30 London, GMT then BST.

With a 55-working-day window the Q3 2025/26 round's reminders and deadline fall in March before
the clocks go forward (Sunday 29 March 2026) and its escalation and digest after it.
"""

from __future__ import annotations

from datetime import date, time

from perfbot.config import CONFIG_NAME
from perfbot.periods import Period
from tests.integration.test_cycle_support import CAROL, WILL, london, run_days, seeded

TICKS = (time(0, 30), time(8, 30), time(9, 0), time(9, 30), time(10, 30), time(17, 29), time(17, 30))


def test_messages_keep_to_london_working_hours_across_the_spring_clock_change(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / CONFIG_NAME).write_text("[cycle]\ndeadline_after_open = 55\n", encoding="utf-8")
    clock, channel, app = seeded(data, london("2026-01-08 00:00"))
    run_days(clock, app, until=date(2026, 4, 3), ticks=TICKS)
    got = [(d.at, d.to, d.kind, d.utc_offset_hours) for d in channel.deliveries if d.to in (CAROL, WILL, "cmt")]
    assert got == [
        ("2026-01-08 09:30", CAROL, "request", 0),
        ("2026-03-19 09:30", CAROL, "reminder", 0),
        ("2026-03-25 09:30", CAROL, "reminder", 0),
        ("2026-03-26 09:30", CAROL, "deadline", 0),
        ("2026-03-30 09:30", WILL, "escalation", 1),  # 08:30 UTC: nothing went at 09:30 UTC
        ("2026-04-02 09:30", "cmt", "digest", 1),
    ]
    assert app.store.rounds.get(Period(2025, 3)).deadline.isoformat() == "2026-03-26T23:59:59+00:00"
