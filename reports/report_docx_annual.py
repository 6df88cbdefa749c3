"""The annual report as a Word document, built from the same `AnnualReport` as the HTML: a
Heading 1 per Corporate Plan theme with its chart, a Heading 2 per service with outturn against
target, and the theme's approved case studies."""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as WordDocument

from perfbot.formatting import format_value
from perfbot.model import Aggregation
from reports.annual import AnnualReport, AnnualTheme, OutturnLine
from reports.chart_png import theme_bars
from reports.docx_parts import para, rag_cell, table
from reports.report_docx import (
    MEASURE_SHARES,
    Charts,
    about,
    counts_table,
    new_document,
    trend_cell,
)
from reports.wording import arrow, long_date


def write_annual_docx(path: Path, report: AnnualReport, *, template: bytes | None = None) -> None:
    doc = new_document(template=template, council=report.council,
                       title=f"Annual performance report, {report.label}")  # fmt: skip
    doc.add_paragraph(report.council)
    doc.add_heading(f"Annual performance report, {report.label}", level=0)
    doc.add_paragraph(f"April {report.year} to March {report.year + 1}. Prepared {long_date(report.prepared)}.")
    if not report.final:
        gaps = f" — no figures yet for {', '.join(map(str, report.missing_quarters))}" if report.missing_quarters else ""
        para(doc, f"the year is not complete{gaps}. Figures are the position at {report.as_at}; cumulative "
                  "measures show the year to date and a projected year end.", label="Provisional")  # fmt: skip
    _summary(doc, report)
    charts = Charts(doc)
    for theme in report.themes:
        _theme(doc, report, theme, charts)
    about(doc)
    doc.save(str(path))


def _summary(doc: WordDocument, report: AnnualReport) -> None:
    doc.add_heading("Summary", level=1)
    counts = report.analysis.rag_counts("theme")
    totals = {k: int(v) for k, v in counts.sum().to_dict().items()}
    when = "at year end" if report.final else f"at {report.as_at}"
    para(doc, f"{len(report.analysis.frame)} measures reported {when}: {totals.get('green', 0)} met their "
              f"target (Green), {totals.get('amber', 0)} were within tolerance (Amber) and "
              f"{totals.get('red', 0)} missed it (Red); {totals.get('missing', 0)} had no usable figure "
              f"and {totals.get('n/a', 0)} were not rated.")  # fmt: skip
    rows = {str(k): {r: int(c) for r, c in v.items()} for k, v in counts.to_dict("index").items()}
    counts_table(doc, "Year-end RAG status by Corporate Plan theme", "Theme", rows, totals, "All themes")
    studies = sum(len(t.case_studies) for t in report.themes)
    text = f"{studies} approved case {'study shows' if studies == 1 else 'studies show'} the work behind the figures."
    if report.withheld_case_studies:
        n = report.withheld_case_studies
        text += (f" {n} approved case {'study is' if n == 1 else 'studies are'} left out because consent "
                 "to publish was not given.")  # fmt: skip
    para(doc, text)


def _theme(doc: WordDocument, report: AnnualReport, theme: AnnualTheme, charts: Charts) -> None:
    doc.add_heading(theme.name, level=1)
    if theme.chart_uri:
        charts.pictures.figure(doc, theme_bars(report.analysis, theme.name), alt=theme.chart_alt,
               caption=f"Year-end RAG status of the measures in {theme.name}, by service. "
                       "Each status also has its own pattern.")  # fmt: skip
    header = ["Measure", "Outturn", "Annual target", "Status", "Against last year", "Quarter by quarter"]
    for service, lines in sorted(theme.services.items()):
        doc.add_heading(service, level=2)
        outturns: list[OutturnLine] = [ln for ln in lines if isinstance(ln, OutturnLine)]
        grid = table(doc, header, [_row(report, ln) for ln in outturns], rag_column=3,
                     rags=[ln.row["rag"] for ln in outturns],
                     caption=f"{service}: outturn against target, {report.label}",
                     shares=MEASURE_SHARES[:3] + MEASURE_SHARES[4:])  # fmt: skip
        for line, row in zip(outturns, grid.rows[1:], strict=True):
            trend_cell(row.cells[5], charts, line, target=line.row["annual_target"])
    if theme.case_studies:
        doc.add_heading("Case studies", level=2)
        for study in theme.case_studies:
            doc.add_heading(study.title, level=3)
            para(doc, f"{study.service}, {study.period}")
            para(doc, study.what_happened, label="What happened")
            para(doc, study.impact, label="The difference it made")


def _row(report: AnnualReport, line: OutturnLine) -> list[str]:
    r = line.row
    name = f"{r['measure_id']} {r['title']}"
    if line.measure.aggregation is Aggregation.CUMULATIVE:
        if report.final:
            name += "\nTotal for the year"
        else:
            name += f"\nYear to date at {report.as_at}"
            if r.get("projection") is not None:
                name += f"; projected year end {format_value(r['projection'], r['unit'])} ({r['projection_method']})"
    if r.get("commentary"):
        name += f"\n{r['commentary']}"
    peers = report.peers.get(line.measure.measure_id)
    if peers is not None:
        name += f"\nPeers: {peers.sentence(r['unit'])}"
    target = format_value(r["annual_target"], r["unit"]) if r["annual_target"] is not None else "None"
    return [name, format_value(line.outturn, r["unit"]), target, rag_cell(r["rag"]), arrow(r["dot_last_year"]), ""]
