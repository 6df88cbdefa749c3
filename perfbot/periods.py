"""UK financial quarters: Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec, Q4 = Jan–Mar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

_PATTERNS = (
    # "2025/26 Q3", "2025-26 Q3", "2025/2026 Q3", "FY2025/26 Q3"
    re.compile(r"^(?:FY\s*)?(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})\s*Q(?P<q>[1-4])$", re.I),
    # "Q3 2025/26", "Q3 2025-26"
    re.compile(r"^Q(?P<q>[1-4])\s*(?:FY\s*)?(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})$", re.I),
)
_YEAR_PATTERN = re.compile(r"^(?:FY\s*)?(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})$", re.I)


class PeriodError(ValueError):
    """Raised when text is not a recognisable financial quarter or year."""


def _check_years(y1: int, y2_text: str, text: str) -> None:
    y2 = int(y2_text)
    expected = (y1 + 1) % 100 if len(y2_text) == 2 else y1 + 1
    if y2 != expected:
        raise PeriodError(f"'{text}': the second year must follow the first (e.g. 2025/26)")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """One UK financial quarter, e.g. Period(2025, 3) is "2025/26 Q3" (Oct–Dec 2025)."""

    year: int  # the calendar year in which the financial year starts (April)
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise PeriodError(f"quarter must be 1–4, not {self.quarter}")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"financial year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse "2025/26 Q3", "2025-26 Q3" or "Q3 2025/26"."""
        if isinstance(text, str) and len(text) <= _CACHED_TEXT and cls is Period:
            return _parse_cached(text)  # every stored record names its period: parse each once
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> Period:
        cleaned = " ".join(str(text).split())
        for pattern in _PATTERNS:
            match = pattern.match(cleaned)
            if match:
                y1 = int(match["y1"])
                _check_years(y1, match["y2"], cleaned)
                return cls(y1, int(match["q"]))
        raise PeriodError(f"'{text}' is not a financial quarter; write it like '2025/26 Q3'")

    @classmethod
    def containing(cls, day: date) -> Period:
        """The quarter a calendar date falls in."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @property
    def financial_year(self) -> str:
        """The financial year label, e.g. "2025/26"."""
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def key(self) -> str:
        """A file- and sort-friendly key, e.g. "2025-26-Q3"."""
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.quarter}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def same_quarter_last_year(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def year_to_date(self) -> list[Period]:
        """The quarters of this financial year up to and including this one."""
        return [Period(self.year, q) for q in range(1, self.quarter + 1)]

    def back(self, count: int) -> list[Period]:
        """This quarter and the `count - 1` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return list(reversed(periods))

    def __str__(self) -> str:
        return f"{self.financial_year} Q{self.quarter}"


_CACHED_TEXT = 24  # longer text is never a period's own name: parse it, keep nothing


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> Period:
    return Period._parse(text)  # Period is immutable: one instance can serve every caller


def period_of_cell(cell: object) -> Period:
    """A period from a spreadsheet cell: "2025/26 Q3", or a date (the quarter it falls in)."""
    if isinstance(cell, datetime):
        return Period.containing(cell.date())
    if isinstance(cell, date):
        return Period.containing(cell)
    return Period.parse(str(cell).strip())


def parse_financial_year(text: str) -> int:
    """Parse "2025/26" (or "2025-26", "2025/2026") to the starting calendar year."""
    cleaned = " ".join(str(text).split())
    match = _YEAR_PATTERN.match(cleaned)
    if not match:
        raise PeriodError(f"'{text}' is not a financial year; write it like '2025/26'")
    y1 = int(match["y1"])
    _check_years(y1, match["y2"], cleaned)
    return y1


def quarters_of_year(year: int) -> list[Period]:
    """The four quarters of the financial year starting in April of `year`."""
    return [Period(year, q) for q in (1, 2, 3, 4)]
