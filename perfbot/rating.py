"""Rate one return in context: the period's target, last year, its own history.

Cumulative measures are returned quarter by quarter but rated on the year-to-date total against a
year-to-date target (a per-period target if the register gives one, else the annual target pro
rata). One pure function serves the collector (store look-ups); `SeriesRater` rates a measure's
quarters the same way for the reports, which rate tens of thousands (preloaded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from perfbot.model import Aggregation, Measure, Value
from perfbot.periods import Period
from perfbot.rag import RagPolicy, RagResult, ZeroReferences, probable_missing_zero, rate
from perfbot.store import Store

HISTORY_QUARTERS = 8
ValueLookup = Callable[[Period], Value]
OverrideLookup = Callable[[Period], float | None]  # a per-period target, None if none given
MeasureLookup = Callable[[Period], Measure]  # the measure with the terms in force for a quarter


def numeric(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def year_to_date(period: Period, value: Value, value_for: ValueLookup) -> float | None:
    """The financial year's total up to `period`, with `value` as that quarter's figure."""
    this = numeric(value)
    if this is None:
        return None
    earlier = [numeric(value_for(p)) for p in period.year_to_date()[:-1]]
    return this + sum(v for v in earlier if v is not None)


def period_target(measure: Measure, period: Period, override_for: OverrideLookup) -> float | None:
    """The target to rate against. For cumulative measures it is a year-to-date target: the
    period's own target if the register gives one, else the annual target pro rata."""
    override = override_for(period)
    if override is not None:
        return override
    if measure.aggregation is Aggregation.CUMULATIVE and measure.target is not None:
        return measure.target * period.quarter / 4
    return measure.target


def rate_return(
    measure: Measure,
    period: Period,
    value: Value,
    *,
    policy: RagPolicy,
    value_for: ValueLookup,
    override_for: OverrideLookup,
    measure_for: MeasureLookup | None = None,
    confirmed: bool = False,
) -> RagResult:
    """RAG for `value` as `measure`'s return for `period`, given look-ups of other quarters.

    `measure_for` gives the measure with the terms in force for a quarter (default: `measure`
    as it is); `confirmed` says the submitter confirmed a figure that looks like missing data.
    """
    if measure_for is not None:
        measure = measure_for(period)
    history = [numeric(value_for(p)) for p in period.back(HISTORY_QUARTERS + 1)[:-1]]
    history_numbers = [h for h in history if h is not None]
    last_year_period = period.same_quarter_last_year()
    last_year = numeric(value_for(last_year_period))
    target = period_target(measure, period, override_for)
    number = numeric(value)
    references = ZeroReferences(numeric(value_for(period.previous())), last_year, tuple(history_numbers))
    if measure.aggregation is Aggregation.CUMULATIVE and number is not None:
        if not confirmed and probable_missing_zero(number, references, policy, target=target):
            return rate(measure, value, target=target, policy=policy, references=references)
        last_ytd = year_to_date(last_year_period, last_year, value_for)
        return rate(measure, year_to_date(period, value, value_for), target=target,
                    policy=policy, last_year=last_ytd)  # fmt: skip
    return rate(measure, value, target=target, policy=policy, last_year=last_year,
                references=references, confirmed=confirmed)  # fmt: skip


def ordinal(period: Period) -> int:
    """Quarters counted from year 0: the quarter before is one less, the same quarter last year
    four less (cheaper to look up than the Period when thousands of ratings are done)."""
    return period.year * 4 + period.quarter - 1


