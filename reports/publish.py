"""Write the quarterly or annual report into a directory: HTML, XLSX, open-data CSV and its
data dictionary, and the committee papers (Word and PDF). Each file is written to a temporary
name and renamed, so a reader never sees a half-written report."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from perfbot.config import Config
from perfbot.digest import RAG_ORDER
from perfbot.formatting import rag_label
from perfbot.periods import Period
from perfbot.store import Store
from reports.annual import AnnualReport, build_annual
from reports.beside import run_beside
from reports.gc_pause import cycle_collection_paused
from reports.open_data import open_data_rows, write_dictionary, write_open_data
from reports.open_data_metadata import metadata_name, write_metadata
from reports.papers import write_papers
from reports.quarterly import QuarterlyReport, build_quarterly, with_charts
from reports.report_html import annual_html, quarterly_html
from reports.report_xlsx import write_workbook
from reports.templating import months
from reports.wording import long_date, percent

Rows = list[tuple[str, list[Any]]]
Report = QuarterlyReport | AnnualReport


def _number(value: Any) -> float | None:  # noqa: ANN401
    """A float for the workbook; None (a blank cell) for "not known" (NaN)."""
    return None if value is None or value != value else float(value)


class ReportOutputError(ValueError):
    """The output directory cannot be used (message is user-facing)."""


def output_dir(out: Path) -> Path:
    """Create `out` if needed and check it can be written to."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".perfbot-check-"):
            pass
    except FileExistsError:
        raise ReportOutputError(f"--out {out}: exists and is not a directory") from None
    except OSError as error:
        raise ReportOutputError(f"--out {out}: cannot write there ({error.strerror or error})") from None
    return out


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ReportOutputError(f"could not write {path}: {error.strerror or error}") from None
    return path


def _names(slug: str) -> dict[str, str]:
    return {
        "html": f"performance-{slug}.html", "xlsx": f"performance-{slug}.xlsx",
        "csv": f"performance-{slug}-open-data.csv",
        "dictionary": f"performance-{slug}-open-data-dictionary.csv",
        "metadata": metadata_name(f"performance-{slug}-open-data.csv"),
    }  # fmt: skip


def write_quarterly(store: Store, config: Config, period: Period, out: Path, *,
                    prepared: date | None = None, docx_template: bytes | None = None,
                    papers: bool = True) -> list[Path]:  # fmt: skip
    """The quarterly report's files (HTML, XLSX, CSVs, Word, PDF); returns their paths."""
    out = output_dir(out)
    with cycle_collection_paused():
        report = build_quarterly(store, config, period, prepared=_day(store, prepared), charts=False)
        return _write_all(out, report, title=f"quarterly performance report, {period}", html=quarterly_html,
                          summary=quarterly_summary(report), docx_template=docx_template, papers=papers,
                          charts=with_charts)  # fmt: skip


def write_annual(store: Store, config: Config, year: int, out: Path, *,
                 prepared: date | None = None, docx_template: bytes | None = None,
                    papers: bool = True) -> list[Path]:  # fmt: skip
    """The annual report's files (HTML, XLSX, CSVs, Word, PDF); returns their paths."""
    out = output_dir(out)
    with cycle_collection_paused():
        report = build_annual(store, config, year, prepared=_day(store, prepared))
        return _write_all(out, report, title=f"annual performance report, {report.label}", html=annual_html,
                          summary=annual_summary(report), docx_template=docx_template, papers=papers)  # fmt: skip


def _day(store: Store, prepared: date | None) -> date:
    return store.clock.now().date() if prepared is None else prepared


