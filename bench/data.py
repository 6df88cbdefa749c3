"""A county-scale history written straight into a store: N measures × Q quarters of returns."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from perfbot.clock import LONDON, ManualClock
from perfbot.config import CONFIG_NAME, DEFAULT_TOML
from perfbot.model import Aggregation, Measure, Polarity, Return, Unit
from perfbot.periods import Period
from perfbot.store import Store

THEMES = ["A thriving economy", "Safe and healthy communities", "A greener county",
          "Children and young people", "An efficient council", "Homes and places"]  # fmt: skip
SERVICES_PER_THEME = 6


def _measure(number: int, rng: random.Random) -> Measure:
    theme = THEMES[number % len(THEMES)]
    service = f"{theme.split()[-1].title()} service {number // len(THEMES) % SERVICES_PER_THEME + 1}"
    kind = number % 5
    unit = [Unit.PERCENT, Unit.NUMBER, Unit.DAYS, Unit.CURRENCY, Unit.NUMBER][kind]
    return Measure(
        measure_id=f"M{number:04d}", title=f"Measure {number} of the county plan", theme=theme,
        service=service, owner_email=f"owner{number % 250}@county.gov.uk",
        head_of_service_email=f"head{number % 36}@county.gov.uk", unit=unit,
        polarity=Polarity.LOWER if kind == 2 else Polarity.HIGHER,
        target=[85.0, 500.0, 12.0, 25000.0, 2000.0][kind],
        aggregation=Aggregation.CUMULATIVE if kind == 4 else Aggregation.SNAPSHOT,
    )  # fmt: skip


def _value(measure: Measure, rng: random.Random) -> float:
    base = measure.target / 4 if measure.aggregation is Aggregation.CUMULATIVE else measure.target
    value = base * rng.gauss(1.0, 0.06)
    if measure.unit is Unit.PERCENT:
        value = min(max(value, 0.0), 100.0)
    return round(value, 1)


def build_store(data_dir: Path, *, measures: int, quarters: int, last: Period) -> tuple[Store, Period]:
    """Write the register, one round per quarter and every return; return the store and period."""
    rng = random.Random(4)
    periods = last.back(quarters)
    clock = ManualClock(datetime.combine(last.end + timedelta(days=40), datetime.min.time(), LONDON))
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / CONFIG_NAME).write_text(DEFAULT_TOML, encoding="utf-8")
    store = Store.open(data_dir, clock=clock)
    register = [_measure(n, rng) for n in range(measures)]
    store.register.apply(register, [], actor="bench")
    for period in periods:
        due = datetime.combine(period.end + timedelta(days=21), datetime.min.time(), LONDON)
        batch = []
        for measure in register:
            if rng.random() < 0.02:
                continue  # a few returns never arrive
            late = rng.random() < 0.05
            batch.append(Return(
                measure.measure_id, period, _value(measure, rng),
                commentary="On track." if rng.random() < 0.7 else "",
                action="", submitted_by=measure.owner_email,
                submitted_at=due + timedelta(days=3 if late else -5),
            ))  # fmt: skip
        store.returns.save_many(batch)
        store.rounds.open(period, deadline=due, actor="bench")
    return store, last
