"""Peer values from a CSV: `metric, area_code, area_name, period, value`.

All-or-nothing like the other imports: every row is checked and each problem named by row and
column; any error means nothing is stored. A row with a blank value (not published, suppressed)
is skipped and counted, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from perfbot.benchmarks import PeerPeriod, PeerValue
from perfbot.periods import PeriodError
from perfbot.tabular import InputFileError, Row, read_csv
from perfbot.values import InvalidValue, parse_number

COLUMNS = ("metric", "area_code", "area_name", "period", "value")
REQUIRED = ("metric", "area_code", "period", "value")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,59}$")


class PeerImportError(ValueError):
    """The file was rejected; `errors` lists every problem with its row and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ParsedPeers:
    values: list[PeerValue]
    skipped: int  # rows with no value

    @property
    def metrics(self) -> list[str]:
        return sorted({v.metric for v in self.values})

    @property
    def areas(self) -> int:
        return len({v.area_code for v in self.values})

    @property
    def periods(self) -> list[PeerPeriod]:
        return sorted({v.period for v in self.values})


def load_peer_values(path: Path) -> ParsedPeers:
    """Read and check a peer-values CSV; raise PeerImportError listing every problem."""
    if path.suffix.lower() != ".csv":
        raise InputFileError(f"{path.name}: peer values come as a .csv file ({', '.join(COLUMNS)})")
    rows = read_csv(path)
    missing = [c for c in REQUIRED if all(c not in r.cells for r in rows)]
    if missing or not rows:
        raise PeerImportError([f"{path.name}: no column {', '.join(missing)} (the columns are "
                               f"{', '.join(COLUMNS)})" if missing else f"{path.name}: no rows"])  # fmt: skip
    errors: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    values, skipped = [], 0
    for row in rows:
        if _blank(row.cells.get("value")) and not _problems(row, value_required=False):
            skipped += 1
            continue
        found = _problems(row, value_required=True)
        if found:
            errors += found
            continue
        value = _value(row)
        if value.key in seen:
            errors.append(f"row {row.number}, column period: {value.metric} for {value.area_code} in "
                          f"{value.period} appears again (first at row {seen[value.key]})")  # fmt: skip
            continue
        seen[value.key] = row.number
        values.append(value)
    if errors:
        raise PeerImportError(errors)
    return ParsedPeers(values, skipped)


def _blank(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _text(row: Row, column: str) -> str:
    return "" if _blank(row.cells.get(column)) else str(row.cells[column]).strip()


def _problems(row: Row, *, value_required: bool) -> list[str]:
    """Every problem with one row, as "row N, column C: what is wrong"."""
    problems = []
    for column in ("metric", "area_code"):
        text = _text(row, column)
        if not text:
            problems.append((column, "is required"))
        elif not _IDENTIFIER.match(text):
            problems.append((column, f"'{text[:60]}' may use only letters, digits and _ . : / -"))
    if len(_text(row, "area_name")) > 200:
        problems.append(("area_name", "is longer than 200 characters"))
    period = _text(row, "period")
    if not period:
        problems.append(("period", "is required"))
    else:
        try:
            PeerPeriod.parse(period)
        except PeriodError as error:
            problems.append(("period", str(error)))
    cell = row.cells.get("value")
    if value_required and _blank(cell):
        problems.append(("value", "is required"))
    elif value_required:
        try:
            parse_number(cell)
        except InvalidValue as error:
            problems.append(("value", str(error)))
    return [f"row {row.number}, column {column}: {message}" for column, message in problems]


def _value(row: Row) -> PeerValue:
    area = _text(row, "area_code")
    return PeerValue(metric=_text(row, "metric"), area_code=area, area_name=_text(row, "area_name") or area,
                     period=PeerPeriod.parse(_text(row, "period")), value=parse_number(row.cells["value"]))  # fmt: skip
