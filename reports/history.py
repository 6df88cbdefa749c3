"""Load returns for many quarters at once (one read of the store)."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfbot.model import Return, Value
from perfbot.periods import Period
from perfbot.rating import numeric
from perfbot.store import Store


@dataclass(frozen=True)
class History:
    """Returns by (measure_id, period) for the quarters that were loaded."""

    returns: dict[tuple[str, Period], Return]
    periods: frozenset[Period] = frozenset()  # the quarters read, whether or not they held returns
    _by_measure: dict[str, dict[Period, Value]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, store: Store, periods: list[Period], *, loaded: History | None = None) -> History:
        """The returns of `periods`; those `loaded` already holds are taken from it, not read again
        (one moment's reads: the analysis's quarters for the report's trends)."""
        found: dict[tuple[str, Period], Return] = {}
        reused = set(periods) & loaded.periods if loaded else set()
        if loaded and reused:
            found.update({key: item for key, item in loaded.returns.items() if key[1] in reused})
        to_read = [period for period in periods if period not in reused]
        by_period = store.returns.for_periods(to_read) if to_read else {}  # one read of the rest
        for period in to_read:
            for measure_id, item in by_period.get(period, {}).items():
                found[(measure_id, period)] = item
        return cls(found, frozenset(periods))

    def __post_init__(self) -> None:
        for (measure_id, period), item in self.returns.items():
            self._by_measure.setdefault(measure_id, {})[period] = item.value

    def get(self, measure_id: str, period: Period) -> Return | None:
        return self.returns.get((measure_id, period))

    def value(self, measure_id: str, period: Period) -> float | str | None:
        item = self.returns.get((measure_id, period))
        return item.value if item else None

    def values_of(self, measure_id: str) -> dict[Period, Value]:
        """One measure's values by quarter (a cheap look-up for rating in context)."""
        return self._by_measure.get(measure_id, {})

    def numbers(self, measure_id: str, periods: list[Period]) -> list[float]:
        """Numeric values over `periods` (oldest first), skipping gaps."""
        values = (numeric(self.value(measure_id, p)) for p in periods)
        return [v for v in values if v is not None]
