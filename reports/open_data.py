"""The open-data CSV: one row per measure per quarter, with a data dictionary beside it.

Encoding: UTF-8 with a byte-order mark, so Excel opens £ signs and dashes correctly (readers such
as pandas and Python's csv handle it with encoding "utf-8-sig"). Comma-separated, quoted where
needed, CRLF line ends (RFC 4180). Text that a spreadsheet could run as a formula starts with an
apostrophe (see `safe_cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from perfbot.formatting import RAG_WORDS
from perfbot.periods import Period
from perfbot.safe_cells import csv_cell
from reports.trends import Point

ENCODING = "utf-8-sig"
# (column, type, description): written as the data dictionary and documented in the README.
DICTIONARY = [
    ("financial_year", "text", "UK financial year, April to March, e.g. 2025/26"),
    ("quarter", "text", "Quarter of the financial year: Q1 Apr–Jun, Q2 Jul–Sep, Q3 Oct–Dec, Q4 Jan–Mar"),
    ("period", "text", "Financial year and quarter, e.g. 2025/26 Q3"),
    ("period_start", "date", "First day of the quarter (ISO 8601, YYYY-MM-DD)"),
    ("period_end", "date", "Last day of the quarter (ISO 8601, YYYY-MM-DD)"),
    ("measure_id", "text", "The council's reference for the measure"),
    ("measure", "text", "What is measured"),
    ("theme", "text", "Corporate Plan theme the measure reports against"),
    ("service", "text", "Service area responsible"),
    ("unit", "text", "number, percent (0–100), currency (£), days or text"),
    ("polarity", "text", "higher or lower is better, or none"),
    ("aggregation", "text", "snapshot (each quarter stands alone) or cumulative (adds up over the year)"),
    ("value", "number", "The figure for the quarter; blank when no return was made"),
    ("year_to_date", "number", "Cumulative measures: the total from April to the end of the quarter"),
    ("target", "number", "The target the status is worked out against; year to date for cumulative measures"),
    ("rag_status", "text", "Green (on target), Amber (within tolerance), Red (beyond tolerance), Missing (no usable return) or Not rated"),
    ("commentary", "text", "The service's explanation of the figure"),
    ("remedial_action", "text", "What the service is doing to recover a figure that is off target"),
    ("submitted_at", "date-time", "When the figure was submitted (ISO 8601 with UTC offset)"),
]  # fmt: skip
COLUMNS = [name for name, _, _ in DICTIONARY]


def point_record(point: Point) -> dict[str, object]:
    """One measure-quarter as an open-data row (raw values, not yet made spreadsheet-safe)."""
    measure = point.measure
    return {
        **_period_cells(point.period), "measure_id": measure.measure_id,
        "measure": measure.title, "theme": measure.theme, "service": measure.service,
        "unit": measure.unit.value, "polarity": measure.polarity.value,
        "aggregation": measure.aggregation.value, "value": point.value,
        "year_to_date": point.ytd, "target": point.target,
        "rag_status": RAG_WORDS.get(point.rag, point.rag), "commentary": point.commentary,
        "remedial_action": point.action, "submitted_at": point.submitted_at,
    }  # fmt: skip


@lru_cache(maxsize=256)
def _period_cells(period: Period) -> dict[str, str]:
    """The period's columns (the same for every measure: worked out once per quarter)."""
    return {
        "financial_year": period.financial_year, "quarter": f"Q{period.quarter}", "period": str(period),
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
    }  # fmt: skip


def published_points(points: Iterable[Point]) -> list[Point]:
    """The points to publish: a measure's quarters from its first figure on (quarters before a
    measure existed are not "Missing")."""
    points = list(points)
    first: dict[str, object] = {}
    for point in points:
        if point.value is not None:
            mid = point.measure.measure_id
            first[mid] = min(first.get(mid, point.period), point.period)  # type: ignore[type-var]
    return [p for p in points if p.measure.measure_id in first and p.period >= first[p.measure.measure_id]]


def open_data_rows(points: Iterable[Point]) -> list[list[object]]:
    """The published points as rows of raw values in COLUMNS order, built once for the CSV and
    the workbook's Data sheet."""
    return [[record[c] for c in COLUMNS] for record in map(point_record, published_points(points))]


def write_open_data(points: Iterable[Point], path: Path, *, rows: list[list[object]] | None = None) -> None:
    """The CSV itself (from `rows` when the caller has built them already)."""
    with path.open("w", encoding=ENCODING, newline="") as handle:
        _write_rows(handle, open_data_rows(points) if rows is None else rows)


def open_data_bytes(points: Iterable[Point]) -> bytes:
    """The CSV as `write_open_data` writes it, for a download."""
    buffer = io.StringIO()
    _write_rows(buffer, open_data_rows(points))
    return buffer.getvalue().encode(ENCODING)


def _write_rows(handle: TextIO, rows: Iterable[list[object]]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cell = lru_cache(maxsize=None, typed=True)(csv_cell)  # typed: 1, 1.0 and True are not one cell
    writer.writerows([cell(value) for value in row] for row in rows)


def write_dictionary(path: Path) -> None:
    """The data dictionary: each column's name, type and meaning."""
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["column", "type", "description"])
        writer.writerows([csv_cell(cell) for cell in row] for row in DICTIONARY)
