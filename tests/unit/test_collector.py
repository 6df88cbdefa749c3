"""Submissions: validation errors by field, storage, authorisation."""

import pytest

from collectors.submissions import Collector, Submission
from perfbot.config import Config
from perfbot.model import Polarity, Return, RoundState, Unit
from perfbot.periods import Period
from tests.conftest import make_measure

Q3 = Period(2025, 3)


@pytest.fixture
def collector(store):
    store.register.apply([
        make_measure("M1"),
        make_measure("D1", unit=Unit.DAYS, polarity=Polarity.LOWER, target=20.0),
        make_measure("T1", unit=Unit.TEXT, target=None, polarity=Polarity.NONE),
    ], [], actor="test")  # fmt: skip
    return Collector(store, Config(performance_officers=("officer@council.gov.uk",)))


def _submit(collector, measure_id="M1", value="91", **kw):
    kw.setdefault("submitted_by", "owner@council.gov.uk")
    return collector.submit(Submission(measure_id=measure_id, period=Q3, value=value, **kw))


@pytest.mark.parametrize(
    ("measure_id", "value", "field", "words"),
    [("M1", "", "value", "Enter a value"), ("M1", "ninety", "value", "Enter a number"),
     ("M1", "104", "value", "between 0 and 100"), ("D1", "-2", "value", "cannot be negative"),
     ("M1", "80", "commentary", "off target"), ("M1", "nan", "value", "Enter a number")],
)  # fmt: skip
def test_bad_values_come_back_on_their_field(collector, measure_id, value, field, words):
    result = _submit(collector, measure_id, value)
    assert not result.accepted and words in result.errors[field]


def test_red_needs_commentary_and_a_remedial_action(collector):
    result = _submit(collector, value="70", commentary="Staff sickness")
    assert not result.accepted and "action" in result.errors
    ok = _submit(collector, value="70", commentary="Staff sickness", action="Agency cover")
    assert ok.accepted and ok.rag.rag.value == "red"


def test_accepted_values_are_parsed_and_stored(collector, store):
    assert _submit(collector, value="92.5%").accepted
    assert store.returns.get("M1", Q3).value == 92.5
    assert _submit(collector, "T1", "Policy adopted by Cabinet").accepted


def test_only_the_owner_or_officers_may_submit(collector):
    stranger = _submit(collector, submitted_by="someone@elsewhere.org")
    assert "not the owner" in stranger.errors["measure"]
    assert _submit(collector, submitted_by="officer@council.gov.uk").accepted


def test_future_periods_and_closed_rounds_are_refused(collector, store):
    future = collector.submit(Submission("M1", Period(2026, 1), "91"))
    assert "has not ended" in future.errors["period"]
    store.rounds.open(Q3, deadline=store.clock.now(), actor="t")
    store.rounds.set_state(Q3, RoundState.CLOSED, actor="t")
    assert "closed" in _submit(collector).errors["period"]


def test_a_zero_far_outside_history_must_be_confirmed(collector, store):
    for quarter in Q3.back(5)[:-1]:
        store.returns.save(Return("M1", quarter, 99.6, submitted_by="o"))
    refused = _submit(collector, value="0", commentary="x", action="y")
    assert "probable missing data" in refused.errors["value"]
    assert _submit(collector, value="0", commentary="outage", action="fix", confirmed=True).accepted
