"""What a Slack DM shows as returned: the current return of each of its measures, read by key."""

from __future__ import annotations

from bot.slack.returns import recorded
from perfbot.config import parse
from perfbot.model import Return
from perfbot.periods import Period
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def test_a_dm_shows_its_own_measures_current_returns(any_store) -> None:
    measures = [make_measure(f"M{n:02d}") for n in range(15)]
    any_store.register.apply(measures, [], actor="officer")
    for n in (1, 4, 13):
        any_store.returns.save(Return(measure_id=f"M{n:02d}", period=Q3, value=80.0 + n,
                                      submitted_by="owner@council.gov.uk"))  # fmt: skip
    any_store.returns.save(Return(measure_id="M04", period=Q3.previous(), value=1.0,
                                  submitted_by="owner@council.gov.uk"))  # fmt: skip
    config = parse({})
    few = recorded(any_store, config, Q3, measures[:5])
    every = recorded(any_store, config, Q3, measures)
    assert sorted(few) == ["M01", "M04"] and sorted(every) == ["M01", "M04", "M13"]
    assert few["M04"] == every["M04"] and few["M04"].value == "84%" and few["M04"].revision == 1
