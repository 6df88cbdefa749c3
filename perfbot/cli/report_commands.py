"""Report commands: `perfbot report PERIOD --out DIR [--docx-template FILE]` and `--annual`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfbot.cli.app_access import open_for_reading
from perfbot.periods import Period, parse_financial_year


def cmd_report(args: argparse.Namespace) -> int:
    from perfbot.cli.errors import UserError
    from reports.annual import ReportInputError
    from reports.docx_template import DocxTemplateError, load_template
    from reports.publish import ReportOutputError, write_annual, write_quarterly

    config, store = open_for_reading(args)
    try:
        template = None if args.docx_template is None else load_template(args.docx_template)
        if args.annual:
            year = parse_financial_year(args.when)
            written = write_annual(store, config, year, args.out, docx_template=template,
                                   papers=not args.no_papers)  # fmt: skip
        else:
            written = write_quarterly(store, config, Period.parse(args.when), args.out,
                                      docx_template=template, papers=not args.no_papers)  # fmt: skip
    except (ReportOutputError, ReportInputError, DocxTemplateError) as error:
        raise UserError(str(error)) from None
    kind = "Annual" if args.annual else "Quarterly"
    print(f"{kind} report for {args.when} written to {args.out}:")
    for path in written:
        print(f"  {path.name}")
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
    p = add("report", cmd_report, "write the quarterly (or --annual) report: HTML, Word, PDF, XLSX and open-data CSV")
    p.add_argument("when", metavar="PERIOD", help='a quarter like "2025/26 Q3" (with --annual, a year like 2025/26)')
    p.add_argument("--annual", action="store_true", help="the annual report for a financial year")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write the files into")
    p.add_argument("--no-papers", action="store_true",
                   help="skip the Word and PDF papers (quicker: HTML, XLSX and open data only)")
    p.add_argument("--docx-template", type=Path, metavar="FILE",
                   help="the council's Word template (.docx or .dotx) whose styles, headers and footers the Word report uses")
