"""Load returns for many quarters at once (one read per quarter file)."""

from __future__ import annotations

from dataclasses import dataclass

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.rating import numeric
from perfbot.store import Store


@dataclass(frozen=True)
class History:
    """Returns by (measure_id, period) for the quarters that were loaded."""

    returns: dict[tuple[str, Period], Return]

    @classmethod
    def load(cls, store: Store, periods: list[Period]) -> History:
        found: dict[tuple[str, Period], Return] = {}
        known = set(store.files.periods())
        for period in periods:
            if period in known:
                for measure_id, item in store.returns.for_period(period).items():
                    found[(measure_id, period)] = item
        return cls(found)

    def get(self, measure_id: str, period: Period) -> Return | None:
        return self.returns.get((measure_id, period))

    def value(self, measure_id: str, period: Period) -> float | str | None:
        item = self.returns.get((measure_id, period))
        return item.value if item else None

    def numbers(self, measure_id: str, periods: list[Period]) -> list[float]:
        """Numeric values over `periods` (oldest first), skipping gaps."""
        values = (numeric(self.value(measure_id, p)) for p in periods)
        return [v for v in values if v is not None]
