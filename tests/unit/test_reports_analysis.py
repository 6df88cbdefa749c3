"""The fixture quarter's analysis against figures worked out by hand (see test_reports_sample)."""

from __future__ import annotations

from datetime import datetime

import pytest

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.model import Measure, Return, Unit
from perfbot.periods import Period
from reports.analysis import analyse
from reports.digest import build_digest
from reports.exceptions import data_quality_flags, ratio_mismatch
from tests.conftest import make_measure
from tests.unit.test_reports_sample import Q3, fill

TOLERANCE_RED = "red: off target by more than the tolerance of 5%"


@pytest.fixture
def analysed(store):
    fill(store)
    return analyse(store, Config(), Q3)


def _row(analysis, measure_id):
    return next(r for r in analysis.records() if r["measure_id"] == measure_id)


@pytest.mark.parametrize(("measure_id", "rag", "dot_previous", "dot_last_year", "reasons"), [
    ("GRN", "green", "improving", "improving", []),  # 92 v 90; 88 last quarter, 85 last year
    ("FLIP", "red", "worsening", "n/a",  # 80 v 90, short by 10 > 4.5; 91 (green) last quarter
     [TOLERANCE_RED, "off target without commentary", "turned from green to red since last quarter"]),
    ("AMB", "amber", "improving", "n/a", ["late: returned after the deadline"]),  # 10.4 v 10, lower better
    ("CUM", "red", "worsening", "worsening",  # 70 year to date v 75; Q2 was 50 v 50 (green)
     [TOLERANCE_RED, "turned from green to red since last quarter"]),
    ("CUM2", "green", "same", "n/a", []),  # 90 year to date v 75
    ("GONE", "missing", "n/a", "n/a", ["missing: no return received"]),
    ("PCT", "green", "n/a", "n/a", ["data quality: 104% is outside 0–100"]),
    ("RATIO", "green", "n/a", "n/a",
     ["data quality: 62.5 does not match its workings (60 ÷ 100 × 100 = 60)"]),
    ("RATIO_OK", "green", "n/a", "n/a", []),  # 5 ÷ 8 × 100 = 62.5 exactly
    ("PLAUS", "n/a", "n/a", "n/a", ["data quality: 5000 is above the plausible maximum 1000"]),
    ("SWING", "green", "improving", "improving",  # +60 against changes of about ±1
     ["data quality: a change of +60 is more than 3 standard deviations of its usual "
      "quarter-on-quarter change"]),
])  # fmt: skip
def test_hand_computed_rag_direction_and_exceptions(analysed, measure_id, rag, dot_previous,
                                                    dot_last_year, reasons):  # fmt: skip
    row = _row(analysed, measure_id)
    assert (row["rag"], row["dot_previous"], row["dot_last_year"]) == (rag, dot_previous, dot_last_year)
    assert row["exceptions"] == reasons


def test_year_end_projection_by_last_years_profile(analysed):
    row = _row(analysed, "CUM")  # 70 so far; last year 75 of its 100 was in by Q3 → 70 ÷ 0.75
    assert row["ytd"] == 70.0 and row["annual_target"] == 100.0
    assert row["projection"] == pytest.approx(93.33)
    assert row["projection_method"] == "last year's profile: 75% of last year's total was in by Q3"
    assert row["projected_rag"] == "red"  # 93.3 v 100: short by 6.7, beyond 5%


def test_year_end_projection_in_a_straight_line_without_last_year(analysed):
    row = _row(analysed, "CUM2")  # 90 in three quarters → 120
    assert row["projection"] == 120.0 and row["projected_rag"] == "green"
    assert row["projection_method"].startswith("straight line: 3 quarters")
    assert _row(analysed, "GRN")["projection"] is None  # snapshot measures are not projected


def test_completeness_by_service(analysed):
    table = analysed.completeness()
    assert table.loc["Service A"].to_dict() == {
        "expected": 5, "returned": 5, "on_time": 4, "pct_returned": 100.0, "pct_on_time": 80.0}
    assert table.loc["Service B", "returned"] == 5 and table.loc["Service B", "pct_returned"] == 83.3


