"""Bulk returns from CSV/XLSX: `measure_id, period, value, commentary, action, submitted_by`,
and optionally `numerator, denominator` (the workings behind a ratio or percentage).

All-or-nothing like the register import: every row is checked, any error means nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from collectors.submissions import Collector, Submission
from perfbot.model import Return, Value
from perfbot.periods import Period, PeriodError
from perfbot.store import SaveOutcome, Store
from perfbot.tabular import InputFileError, Row, read_csv, xlsx_sheets
from perfbot.values import InvalidValue, parse_number

WORKINGS = ("numerator", "denominator")


class ReturnsImportError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ImportSummary:
    outcomes: list[SaveOutcome]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status.value == status)


def read_rows(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        sheets = xlsx_sheets(path)
        return sheets.get("returns") or next(iter(sheets.values()), [])
    raise InputFileError(f"{path.name}: use a .csv or .xlsx file")


def import_returns(
    store: Store, collector: Collector, path: Path, *, period: Period | None, actor: str
) -> ImportSummary:
    """Check every row, then store all of them (one durable write per quarter)."""
    rows = read_rows(path)
    errors: list[str] = []
    accepted: list[Return] = []
    seen: dict[tuple[str, Period], int] = {}
    staged: dict[tuple[str, Period], Value] = {}
    parsed = [(row, _submission(row, period, actor, errors)) for row in rows]
    for row, submission in sorted(
        ((r, s) for r, s in parsed if s is not None), key=lambda pair: pair[1].period
    ):
        key = (submission.measure_id, submission.period)
        if key in seen:
            errors.append(f"row {row.number}, column measure_id: {key[0]} for {key[1]} appears "
                          f"again (first at row {seen[key]})")  # fmt: skip
            continue
        seen[key] = row.number
        problems, value, _ = collector.check(submission, staged=staged)
        staged[key] = value  # type: ignore[assignment]
        for column, message in problems.errors.items():
            errors.append(f"row {row.number}, column {_column(column)}: {message}")
        workings = _workings(row, errors)
        if not problems and workings is not None:
            author = _text(row, "submitted_by") or f"bulk import by {actor}"
            accepted.append(_to_return(submission, value, author, store, workings))
    if errors:
        raise ReturnsImportError(sorted(errors, key=_row_number))
    if not accepted:
        raise ReturnsImportError([f"{path.name}: no returns found"])
    return ImportSummary(store.returns.save_many(accepted))


def _row_number(error: str) -> int:
    head = error.split(",", 1)[0].removeprefix("row ")
    return int(head) if head.isdigit() else 0


def _column(field: str) -> str:
    return {"measure": "measure_id"}.get(field, field)


def _text(row: Row, column: str) -> str:
    value = row.cells.get(column)
    return "" if value is None else str(value).strip()


def _submission(row: Row, period: Period | None, actor: str, errors: list[str]) -> Submission | None:
    measure_id = _text(row, "measure_id")
    if not measure_id:
        errors.append(f"row {row.number}, column measure_id: is required")
        return None
    raw_period = _text(row, "period")
    try:
        found = Period.parse(raw_period) if raw_period else period
    except PeriodError as error:
        errors.append(f"row {row.number}, column period: {error}")
        return None
    if found is None:
        errors.append(f"row {row.number}, column period: is required (or give --period)")
        return None
    return Submission(
        measure_id=measure_id,
        period=found,
        value=row.cells.get("value"),
        commentary=_text(row, "commentary"),
        action=_text(row, "action"),
        submitted_by=None,
        channel="import",
    )


def _workings(row: Row, errors: list[str]) -> dict[str, float | None] | None:
    """The optional numerator and denominator of a row; None (and an error) when unreadable."""
    found: dict[str, float | None] = {}
    for column in WORKINGS:
        text = _text(row, column)
        try:
            found[column] = parse_number(row.cells[column], allow_percent=False) if text else None
        except InvalidValue as error:
            errors.append(f"row {row.number}, column {column}: {error}")
            return None
    return found


def _to_return(
    submission: Submission, value: object, author: str, store: Store, workings: dict[str, float | None]
) -> Return:
    return Return(
        measure_id=submission.measure_id,
        period=submission.period,
        value=value,  # type: ignore[arg-type]
        commentary=submission.commentary,
        action=submission.action,
        submitted_by=author,
        submitted_at=store.clock.now(),
        channel="import",
        numerator=workings.get("numerator"),
        denominator=workings.get("denominator"),
    )
