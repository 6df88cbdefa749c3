"""The quarterly report as a Word document for committee papers, built from the same
`QuarterlyReport` as the HTML: Title, then Heading 1 sections (Heading 2 themes, Heading 3
services), so it drops into a council's template and Word's navigation pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument

from perfbot.digest import RAG_ORDER
from perfbot.formatting import format_value
from perfbot.model import Aggregation
from reports.chart_png import TrendPngs, theme_bars
from reports.docx_parts import (
    TABLE_TEXT,
    Pictures,
    a4,
    bullets,
    clear_body,
    ensure_styles,
    page_footer,
    para,
    rag_cell,
    table,
)
from reports.docx_template import open_document
from reports.peers import PeerComparison
from reports.quarterly import MeasureLine, QuarterlyReport
from reports.templating import months
from reports.wording import (
    arrow,
    figures,
    long_date,
    percent,
    provisional_line,
    service_shown,
    travel,
)

TREND_WIDTH = 0.9  # inches: a sparkline in a table cell
# Measure, figure, target, status, since last quarter / year, trend: the measure's words widest.
MEASURE_SHARES = [2.6, 0.95, 0.95, 1.05, 1.3, 1.3, 1.3]


class Charts:
    """The document's pictures and the drawing of its trend lines."""

    def __init__(self, doc: WordDocument) -> None:
        self.pictures = Pictures(doc)
        self.trends = TrendPngs()


def new_document(*, template: bytes | None, council: str, title: str) -> WordDocument:
    """An empty document with the template's styles (or python-docx's), titled for its properties."""
    doc = open_document(template)
    if template is None:
        a4(doc)
    clear_body(doc)
    ensure_styles(doc)
    doc.core_properties.title = f"{council}: {title}"
    doc.core_properties.author = council
    doc.core_properties.last_modified_by = "perfbot"
    doc.core_properties.comments = ""
    page_footer(doc, council)
    return doc


def write_quarterly_docx(path: Path, report: QuarterlyReport, *, template: bytes | None = None) -> None:
    doc = new_document(template=template, council=report.council,
                       title=f"Quarterly performance report, {report.period}")  # fmt: skip
    doc.add_paragraph(report.council)
    doc.add_heading(f"Quarterly performance report, {report.period}", level=0)
    doc.add_paragraph(f"{months(report.period)}. Prepared {long_date(report.prepared)}.")
    charts = Charts(doc)
    _summary(doc, report)
    _themes(doc, report, charts)
    _exceptions(doc, report)
    _actions(doc, report)
    _measures(doc, report, charts)
    _returns(doc, report)
    about(doc)
    doc.save(str(path))


def _summary(doc: WordDocument, report: QuarterlyReport) -> None:
    d, t = report.digest, report.digest.rag_totals
    doc.add_heading("Summary", level=1)
    if d.provisional:
        para(doc, f"{provisional_line(d.provisional)} Their figures may still change.")
    bullets(doc, [f"{d.expected} measures due this quarter",
                  f"{d.returned} returns received ({percent(d.returned, d.expected)})",
                  f"{d.on_time} on time ({percent(d.on_time, d.expected)})",
                  f"{len(d.exceptions)} exceptions for attention"])  # fmt: skip
    para(doc, f"Of the {d.expected} measures due, {t['green']} on target (Green), {t['amber']} slightly "
              f"off target (Amber) and {t['red']} off target beyond tolerance (Red). {t['missing']} had "
              f"no usable return and {t['n/a']} not rated (no target, or data only).")  # fmt: skip
    dp, dl = report.direction_counts("dot_previous"), report.direction_counts("dot_last_year")
    para(doc, f"Since last quarter {dp['improving']} improved, {dp['worsening']} worsened and {dp['same']} "
              f"did not change. Against the same quarter last year {dl['improving']} improved and "
              f"{dl['worsening']} worsened.")  # fmt: skip
    off = report.off_track_projections()
    if off:
        what = "measure is" if len(off) == 1 else "measures are"
        para(doc, f"{len(off)} cumulative {what} projected to miss the annual target:")
        bullets(doc, [f"{r['measure_id']} {r['title']}: projected {format_value(r['projection'], r['unit'])} "
                      f"against {format_value(r['annual_target'], r['unit'])} ({rag_cell(r['projected_rag'])}; "
                      f"{r['projection_method']})" for r in off])  # fmt: skip


