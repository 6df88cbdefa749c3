"""Peer values: how other councils did on a comparison metric (e.g. an LG Inform metric), by
area and by financial quarter or financial year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from perfbot.periods import Period, PeriodError, parse_financial_year


@dataclass(frozen=True, slots=True)
class PeerPeriod:
    """A financial quarter ("2025/26 Q3") or a whole financial year ("2025/26")."""

    year: int  # the calendar year the financial year starts in
    quarter: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse "2025/26 Q3" (or "Q3 2025/26") or "2025/26"; PeriodError saying how to write it."""
        cleaned = " ".join(str(text).split())
        try:
            quarter = Period.parse(cleaned)
        except PeriodError:
            try:
                return cls(parse_financial_year(cleaned))
            except PeriodError:
                raise PeriodError(f"'{text}' is neither a financial quarter nor a financial year; "
                                  "write it like '2025/26 Q3' or '2025/26'") from None  # fmt: skip
        return cls(quarter.year, quarter.quarter)

    def _order(self) -> tuple[int, int, bool]:
        return self.year, self.quarter or 4, self.quarter is None  # a year sorts after its Q4

    def __lt__(self, other: PeerPeriod) -> bool:
        return self._order() < other._order()

    @property
    def last_quarter(self) -> Period:
        """The last quarter the period covers (Q4 for a whole year)."""
        return Period(self.year, self.quarter or 4)

    def covers(self, period: Period) -> bool:
        """Whether `period` falls within this one."""
        return period.year == self.year and self.quarter in (None, period.quarter)

    def __str__(self) -> str:
        label = f"{self.year}/{(self.year + 1) % 100:02d}"
        return label if self.quarter is None else f"{label} Q{self.quarter}"


@dataclass(frozen=True, slots=True)
class PeerValue:
    """One area's value of one metric for one period."""

    metric: str
    area_code: str
    area_name: str
    period: PeerPeriod
    value: float

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies it: a later value with the same key replaces it."""
        return self.metric, self.area_code, str(self.period)

    def to_doc(self) -> dict[str, Any]:
        return {"metric": self.metric, "area_code": self.area_code, "area_name": self.area_name,
                "period": str(self.period), "value": self.value}  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        return cls(doc["metric"], doc["area_code"], doc["area_name"], PeerPeriod.parse(doc["period"]),
                   float(doc["value"]))  # fmt: skip
