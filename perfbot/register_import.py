"""Import the measure register from CSV, XLSX (sheets `measures`, `targets`) or YAML.

All-or-nothing: every row is checked first and any error means nothing is written. Each error
names its row and column, e.g. "row 14, column target: 'abc' is not a number".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfbot.model import Aggregation, Frequency, Measure, Polarity, RagRule, TargetOverride, Unit
from perfbot.periods import Period, PeriodError, period_of_cell
from perfbot.tabular import InputFileError, Row, read_csv, read_yaml, xlsx_sheets, yaml_rows
from perfbot.values import InvalidValue, Tolerance, parse_number, written_as_percent

REQUIRED = ("measure_id", "title", "theme", "service", "owner_email", "head_of_service_email")
OPTIONAL = (
    "unit", "polarity", "target", "tolerance", "frequency", "aggregation", "data_source",
    "description", "rag_rule", "target_low", "target_high", "plausible_min", "plausible_max",
    "target_from", "public", "benchmark_metric",
)  # fmt: skip
NUMBER_COLUMNS = ("target", "target_low", "target_high", "plausible_min", "plausible_max")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
MAX_LENGTH = {"benchmark_metric": 60, "title": 200, "theme": 100, "service": 100, "data_source": 300, "description": 2000}
_MEASURE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")


class RegisterImportError(ValueError):
    """The register was rejected; `errors` lists every problem with its row and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ParsedRegister:
    measures: list[Measure]
    targets: list[TargetOverride] | None  # None: the file cannot hold them (CSV): keep them
    starts: dict[str, Period] = field(default_factory=dict)  # target_from, by measure id


def load_register(path: Path) -> ParsedRegister:
    """Read and check a register file; raise RegisterImportError listing every problem."""
    measure_rows, target_rows, label = _read_rows(path)
    measure_rows = [r for r in measure_rows if not _is_note(r)]
    errors: list[str] = []
    starts: dict[str, Period] = {}
    measures = _parse_measures(measure_rows, label, errors, starts)
    known = {str(r.cells.get("measure_id") or "").strip() for r in measure_rows}
    targets = None if target_rows is None else _parse_targets(
        [r for r in target_rows if not _is_note(r)], known, errors)  # fmt: skip
    if errors:
        raise RegisterImportError(errors)
    if not measures:
        raise RegisterImportError([f"{path.name}: no measures found"])
    return ParsedRegister(measures, targets, starts)


def _is_note(row: Row) -> bool:
    """A row of explanation (the template's second row): its measure_id starts with '#'."""
    return str(row.cells.get("measure_id") or "").lstrip().startswith("#")


def _read_rows(path: Path) -> tuple[list[Row], list[Row] | None, str]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path), None, "row"
    if suffix == ".xlsx":
        sheets = xlsx_sheets(path)
        if "measures" not in sheets:
            raise InputFileError(f"{path.name}: the workbook needs a sheet named 'measures'")
        return sheets["measures"], sheets.get("targets", []), "row"
    if suffix in (".yaml", ".yml"):
        document = read_yaml(path)
        if isinstance(document, list):
            return yaml_rows(document, path.name, "measures"), [], "measure"
        if not isinstance(document, dict):
            raise InputFileError(f"{path.name}: expected 'measures:' and optionally 'targets:'")
        return (
            yaml_rows(document.get("measures"), path.name, "measures"),
            yaml_rows(document.get("targets"), path.name, "targets"),
            "measure",
        )
    raise InputFileError(f"{path.name}: use a .csv, .xlsx, .yaml or .yml file")


