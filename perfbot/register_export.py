"""Write the register back out (XLSX, CSV or YAML) so that importing the file changes nothing,
and a blank XLSX template with a row of explanation, drop-down lists and one example measure."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from perfbot.model import Aggregation, Frequency, Measure, Polarity, RagRule, TargetOverride, Unit
from perfbot.periods import Period
from perfbot.register_import import OPTIONAL, REQUIRED
from perfbot.tabular import InputFileError

COLUMNS = (*REQUIRED, *OPTIONAL)
TARGET_COLUMNS = ("measure_id", "period", "target")
CHOICES: dict[str, tuple[str, ...]] = {
    "unit": tuple(u.value for u in Unit),
    "polarity": tuple(p.value for p in Polarity),
    "frequency": tuple(f.value for f in Frequency),
    "aggregation": tuple(a.value for a in Aggregation),
    "rag_rule": tuple(r.value for r in RagRule),
    "public": ("yes", "no"),
}
EXPLANATION = {
    "measure_id": "# One row per measure; delete this row or keep it (rows starting # are skipped)",
    "title": "What is measured, as CMT reads it",
    "theme": "Corporate Plan theme",
    "service": "Service area (one theme and head of service each)",
    "owner_email": "Who sends the figure each quarter",
    "head_of_service_email": "Who overdue returns are escalated to",
    "unit": "number, percent, currency, days or text",
    "polarity": "higher or lower is better, or none",
    "target": "Annual or quarterly target (85 for 85%)",
    "tolerance": "Amber band: 5% of target, or an absolute number",
    "frequency": "quarterly or annual (returned in Q4)",
    "aggregation": "snapshot, or cumulative (year to date)",
    "data_source": "Where the figure comes from",
    "description": "Definition, for the owner's form",
    "rag_rule": "Blank for the council's rule; band, improved, range or data_only",
    "target_low": "range rule: the minimum target",
    "target_high": "range rule: the stretch target",
    "plausible_min": "Lowest believable value (a % reduction may be below 0)",
    "plausible_max": "Highest believable value",
    "target_from": "Quarter a changed target applies from, e.g. 2026/27 Q1",
    "public": "yes: shown on the public performance page once its quarter is closed; blank is no",
    "benchmark_metric": "Comparison metric for peers, e.g. an LG Inform metric id (docs/peers.md)",
}
EXAMPLE = {
    "measure_id": "EX01", "title": "Calls answered within 60 seconds", "theme": "A Well-Run Council",
    "service": "Customer Services", "owner_email": "owner@council.gov.uk",
    "head_of_service_email": "head.of.service@council.gov.uk", "unit": "percent",
    "polarity": "higher", "target": 85, "tolerance": "5%", "frequency": "quarterly",
    "aggregation": "snapshot", "data_source": "Telephony system monthly report",
    "description": "Calls answered by an adviser within 60 seconds ÷ all calls offered", "public": "yes",
}  # fmt: skip


def register_rows(measures: list[Measure], starts: dict[str, Period]) -> list[dict[str, Any]]:
    """Every column of every measure, as the importer reads it (blank where nothing is set)."""
    rows = []
    for measure in measures:
        doc = measure.to_doc()
        row = {column: _plain(doc.get(column)) for column in COLUMNS if column != "target_from"}
        start = starts.get(measure.measure_id)
        row["target_from"] = str(start) if start else None
        row["public"] = "yes" if measure.public else "no"
        rows.append(row)
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return getattr(value, "value", value)


def target_rows(targets: list[TargetOverride]) -> list[dict[str, Any]]:
    ordered = sorted(targets, key=lambda t: (t.measure_id, t.period))
    return [{"measure_id": t.measure_id, "period": str(t.period), "target": _plain(t.target)} for t in ordered]


def export_register(
    path: Path, *, measures: list[Measure], targets: list[TargetOverride], starts: dict[str, Period]
) -> None:
    """Write the register to `path` (.xlsx, .csv or .yaml). A CSV holds no period targets (an
    import of a CSV leaves them as they are)."""
    rows, per_period = register_rows(measures, starts), target_rows(targets)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(path, rows, per_period)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    elif suffix in (".yaml", ".yml"):
        document = {
            "measures": [{k: v for k, v in r.items() if v not in (None, "")} for r in rows],
            "targets": per_period,
        }
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        raise InputFileError(f"{path.name}: use a .xlsx, .csv or .yaml file name")


def _write_xlsx(path: Path, rows: list[dict[str, Any]], per_period: list[dict[str, Any]], *,
                notes: bool = False) -> None:  # fmt: skip
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "measures"
    sheet.append(list(COLUMNS))
    if notes:
        sheet.append([EXPLANATION[c] for c in COLUMNS])
        for cell in sheet[2]:
            cell.font = Font(italic=True, color="505A5F")
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    last = max(sheet.max_row, 1000)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if column in ("title", "description") else 16
        if column in CHOICES:
            check = DataValidation(type="list", formula1='"' + ",".join(CHOICES[column]) + '"',
                                   allow_blank=True, showErrorMessage=True,
                                   error=f"Choose one of: {', '.join(CHOICES[column])}",
                                   errorTitle=f"Not a {column.replace('_', ' ')}")  # fmt: skip
            check.add(f"{letter}{3 if notes else 2}:{letter}{last}")
            sheet.add_data_validation(check)
    targets = workbook.create_sheet("targets")
    targets.append(list(TARGET_COLUMNS))
    for cell in targets[1]:
        cell.font = Font(bold=True)
    for row in per_period:
        targets.append([row[c] for c in TARGET_COLUMNS])
    workbook.save(path)


def write_template(path: Path) -> None:
    """A blank register workbook: headers, a row of explanation, drop-downs, one example."""
    if path.suffix.lower() != ".xlsx":
        raise InputFileError(f"{path.name}: the template is a workbook; name it …xlsx")
    _write_xlsx(path, [EXAMPLE], [], notes=True)
