"""Report commands: `perfbot report PERIOD --out DIR` and `perfbot report YEAR --annual --out DIR`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfbot.periods import Period, parse_financial_year


def cmd_report(args: argparse.Namespace) -> int:
    from perfbot.cli.commands import _app
    from perfbot.cli.errors import UserError
    from reports.annual import ReportInputError
    from reports.publish import ReportOutputError, write_annual, write_quarterly

    app = _app(args)
    try:
        if args.annual:
            year = parse_financial_year(args.when)
            written = write_annual(app.store, app.config, year, args.out)
        else:
            written = write_quarterly(app.store, app.config, Period.parse(args.when), args.out)
    except (ReportOutputError, ReportInputError) as error:
        raise UserError(str(error)) from None
    kind = "Annual" if args.annual else "Quarterly"
    print(f"{kind} report for {args.when} written to {args.out}:")
    for path in written:
        print(f"  {path.name}")
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
    p = add("report", cmd_report, "write the quarterly (or --annual) report: HTML, XLSX and open-data CSV")
    p.add_argument("when", metavar="PERIOD", help='a quarter like "2025/26 Q3" (with --annual, a year like 2025/26)')
    p.add_argument("--annual", action="store_true", help="the annual report for a financial year")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write the files into")
