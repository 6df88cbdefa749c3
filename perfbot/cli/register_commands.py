"""`perfbot register import|show|history|export|template`: the measure register."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError
from perfbot.register_export import export_register, write_template
from perfbot.register_import import load_register
from perfbot.tables import render

MEASURE_COLUMNS = ["measure_id", "title", "theme", "service", "owner_email", "unit", "polarity",
                   "target", "tolerance", "frequency", "rag_rule", "public", "benchmark_metric"]  # fmt: skip
HISTORY_COLUMNS = ["from", "target", "tolerance", "rag_rule", "target_low", "target_high",
                   "recorded", "by"]  # fmt: skip




def import_summary(file_name: str, parsed: Any, changes: Any) -> list[str]:  # noqa: ANN401
    """What an import did, one line, then a line per measure whose terms changed."""
    lines = [f"Imported {len(parsed.measures)} measures from {file_name}: {len(changes.added)} "
             f"added, {len(changes.updated)} updated, {len(changes.unchanged)} unchanged, "
             f"{len(changes.retired)} retired; {changes.targets_set} period targets"
             + (" (kept: a CSV holds none)." if parsed.targets is None else ".")]  # fmt: skip
    return lines + [f"  {line}" for line in changes.terms_changed]


def cmd_import(args: argparse.Namespace) -> int:
    app = _app(args)
    parsed = load_register(args.file)
    changes = app.store.register.apply(parsed.measures, parsed.targets, actor=args.actor,
                                       starts=parsed.starts)  # fmt: skip
    print("\n".join(import_summary(args.file.name, parsed, changes)))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    measures = _app(args).store.register.measures()
    yes_no = args.format != "json"  # JSON keeps true/false; a table or CSV says yes/no as imported
    rows = [m.to_doc() | ({"public": "yes" if m.public else "no"} if yes_no else {}) for m in measures]
    print(render(rows, MEASURE_COLUMNS, args.format))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    register = _app(args).store.register
    measure = register.measure(args.measure)
    if measure is None:
        raise UserError(f"there is no measure '{args.measure}' (see perfbot register show)")
    rows = [
        {"from": str(e.start) if e.start else "first quarter", **e.terms.to_doc(),
         "recorded": e.at[:16].replace("T", " "), "by": e.by}
        for e in register.timeline(measure).entries
    ]  # fmt: skip
    print(f"{measure.measure_id} {measure.title}: terms over time")
    print(render(rows, HISTORY_COLUMNS, args.format))
    overrides = [t for t in register.targets() if t.measure_id == measure.measure_id]
    if overrides and args.format == "table":
        print("\nQuarters with their own target (the targets sheet wins for these):")
        print("\n".join(f"  {t.period}: {t.target:g}" for t in overrides))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    register = _app(args).store.register
    measures = register.measures()
    export_register(args.file, measures=measures, targets=register.targets(), starts=register.starts())
    note = " (period targets are not in a CSV: export to .xlsx or .yaml for them)" \
        if args.file.suffix.lower() == ".csv" and register.targets() else ""
    print(f"Wrote {len(measures)} measures to {args.file}{note}.")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    write_template(args.file)
    print(f"Wrote a blank register workbook to {args.file}: fill in the measures sheet, "
          f"then run perfbot register import {args.file}.")  # fmt: skip
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:  # fmt: skip
    """Add this module's sub-commands to the parser."""
    group = add("register", None, "the measure register").add_subparsers(dest="action", required=True)
    p = add("import", cmd_import, "import measures from CSV, XLSX or YAML (all or nothing)", group)
    p.add_argument("file", type=Path, help="the register file (.csv, .xlsx or .yaml)")
    _actor(p)
    p = add("show", cmd_show, "list the measures", group)
    p.add_argument("--format", choices=formats, default="table", help="how to print it")
    p = add("history", cmd_history, "a measure's targets over time", group)
    p.add_argument("measure", help="the measure id, e.g. CS01")
    p.add_argument("--format", choices=formats, default="table", help="how to print it")
    p = add("export", cmd_export, "write the register to a file that imports back unchanged", group)
    p.add_argument("file", type=Path, help="the file to write (.xlsx, .csv or .yaml)")
    p = add("template", cmd_template, "write a blank register workbook with guidance", group)
    p.add_argument("file", type=Path, help="the workbook to write (.xlsx)")


def _actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", default="performance officer", help="who is doing this (for the audit trail)")
