"""The rules of sign-off (perfbot.sign_off): when to ask, who may decide, what an approval covers."""

import datetime as dt

import pytest

from perfbot.clock import LONDON
from perfbot.periods import Period
from perfbot.sign_off import (
    Need,
    ServiceSignOff,
    SignOffError,
    SignOffState,
    decision_for,
    need_after_save,
)

AT = dt.datetime(2026, 1, 20, 10, tzinfo=LONDON)
HEAD, DEPUTY = "hd@council.gov.uk", "dep@council.gov.uk"


def _awaiting(**covers) -> ServiceSignOff:
    return ServiceSignOff(Period(2025, 3), "Housing", (HEAD, DEPUTY), covers or {"HO01": 1, "HO02": 1},
                          SignOffState.AWAITING, AT)  # fmt: skip


def test_asked_once_every_due_return_is_in_and_again_after_a_revision():
    due = {"HO01", "HO02"}
    assert need_after_save(None, {"HO01": 1}, due) is Need.NOTHING
    assert need_after_save(None, {"HO01": 1, "HO02": 1}, due) is Need.ASK
    waiting = _awaiting()
    assert need_after_save(waiting, {"HO01": 1, "HO02": 1}, due) is Need.NOTHING
    assert need_after_save(waiting, {"HO01": 2, "HO02": 1}, due) is Need.REFRESH
    approved = waiting.decided(decision_for(waiting, by=HEAD, approve=True, reason="", at=AT, officer=False))
    assert approved.approved({"HO01": 1, "HO02": 1}) and not approved.approved({"HO01": 2, "HO02": 1})
    assert need_after_save(approved, {"HO01": 2, "HO02": 1}, due) is Need.ASK  # the approval lapsed


def test_who_may_decide_and_what_they_must_say():
    waiting = _awaiting()
    with pytest.raises(SignOffError, match="its head of service .* or their deputy can"):
        decision_for(waiting, by="owner@council.gov.uk", approve=True, reason="", at=AT, officer=False)
    with pytest.raises(SignOffError, match="say why the figures are sent back"):
        decision_for(waiting, by=HEAD, approve=False, reason=" ", at=AT, officer=False)
    with pytest.raises(SignOffError, match="on the head of service's behalf"):
        decision_for(waiting, by="perf@council.gov.uk", approve=True, reason="", at=AT, officer=True)
    by_officer = decision_for(waiting, by="Perf@Council.gov.uk", approve=True, reason="head on leave",
                              at=AT, officer=True)  # fmt: skip
    assert (by_officer.by, by_officer.on_behalf_of, by_officer.state) == ("perf@council.gov.uk", HEAD, SignOffState.APPROVED)
    deputy = decision_for(waiting, by=DEPUTY, approve=False, reason="HO02 looks like last year's", at=AT, officer=False)
    sent_back = waiting.decided(deputy)
    with pytest.raises(SignOffError, match="come back for approval once revised"):
        decision_for(sent_back, by=HEAD, approve=True, reason="", at=AT, officer=False)
    assert ServiceSignOff.from_doc(sent_back.to_doc()) == sent_back
