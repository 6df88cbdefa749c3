"""Planning ad-hoc chases: outstanding owners only, the quiet period, force, deputies."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from perfbot.clock import LONDON
from perfbot.model import Frequency
from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus
from schedules.chase import PastChases, past_chases, plan_chases, select_measures
from schedules.errors import RoundError
from tests.conftest import make_measure

Q3 = Period(2025, 3)
NOW = datetime(2026, 1, 23, 10, 0, tzinfo=LONDON)
A, B = "a@council.gov.uk", "b@council.gov.uk"
MEASURES = [
    make_measure("M1", owner_email=A, service="Housing"),
    make_measure("M2", owner_email=A, service="Housing"),
    make_measure("M3", owner_email=B, service="Waste"),
    make_measure("Y1", owner_email=B, service="Waste", frequency=Frequency.ANNUAL),
]


def _plan(*, returned=(), past=None, stand_ins=None, force=False):  # noqa: ANN001, ANN202
    return plan_chases(period=Q3, measures=select_measures(MEASURES, Q3, service=None, owner=None),
                       returned=frozenset(returned), past=past or {}, stand_ins=stand_ins or {},
                       now=NOW, quiet_for=timedelta(hours=24), force=force)  # fmt: skip


def test_each_owner_with_returns_outstanding_is_chased_for_those_only():
    plan = _plan(returned={"M1"})
    assert [(a.key, a.recipient, a.measure_ids) for a in plan.actions] == [
        (f"{Q3}|chase#1|{A}", A, ("M2",)), (f"{Q3}|chase#1|{B}", B, ("M3",)),
    ]  # fmt: skip
    assert _plan(returned={"M1", "M2", "M3"}).actions == ()


def test_an_owner_chased_within_the_quiet_period_is_left_alone_unless_forced():
    past = {A: PastChases(1, NOW - timedelta(hours=23)), B: PastChases(2, NOW - timedelta(hours=24))}
    plan = _plan(past=past)
    assert [a.key for a in plan.actions] == [f"{Q3}|chase#3|{B}"]
    assert [(q.owner, q.until) for q in plan.quiet] == [(A, NOW + timedelta(hours=1))]
    assert [a.key for a in _plan(past=past, force=True).actions] == [
        f"{Q3}|chase#2|{A}", f"{Q3}|chase#3|{B}",
    ]  # fmt: skip


def test_two_chases_planned_from_the_same_state_share_keys_so_the_outbox_sends_one():
    assert [a.key for a in _plan().actions] == [a.key for a in _plan().actions]


def test_a_deputy_receives_an_absent_owners_chase():
    action = _plan(stand_ins={A: B}).actions[0]
    assert (action.recipient, action.on_behalf_of, action.addressee) == (B, A, A)


def test_past_chases_count_every_key_but_failed_ones_do_not_start_a_quiet_period():
    def message(n: int, status: OutboxStatus, hours_ago: int) -> OutboxMessage:
        created = (NOW - timedelta(hours=hours_ago)).isoformat()
        return OutboxMessage(f"{Q3}|chase#{n}|{A}", Q3, "chase", A, status=status, created_at=created)

    found = past_chases([message(1, OutboxStatus.SENT, 30), message(2, OutboxStatus.FAILED, 2),
                         OutboxMessage(f"{Q3}|request|{A}", Q3, "request", A,
                                       created_at=NOW.isoformat())])  # fmt: skip
    assert found == {A: PastChases(2, NOW - timedelta(hours=30))}


@pytest.mark.parametrize(
    ("service", "owner", "ids"),
    [("housing", None, ["M1", "M2"]), (None, "B@Council.gov.uk", ["M3"]), (None, None, ["M1", "M2", "M3"])],
)
def test_a_chase_can_name_a_service_or_an_owner(service, owner, ids):
    chosen = select_measures(MEASURES, Q3, service=service, owner=owner)
    assert [m.measure_id for m in chosen] == ids


def test_an_unknown_service_names_the_known_ones():
    with pytest.raises(RoundError, match=r"no service area 'Parks' .* \(known: Housing, Waste\)"):
        select_measures(MEASURES, Q3, service="Parks", owner=None)
