"""Committee papers: the report as Word and PDF beside the HTML, for agenda packs
(modern.gov and the like take .docx and .pdf)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reports.annual import AnnualReport
from reports.quarterly import QuarterlyReport
from reports.report_docx import write_quarterly_docx
from reports.report_docx_annual import write_annual_docx
from reports.report_pdf import write_pdf

Atomic = Callable[[Path, Callable[[Path], None]], Path]


def write_papers(out: Path, report: QuarterlyReport | AnnualReport, html: str, *,
                 template: bytes | None, atomic: Atomic) -> list[Path]:  # fmt: skip
    """`performance-<slug>.docx` (in the council's template's styles when given) and `.pdf`."""
    stem = f"performance-{report.slug}"
    if isinstance(report, AnnualReport):
        docx = atomic(out / f"{stem}.docx", lambda p: write_annual_docx(p, report, template=template))
    else:
        docx = atomic(out / f"{stem}.docx", lambda p: write_quarterly_docx(p, report, template=template))
    return [docx, atomic(out / f"{stem}.pdf", lambda p: write_pdf(p, html))]
