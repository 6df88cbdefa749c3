"""Read rows from CSV, XLSX and YAML files, keeping each row's number for error messages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from perfbot.values import PercentCell

# Limits, checked while the file is read so an upload cannot expand into millions of rows.
MAX_ROWS = 20_000  # rows of data in one sheet or file (a county register is ~3,000 measures)
MAX_COLUMNS = 60  # columns read; any further ones are refused if they hold anything
MAX_CELL = 10_000  # characters in one cell
MAX_BLANK_RUN = 1_000  # this many blank rows in a row end a sheet (formatting left far below)


class InputFileError(ValueError):
    """A file that cannot be read at all (wrong type, unreadable, no header, over a limit)."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as the user sees it: spreadsheet row (header is row 1) or YAML item number
    cells: dict[str, Any]


def _normalise_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def read_csv(path: Path) -> list[Row]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{path.name}: not UTF-8 text; save the CSV as 'CSV UTF-8'") from None
    reader = csv.reader(io.StringIO(text))
    return _rows_from_grid(reader, path.name)


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def _rows_from_grid(grid: Iterator[list[Any]] | Any, name: str) -> list[Row]:
    header: list[str] | None = None
    rows: list[Row] = []
    blank_run = 0
    for number, values in enumerate(grid, start=1):
        _check_limits(values, number, name)
        if header is None:
            header = [_normalise_header(v) for v in values]
            if not any(header):
                raise InputFileError(f"{name}: the first row must name the columns")
            continue
        if all(_blank(v) for v in values):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(rows) >= MAX_ROWS:
            raise InputFileError(f"{name}: more than {MAX_ROWS:,} rows (row {number}); split the file")
        cells = {h: v for h, v in zip(header, values, strict=False) if h}
        rows.append(Row(number, cells))
    if header is None:
        raise InputFileError(f"{name}: the file is empty")
    return rows


def _check_limits(values: list[Any], number: int, name: str) -> None:
    if len(values) > MAX_COLUMNS and any(not _blank(v) for v in values[MAX_COLUMNS:]):
        raise InputFileError(f"{name}: row {number} has more than {MAX_COLUMNS} columns")
    for column, value in enumerate(values[:MAX_COLUMNS], start=1):
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise InputFileError(f"{name}: row {number}, column {column} holds more than "
                                 f"{MAX_CELL:,} characters")  # fmt: skip


def xlsx_sheets(path: Path) -> dict[str, list[Row]]:
    """Every sheet of a workbook, by lower-cased sheet name."""
    from openpyxl import load_workbook  # heavy: only when a workbook is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a bad file
        raise InputFileError(f"{path.name}: not a readable .xlsx workbook ({error})") from None
    try:
        return {
            sheet.title.strip().lower(): _rows_from_grid(
                _typed_rows(sheet), f"{path.name} sheet {sheet.title}"
            )
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _typed_rows(sheet: Any) -> Iterator[list[Any]]:
    """Each row's values as the person typed them: a cell shown as "85%" is a `PercentCell`
    (Excel stores it as 0.85). Read in streaming mode, one row at a time, at most MAX_COLUMNS
    + 1 columns (enough to notice a row that is too wide)."""
    for cells in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
        yield [_typed(cell) for cell in cells]


def _typed(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and "%" in (getattr(cell, "number_format", "") or ""):
        return PercentCell(float(value))
    return value


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputFileError(f"{path.name}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "cannot be read"
        raise InputFileError(f"{path.name}: not valid YAML{where}: {problem}") from None


def yaml_rows(items: Any, name: str, what: str) -> list[Row]:
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputFileError(f"{name}: '{what}' must be a list of mappings")
    return [
        Row(n, {_normalise_header(k): v for k, v in item.items()})
        for n, item in enumerate(items, start=1)
    ]
