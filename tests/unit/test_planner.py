"""The planner: due actions as a pure function of (config, register, state, now)."""

from __future__ import annotations

from datetime import datetime

import pytest

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.model import Frequency, Round, RoundState
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from schedules.calendar import WorkingCalendar
from schedules.planner import (
    PlanState,
    action_key,
    due_actions,
    parse_key,
    round_to_open,
    skip_reason,
)  # fmt: skip
from tests.conftest import make_measure

Q3 = Period(2025, 3)
CAL = WorkingCalendar("ENG")
OPENED = datetime(2026, 1, 8, 9, 30, tzinfo=LONDON)
DEADLINE = datetime(2026, 1, 22, 23, 59, 59, tzinfo=LONDON)
A, B = "a@council.gov.uk", "b@council.gov.uk"
MEASURES = [
    make_measure("M1", owner_email=A, head_of_service_email="h1@council.gov.uk"),
    make_measure("M2", owner_email=A, head_of_service_email="h1@council.gov.uk"),
    make_measure("M3", owner_email=B, head_of_service_email="h2@council.gov.uk"),
    make_measure("Y1", owner_email=B, frequency=Frequency.ANNUAL),
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def _state(*, returned=(), recorded=(), stand_ins=None, state=RoundState.OPEN) -> PlanState:  # noqa: ANN001
    opened = Round(Q3, state, OPENED, DEADLINE)
    return PlanState({Q3: opened}, {Q3: frozenset(returned)}, {Q3: frozenset(recorded)},
                     stand_ins or {})  # fmt: skip


def _plan(now: str, **state) -> list[tuple[str, str, tuple[str, ...]]]:  # noqa: ANN003
    actions = due_actions(Config(), CAL, MEASURES, _state(**state), _at(now))
    return [(a.key, a.recipient, a.measure_ids) for a in actions]


def test_at_opening_every_owner_is_asked_for_their_quarterly_measures():
    assert _plan("2026-01-08 09:30") == [
        (f"{Q3}|request|{A}", A, ("M1", "M2")),
        (f"{Q3}|request|{B}", B, ("M3",)),
    ]


def test_reminders_and_the_deadline_notice_go_only_to_owners_with_returns_outstanding():
    requests = {f"{Q3}|request|{A}", f"{Q3}|request|{B}"}
    assert _plan("2026-01-22 09:30", returned={"M1", "M3"}, recorded=requests) == [
        (f"{Q3}|reminder#2026-01-15|{A}", A, ("M2",)),
        (f"{Q3}|reminder#2026-01-21|{A}", A, ("M2",)),
        (f"{Q3}|deadline|{A}", A, ("M2",)),
    ]


def test_the_escalation_lists_each_head_of_services_overdue_measures_and_the_digest_follows():
    due = _plan("2026-01-29 09:30", returned={"M2"})
    assert (f"{Q3}|escalation|h1@council.gov.uk", "h1@council.gov.uk", ("M1",)) in due
    assert (f"{Q3}|escalation|h2@council.gov.uk", "h2@council.gov.uk", ("M3",)) in due
    assert due[-1] == (f"{Q3}|digest|cmt", "cmt", ())


def test_nothing_is_due_twice_once_recorded_and_nothing_before_its_time():
    first = due_actions(Config(), CAL, MEASURES, _state(), _at("2026-01-30 10:00"))
    again = _plan("2026-01-30 10:00", recorded={a.key for a in first})
    assert len(first) == 11 and again == []  # 2 requests, 4 reminders, 2 deadline, 2 escalations, digest
    assert _plan("2026-01-08 09:29") == []


def test_an_absent_owners_actions_go_to_their_deputy_under_the_owners_key():
    actions = due_actions(Config(), CAL, MEASURES, _state(stand_ins={A: B}), _at("2026-01-08 09:30"))
    mine = actions[0]
    assert (mine.key, mine.recipient, mine.on_behalf_of) == (f"{Q3}|request|{A}", B, A)
    assert actions[1].on_behalf_of == ""


def test_a_closed_round_asks_nobody_for_anything_but_cmt_still_gets_the_digest():
    assert _plan("2026-01-30 10:00", state=RoundState.CLOSED) == [(f"{Q3}|digest|cmt", "cmt", ())]


def test_annual_measures_are_due_in_q4_only():
    q4 = Period(2025, 4)
    opened = Round(q4, RoundState.OPEN, _at("2026-04-09 09:30"), _at("2026-04-23 23:59:59"))
    state = PlanState({q4: opened}, {}, {})
    actions = due_actions(Config(), CAL, MEASURES, state, _at("2026-04-09 09:30"))
    assert [a.measure_ids for a in actions] == [("M1", "M2"), ("M3", "Y1")]


def test_reminders_are_skipped_once_the_deadline_has_passed_but_escalations_are_not():
    actions = {a.kind: a for a in due_actions(Config(), CAL, MEASURES, _state(), _at("2026-01-30 10:00"))}
    assert "deadline had passed" in skip_reason(actions[NoticeKind.REMINDER], _at("2026-01-23 00:00"))
    assert skip_reason(actions[NoticeKind.REMINDER], _at("2026-01-22 23:59")) is None
    assert skip_reason(actions[NoticeKind.ESCALATION], _at("2026-03-01 10:00")) is None
    assert skip_reason(actions[NoticeKind.DIGEST], _at("2026-03-01 10:00")) is None


@pytest.mark.parametrize(
    ("now", "period"),
    [("2026-01-08 09:29", Period(2025, 2)), ("2026-01-08 09:30", Q3), ("2026-03-31 12:00", Q3)],
)
def test_the_round_to_open_is_the_latest_whose_opening_has_come(now, period):
    assert round_to_open(Config(), CAL, _at(now)) == period


def test_keys_name_round_action_and_person_and_can_be_read_back():
    key = action_key(Q3, NoticeKind.CHASE, "Carol@Council.gov.uk", "2")
    assert key == "2025/26 Q3|chase#2|carol@council.gov.uk"
    parsed = parse_key(key)
    assert (parsed.period, parsed.kind, parsed.step, parsed.person) == (str(Q3), "chase", "2",
                                                                         "carol@council.gov.uk")  # fmt: skip
