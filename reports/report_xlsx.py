"""The report as an Excel workbook: Summary, Measures (RAG in words, shapes and colour) and Data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfbot.formatting import rag_label
from perfbot.safe_cells import risky
from reports.open_data import COLUMNS as DATA_COLUMNS
from reports.open_data import point_record, published_points
from reports.peers import PeerComparison
from reports.trends import Point
from reports.wording import arrow

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
# The conditional formats key on the words, which stay in the cell: colour is never alone.
RAG_FORMATS = {
    "Green": ("CCE2D8", "005A30"), "Amber": ("FFF7BF", "594D00"), "Red": ("F4CDC6", "942514"),
    "Missing": ("E8E1EE", "3D2375"),
}  # fmt: skip
NUMBER_FORMATS = {"percent": '0.0"%"', "currency": '"£"#,##0.00', "days": "0.0", "number": "#,##0.##"}
MEASURE_COLUMNS = [
    ("Measure ID", 11), ("Measure", 40), ("Theme", 26), ("Service", 26), ("Unit", 9),
    ("This quarter", 13), ("Year to date", 13), ("Target", 11), ("RAG status", 14),
    ("Since last quarter", 16), ("Since last year", 16), ("Projected year end", 14),
    ("Annual target", 12), ("How projected", 36), ("Exceptions", 50), ("Commentary", 60),
    ("Remedial action", 60), ("Owner", 30),
]  # fmt: skip
RAG_COLUMN = 9  # "RAG status", 1-based
PEER_COLUMNS = [  # added after the others when any measure has peer values
    ("Peer group", 26), ("Peer period", 12), ("Peer median", 12), ("Peer lower quartile", 12),
    ("Peer upper quartile", 12), ("Rank among peers", 14), ("Peer data older than figure", 30),
]  # fmt: skip


def text_cell(sheet: Worksheet, value: Any, **style: Any) -> Any:
    """A cell's content: the plain value when it needs nothing else (fast), else a styled cell.
    Text that could run as a formula is kept as text with Excel's quote prefix."""
    formula_like = isinstance(value, str) and risky(value)
    if not style and not formula_like:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _row(sheet: Worksheet, values: Sequence[Any], *, units: dict[int, str] | None = None,
         **style: Any) -> list[Any]:  # fmt: skip
    cells = [text_cell(sheet, v, **style) for v in values]
    for index, unit in (units or {}).items():
        if isinstance(values[index], int | float) and not isinstance(values[index], bool):
            cells[index] = text_cell(sheet, values[index], number_format=NUMBER_FORMATS.get(unit, "General"))
    return cells


