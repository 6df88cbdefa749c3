"""The quarterly and annual reports as one self-contained, accessible, printable HTML file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reports.templating import render

if TYPE_CHECKING:
    from reports.annual import AnnualReport
    from reports.quarterly import QuarterlyReport


def quarterly_html(report: QuarterlyReport, *, files: Sequence[str] = ()) -> str:
    """The quarterly report; `files` are the companion data files named in its last section."""
    return render("quarterly_report.html.j2", report=report, files=list(files))


def annual_html(report: AnnualReport, *, files: Sequence[str] = ()) -> str:
    """The annual report."""
    return render("annual_report.html.j2", report=report, files=list(files))
