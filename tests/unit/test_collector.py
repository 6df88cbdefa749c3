"""Submissions: validation errors by field, storage, authorisation."""

import pytest

from collectors.submissions import Collector
from perfbot.config import Config
from perfbot.model import Polarity, Return, RoundState, Unit
from perfbot.periods import Period
from perfbot.submission import Submission
from tests.conftest import make_measure

Q3 = Period(2025, 3)


@pytest.fixture
def collector(store):
    store.register.apply([
        make_measure("M1"),
        make_measure("D1", unit=Unit.DAYS, polarity=Polarity.LOWER, target=20.0),
        make_measure("T1", unit=Unit.TEXT, target=None, polarity=Polarity.NONE),
    ], [], actor="test")  # fmt: skip
    store.rounds.open(Q3, deadline=store.clock.now(), actor="test")
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


def test_owners_write_only_open_rounds_whatever_period_they_name(collector, store):
    old = Period(2023, 2)  # two years ago, no round
    refused = _submit_for(collector, old, submitted_by="owner@council.gov.uk")
    assert "has no open round" in refused.errors["period"]
    assert store.returns.get("M1", old) is None
    store.rounds.set_state(Q3, RoundState.CLOSED, actor="t")
    closed = _submit(collector, submitted_by="owner@council.gov.uk")
    assert "closed" in closed.errors["period"]


def test_officers_correct_closed_and_history_quarters_only_with_a_reason(collector, store):
    old = Period(2023, 2)
    no_reason = _submit_for(collector, old, submitted_by=None, officer=True)
    assert "give a reason" in no_reason.errors["period"]
    fixed = _submit_for(collector, old, submitted_by=None, officer=True, reason="typo in the 2023 return")
    assert fixed.accepted and store.returns.get("M1", old).reason == "typo in the 2023 return"
    audit = store.audit.about(f"return M1 {old}")[-1]
    assert audit.after["reason"] == "typo in the 2023 return"


def test_history_is_recorded_as_it_was(collector, store):
    """No commentary demanded off target and an implausible value kept (shown as an exception)."""
    old = Period(2023, 2)
    result = _submit_for(collector, old, value="104", submitted_by=None, officer=True, reason="history")
    assert result.accepted and store.returns.get("M1", old).value == 104


def test_a_withdrawn_return_keeps_every_version(collector, store):
    _submit(collector, value="91")
    _submit(collector, value="93")
    store.returns.withdraw("M1", Q3, actor="officer@council.gov.uk", reason="sent for the wrong quarter")
    assert store.returns.get("M1", Q3) is None
    assert [r.value for r in store.returns.versions("M1", Q3)] == [91, 93]
    assert store.returns.withdrawal("M1", Q3)["reason"] == "sent for the wrong quarter"
    again = _submit(collector, value="92")
    assert again.outcome.current.revision == 3


def _submit_for(collector, period, value="91", **kw):
    return collector.submit(Submission(measure_id="M1", period=period, value=value, **kw))
