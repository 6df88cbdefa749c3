"""Updating a remedial action: who may, the rules, the audit, a repeat kept once
(`perfbot.services.actions`, the service behind Slack, Teams, the web and the CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta

from perfbot.actions import ActionStatus, Due, change_for
from perfbot.clock import LONDON, ManualClock
from perfbot.config import Config
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.services.actions import ActionUpdate, ActionUpdates
from perfbot.store import Store
from tests.conftest import make_measure

Q3 = Period(2025, 3)
OWNER, DEPUTY, HEAD, OTHER, OFFICER, NEW = (
    f"{n}@council.gov.uk" for n in ("owner", "deputy", "head", "other", "officer", "new"))  # fmt: skip
KEY = "M1-2025-26-Q3"


def _service(tmp_path) -> tuple[Store, ActionUpdates, ManualClock]:  # noqa: ANN001
    clock = ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON))
    store = Store.open(tmp_path / "data", clock=clock)
    store.register.apply([make_measure("M1", owner_email=OWNER, head_of_service_email=HEAD),
                          make_measure("M2", owner_email=OTHER, head_of_service_email="h2@council.gov.uk")],
                         [], actor="test")  # fmt: skip
    store.people.set(OWNER, actor="test", deputy=DEPUTY)
    red = Return("M1", Q3, 60.0, commentary="Two vacancies", action="Agency staff", submitted_by=OWNER)
    store.actions.track(red, owner=OWNER, due=Due.end_of(Q3.next()))
    return store, ActionUpdates(store, Config(performance_officers=(OFFICER,))), clock


def test_the_owner_their_deputy_the_head_and_officers_may_update_no_one_else(tmp_path) -> None:
    store, service, _ = _service(tmp_path)
    action = store.actions.get(KEY)
    assert [service.may_update(p, action) for p in (OWNER, DEPUTY.upper(), HEAD, OFFICER, OTHER, "")] == [
        True, True, True, True, False, False]
    refused = service.update(ActionUpdate(KEY, by=OTHER, via="web", status=ActionStatus.DONE))
    assert not refused.accepted and "only the action's owner (owner@council.gov.uk)" in refused.errors["action"]
    assert store.actions.get(KEY).status is ActionStatus.OPEN
    assert [a.action_id for a in service.open_for(DEPUTY)] == [KEY] and service.open_for(OTHER) == []


def test_an_update_is_stored_with_who_where_and_why_and_audited(tmp_path) -> None:
    store, service, _ = _service(tmp_path)
    done = service.update(ActionUpdate(KEY, by=" Deputy@Council.gov.uk", via="slack",
                                       status=ActionStatus.DONE, note="Two agency staff started"))  # fmt: skip
    assert done.accepted and done.action.status is ActionStatus.DONE
    change = store.actions.get(KEY).changes[-1]
    assert (change.by, change.via, change.note) == (DEPUTY, "slack", "Two agency staff started")
    [audit] = [r for r in store.audit.about(f"action {KEY}") if r.action == "action.changed"]
    assert (audit.actor, audit.before["status"], audit.after["status"], audit.after["via"]) == (
        DEPUTY, "open", "done", "slack")
    assert service.open_for(OWNER) == []


def test_the_same_update_twice_is_kept_once(tmp_path) -> None:
    store, service, _ = _service(tmp_path)
    update = ActionUpdate(KEY, by=OWNER, via="teams", status=ActionStatus.OPEN, note="Interviews next week",
                          due="2026/27 Q1")  # fmt: skip
    assert service.update(update).accepted
    again = service.update(update)
    assert again.accepted and again.repeated
    assert len(store.actions.get(KEY).changes) == 1
    assert len([r for r in store.audit.about(f"action {KEY}") if r.action == "action.changed"]) == 1


def test_errors_name_the_field_to_correct(tmp_path) -> None:
    store, service, clock = _service(tmp_path)
    dropped = service.update(ActionUpdate(KEY, by=OWNER, via="web", status=ActionStatus.DROPPED))
    assert dropped.errors == {"note": "say why the action is dropped (a note): CMT will read it"}
    bad_due = service.update(ActionUpdate(KEY, by=OWNER, via="web", due="next spring"))
    assert list(bad_due.errors) == ["due"]
    unknown = service.update(ActionUpdate("M9-2025-26-Q3", by=OFFICER, via="web", status=ActionStatus.DONE))
    assert unknown.errors == {"action": "there is no action 'M9-2025-26-Q3'"}
    clock.advance(timedelta(days=100))  # past the end of 2025/26 Q4: overdue
    kept = service.update(ActionUpdate(KEY, by=OWNER, via="web", status=ActionStatus.OPEN, note="Slow"))
    assert "give a new due date" in kept.errors["due"]
    assert store.actions.get(KEY).changes == ()


def test_the_cli_acts_as_an_officer_and_may_hand_an_action_over(tmp_path) -> None:
    store, service, _ = _service(tmp_path)
    moved = service.update(ActionUpdate(KEY, by="performance officer", via="cli", owner=NEW, officer=True))
    assert moved.accepted and moved.action.owner == NEW
    assert service.may_update(NEW, store.actions.get(KEY))


def test_two_identical_changes_racing_past_the_check_are_stored_once(tmp_path) -> None:
    store, _, clock = _service(tmp_path)
    action = store.actions.get(KEY)
    first = change_for(action, by=OWNER, at=clock.now(), status=ActionStatus.DONE, via="teams")
    second = change_for(action, by=OWNER, at=clock.now() + timedelta(seconds=1), status=ActionStatus.DONE, via="teams")
    store.actions.change(KEY, first)
    assert store.actions.change(KEY, second).changes == (first,)
    assert len([r for r in store.audit.about(f"action {KEY}") if r.action == "action.changed"]) == 1
