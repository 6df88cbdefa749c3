"""Timeliness by service over recent quarters: how many returns came in, and by the deadline.

A return is on time when it was submitted by its round's deadline; for a quarter with no round
on record every return received with a known time counts as on time. History imported without
the time it was made counts neither as on time nor as late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import pandas as pd

from perfbot.model import Measure, Return
from perfbot.periods import Period

COLUMNS = ["service", "period", "expected", "returned", "on_time", "pct_returned", "pct_on_time"]
ReturnLookup = Callable[[str, Period], Return | None]
Expected = Callable[[Measure, Period], bool]


def is_late(item: Return | None, deadline: datetime | None) -> bool:
    """True when a return arrived after the round's deadline."""
    return bool(item and deadline and item.submitted_at and item.submitted_at > deadline)


def timeliness(
    measures: Iterable[Measure],
    periods: list[Period],
    *,
    returns: ReturnLookup,
    deadlines: dict[Period, datetime | None],
    expected: Expected,
) -> pd.DataFrame:
    """One row per service per quarter (oldest first): expected, returned, on time and the %s."""
    counts: dict[tuple[str, Period], list[int]] = {}
    for measure in measures:
        for period in periods:
            if not expected(measure, period):
                continue
            item = returns(measure.measure_id, period)
            tally = counts.setdefault((measure.service, period), [0, 0, 0, 0])
            tally[0] += 1
            tally[1] += item is not None
            tally[2] += item is not None and not item.unknown_time and not is_late(item, deadlines.get(period))
            tally[3] += item is not None and item.unknown_time  # history with no time: neither
    rows = [
        {"service": service, "period": str(period), "expected": e, "returned": r, "on_time": o,
         "pct_returned": round(100 * r / e, 1),
         "pct_on_time": round(100 * o / (e - u), 1) if e > u else None}
        for (service, period), (e, r, o, u) in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def timeliness_table(frame: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Service × quarter, each cell the % of returns on time (blank where nothing was due)."""
    if frame.empty:
        return pd.DataFrame(columns=[str(p) for p in periods])
    table = frame.pivot(index="service", columns="period", values="pct_on_time")
    return table.reindex(columns=[str(p) for p in periods])
