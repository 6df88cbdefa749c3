"""The report as an Excel workbook: Summary, Measures (RAG in words, shapes and colour) and Data.

Written with XlsxWriter, in about half openpyxl's time for the Data sheet (a row per measure per
quarter, 27,000 rows at 3,000 measures). Not in its constant-memory mode: the Data sheet repeats
a few thousand strings, which the shared-strings table escapes and writes once each (1.8× faster
for ~50 MB more at 3,000 measures, in the `perfbot report` command's own process). Strings are
never read as formulas, numbers or links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from perfbot.formatting import rag_label
from perfbot.safe_cells import risky
from reports.open_data import COLUMNS as DATA_COLUMNS
from reports.peers import PeerComparison
from reports.wording import arrow

OPTIONS = {"constant_memory": False, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False}  # fmt: skip
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
DATA_WIDTHS = [10, 8, 14, 12, 12, 11, 40, 26, 26, 9, 9, 11, 12, 12, 12, 12, 50, 50, 26]
# XlsxWriter adds Excel's 5-pixel cell padding (at 7 pixels a character) to a width; taking it
# off keeps the widths stored in the file as they were when openpyxl wrote them.
PADDING = 5 / 7


class Styles:
    """The workbook's cell formats, made once each (XlsxWriter keeps one record per format)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bg_color": "#F3F2F1", "pattern": 1})
        self.quoted = book.add_format({"quote_prefix": True})
        self.numbers = {unit: book.add_format({"num_format": f}) for unit, f in NUMBER_FORMATS.items()}
        self.rag = {word: book.add_format({"bg_color": f"#{fill}", "font_color": f"#{font}", "bold": True})
                    for word, (fill, font) in RAG_FORMATS.items()}  # fmt: skip
        self.risky = cache(risky)  # the Data sheet repeats a few thousand strings 27,000 times


def write_workbook(path: Path, *, summary: list[tuple[str, list[Any]]], measures: list[dict[str, Any]],
                   data_rows: list[list[Any]], title: str, peers: Mapping[str, PeerComparison] | None = None) -> None:  # fmt: skip
    """Write the three sheets. `summary` is (style, cells) rows; style "heading", "header" or "row";
    `data_rows` are the open data's (`open_data_rows`). With `peers` (by measure id), the Measures sheet gains the peer columns."""
    book = Workbook(str(path), OPTIONS)
    styles = Styles(book)
    council = title.split(":", 1)[0]
    sheets = {name: book.add_worksheet(name) for name in ("Summary", "Measures", "Data")}
    for name, sheet in sheets.items():
        print_setup(sheet, council=council, header_row=name != "Summary")
    _summary_sheet(sheets["Summary"], styles, summary, title)
    _measures_sheet(sheets["Measures"], styles, measures, peers or {})
    _data_sheet(sheets["Data"], styles, data_rows)
    book.set_properties({"title": title, "author": "perfbot"})
    book.close()


def print_setup(sheet: Worksheet, *, council: str, header_row: bool) -> None:
    """A4 landscape, fitted to the page width, the header row repeated on every printed page,
    the council's name and the sheet in the header and page numbers in the footer."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.hide_gridlines(0)  # shown on screen and printed
    if header_row:
        sheet.repeat_rows(0)
    sheet.set_header(f"&L{council.replace('&', '&&')}&R&A")
    sheet.set_footer("&CPage &P of &N")


def write_cells(sheet: Worksheet, styles: Styles, row: int, values: Sequence[Any], *,
                units: Mapping[int, str] | None = None, style: Format | None = None) -> None:  # fmt: skip
    """One row. Numbers in the `units` columns get their unit's number format; text that could
    run as a formula is kept as text with Excel's quote prefix."""
    for column, value in enumerate(values):
        if type(value) is str:  # most cells: the exact type first, the general cases below
            sheet.write_string(row, column, value, styles.quoted if styles.risky(value) else style)
        elif value is None:
            if style is not None:
                sheet.write_blank(row, column, None, style)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, styles.quoted if styles.risky(value) else style)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, style)
        elif isinstance(value, int | float):
            unit = (units or {}).get(column)
            number_format = styles.numbers.get(unit) if unit else None
            sheet.write_number(row, column, value, number_format or style)
        else:
            sheet.write(row, column, value, style)


def _widths(sheet: Worksheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width - PADDING)


def _rag_formatting(sheet: Worksheet, styles: Styles, column: int, last_row: int) -> None:
    letter = xl_col_to_name(column - 1)
    cells = f"{letter}2:{letter}{max(last_row, 2)}"
    for word, style in styles.rag.items():
        sheet.conditional_format(cells, {"type": "formula", "format": style,
                                         "criteria": f'=ISNUMBER(SEARCH("{word}",{letter}2))'})  # fmt: skip


def _summary_sheet(sheet: Worksheet, styles: Styles, rows: list[tuple[str, list[Any]]], title: str) -> None:
    _widths(sheet, [44, 14, 14, 14, 14, 14, 14])
    write_cells(sheet, styles, 0, [title], style=styles.title)
    chosen = {"heading": styles.bold, "header": styles.header}
    for number, (style, values) in enumerate(rows, start=1):
        write_cells(sheet, styles, number, values, style=chosen.get(style))


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


def _measures_sheet(sheet: Worksheet, styles: Styles, records: list[dict[str, Any]],
                    peers: Mapping[str, PeerComparison]) -> None:  # fmt: skip
    columns = MEASURE_COLUMNS + (PEER_COLUMNS if peers else [])
    _widths(sheet, [w for _, w in columns])
    sheet.freeze_panes(1, 2)  # "C2"
    write_cells(sheet, styles, 0, [name for name, _ in columns], style=styles.header)
    first = len(MEASURE_COLUMNS) + 2  # the peer median's index
    for number, record in enumerate(records, start=1):
        unit = record["unit"]
        units = {5: unit, 6: unit, 7: unit, 11: unit, 12: unit}
        cells = measure_row(record)
        if peers:
            cells += peer_cells(peers.get(record["measure_id"]))
            units |= {first: unit, first + 1: unit, first + 2: unit}
        write_cells(sheet, styles, number, cells, units=units)
    sheet.autofilter(0, 0, len(records), len(columns) - 1)
    _rag_formatting(sheet, styles, RAG_COLUMN, len(records) + 1)


def _data_sheet(sheet: Worksheet, styles: Styles, rows: list[list[Any]]) -> None:
    _widths(sheet, DATA_WIDTHS)
    sheet.freeze_panes(1, 0)  # "A2"
    write_cells(sheet, styles, 0, DATA_COLUMNS, style=styles.header)
    value_columns = [DATA_COLUMNS.index(c) for c in ("value", "year_to_date", "target")]
    unit_column = DATA_COLUMNS.index("unit")
    for number, row in enumerate(rows, start=1):
        write_cells(sheet, styles, number, row, units=dict.fromkeys(value_columns, row[unit_column]))
    sheet.autofilter(0, 0, len(rows), len(DATA_COLUMNS) - 1)
    _rag_formatting(sheet, styles, DATA_COLUMNS.index("rag_status") + 1, len(rows) + 1)
