"""RAG and direction of travel, table-driven."""

import pytest

from perfbot.model import Direction, Polarity, Rag, RagRule, Unit
from perfbot.rag import RagPolicy, direction, rate
from perfbot.values import Tolerance
from tests.conftest import make_measure

POLICY = RagPolicy()  # band, 5% tolerance
BELFAST = RagPolicy(green_within=Tolerance("percent", 1), tolerance=Tolerance("percent", 5))


@pytest.mark.parametrize(
    ("polarity", "target", "tolerance", "value", "expected"),
    [
        ("higher", 90, None, 90, Rag.GREEN),
        ("higher", 90, None, 95, Rag.GREEN),
        ("higher", 90, None, 85.5, Rag.AMBER),  # exactly 5% short
        ("higher", 90, None, 85.4, Rag.RED),
        ("lower", 20, None, 20, Rag.GREEN),
        ("lower", 20, None, 21, Rag.AMBER),
        ("lower", 20, None, 21.01, Rag.RED),
        ("lower", 20, "2", 22, Rag.AMBER),  # absolute tolerance
        ("lower", 20, "2", 22.5, Rag.RED),
        ("higher", 0, None, 0, Rag.GREEN),  # zero target
        ("higher", 0, None, -1, Rag.RED),  # 5% of zero allows nothing
        ("higher", 0, "1", -1, Rag.AMBER),
        ("higher", -10, None, -10.4, Rag.AMBER),  # negative target (e.g. a budget variance)
        ("higher", -10, None, -11, Rag.RED),
        ("lower", -5, None, -6, Rag.GREEN),
        ("none", 90, None, 10, Rag.NA),
        ("higher", None, None, 10, Rag.NA),
    ],
)
def test_band_rule(polarity, target, tolerance, value, expected):
    measure = make_measure(polarity=Polarity(polarity), target=target, unit=Unit.NUMBER,
                           tolerance=Tolerance.parse(tolerance) if tolerance else None)
    assert rate(measure, value, target=target, policy=POLICY).rag is expected


@pytest.mark.parametrize(("value", "expected"), [(99.2, Rag.GREEN), (98.5, Rag.AMBER), (94, Rag.RED)])
def test_belfast_green_within_one_percent(value, expected):
    measure = make_measure(target=100.0)
    assert rate(measure, value, target=100.0, policy=BELFAST).rag is expected


@pytest.mark.parametrize(
    ("value", "last_year", "expected"),
    [(92, 80, Rag.GREEN), (85, 80, Rag.AMBER), (85, 88, Rag.RED), (85, None, Rag.RED), (70, 60, Rag.RED)],
)
def test_havering_amber_only_when_improved_on_last_year(value, last_year, expected):
    measure = make_measure(target=90.0, rag_rule=RagRule.IMPROVED, tolerance=Tolerance("percent", 10))
    assert rate(measure, value, target=90.0, policy=POLICY, last_year=last_year).rag is expected


@pytest.mark.parametrize(
    ("polarity", "value", "expected"),
    [("higher", 86, Rag.GREEN), ("higher", 82, Rag.AMBER), ("higher", 79, Rag.RED),
     ("lower", 79, Rag.GREEN), ("lower", 82, Rag.AMBER), ("lower", 86, Rag.RED)],
)  # fmt: skip
def test_lincoln_target_range(polarity, value, expected):
    measure = make_measure(polarity=Polarity(polarity), rag_rule=RagRule.RANGE, target_low=80.0, target_high=85.0)
    assert rate(measure, value, target=None, policy=POLICY).rag is expected


def test_data_only_and_text_and_missing():
    volumetric = make_measure(rag_rule=RagRule.DATA_ONLY)
    assert rate(volumetric, 12, target=90.0, policy=POLICY).rag is Rag.NA
    assert rate(make_measure(unit=Unit.TEXT), "done", target=None, policy=POLICY).rag is Rag.NA
    assert rate(make_measure(), None, target=90.0, policy=POLICY).rag is Rag.MISSING


def test_a_zero_far_outside_history_is_probable_missing_data():
    uptime = make_measure(target=99.5)
    result = rate(uptime, 0, target=99.5, policy=POLICY, history=[99.6, 99.7, 99.5, 99.8])
    assert result.rag is Rag.MISSING and "probable missing data" in result.flags[0]
    # a measure that is often zero is rated normally
    often_zero = rate(make_measure(target=0, polarity=Polarity.LOWER), 0, target=0,
                      policy=POLICY, history=[0, 2, 0, 1])  # fmt: skip
    assert often_zero.rag is Rag.GREEN


@pytest.mark.parametrize(
    ("polarity", "value", "earlier", "expected"),
    [("higher", 5, 4, Direction.IMPROVING), ("higher", 3, 4, Direction.WORSENING),
     ("lower", 3, 4, Direction.IMPROVING), ("lower", 5, 4, Direction.WORSENING),
     ("higher", 4, 4, Direction.SAME), ("none", 5, 4, Direction.NA),
     ("higher", 5, None, Direction.NA), ("higher", -2, -3, Direction.IMPROVING)],
)  # fmt: skip
def test_direction_of_travel_is_polarity_aware(polarity, value, earlier, expected):
    assert direction(make_measure(polarity=Polarity(polarity)), value, earlier) is expected
