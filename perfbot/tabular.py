"""Read rows from CSV, XLSX and YAML files, keeping each row's number for error messages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class InputFileError(ValueError):
    """A file that cannot be read at all (wrong type, unreadable, no header)."""


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


def _rows_from_grid(grid: Iterator[list[Any]] | Any, name: str) -> list[Row]:
    header: list[str] | None = None
    rows = []
    for number, values in enumerate(grid, start=1):
        if header is None:
            header = [_normalise_header(v) for v in values]
            if not any(header):
                raise InputFileError(f"{name}: the first row must name the columns")
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {h: v for h, v in zip(header, values, strict=False) if h}
        rows.append(Row(number, cells))
    if header is None:
        raise InputFileError(f"{name}: the file is empty")
    return rows


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
                sheet.iter_rows(values_only=True), f"{path.name} sheet {sheet.title}"
            )
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


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
