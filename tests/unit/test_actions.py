"""The rules of tracked remedial actions (perfbot.actions)."""

import datetime as dt

import pytest

from perfbot.actions import (
    ActionError,
    ActionStatus,
    Due,
    TrackedAction,
    change_for,
    overdue_by_measure,
    parse_action_id,
    should_track,
)
from perfbot.clock import LONDON
from perfbot.model import Rag
from perfbot.periods import Period
from perfbot.rag import RagResult

AT = dt.datetime(2026, 1, 12, 10, tzinfo=LONDON)


def _action(**overrides) -> TrackedAction:
    fields = dict(measure_id="HO02", raised_in=Period(2025, 2), text="Block-book two B&Bs",
                  owner="amira@council.gov.uk", due=Due.end_of(Period(2025, 3)),
                  status=ActionStatus.OPEN, raised_at=AT, raised_by="amira@council.gov.uk")  # fmt: skip
    return TrackedAction(**{**fields, **overrides})


def test_due_is_a_quarter_or_a_date_and_says_which_it_wants():
    assert Due.parse("2026/27 Q1") == Due(dt.date(2026, 6, 30), Period(2026, 1))
    assert str(Due.parse("2027-03-31")) == "31 March 2027"
    with pytest.raises(ActionError, match="a quarter such as 2026/27 Q1 or a date"):
        Due.parse("next spring")


def test_action_ids_name_the_measure_and_quarter():
    assert _action().action_id == "HO02-2025-26-Q2"
    assert parse_action_id(" HO02-2025-26-Q2 ") == ("HO02", Period(2025, 2))
    assert parse_action_id("ED-01-2025-26-Q4") == ("ED-01", Period(2025, 4))
    with pytest.raises(ActionError, match="looks like HO02-2025-26-Q3"):
        parse_action_id("HO02 Q2")
    with pytest.raises(ActionError, match="no real financial year"):
        parse_action_id("HO02-2025-27-Q2")


def test_only_a_red_return_with_an_action_is_tracked():
    red, amber = RagResult(Rag.RED, "off target"), RagResult(Rag.AMBER, "close")
    assert should_track(red, "Agency staff")
    assert not should_track(red, "  ") and not should_track(amber, "Agency staff")
    assert not should_track(None, "Agency staff")


def test_overdue_only_once_its_quarter_has_ended_past_the_due_date():
    action = _action()  # due by the end of 2025/26 Q3 (31 December 2025)
    assert not action.overdue_in(Period(2025, 3), today=dt.date(2025, 12, 31))  # Q3 not over yet
    assert action.overdue_in(Period(2025, 3), today=dt.date(2026, 1, 12))  # Q3's report, in January
    assert not action.overdue_in(Period(2025, 2), today=dt.date(2026, 1, 12))  # not due in Q2
    assert action.overdue_in(Period(2025, 4), today=dt.date(2026, 4, 20))
    done = _action(status=ActionStatus.DONE)
    assert not done.overdue_in(Period(2025, 4), today=dt.date(2026, 4, 20))
    found = overdue_by_measure([action, done], Period(2025, 4), today=dt.date(2026, 4, 20))
    assert found == {"HO02": [action]}


def test_changes_are_checked_and_kept():
    action = _action()
    with pytest.raises(ActionError, match="say why the action is dropped"):
        change_for(action, by="officer", at=AT, status=ActionStatus.DROPPED)
    with pytest.raises(ActionError, match="nothing to change") as nothing:
        change_for(_action(due=Due.end_of(Period(2025, 4))), by="officer", at=AT, status=ActionStatus.OPEN)
    assert nothing.value.field == "note"
    with pytest.raises(ActionError, match="owner must be an e-mail address"):
        change_for(action, by="officer", at=AT, owner="Amira")
    moved = action.changed(change_for(action, by="head@council.gov.uk", at=AT, due="2026/27 Q1",
                                      owner="Sam@Council.gov.uk", note="new lead"))  # fmt: skip
    assert (moved.due.quarter, moved.owner, moved.status) == (Period(2026, 1), "sam@council.gov.uk", ActionStatus.OPEN)
    assert TrackedAction.from_doc(moved.to_doc()) == moved


def test_keeping_an_overdue_action_open_needs_a_new_due_date_that_has_not_passed():
    overdue = _action()  # due by 31 December 2025; AT is 12 January 2026
    with pytest.raises(ActionError, match="give a new due date to keep it open") as kept:
        change_for(overdue, by="amira@council.gov.uk", at=AT, status=ActionStatus.OPEN, note="slow going")
    assert kept.value.field == "due"
    with pytest.raises(ActionError, match="has passed already"):
        change_for(overdue, by="amira@council.gov.uk", at=AT, status=ActionStatus.OPEN, due="2026-01-01")
    moved = change_for(overdue, by="amira@council.gov.uk", at=AT, due="2026-03-31", via="slack")
    assert (moved.status, moved.due, moved.via) == (ActionStatus.OPEN, "2026-03-31", "slack")
    done = change_for(overdue, by="amira@council.gov.uk", at=AT, status=ActionStatus.DONE)
    assert done.status is ActionStatus.DONE and done.note == ""  # done late needs nothing more