class _RowReader:
    """Reads typed cells of one row, collecting errors instead of stopping at the first."""

    def __init__(self, row: Row, label: str, errors: list[str]) -> None:
        self.row = row
        self.prefix = f"{label} {row.number}"
        self.errors = errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(f"{self.prefix}, column {column}: {message}")

    def raw(self, column: str) -> str:
        value = self.row.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer() and column == "measure_id":
            value = int(value)
        text = str(value).strip()
        limit = MAX_LENGTH.get(column, 300)
        if len(text) > limit:
            self.fail(column, f"is {len(text):,} characters long; the most is {limit}")
            return text[:limit]
        if _CONTROL.search(text):
            self.fail(column, "contains control or text-direction characters; retype it")
        return text

    def required(self, column: str) -> str:
        value = self.raw(column)
        if not value:
            self.fail(column, "is required")
        return value

    def email(self, column: str) -> str:
        value = self.required(column).lower()
        if value and not _EMAIL.match(value):
            self.fail(column, f"'{value}' is not an e-mail address")
        return value

    def number(self, column: str) -> float | None:
        cell = self.row.cells.get(column)
        if cell is None or str(cell).strip() == "":
            return None
        try:
            return parse_number(cell)
        except InvalidValue:
            self.fail(column, f"'{cell}' is not a number")
            return None

    def period(self, column: str) -> Period | None:
        cell = self.row.cells.get(column)
        if cell is None or str(cell).strip() == "":
            return None
        try:
            return period_of_cell(cell)
        except PeriodError as error:
            self.fail(column, str(error))
            return None

    def enum(self, column: str, kind: Callable[[str], Any], default: Any) -> Any:
        value = self.raw(column).lower()
        if not value:
            return default
        try:
            return kind(value)
        except ValueError:
            options = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
            self.fail(column, f"'{value}' is not one of {options}")
            return default

    def yes_no(self, column: str) -> bool:
        """Yes/no (also Y, true, 1 and their opposites; a spreadsheet's TRUE); blank is no."""
        cell = self.row.cells.get(column)
        if isinstance(cell, bool):  # a YAML yes/no, an XLSX TRUE/FALSE
            return cell
        text = format(cell, "g") if isinstance(cell, int | float) else str(cell or "").strip()
        if text.lower() in YES:
            return True
        if text.lower() not in (*NO, ""):
            self.fail(column, f"'{text}' is not yes or no")
        return False

    def tolerance(self) -> Tolerance | None:
        value = self.raw("tolerance")
        if not value:
            return None
        try:
            return Tolerance.parse(value)
        except InvalidValue as error:
            self.fail("tolerance", str(error))
            return None


def _parse_measures(
    rows: list[Row], label: str, errors: list[str], starts: dict[str, Period]
) -> list[Measure]:
    """Every row's every problem, in one pass (a duplicate id is reported beside the same row's
    blank owner and bad polarity)."""
    if rows:
        missing = [c for c in REQUIRED if all(c not in r.cells for r in rows)]
        if missing:
            errors.append(f"the register has no column {', '.join(missing)}")
            return []
    seen: dict[str, int] = {}
    services: dict[str, tuple[str, str, int]] = {}
    measures = []
    for row in rows:
        reader = _RowReader(row, label, errors)
        before = len(errors)
        raw_id = str(row.cells.get("measure_id") or "").strip()
        if raw_id in seen:
            reader.fail("measure_id", f"'{raw_id}' appears again (first at {label} {seen[raw_id]})")
        elif raw_id:
            seen[raw_id] = row.number
        measure = _parse_measure(reader)
        start = reader.period("target_from")
        if measure is None:
            continue
        _check_service(reader, measure, services)
        if len(errors) == before:
            measures.append(measure)
            if start is not None:
                starts[measure.measure_id] = start
    return measures