def counts_table(doc: WordDocument, caption: str, first: str, rows: dict[str, dict[str, int]],
                 totals: dict[str, int] | None, total_label: str) -> None:  # fmt: skip
    """Measures by RAG status, one row per theme (or service), with a totals row."""
    body = [[name, *(str(c.get(r, 0)) for r in RAG_ORDER), str(sum(c.values()))] for name, c in sorted(rows.items())]
    if totals is not None:
        body.append([total_label, *(str(totals.get(r, 0)) for r in RAG_ORDER), str(sum(totals.values()))])
    table(doc, [first, *(rag_cell(r) for r in RAG_ORDER), "Total"], body, caption=caption)


def _themes(doc: WordDocument, report: QuarterlyReport, charts: Charts) -> None:
    doc.add_heading("RAG status by theme", level=1)
    d = report.digest
    counts_table(doc, "Number of measures by Corporate Plan theme and RAG status", "Theme",
                 d.rag_by_theme, d.rag_totals, "All themes")  # fmt: skip
    for theme in report.themes:
        doc.add_heading(theme.name, level=2)
        charts.pictures.figure(doc, theme_bars(report.analysis, theme.name), alt=theme.chart_alt,
               caption=f"RAG status of the measures in {theme.name}, by service. "
                       "Each status also has its own pattern.")  # fmt: skip


def _exceptions(doc: WordDocument, report: QuarterlyReport) -> None:
    items = report.digest.exceptions
    doc.add_heading(f"Exceptions ({len(items)})", level=1)
    para(doc, "Measures that are Red, missing, late, off target without commentary, turned from Green "
              "to Red, or have a data-quality flag. Most serious first.")  # fmt: skip
    if not items:
        para(doc, "None this quarter.")
    for item in items:
        doc.add_heading(f"{rag_cell(item.rag)} — {item.measure_id} {item.title}", level=2)
        para(doc, f"{service_shown(item.service, report.digest.provisional)} ({item.theme})", label="Service")
        para(doc, figures(item), label="Figures")
        moved = travel(item.dot_previous, item.dot_last_year)
        if moved:
            para(doc, moved, label="Direction of travel")
        para(doc, item.owner, label="Owner")
        para(doc, "", label="Why it is an exception")
        bullets(doc, list(item.reasons))
        para(doc, item.commentary or "None given.", label="Commentary")
        para(doc, item.action or "None given.", label="Action")


def _actions(doc: WordDocument, report: QuarterlyReport) -> None:
    doc.add_heading(f"Remedial actions ({len(report.actions)})", level=1)
    if not report.actions:
        doc.add_paragraph("None: no Red figure this year came with an action still open.")
        return
    doc.add_paragraph("What services said they would do about Red figures, and where each stands: every "
                      "open action, overdue first, and those completed or dropped since the quarter began.")  # fmt: skip
    rows = []
    for line in report.actions:
        act, measure = line.action, report.analysis.measures.get(line.action.measure_id)
        text = act.text + (f" ({line.last_note})" if line.last_note else "")
        title = f"{act.measure_id} {measure.title}" if measure else act.measure_id
        rows.append([text, f"{title} (raised {act.raised_in})", act.owner, str(act.due), line.state])
    table(doc, ["Action", "Measure", "Owner", "Due", "Status"], rows,
          caption=f"Remedial actions, {report.period}")  # fmt: skip


def _measures(doc: WordDocument, report: QuarterlyReport, charts: Charts) -> None:
    doc.add_heading("Every measure", level=1)
    window = report.window
    para(doc, f"Each measure with this quarter's figure, its target and status, its direction of travel, "
              f"and a chart of its last {len(window)} quarters ({window[0]} to {window[-1]}); the dashed "
              "line is the target, the dot the latest figure. Cumulative measures are charted and rated "
              "on the year to date.")  # fmt: skip
    header = ["Measure", "This quarter", "Target", "Status", "Since last quarter", "Since last year",
              f"Last {len(window)} quarters"]  # fmt: skip
    for theme in report.themes:
        doc.add_heading(theme.name, level=2)
        for service, lines in sorted(theme.services.items()):
            doc.add_heading(service_shown(service, report.digest.provisional), level=3)
            rows = [_measure_row(line, report.peers.get(line.measure.measure_id)) for line in lines]
            grid = table(doc, header, rows, rag_column=3, rags=[ln.row["rag"] for ln in lines],
                         caption=f"{service}: measures for {report.period}", shares=MEASURE_SHARES)  # fmt: skip
            for line, row in zip(lines, grid.rows[1:], strict=True):
                last = line.points[-1].target if line.points else None
                trend_cell(row.cells[6], charts, line, target=last)


