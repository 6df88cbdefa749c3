"""What a Slack DM shows as returned: the same whether its measures are read one by one (a DM's
handful) or with their whole quarter (a long list)."""

from __future__ import annotations

from bot.slack import returns as slack_returns
from bot.slack.returns import recorded
from perfbot.config import parse
from perfbot.model import Return
from perfbot.periods import Period
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def test_a_few_measures_and_many_show_the_same_returns(any_store) -> None:
    measures = [make_measure(f"M{n:02d}") for n in range(slack_returns.FEW + 3)]
    any_store.register.apply(measures, [], actor="officer")
    for n in (1, 4, slack_returns.FEW + 1):
        any_store.returns.save(Return(measure_id=f"M{n:02d}", period=Q3, value=80.0 + n,
                                      submitted_by="owner@council.gov.uk"))  # fmt: skip
    any_store.returns.save(Return(measure_id="M04", period=Q3.previous(), value=1.0,
                                  submitted_by="owner@council.gov.uk"))  # fmt: skip
    config = parse({})
    few = recorded(any_store, config, Q3, measures[:5])
    many = recorded(any_store, config, Q3, measures)
    assert sorted(few) == ["M01", "M04"] and sorted(many) == ["M01", "M04", f"M{slack_returns.FEW + 1:02d}"]
    assert few["M04"] == many["M04"] and few["M04"].value == "84%" and few["M04"].revision == 1
