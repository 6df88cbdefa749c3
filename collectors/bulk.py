"""Bulk returns from CSV/XLSX: `measure_id, period, value, commentary, action, submitted_by`,
and optionally `numerator, denominator` (the workings behind a ratio or percentage) and
`submitted_at` (when the figure was really made).

All-or-nothing like the register import: every row is checked, any error means nothing is stored.
It is an officer's import: rows for a quarter with no round are history, recorded as they were
(no commentary demanded, implausible values kept as data-quality exceptions); rows for a closed
round are corrections and need a reason; rows without `submitted_at` count neither as on time
nor as late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from collectors.submissions import Collector
from perfbot.action_tracker import ActionTracker
from perfbot.clock import LONDON
from perfbot.model import Return, Value
from perfbot.periods import Period, PeriodError, period_of_cell
from perfbot.rag import CONFIRMED_ZERO, RagResult
from perfbot.store import SaveOutcome, SaveStatus, Store
from perfbot.submission import Submission
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
    store: Store, collector: Collector, path: Path, *, period: Period | None, actor: str,
    reason: str = "",
) -> ImportSummary:  # fmt: skip
    """Check every row, then store all of them (one durable write per quarter).

    `reason` is why closed quarters are corrected; quarters with no round are history and get
    "history imported from FILE" when no reason is given.
    """
    rows = read_rows(path)
    errors: list[str] = []
    accepted: list[Return] = []
    seen: dict[tuple[str, Period], int] = {}
    staged: dict[tuple[str, Period], Value] = {}
    rags: dict[tuple[str, Period], RagResult | None] = {}
    why = _Reasons(store, reason, f"history imported from {path.name} by {actor}")
    parsed = [(row, _submission(row, period, why, errors)) for row in rows]
    for row, submission in sorted(
        ((r, s) for r, s in parsed if s is not None), key=lambda pair: pair[1].period
    ):
        key = (submission.measure_id, submission.period)
        if key in seen:
            errors.append(f"row {row.number}, column measure_id: {key[0]} for {key[1]} appears "
                          f"again (first at row {seen[key]})")  # fmt: skip
            continue
        seen[key] = row.number
        problems, value, rag = collector.check(submission, staged=staged)
        staged[key] = value  # type: ignore[assignment]
        for column, message in problems.errors.items():
            errors.append(f"row {row.number}, column {_column(column)}: {message}")
        workings = _workings(row, errors)
        made_at = _made_at(row, errors)
        if not problems and workings is not None and made_at is not False:
            author = _text(row, "submitted_by") or f"bulk import by {actor}"
            accepted.append(_to_return(submission, value, author, made_at, workings, rag))
            rags[key] = rag
    if errors:
        raise ReturnsImportError(sorted(errors, key=_row_number))
    if not accepted:
        raise ReturnsImportError([f"{path.name}: no returns found"])
    return ImportSummary(_save_with_actions(store, accepted, rags))


def _save_with_actions(
    store: Store, accepted: list[Return], rags: dict[tuple[str, Period], RagResult | None]
) -> list[SaveOutcome]:
    """Store the returns and raise the actions of red ones, one commit per quarter."""
    tracker = ActionTracker(store)
    outcomes: list[SaveOutcome] = []
    for period in sorted({r.period for r in accepted}):
        with store.quarter_commit(period):
            saved = store.returns.save_many([r for r in accepted if r.period == period])
            for outcome in saved:
                if outcome.status is not SaveStatus.UNCHANGED:
                    current = outcome.current
                    tracker.track(current, rags.get((current.measure_id, current.period)))
            outcomes.extend(saved)
    return outcomes


def _row_number(error: str) -> int:
    head = error.split(",", 1)[0].removeprefix("row ")
    return int(head) if head.isdigit() else 0


def _column(field: str) -> str:
    return {"measure": "measure_id"}.get(field, field)


def _text(row: Row, column: str) -> str:
    value = row.cells.get(column)
    return "" if value is None else str(value).strip()


class _Reasons:
    """The reason each row's quarter needs: given, automatic for history, none for open rounds."""

    def __init__(self, store: Store, given: str, for_history: str) -> None:
        self._store, self._given, self._for_history = store, given.strip(), for_history

    def of(self, period: Period) -> str:
        if self._given:
            return self._given
        return self._for_history if self._store.rounds.get(period) is None else ""


def _submission(row: Row, period: Period | None, why: _Reasons, errors: list[str]) -> Submission | None:
    measure_id = _text(row, "measure_id")
    if not measure_id:
        errors.append(f"row {row.number}, column measure_id: is required")
        return None
    raw_period = row.cells.get("period")
    try:
        found = period_of_cell(raw_period) if _text(row, "period") else period
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
        officer=True,
        reason=why.of(found),
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


def _made_at(row: Row, errors: list[str]) -> datetime | None | bool:
    """The row's `submitted_at` (Europe/London when no offset is given), None when blank, False
    (with an error) when unreadable."""
    cell = row.cells.get("submitted_at")
    if cell is None or str(cell).strip() == "":
        return None
    if isinstance(cell, date) and not isinstance(cell, datetime):
        cell = datetime.combine(cell, time(12, 0))
    try:
        made = cell if isinstance(cell, datetime) else datetime.fromisoformat(str(cell).strip())
    except ValueError:
        errors.append(f"row {row.number}, column submitted_at: '{cell}' is not a date and time; "
                      "write it like 2025-10-14 09:30")  # fmt: skip
        return False
    return made if made.tzinfo else made.replace(tzinfo=LONDON)


def _to_return(
    submission: Submission, value: object, author: str, made_at: datetime | None,
    workings: dict[str, float | None], rag: RagResult | None,
) -> Return:  # fmt: skip
    return Return(
        measure_id=submission.measure_id,
        period=submission.period,
        value=value,  # type: ignore[arg-type]
        commentary=submission.commentary,
        action=submission.action,
        submitted_by=author,
        submitted_at=made_at,
        channel="import",
        numerator=workings.get("numerator"),
        denominator=workings.get("denominator"),
        reason=submission.reason,
        unknown_time=made_at is None,
        confirmed=rag is not None and CONFIRMED_ZERO in rag.flags,
    )
