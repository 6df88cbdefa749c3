"""Shared fixtures: a fresh store, a frozen London clock, a small register."""

from __future__ import annotations

from datetime import datetime

import pytest

from perfbot.clock import LONDON, ManualClock
from perfbot.model import Measure, Polarity, Unit
from perfbot.store import Store


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 12, 10, 0, tzinfo=LONDON))


@pytest.fixture
def store(tmp_path, clock) -> Store:
    return Store.open(tmp_path / "data", clock=clock)


def make_measure(measure_id: str = "M1", **overrides) -> Measure:
    fields = {
        "measure_id": measure_id, "title": f"Measure {measure_id}", "theme": "Theme A",
        "service": "Service A", "owner_email": "owner@council.gov.uk",
        "head_of_service_email": "head@council.gov.uk", "unit": Unit.PERCENT,
        "polarity": Polarity.HIGHER, "target": 90.0,
    }  # fmt: skip
    fields.update(overrides)
    return Measure(**fields)
