"""Which values a measure can believably take: the unit's range, widened or narrowed by the
register's `plausible_min` and `plausible_max` (a "% reduction" can be −16)."""

from __future__ import annotations

from perfbot.model import Measure, Unit


def plausible_range(measure: Measure) -> tuple[float | None, float | None]:
    """(lowest, highest) believable value; None where there is no bound."""
    low, high = measure.plausible_min, measure.plausible_max
    if measure.unit is Unit.PERCENT:
        return (0.0 if low is None else low), (100.0 if high is None else high)
    if measure.unit is Unit.DAYS and low is None:
        low = 0.0
    return low, high


def implausible(measure: Measure, number: float) -> str | None:
    """Why `number` is not believable for `measure` (fit to show the person), or None."""
    low, high = plausible_range(measure)
    percent = measure.unit is Unit.PERCENT
    if low is not None and number < low:
        if percent and measure.plausible_min is None:
            return f"A percentage must be between 0 and {high:g} (you entered {number:g})"
        if measure.unit is Unit.DAYS and measure.plausible_min is None:
            return f"A number of days cannot be negative (you entered {number:g})"
        return f"{number:g} is below the lowest plausible value, {low:g}"
    if high is not None and number > high:
        if percent and measure.plausible_max is None:
            return f"A percentage must be between {low:g} and 100 (you entered {number:g})"
        return f"{number:g} is above the highest plausible value, {high:g}"
    return None
