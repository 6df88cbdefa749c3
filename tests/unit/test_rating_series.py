"""The reports' batch rating (`SeriesRater`) gives exactly what `rate_return`, the reference, gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from perfbot.model import Aggregation, Measure, Polarity, RagRule, Value
from perfbot.periods import Period
from perfbot.rag import CONFIRMED_ZERO, MISSING_ZERO, RagPolicy
from perfbot.rating import SeriesRater, numeric, period_target, rate_return, year_to_date
from perfbot.terms import Terms, TermsBook, TermsEntry, Timeline
from perfbot.values import Tolerance
from tests.conftest import make_measure

LAST = Period(2025, 3)
QUARTERS = LAST.back(20)  # the eight rated quarters and every quarter their ratings read
RATED = LAST.back(8)


def _reference(measure: Measure, book: TermsBook, values: dict[Period, Value],
               overrides: dict[Period, float], policy: RagPolicy, period: Period, confirmed: bool):  # fmt: skip
    measure_for = lambda p: book.measure_for(measure, p)  # noqa: E731
    override_for = overrides.get
    result = rate_return(measure, period, values.get(period), policy=policy, value_for=values.get,
                         override_for=override_for, measure_for=measure_for, confirmed=confirmed)  # fmt: skip
    earlier = [numeric(values.get(p)) for p in period.back(9)[:-1]]
    return (result, period_target(measure_for(period), period, override_for),
            year_to_date(period, values.get(period), values.get), [n for n in earlier if n is not None])  # fmt: skip


def _batch(measure: Measure, book: TermsBook, values: dict[Period, Value],
           overrides: dict[Period, float], policy: RagPolicy, period: Period, confirmed: bool):  # fmt: skip
    rater = SeriesRater(measure, values, policy=policy, override_for=overrides.get,
                        measure_for=book.in_force_for(measure))  # fmt: skip
    return (rater.rate(period, values.get(period), confirmed=confirmed), rater.target(period),
            rater.year_to_date(period, values.get(period)), rater.earlier_numbers(period))  # fmt: skip


numbers = st.floats(min_value=-50, max_value=500, allow_nan=False).map(lambda v: round(v, 1))
terms = st.builds(
    Terms, target=st.one_of(st.none(), st.sampled_from([0.0, 12.0, 80.0, 250.0])),
    tolerance=st.one_of(st.none(), st.sampled_from([Tolerance("percent", 5.0), Tolerance("absolute", 3.0)])),
    rag_rule=st.one_of(st.none(), st.sampled_from(list(RagRule))),
    target_low=st.one_of(st.none(), st.just(60.0)), target_high=st.one_of(st.none(), st.just(90.0)),
)  # fmt: skip


@st.composite
def histories(draw):
    measure = make_measure(
        "M1", aggregation=draw(st.sampled_from(list(Aggregation))),
        polarity=draw(st.sampled_from(list(Polarity))), target=draw(st.sampled_from([None, 0.0, 80.0, 300.0])),
        rag_rule=draw(st.one_of(st.none(), st.sampled_from(list(RagRule)))),
        target_low=50.0, target_high=95.0,
    )  # fmt: skip
    level = draw(st.sampled_from([20.0, 85.0, 300.0]))
    values: dict[Period, Value] = {p: draw(st.one_of(numbers, st.floats(level * 0.9, level * 1.1)))
                                   for p in QUARTERS}  # fmt: skip
    for period in draw(st.lists(st.sampled_from(QUARTERS), max_size=4)):
        values.pop(period, None)  # quarters never returned
    for period in draw(st.lists(st.sampled_from(RATED), max_size=2)):
        values[period] = draw(st.sampled_from([0.0, 0]))  # zeros: probable missing data, or confirmed
    for period in draw(st.lists(st.sampled_from(QUARTERS), max_size=1)):
        values[period] = "text figure"
    overrides = draw(st.dictionaries(st.sampled_from(QUARTERS), st.sampled_from([0.0, 40.0, 70.0, 400.0]),
                                     max_size=4))  # fmt: skip
    changes = draw(st.lists(st.tuples(st.sampled_from(QUARTERS[1:]), terms), max_size=3, unique_by=lambda c: c[0]))
    entries = [TermsEntry(None, Terms.of(measure))] + [TermsEntry(start, t) for start, t in sorted(changes)]
    policy = RagPolicy(rule=draw(st.sampled_from([RagRule.BAND, RagRule.IMPROVED])))
    return measure, TermsBook({"M1": Timeline(tuple(entries))}), values, overrides, policy


@settings(max_examples=400, deadline=None)
@given(histories(), st.booleans())
def test_every_quarter_rates_as_rate_return_rates_it(history, confirmed):
    for period in RATED:
        assert _batch(*history, period, confirmed) == _reference(*history, period, confirmed)


def test_the_named_cases_rate_alike_and_are_what_they_say():
    """Cumulative and snapshot, a per-period target, a target changed from a quarter, a missing
    quarter, and zeros both unconfirmed (probable missing data) and confirmed."""
    snapshot = make_measure("M1", target=80.0)
    cumulative = make_measure("M1", aggregation=Aggregation.CUMULATIVE, target=400.0, unit="number")
    raised = TermsBook({"M1": Timeline((TermsEntry(None, Terms(target=80.0)),
                                        TermsEntry(LAST.previous(), Terms(target=88.0))))})  # fmt: skip
    values: dict[Period, Value] = {p: 85.0 for p in QUARTERS}
    del values[LAST.back(3)[0]]  # a quarter never returned
    zeroed = values | {LAST: 0.0}
    policy, seen = RagPolicy(), set()
    for measure, figures_, overrides, book in [
        (snapshot, values, {}, raised), (snapshot, zeroed, {}, raised), (cumulative, values, {LAST: 250.0}, raised),
        (cumulative, zeroed, {}, TermsBook({})), (snapshot, values, {LAST: 95.0}, TermsBook({})),
    ]:  # fmt: skip
        for period in RATED:
            for confirmed in (False, True):
                batch = _batch(measure, book, figures_, overrides, policy, period, confirmed)
                assert batch == _reference(measure, book, figures_, overrides, policy, period, confirmed)
                seen.add((batch[0].rag.value, batch[0].reason if batch[0].flags else ""))
    assert {("missing", MISSING_ZERO), ("missing", CONFIRMED_ZERO), ("missing", ""), ("green", ""),
            ("amber", ""), ("red", "")} <= seen  # fmt: skip