def _write_all(out: Path, report: Report, *, title: str, html: Callable[..., str], summary: Rows,
               docx_template: bytes | None = None, papers: bool = True,
               charts: Callable[[Any], Report] | None = None) -> list[Path]:  # fmt: skip
    """HTML (linking the data files), XLSX, open-data CSV and its dictionary, then the committee
    papers (Word, PDF), each atomically. The workbook is written beside the others (`run_beside`),
    while `charts` (when given) draws the report's charts, which only the HTML and papers show."""
    names = _names(report.slug)
    data_files = [names["csv"], names["metadata"], names["dictionary"], names["xlsx"]]
    rows = open_data_rows(report.points)  # once, for the CSV and the workbook's Data sheet

    def described(path: Path) -> None:
        write_metadata(path, csv_url=names["csv"], title=f"{report.council}: {title}, open data",
                       publisher=report.council, modified=report.prepared, points=report.points)  # fmt: skip

    def workbook(path: Path) -> None:
        write_workbook(path, summary=summary, title=f"{report.council}: {title}",
                       measures=report.analysis.records(), data_rows=rows,
                       peers=getattr(report, "peers", None))  # fmt: skip

    workbook_written = run_beside(lambda: _atomic(out / names["xlsx"], workbook))  # the longest
    try:
        report = charts(report) if charts else report
        page = html(report, files=data_files)
        written = [
            _atomic(out / names["html"], lambda p: p.write_text(page, encoding="utf-8")),
            _atomic(out / names["csv"], lambda p: write_open_data(report.points, p, rows=rows)),
            _atomic(out / names["metadata"], described),
            _atomic(out / names["dictionary"], write_dictionary),
        ]
    except BaseException:
        with contextlib.suppress(Exception):  # the first error is the one to report
            workbook_written()
        raise
    written.insert(1, workbook_written())
    return [*written, *(write_papers(out, report, page, template=docx_template, atomic=_atomic) if papers else [])]


def _rag_table(first: str, counts: dict[str, dict[str, int]]) -> Rows:
    rows: Rows = [("header", [first, *(rag_label(r) for r in RAG_ORDER), "Total"])]
    for name, row in sorted(counts.items()):
        values = [int(row.get(r, 0)) for r in RAG_ORDER]
        rows.append(("row", [name, *values, sum(values)]))
    return rows


def quarterly_summary(report: QuarterlyReport) -> Rows:
    d = report.digest
    rows: Rows = [
        ("row", ["Council", report.council]),
        ("row", ["Quarter", f"{report.period} ({months(report.period)})"]),
        ("row", ["Prepared", long_date(report.prepared)]),
        ("row", []),
        ("heading", ["Returns"]),
        ("row", ["Measures due", d.expected]),
        ("row", ["Returns received", d.returned, percent(d.returned, d.expected)]),
        ("row", ["Received on time", d.on_time, percent(d.on_time, d.expected)]),
        ("row", ["Exceptions for attention", len(d.exceptions)]),
        ("row", []),
        ("heading", ["RAG status by theme"]),
        *_rag_table("Theme", d.rag_by_theme),
        ("row", []),
        ("heading", ["RAG status by service"]),
        *_rag_table("Service", d.rag_by_service),
        ("row", []),
        ("heading", ["Returns by service"]),
        ("header", ["Service", "Due", "Received", "On time", "% received", "% on time"]),
    ]
    for service, row in report.analysis.completeness().iterrows():
        rows.append(("row", [service, int(row["expected"]), int(row["returned"]), int(row["on_time"]),
                             float(row["pct_returned"]), _number(row["pct_on_time"])]))  # fmt: skip
    return rows


def annual_summary(report: AnnualReport) -> Rows:
    counts = report.analysis.rag_counts("theme").to_dict("index")
    return [
        ("row", ["Council", report.council]),
        ("row", ["Financial year", report.label]),
        ("row", ["Position at", f"{report.as_at}" + ("" if report.final else " (provisional)")]),
        ("row", ["Prepared", long_date(report.prepared)]),
        ("row", []),
        ("heading", ["Year-end RAG status by theme"]),
        *_rag_table("Theme", counts),
        ("row", []),
        ("row", ["Approved case studies published", sum(len(t.case_studies) for t in report.themes)]),
        ("row", ["Approved but without consent to publish", report.withheld_case_studies]),
    ]