def _parse_measure(r: _RowReader) -> Measure | None:
    before = len(r.errors)
    measure_id = r.required("measure_id")
    if measure_id and not _MEASURE_ID.match(measure_id):
        r.fail("measure_id", f"'{measure_id}' may use only letters, digits, '.', '_' and '-'")
    fields = {
        "measure_id": measure_id,
        "title": r.required("title"),
        "theme": r.required("theme"),
        "service": r.required("service"),
        "owner_email": r.email("owner_email"),
        "head_of_service_email": r.email("head_of_service_email"),
        "unit": r.enum("unit", Unit, Unit.NUMBER),
        "polarity": r.enum("polarity", Polarity, Polarity.HIGHER),
        "target": r.number("target"),
        "tolerance": r.tolerance(),
        "frequency": r.enum("frequency", Frequency, Frequency.QUARTERLY),
        "aggregation": r.enum("aggregation", Aggregation, Aggregation.SNAPSHOT),
        "data_source": r.raw("data_source"),
        "description": r.raw("description"),
        "rag_rule": r.enum("rag_rule", RagRule, None),
        "target_low": r.number("target_low"),
        "target_high": r.number("target_high"),
        "plausible_min": r.number("plausible_min"),
        "plausible_max": r.number("plausible_max"),
        "public": r.yes_no("public"),
        "benchmark_metric": r.raw("benchmark_metric"),
    }
    _check_consistency(r, fields)
    return Measure(**fields) if len(r.errors) == before else None


def _check_consistency(r: _RowReader, f: dict[str, Any]) -> None:
    if f["unit"] is Unit.TEXT and f["target"] is not None:
        r.fail("target", "a text measure cannot have a numeric target")
    if f["unit"] is not Unit.PERCENT:
        for column in NUMBER_COLUMNS:
            cell = r.row.cells.get(column)
            if written_as_percent(cell) and f[column] is not None:
                r.fail(column, f"'{cell}' is a percentage but the unit is {f['unit'].value}: "
                               "set unit to percent, or give the number itself")  # fmt: skip
    low = 0.0 if f["plausible_min"] is None else f["plausible_min"]
    high = 100.0 if f["plausible_max"] is None else f["plausible_max"]
    if f["unit"] is Unit.PERCENT and f["target"] is not None and not low <= f["target"] <= high:
        r.fail("target", f"{f['target']:g} is not a percentage between {low:g} and {high:g}"
                         " (plausible_min and plausible_max widen the range)")  # fmt: skip
    if f["rag_rule"] is RagRule.RANGE and (f["target_low"] is None or f["target_high"] is None):
        r.fail("rag_rule", "the range rule needs target_low and target_high")
    low, high = f["plausible_min"], f["plausible_max"]
    if low is not None and high is not None and low > high:
        r.fail("plausible_min", f"{low:g} is above plausible_max {high:g}")


def _check_service(r: _RowReader, m: Measure, services: dict[str, tuple[str, str, int]]) -> None:
    """A service area sits under one theme and has one head of service."""
    known = services.setdefault(m.service, (m.theme, m.head_of_service_email, r.row.number))
    theme, head, first = known
    if theme != m.theme:
        r.fail("theme", f"service '{m.service}' is under theme '{theme}' at row {first}, "
                        f"not '{m.theme}'")  # fmt: skip
    elif head != m.head_of_service_email:
        r.fail("head_of_service_email", f"service '{m.service}' has head of service {head} "
                                        f"at row {first}")  # fmt: skip


def _parse_targets(rows: list[Row], known: set[str], errors: list[str]) -> list[TargetOverride]:
    targets: dict[tuple[str, Period], int] = {}
    parsed = []
    for row in rows:
        r = _RowReader(row, "targets row", errors)
        before = len(errors)
        measure_id = r.required("measure_id")
        if measure_id and measure_id not in known:
            r.fail("measure_id", f"'{measure_id}' is not a measure in the register")
        period = None
        try:
            period = Period.parse(r.required("period")) if r.raw("period") else None
        except PeriodError as error:
            r.fail("period", str(error))
        target = r.number("target")
        if target is None and r.raw("target") == "":
            r.fail("target", "is required")
        if len(errors) > before or period is None or target is None:
            continue
        if (measure_id, period) in targets:
            r.fail("period", f"{period} target for '{measure_id}' appears again "
                             f"(first at row {targets[(measure_id, period)]})")  # fmt: skip
            continue
        targets[(measure_id, period)] = row.number
        parsed.append(TargetOverride(measure_id, period, target))
    return parsed
