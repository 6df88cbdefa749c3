"""Rating in context reads the store in a few calls and rates exactly as quarter-by-quarter reads."""

from __future__ import annotations

import pytest

from perfbot.model import Aggregation, Return, TargetOverride
from perfbot.periods import Period
from perfbot.rag import RagPolicy
from perfbot.rating import (
    prefetch_window,
    quarters_read_to_rate,
    rate_in_context,
    rate_return,
    stored_values,
)
from tests.conftest import make_measure

RATED = Period(2025, 3)


def _history(store, measure_id: str, values: dict[Period, float]) -> None:
    store.returns.save_many([Return(measure_id, p, v, submitted_by="o") for p, v in values.items()])


def test_the_window_holds_every_quarter_a_rating_reads_from_its_first_read():
    first = RATED.back(9)[0]  # `rate_return` reads its history's oldest quarter first
    assert prefetch_window(first) == quarters_read_to_rate(RATED)


@pytest.mark.parametrize("aggregation", [Aggregation.SNAPSHOT, Aggregation.CUMULATIVE])
@pytest.mark.parametrize("value", [0.0, 10.0, 40.0, 95.0])
def test_a_rating_in_context_equals_one_from_per_quarter_reads(any_store, aggregation, value):
    measure = make_measure("M1", aggregation=aggregation, target=80.0)
    any_store.register.apply([measure], [TargetOverride("M1", RATED, 60.0)], actor="test")
    _history(any_store, "M1", {p: 20.0 + i for i, p in enumerate(RATED.back(12)[:-1])})

    def one_by_one(period: Period):
        found = any_store.returns.get("M1", period)
        return found.value if found else None

    expected = rate_return(measure, RATED, value, policy=RagPolicy(), value_for=one_by_one,
                           override_for=lambda p: any_store.register.target_override("M1", p),
                           measure_for=lambda p: any_store.register.in_force(measure, p))  # fmt: skip
    assert rate_in_context(any_store, RagPolicy(), measure, RATED, value) == expected


def test_staged_figures_win_and_quarters_outside_the_window_are_still_read(any_store):
    old, recent = Period(2019, 1), RATED.previous()
    _history(any_store, "M1", {old: 1.0, recent: 2.0, RATED: 3.0})
    value_for = stored_values(any_store, "M1", {("M1", recent): 7.0})
    assert value_for(RATED.back(9)[0]) is None  # the first read: the window around RATED
    assert (value_for(RATED), value_for(recent), value_for(old)) == (3.0, 7.0, 1.0)