def _widths(sheet: Worksheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _rag_formatting(sheet: Worksheet, column: int, last_row: int) -> None:
    letter = get_column_letter(column)
    cells = f"{letter}2:{letter}{max(last_row, 2)}"
    for word, (fill, font) in RAG_FORMATS.items():
        sheet.conditional_formatting.add(cells, FormulaRule(
            formula=[f'ISNUMBER(SEARCH("{word}",{letter}2))'],
            fill=PatternFill("solid", bgColor=fill), font=Font(color=font, bold=True),
        ))  # fmt: skip


def write_workbook(path: Path, *, summary: list[tuple[str, list[Any]]], measures: list[dict[str, Any]],
                   points: list[Point], title: str, peers: Mapping[str, PeerComparison] | None = None) -> None:  # fmt: skip
    """Write the three sheets. `summary` is (style, cells) rows; style "heading", "header" or "row".
    With `peers` (by measure id), the Measures sheet gains the peer columns."""
    book = Workbook(write_only=True)
    council = title.split(":", 1)[0]
    for name in ("Summary", "Measures", "Data"):  # set up before any row is written
        print_setup(book.create_sheet(name), council=council, header_row=name != "Summary")
    _summary_sheet(book["Summary"], summary, title)
    _measures_sheet(book["Measures"], measures, peers or {})
    _data_sheet(book["Data"], points)
    book.properties.title = title
    book.properties.creator = "perfbot"
    book.save(path)


def print_setup(sheet: Worksheet, *, council: str, header_row: bool) -> None:
    """A4 landscape, fitted to the page width, the header row repeated on every printed page,
    the council's name and the sheet in the header and page numbers in the footer."""
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    if header_row:
        sheet.print_title_rows = "1:1"
    council_text = council.replace("&", "&&")
    sheet.oddHeader.left.text, sheet.oddHeader.right.text = council_text, "&A"
    sheet.oddFooter.center.text = "Page &P of &N"


def _summary_sheet(sheet: Worksheet, rows: list[tuple[str, list[Any]]], title: str) -> None:
    _widths(sheet, [44, 14, 14, 14, 14, 14, 14])
    sheet.append([text_cell(sheet, title, font=TITLE)])
    for style, values in rows:
        if style == "heading":
            sheet.append(_row(sheet, values, font=BOLD))
        elif style == "header":
            sheet.append(_row(sheet, values, font=BOLD, fill=HEADER_FILL))
        else:
            sheet.append(_row(sheet, values))


def measure_row(record: dict[str, Any], owner: str = "") -> list[Any]:
    """One analysis row in the Measures sheet's column order."""
    return [
        record["measure_id"], record["title"], record["theme"], record["service"], record["unit"],
        record["value"], record["ytd"], record["target"], rag_label(record["rag"]),
        arrow(record["dot_previous"]), arrow(record["dot_last_year"]), record.get("projection"),
        record.get("annual_target"), record.get("projection_method"),
        "; ".join(record["exceptions"]), record["commentary"], record["action"],
        owner or record.get("owner", ""),
    ]  # fmt: skip


def peer_cells(comparison: PeerComparison | None) -> list[Any]:
    """The peer columns of one measure (blank when it has no comparison)."""
    if comparison is None:
        return [None] * len(PEER_COLUMNS)
    c = comparison
    return [c.group_name, str(c.period), c.median, c.lower_quartile, c.upper_quartile, c.rank_text() or None,
            c.staleness_text() or None]  # fmt: skip


def _measures_sheet(sheet: Worksheet, records: list[dict[str, Any]], peers: Mapping[str, PeerComparison]) -> None:
    columns = MEASURE_COLUMNS + (PEER_COLUMNS if peers else [])
    _widths(sheet, [w for _, w in columns])
    sheet.freeze_panes = "C2"
    header = [name for name, _ in columns]
    sheet.append(_row(sheet, header, font=BOLD, fill=HEADER_FILL))
    first = len(MEASURE_COLUMNS) + 2  # the peer median's index
    for record in records:
        unit = record["unit"]
        units = {5: unit, 6: unit, 7: unit, 11: unit, 12: unit}
        cells = measure_row(record)
        if peers:
            cells += peer_cells(peers.get(record["measure_id"]))
            units |= {first: unit, first + 1: unit, first + 2: unit}
        sheet.append(_row(sheet, cells, units=units))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(records) + 1}"
    _rag_formatting(sheet, RAG_COLUMN, len(records) + 1)


def _data_sheet(sheet: Worksheet, points: list[Point]) -> None:
    points = published_points(points)  # as the open-data CSV
    _widths(sheet, [10, 8, 14, 12, 12, 11, 40, 26, 26, 9, 9, 11, 12, 12, 12, 12, 50, 50, 26])
    sheet.freeze_panes = "A2"
    sheet.append(_row(sheet, DATA_COLUMNS, font=BOLD, fill=HEADER_FILL))
    value_columns = [DATA_COLUMNS.index(c) for c in ("value", "year_to_date", "target")]
    for point in points:
        record = point_record(point)
        unit = point.measure.unit.value
        sheet.append(_row(sheet, [record[c] for c in DATA_COLUMNS], units=dict.fromkeys(value_columns, unit)))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(DATA_COLUMNS))}{len(points) + 1}"
    _rag_formatting(sheet, DATA_COLUMNS.index("rag_status") + 1, len(points) + 1)

