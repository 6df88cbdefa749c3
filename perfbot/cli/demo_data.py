"""Deterministic sample history and this quarter's replies for the fictional Larkfield DC."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from perfbot.model import Aggregation, Frequency, Measure, Polarity, Unit, Value
from perfbot.periods import Period
from perfbot.rag import RagPolicy
from perfbot.rating import period_target, rate_return

SAMPLE_REGISTER = Path(__file__).resolve().parent.parent / "sample" / "register.yaml"
SAMPLE_PEERS = SAMPLE_REGISTER.with_name("peers.csv")  # fictional councils, fictional metric ids
PEERS_TOML = {  # the [peers] settings the demo uncomments
    "# area_code = ": 'area_code = "E07000999"  #',
    "# group_name = ": 'group_name = "CIPFA nearest neighbours"  #',
}
TYPICAL = {"WR05": 340.0, "RB05": 6150.0, "LC05": 42000.0}  # measures with no target
REASONS = [
    "Two vacancies in the team during the quarter; both posts now filled.",
    "Demand rose sharply after the storm in November.",
    "System migration slowed processing for three weeks.",
    "Seasonal pattern: the same dip happens every winter.",
]
ACTIONS = [
    "Overtime agreed for six weeks and a weekly backlog report to the head of service.",
    "Temporary staff brought in from the corporate pool until the backlog clears.",
]


def _base(measure: Measure, period: Period, overrides: dict[tuple[str, Period], float]) -> float:
    target = period_target(measure, period, lambda p: overrides.get((measure.measure_id, p)))
    if target is None:
        return TYPICAL.get(measure.measure_id, 100.0)
    if measure.aggregation is Aggregation.CUMULATIVE:
        year_to_date_before = (
            period_target(measure, period.previous(), lambda p: overrides.get((measure.measure_id, p)))
            if period.quarter > 1 else 0.0
        )  # fmt: skip
        return max(target - (year_to_date_before or 0.0), 1.0)
    return target


def sample_value(measure: Measure, period: Period, overrides, rng: random.Random) -> float:  # noqa: ANN001
    """A plausible figure: around target, leaning slightly the right way."""
    base = _base(measure, period, overrides)
    lean = 1 if measure.polarity is not Polarity.LOWER else -1
    if measure.measure_id == "CS05":
        return round(rng.uniform(99.5, 99.8), 1)  # uptime: stable, so a 0 stands out
    if measure.unit is Unit.PERCENT and base > 90:
        value = base + lean * rng.gauss(0.2, 1.2)
    else:
        value = base * (1 + lean * rng.gauss(0.01, 0.06))
    if measure.unit is Unit.PERCENT:
        value = min(max(value, 0.0), 100.0)
    return round(value, 1) if measure.unit in (Unit.PERCENT, Unit.DAYS) else float(round(value))


def write_history(measures: list[Measure], overrides, periods: list[Period], path: Path) -> int:  # noqa: ANN001
    """Write eight quarters of returns (with commentary where off target) to a CSV."""
    rng = random.Random(2025)
    values: dict[tuple[str, Period], Value] = {}
    rows = []
    policy = RagPolicy()
    for period in periods:
        for m in measures:
            if m.frequency is Frequency.ANNUAL and period.quarter != 4:
                continue
            value = sample_value(m, period, overrides, rng)
            values[(m.measure_id, period)] = value
            rag = rate_return(m, period, value, policy=policy,
                              value_for=lambda p, m=m: values.get((m.measure_id, p)),
                              override_for=lambda p, m=m: overrides.get((m.measure_id, p))).rag  # fmt: skip
            off = rag.value in ("amber", "red")
            rows.append({
                "measure_id": m.measure_id, "period": str(period), "value": value,
                "commentary": rng.choice(REASONS) if off else "On track.",
                "action": rng.choice(ACTIONS) if rag.value == "red" else "",
                "submitted_by": m.owner_email,
            })  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


# This quarter's story: figures that differ from the generated ones, and how people behave.
SET_VALUES = {"RB03": 27.0, "HO02": 53.0, "CS01": 73.5, "PL01": 82.0, "WR01": 48.4, "HR01": 2.9}
NEVER_REPLY = {"sam.patel@larkfield.gov.uk"}
# owner → working days after the round opens when they reply (beyond the deadline = late)
REPLY_DAY = {
    "amira.hassan": 1, "tom.brennan": 2, "lucy.fernandes": 3, "mark.oduya": 12,
    "kevin.walsh": 2, "joanna.price": 5, "nadia.karim": 1, "rhys.evans": 11,
    "chloe.adams": 4, "ben.hughes": 7, "grace.liu": 6, "ian.murray": 3,
    "beth.collins": 8, "zoe.turner": 2, "daniel.wright": 9,
}
AWAY = ("tom.brennan@larkfield.gov.uk", date(2026, 1, 5), date(2026, 1, 16))  # owner, from, to
DEPUTY = "amira.hassan@larkfield.gov.uk"  # covers Tom's returns while he is away
OFFICER = "performance@example.gov.uk"
CHASE = (date(2026, 1, 19), "Economic Development")  # the officer chases a quiet service
FORGETS_COMMENTARY = {"RB03"}  # first try has no commentary: validation sends it back
TYPES_ZERO = {"CS05"}  # first try says 0 (the figure was not in yet)

# Sign-off ([cycle] sign_off = true): what each head of service does with their service's figures
# (default: approve the working day after they are asked).
SEND_BACK = {"Waste & Recycling": "WR02 looks like last year's figure: please check it against the weighbridge records."}
HEAD_SILENT = {"Revenues & Benefits", "Leisure & Culture"}  # never decide; the officer may step in
OFFICER_STEPS_IN = {"Revenues & Benefits": "James is on leave; he agreed the figures by phone."}