def _measure_row(line: MeasureLine, peers: PeerComparison | None = None) -> list[str]:
    r = line.row
    name = f"{r['measure_id']} {r['title']}"
    if r.get("ytd") is not None:
        name += f"\nYear to date {format_value(r['ytd'], r['unit'])}"
        if r.get("projection") is not None:
            name += f"; projected year end {format_value(r['projection'], r['unit'])} ({r['projection_method']})"
    if r.get("commentary"):
        name += f"\n{r['commentary']}"
    if peers is not None:
        name += f"\nPeers: {peers.sentence(r['unit'])}"
    target = format_value(r["target"], r["unit"]) if r["target"] is not None else "None"
    return [name, format_value(r["value"], r["unit"]), target, rag_cell(r["rag"]),
            arrow(r["dot_previous"]), arrow(r["dot_last_year"]), ""]  # fmt: skip


def trend_cell(cell: Any, charts: Charts, line: MeasureLine, *, target: float | None) -> None:
    """The measure's sparkline with its alt text (the target line only when not cumulative), or
    the words saying why there is none."""
    drawn = None if line.measure.aggregation is Aggregation.CUMULATIVE else target
    png = charts.trends.draw(line, target=drawn)
    if png is None:
        cell.paragraphs[0].add_run(line.trend_alt).font.size = TABLE_TEXT
    else:
        charts.pictures.add(cell.paragraphs[0], png, alt=line.trend_alt, width=TREND_WIDTH,
                            name=f"Trend of {line.measure.measure_id}")  # fmt: skip


def _returns(doc: WordDocument, report: QuarterlyReport) -> None:
    doc.add_heading("Returns and timeliness", level=1)
    rows = [[str(service), str(int(r["expected"])), f"{int(r['returned'])} ({r['pct_returned']}%)",
             f"{int(r['on_time'])} ({r['pct_on_time']}%)" if r["pct_on_time"] == r["pct_on_time"]
             else f"{int(r['on_time'])} (time not known)"]
            for service, r in report.analysis.completeness().iterrows()]  # fmt: skip
    table(doc, ["Service", "Due", "Received", "On time"], rows,
          caption=f"Returns received and on time by service, {report.period}")  # fmt: skip
    periods, timely = report.timeliness_rows()
    table(doc, ["Service", *periods], [[s, *("—" if v is None else f"{v:.0f}%" for v in vs)] for s, vs in timely],
          caption=f"Percentage of returns received by the deadline, by service, over the last {len(periods)} quarters")  # fmt: skip


ABOUT = [
    ("RAG status", "Each measure is rated against its target by the council's rule: ● Green on or better "
     "than target; ▲ Amber off target but within the measure's tolerance; ■ Red off target by more than "
     "the tolerance; ? Missing no return, or a figure that looks like missing data; ○ Not rated (no "
     "target, no polarity, or a data-only measure). Cumulative measures are rated on the year to date."),
    ("Direction of travel", "Compared with last quarter and with the same quarter last year, allowing for "
     "whether higher or lower is better: ↑ Improving, ↓ Worsening, → No change. “Not comparable” means "
     "one of the two figures is missing."),
    ("Year-end projections", "For cumulative measures the year end is projected from the year to date: by "
     "last year's profile when all four quarters of last year were returned, otherwise in a straight "
     "line (year to date × 4 ÷ quarters so far). Each projection says which method was used."),
    ("Data quality checks", "Figures are flagged when a percentage is outside 0–100, a value is outside "
     "the measure's plausible range, a change from last quarter is more than three standard deviations "
     "of its usual quarter-on-quarter change, or a figure does not match its numerator and denominator."),
]  # fmt: skip


def about(doc: WordDocument) -> None:
    doc.add_heading("About these figures", level=1)
    for heading, text in ABOUT:
        doc.add_heading(heading, level=2)
        para(doc, text)
