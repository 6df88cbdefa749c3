"""Year-end projection for cumulative measures, and how it was projected.

A cumulative measure (e.g. affordable homes delivered) is returned quarter by quarter. Its year
end is projected from the year to date in one of two ways, and the method is reported with it:

* **last year's profile** — when all four quarters of last year were returned and last year's
  year to date at this quarter was above 0: year to date ÷ the share of last year's total that
  was in by this quarter (so a measure that is always slow in Q1 is not under-projected);
* **straight line** — otherwise: year to date × 4 ÷ quarters elapsed.

In Q4 the projection is the outturn itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfbot.model import Aggregation, Measure
from perfbot.periods import Period
from perfbot.rating import OverrideLookup, ValueLookup, numeric, period_target


@dataclass(frozen=True, slots=True)
class Projection:
    value: float
    method: str


def project_year_end(
    measure: Measure, period: Period, ytd: float | None, value_for: ValueLookup
) -> Projection | None:
    """The projected year-end total of a cumulative measure, None for other measures."""
    if measure.aggregation is not Aggregation.CUMULATIVE or ytd is None:
        return None
    if period.quarter == 4:
        return Projection(ytd, "outturn: the year is complete")
    share = _last_year_share(period, value_for)
    if share is not None:
        return Projection(
            ytd / share,
            f"last year's profile: {share:.0%} of last year's total was in by Q{period.quarter}",
        )
    quarters = period.quarter
    return Projection(
        ytd * 4 / quarters,
        f"straight line: {quarters} quarter{'s' if quarters > 1 else ''} of the year to date × 4 ÷ {quarters}",
    )


def _last_year_share(period: Period, value_for: ValueLookup) -> float | None:
    """The share of last year's total that was in by the same quarter, when it can be known."""
    year = period.same_quarter_last_year().year
    quarters = [numeric(value_for(Period(year, q))) for q in (1, 2, 3, 4)]
    if any(q is None for q in quarters):
        return None
    total = sum(quarters)  # type: ignore[arg-type]
    so_far = sum(quarters[: period.quarter])  # type: ignore[arg-type]
    if total <= 0 or so_far <= 0:
        return None
    return so_far / total


def annual_target(measure: Measure, year: int, override_for: OverrideLookup) -> float | None:
    """The year-end target: Q4's year-to-date target (a per-period target, else the annual one)."""
    return period_target(measure, Period(year, 4), override_for)
