"""Sign-off end to end on the core: asked when a service's last return lands, decided once,
sent back with a reason to the owners, lapsed by a revision, reminded and escalated on the
working-day calendar, and audited (perfbot.services.sign_off, schedules.sign_off_notices)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from perfbot.notices import NoticeKind
from perfbot.sign_off import SignOffError, SignOffState
from perfbot.submission import Submission
from tests.e2e.council import HEAD, OFFICER, OTHER_OWNER, OWNER, PERIOD, Council, small_council

SIGN_OFF_ON = "\n[cycle]\nsign_off = true\n"
SERVICE = "Housing Options"
FIGURES = {"HO04": (92.0, OWNER), "HO02": (40.0, OWNER), "HO03": (30.0, OTHER_OWNER)}


def submit(council: Council, measure_id: str, value: float | None = None) -> None:
    default, owner = FIGURES[measure_id]
    result = council.app.collector.submit(Submission(measure_id, PERIOD, default if value is None else value,
                                                     commentary="On track.", submitted_by=owner))  # fmt: skip
    assert result.accepted, result.errors


def all_in(council: Council) -> None:
    for measure_id in FIGURES:
        submit(council, measure_id)


def kinds_to(council: Council, kind: NoticeKind) -> list[str]:
    return sorted(m.recipient for m in council.app.store.outbox.for_period(PERIOD) if m.kind == kind.value)


@pytest.fixture
def council(tmp_path: Path) -> Council:
    return small_council(tmp_path, extra_toml=SIGN_OFF_ON)


def test_the_head_is_asked_once_the_services_last_return_is_in(council: Council) -> None:
    submit(council, "HO04")
    submit(council, "HO02")
    assert council.app.store.sign_offs.get(PERIOD, SERVICE) is None and kinds_to(council, NoticeKind.SIGN_OFF) == []
    submit(council, "HO03")
    kept = council.app.store.sign_offs.get(PERIOD, SERVICE)
    assert kept is not None and kept.state is SignOffState.AWAITING and kept.approvers == (HEAD,)
    assert kinds_to(council, NoticeKind.SIGN_OFF) == [HEAD]
    submit(council, "HO03")  # the same figure again: nothing new to ask
    assert kinds_to(council, NoticeKind.SIGN_OFF) == [HEAD]
    council.app.tick()
    text = next(t for to, t in council.messages if to == HEAD)
    assert "The 2025/26 Q3 figures for Housing Options are all in" in text and "/signoff/" in text
    assert "HO03 Average days in bed and breakfast: 30 days — ● Green (target 42 days)" in text
    assert [r.action for r in council.app.store.audit.about(f"sign-off {SERVICE} {PERIOD}")] == ["sign_off.requested"]


def test_sent_back_with_a_reason_the_owners_hear_why_and_a_revision_asks_again(council: Council) -> None:
    all_in(council)
    sign_off = council.app.sign_off
    with pytest.raises(SignOffError, match="say why the figures are sent back"):
        sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=False, reason="  ")
    with pytest.raises(SignOffError, match="cannot sign off Housing Options"):
        sign_off.decide(PERIOD, SERVICE, by=OWNER, approve=True)
    kept = sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=False, reason="HO02 looks like last year's figure")
    assert kept.state is SignOffState.SENT_BACK
    assert kinds_to(council, NoticeKind.SENT_BACK) == [OWNER, OTHER_OWNER]  # delivered at once
    told = [t for to, t in council.messages if to == OTHER_OWNER and "sent back" in t]
    assert told and "Why: HO02 looks like last year's figure" in told[0] and "/returns/" in told[0]
    assert sign_off.provisional(PERIOD) == {SERVICE}
    submit(council, "HO02", 41.0)
    assert council.app.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING
    assert kinds_to(council, NoticeKind.SIGN_OFF) == [HEAD, HEAD]  # a fresh request for the revised figures


def test_an_officer_approves_on_behalf_with_a_reason_and_a_later_revision_lapses_it(council: Council) -> None:
    all_in(council)
    sign_off = council.app.sign_off
    with pytest.raises(SignOffError, match="on the head of service's behalf"):
        sign_off.decide(PERIOD, SERVICE, by=OFFICER, approve=True)
    kept = sign_off.decide(PERIOD, SERVICE, by=OFFICER, approve=True, reason="Helen is on leave; agreed by phone")
    assert kept.state is SignOffState.APPROVED and kept.last_decision.on_behalf_of == HEAD
    assert sign_off.provisional(PERIOD) == frozenset()
    with pytest.raises(SignOffError, match="already approved"):
        sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=True)
    submit(council, "HO04", 93.0)
    assert sign_off.provisional(PERIOD) == {SERVICE}
    assert [p.state for p in sign_off.progress(PERIOD)] == ["awaiting approval"]
    actions = [r.action for r in council.app.store.audit.about(f"sign-off {SERVICE} {PERIOD}")]
    assert actions == ["sign_off.requested", "sign_off.approved", "sign_off.requested"]


def test_reminder_then_escalation_follow_the_working_day_calendar(council: Council) -> None:
    all_in(council)  # Monday 12 January 2026, 10:00
    council.app.tick()
    council.clock.advance(timedelta(days=1))
    council.app.tick()
    assert kinds_to(council, NoticeKind.SIGN_OFF_REMINDER) == []
    council.clock.advance(timedelta(days=1))  # Wednesday: two working days on, 10:00
    council.app.tick()
    assert kinds_to(council, NoticeKind.SIGN_OFF_REMINDER) == [HEAD]
    assert kinds_to(council, NoticeKind.SIGN_OFF_ESCALATION) == []
    council.clock.advance(timedelta(days=2))  # Friday: four working days on
    council.app.tick()
    council.app.tick()
    assert kinds_to(council, NoticeKind.SIGN_OFF_REMINDER) == [HEAD]  # never twice
    assert kinds_to(council, NoticeKind.SIGN_OFF_ESCALATION) == [OFFICER]
    assert any(to == OFFICER and "may decide on their behalf" in t for to, t in council.messages)


def test_decided_sign_offs_are_not_reminded(council: Council) -> None:
    all_in(council)
    council.app.sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=True)
    council.clock.advance(timedelta(days=7))
    council.app.tick()
    assert kinds_to(council, NoticeKind.SIGN_OFF_REMINDER) == kinds_to(council, NoticeKind.SIGN_OFF_ESCALATION) == []


def test_with_sign_off_off_nothing_is_asked_and_deciding_says_how_to_switch_it_on(tmp_path: Path) -> None:
    council = small_council(tmp_path)
    all_in(council)
    council.app.tick()
    assert council.app.store.sign_offs.for_period(PERIOD) == [] and kinds_to(council, NoticeKind.SIGN_OFF) == []
    assert council.app.sign_off.provisional(PERIOD) == frozenset()
    assert council.app.status.sign_offs_for(HEAD, PERIOD) == ()  # nothing to show in the status answers
    with pytest.raises(SignOffError, match=r"\[cycle\] sign_off = true"):
        council.app.sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=True)


def test_while_the_head_is_away_their_deputy_is_asked_and_may_decide(council: Council) -> None:
    from datetime import date

    from perfbot.people import Absence

    deputy = "dep.head@larkfield.gov.uk"
    council.app.store.people.set(HEAD, actor="test", deputy=deputy,
                                 add_absences=(Absence(date(2026, 1, 5), date(2026, 1, 30)),))  # fmt: skip
    all_in(council)
    council.app.tick()
    [request] = [m for m in council.app.store.outbox.for_period(PERIOD) if m.kind == NoticeKind.SIGN_OFF.value]
    assert request.recipient == deputy and request.content["on_behalf_of"] == HEAD
    assert any(to == deputy and f"You are deputy for {HEAD}" in t for to, t in council.messages)
    seen = {s.service: s for s in council.app.status.sign_offs_for(deputy, PERIOD)}  # their status answer
    assert (seen[SERVICE].state, seen[SERVICE].to_decide) == ("awaiting approval", True)
    assert council.app.sign_off.read_link(seen[SERVICE].link.rsplit("/", 1)[1]).person == deputy
    assert council.app.status.sign_offs_for(OWNER, PERIOD) == ()  # an owner approves nothing
    kept = council.app.sign_off.decide(PERIOD, SERVICE, by=deputy, approve=True)
    assert kept.state is SignOffState.APPROVED and kept.last_decision.on_behalf_of == ""  # a deputy is an approver