def test_timeliness_over_the_last_four_quarters(analysed):
    table = analysed.timeliness()
    assert list(table.columns) == ["2024/25 Q4", "2025/26 Q1", "2025/26 Q2", "2025/26 Q3"]
    # Service A: CUM only in 2024/25 Q4 (1 of 5); CUM, CUM2 in Q1; four in time in Q2 (FLIP late).
    assert table.loc["Service A"].tolist() == [20.0, 40.0, 80.0, 80.0]
    assert table.loc["Service B"].tolist() == [16.7, 16.7, 16.7, 83.3]


def test_rag_roll_ups_by_theme_and_service(analysed):
    theme = analysed.rag_counts("theme")
    assert theme.loc["Theme A"].to_dict() == {"green": 2, "amber": 1, "red": 2, "n/a": 0, "missing": 0}
    assert analysed.rag_counts("service").loc["Service B", "missing"] == 1


def test_digest_orders_exceptions_most_serious_first(analysed):
    digest = build_digest(analysed, council="Test DC", now=datetime(2026, 1, 29, tzinfo=LONDON))
    assert [i.measure_id for i in digest.exceptions] == [
        "CUM", "FLIP", "GONE", "AMB", "PLAUS", "PCT", "RATIO", "SWING"]
    assert digest.timeliness["Service A"]["2025/26 Q2"] == 80.0
    assert digest.rag_by_service["Service A"]["red"] == 2
    assert digest.exceptions[0].dot_previous == "worsening"


@pytest.mark.parametrize(("unit", "value", "numerator", "denominator", "flagged"), [
    (Unit.PERCENT, 87.5, 7, 8, False),
    (Unit.PERCENT, 87.5, 87.46, 100, False),  # agrees once rounded to the value's 1 decimal place
    (Unit.PERCENT, 87.5, 87.44, 100, True),
    (Unit.PERCENT, 88.0, 87.6, 100, False),  # a whole number: half a unit either way
    (Unit.NUMBER, 2.5, 10, 4, False),  # other units: numerator ÷ denominator
    (Unit.NUMBER, 25.0, 10, 4, True),
    (Unit.PERCENT, 50.0, 1, 0, True),  # a zero denominator
    (Unit.PERCENT, 50.0, 1, None, True),  # half the workings
])  # fmt: skip
def test_numerator_denominator_check(unit, value, numerator, denominator, flagged):
    measure: Measure = make_measure("R", unit=unit)
    assert (ratio_mismatch(measure, value, numerator, denominator) is not None) is flagged
    assert ratio_mismatch(measure, value, None, None) is None


def test_return_workings_round_trip_and_old_documents_still_load():
    item = Return("R", Q3, 62.5, numerator=5.0, denominator=8.0)
    doc = item.to_doc()
    assert (doc["numerator"], doc["denominator"]) == (5.0, 8.0)
    assert Return.from_doc(doc) == item
    plain = Return("R", Period(2025, 3), 1.0).to_doc()
    assert "numerator" not in plain and Return.from_doc(plain).numerator is None


@pytest.mark.parametrize(("history", "value", "flag"), [
    ([100.0] * 6, 100.0, None),
    ([100.0] * 6, 103.0, "data quality: a change of +3 where it never moved"),
    ([10.0, 15.0, 20.0, 25.0, 30.0], 35.0, None),  # steady growth is not a swing
    ([10.0, 15.0, 20.0, 25.0, 30.0], 31.0, "data quality: a change of +1 where it always changed by +5"),
    ([100.0, 101.0, 99.0, 100.0], 160.0, None),  # too little history to judge
])  # fmt: skip
def test_swing_against_the_measures_own_history(history, value, flag):
    flags = data_quality_flags(make_measure("S", unit=Unit.NUMBER), value, history)
    assert flags == ([flag] if flag else [])
