"""A fixture quarter with hand-computed RAG, direction of travel and exceptions."""

from datetime import datetime

import pytest

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.model import Aggregation, Polarity, Return, Unit
from perfbot.periods import Period
from reports.analysis import analyse
from reports.digest import build_digest
from reports.render_text import render_text
from tests.conftest import make_measure

Q3 = Period(2025, 3)


@pytest.fixture
def analysed(store):
    store.register.apply([
        make_measure("GREEN"),                                       # 92 vs 90 → green
        make_measure("FLIP"),                                        # 80 vs 90, was 91 → red, turned
        make_measure("LATE", polarity=Polarity.LOWER, target=10.0, unit=Unit.NUMBER),
        make_measure("GONE", service="Service B", theme="Theme B"),  # no return
        make_measure("CUM", unit=Unit.NUMBER, target=100.0, aggregation=Aggregation.CUMULATIVE),
    ], [], actor="t")  # fmt: skip
    store.rounds.open(Q3, deadline=datetime(2026, 1, 22, 23, 59, tzinfo=LONDON), actor="t")
    on_time = datetime(2026, 1, 10, tzinfo=LONDON)
    rows = [("GREEN", Q3.previous(), 88.0, on_time), ("GREEN", Q3, 92.0, on_time),
            ("FLIP", Q3.previous(), 91.0, on_time), ("FLIP", Q3, 80.0, on_time),
            ("LATE", Q3, 10.4, datetime(2026, 1, 25, tzinfo=LONDON)),
            ("CUM", Period(2025, 1), 25.0, on_time), ("CUM", Period(2025, 2), 25.0, on_time),
            ("CUM", Q3, 20.0, on_time)]  # fmt: skip
    for measure_id, period, value, at in rows:
        store.returns.save(Return(measure_id, period, value, submitted_by="o", submitted_at=at))
    return analyse(store, Config(), Q3)


def _row(analysis, measure_id):
    return next(r for r in analysis.records() if r["measure_id"] == measure_id)


def test_rag_and_direction(analysed):
    assert _row(analysed, "GREEN")["rag"] == "green" and _row(analysed, "GREEN")["dot_previous"] == "improving"
    flip = _row(analysed, "FLIP")
    assert flip["rag"] == "red" and flip["dot_previous"] == "worsening"
    assert "turned from green to red since last quarter" in flip["exceptions"]
    assert "off target without commentary" in flip["exceptions"]
    assert _row(analysed, "LATE")["rag"] == "amber"  # 10.4 vs 10, lower is better, within 5%
    assert "late: returned after the deadline" in _row(analysed, "LATE")["exceptions"]
    gone = _row(analysed, "GONE")
    assert gone["rag"] == "missing" and gone["exceptions"] == ["missing: no return received"]


def test_cumulative_measures_are_rated_year_to_date(analysed):
    cumulative = _row(analysed, "CUM")  # 70 year to date against 75 (100 pro rata for Q3)
    assert cumulative["ytd"] == 70.0 and cumulative["target"] == 75.0 and cumulative["rag"] == "red"


def test_completeness_and_digest(analysed):
    completeness = analysed.completeness()
    assert completeness.loc["Service A", "returned"] == 4 and completeness.loc["Service B", "returned"] == 0
    digest = build_digest(analysed, council="Test DC", now=datetime(2026, 1, 29, tzinfo=LONDON))
    assert (digest.returned, digest.expected, digest.on_time) == (4, 5, 3)
    assert digest.rag_by_theme["Theme B"]["missing"] == 1
    assert digest.exceptions[0].rag == "red"
    text = render_text(digest)
    assert "Returns received: 4 of 5" in text and "GONE" in text and "nan" not in text
