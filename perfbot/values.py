"""Parsing of the numbers people type: values, targets and tolerances."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class InvalidValue(ValueError):
    """A value that cannot be read as a number (message is user-facing)."""


@dataclass(frozen=True, slots=True)
class PercentCell:
    """A spreadsheet cell formatted as a percentage: Excel stores 85% as 0.85 and shows "85%".

    It reads as the person typed it, "85%", wherever a number or tolerance is parsed.
    """

    fraction: float

    @property
    def percent(self) -> float:
        return round(self.fraction * 100, 9)  # 0.85 * 100 is 85.00000000000001 in binary

    def __str__(self) -> str:
        return f"{self.percent:g}%"


def written_as_percent(cell: object) -> bool:
    """Whether a cell says "percent": formatted as one, or typed with a % sign."""
    return isinstance(cell, PercentCell) or (isinstance(cell, str) and cell.strip().endswith("%"))


def parse_number(text: object, *, allow_percent: bool = True) -> float:
    """Read a number as people write it: "87.5", "87.5%", "£1,250", "(12)" is not accepted.

    Raises InvalidValue with a message fit to show the user.
    """
    if isinstance(text, bool):
        raise InvalidValue(f"'{text}' is not a number")
    if isinstance(text, PercentCell):
        if not allow_percent:
            raise InvalidValue(f"'{text}' is formatted as a percentage; give a plain number")
        number = text.percent
    elif isinstance(text, int | float):
        number = float(text)
    else:
        cleaned = str(text).strip().replace("£", "").replace("\u00a0", "").replace(" ", "")
        if allow_percent and cleaned.endswith("%"):
            cleaned = cleaned[:-1]
        if _GROUPED.match(cleaned):
            cleaned = cleaned.replace(",", "")
        if not _NUMBER.match(cleaned):
            raise InvalidValue(f"'{text}' is not a number")
        number = float(cleaned)
    if not math.isfinite(number):
        raise InvalidValue(f"'{text}' is not a finite number")
    return number


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far short of target still counts as amber: a percentage of target or an absolute gap."""

    kind: Literal["percent", "absolute"]
    amount: float

    @classmethod
    def parse(cls, text: object) -> Tolerance:
        """Parse "5%" (percent of target) or "2.5" (absolute, in the measure's unit)."""
        if isinstance(text, Tolerance):
            return text
        raw = str(text).strip()
        kind: Literal["percent", "absolute"] = "percent" if raw.endswith("%") else "absolute"
        try:
            amount = parse_number(raw[:-1] if kind == "percent" else raw, allow_percent=False)
        except InvalidValue:
            raise InvalidValue(f"'{text}' is not a tolerance; write '5%' or an absolute number") from None
        if amount < 0:
            raise InvalidValue(f"tolerance '{text}' cannot be negative")
        return cls(kind, amount)

    def allowance(self, target: float) -> float:
        """The absolute gap this tolerance allows around `target`."""
        return abs(target) * self.amount / 100 if self.kind == "percent" else self.amount

    def __str__(self) -> str:
        amount = f"{self.amount:g}"
        return f"{amount}%" if self.kind == "percent" else amount