class SeriesRater:
    """One measure's quarters rated as `rate_return` rates each, for reports that rate thousands:
    its figures are read as numbers once, by quarter ordinal, and each quarter's terms once.

    `values` are the measure's figures by quarter; `measure_for` gives the measure with the terms
    in force for a quarter (default: `measure` as it is). The same results as `rate_return`
    (`tests/unit/test_rating_series.py` holds the two equal).
    """

    def __init__(self, measure: Measure, values: Mapping[Period, Value], *, policy: RagPolicy,
                 override_for: OverrideLookup, measure_for: MeasureLookup | None = None) -> None:  # fmt: skip
        self.policy = policy
        self._measure = measure
        numbers = ((ordinal(p), numeric(v)) for p, v in values.items())
        self._numbers = {at: n for at, n in numbers if n is not None}
        self._override_for = override_for
        self._measure_for = measure_for
        self._terms: dict[Period, Measure] = {}

    def measure_in(self, period: Period) -> Measure:
        """The measure with the terms in force for `period`."""
        found = self._terms.get(period)
        if found is None:
            found = self._measure_for(period) if self._measure_for else self._measure
            self._terms[period] = found
        return found

    def earlier_numbers(self, period: Period) -> list[float]:
        """The figures of the HISTORY_QUARTERS before `period`, oldest first, skipping gaps."""
        at, get = ordinal(period), self._numbers.get
        return [n for n in map(get, range(at - HISTORY_QUARTERS, at)) if n is not None]

    def target(self, period: Period) -> float | None:
        """As `period_target`, with the terms in force for `period`."""
        return period_target(self.measure_in(period), period, self._override_for)

    def year_to_date(self, period: Period, value: Value) -> float | None:
        """As `year_to_date`: the year's total up to `period`, with `value` as its figure."""
        return self._year_to_date(ordinal(period), period.quarter, numeric(value))

    def _year_to_date(self, at: int, quarter: int, this: float | None) -> float | None:
        if this is None:
            return None
        earlier = map(self._numbers.get, range(at - quarter + 1, at))
        return this + sum(n for n in earlier if n is not None)

    def rate(self, period: Period, value: Value, *, confirmed: bool = False) -> RagResult:
        """As `rate_return` for `value` as the return for `period`."""
        measure, at, policy = self.measure_in(period), ordinal(period), self.policy
        last_year = self._numbers.get(at - 4)
        target = period_target(measure, period, self._override_for)
        number = numeric(value)
        references = ZeroReferences(self._numbers.get(at - 1), last_year, tuple(self.earlier_numbers(period)))
        if measure.aggregation is Aggregation.CUMULATIVE and number is not None:
            if not confirmed and probable_missing_zero(number, references, policy, target=target):
                return rate(measure, value, target=target, policy=policy, references=references)
            last_ytd = self._year_to_date(at - 4, period.quarter, last_year)
            return rate(measure, self._year_to_date(at, period.quarter, number), target=target,
                        policy=policy, last_year=last_ytd)  # fmt: skip
        return rate(measure, value, target=target, policy=policy, last_year=last_year,
                    references=references, confirmed=confirmed)  # fmt: skip


def stored_values(
    store: Store, measure_id: str, staged: dict[tuple[str, Period], Value] | None = None,
    *, window: list[Period] | None = None,
) -> ValueLookup:  # fmt: skip
    """A look-up of `measure_id`'s stored figures that reads each quarter once.

    The quarters of `window` are read now, in one call; without one, the first look-up reads
    every quarter the rating that starts with it can need (`prefetch_window`). Quarters outside
    that are read one by one. `staged` holds returns not stored yet (earlier rows of a bulk
    import), which take precedence. Use one look-up per moment: it does not see returns stored
    after its first read.
    """
    prefetched: dict[Period, Value] = {}

    def fetch(fetched: list[Period]) -> None:
        found = store.returns.current_values(measure_id, fetched)
        prefetched.update({p: found.get(p) for p in fetched})

    if window:
        fetch(window)

    @cache
    def value_for(other: Period) -> Value:
        if staged and (measure_id, other) in staged:
            return staged[(measure_id, other)]
        if not prefetched:
            fetch(prefetch_window(other))
        if other in prefetched:
            return prefetched[other]
        found_one = store.returns.get(measure_id, other)
        return found_one.value if found_one else None

    return value_for


def prefetch_window(first: Period) -> list[Period]:
    """The quarters fetched at once on a look-up's first read, of `first`: all that a rating of the
    quarter `HISTORY_QUARTERS` after it reads (`quarters_read_to_rate`), as `rate_return` reads
    the oldest quarter of its history first. A look-up first read elsewhere still gets its
    quarters right, reading those outside the window one by one."""
    rated = first
    for _ in range(HISTORY_QUARTERS):
        rated = rated.next()
    return quarters_read_to_rate(rated)


def rate_in_context(
    store: Store,
    policy: RagPolicy,
    measure: Measure,
    period: Period,
    value: Value,
    *,
    staged: dict[tuple[str, Period], Value] | None = None,
    confirmed: bool = False,
    value_for: ValueLookup | None = None,
) -> RagResult:
    """RAG for `value` as the return of `measure` for `period`, looking other quarters up.

    `staged` holds returns not stored yet (earlier rows of a bulk import), which take precedence;
    `value_for` reuses a look-up from `stored_values` when one moment rates several figures.
    """
    with store.register.pinned():  # one register, checked once, for the whole rating
        return rate_return(
            measure, period, value, policy=policy,
            value_for=value_for or stored_values(store, measure.measure_id, staged),
            override_for=lambda p: store.register.target_override(measure.measure_id, p),
            measure_for=lambda p: store.register.in_force(measure, p), confirmed=confirmed,
        )  # fmt: skip


def quarters_read_around(period: Period) -> list[Period]:
    """The quarters before `period` that rating its return, or the quarter before's, may read (a
    return's exception alert compares the two): one read serves the check and its observers.
    `period` itself is not among them, so a look-up of these stays true once its return is saved."""
    return quarters_read_to_rate(period.previous())


def quarters_read_to_rate(period: Period) -> list[Period]:
    """Every quarter `rate_in_context` may look up for a return of `period`, `period` included
    (its history, and last year's quarters to date: all within the history's reach)."""
    return period.back(HISTORY_QUARTERS + 1)
