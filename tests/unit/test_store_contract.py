"""The store's contract, every repository, on each backend (`any_store`: TinyDB and a real
PostgreSQL server): what a caller may rely on whichever store perfbot runs on."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest

from perfbot.actions import ActionChange, ActionError, ActionStatus, Due
from perfbot.clock import LONDON
from perfbot.model import CaseStudy, CaseStudyStatus, Return, RoundState
from perfbot.people import Absence
from perfbot.periods import Period
from perfbot.sign_off import ServiceSignOff, SignOffState
from perfbot.store import OutboxMessage, OutboxStatus, SaveStatus
from perfbot.store.records import ChatMessage, key_of
from tests.conftest import make_measure

Q3, Q4 = Period(2025, 3), Period(2025, 4)
OWNER = "owner@council.gov.uk"


def _return(value, measure_id: str = "M1", period: Period = Q3, **kw) -> Return:
    return Return(measure_id=measure_id, period=period, value=value, submitted_by=OWNER, **kw)


def _message(key: str, period: Period = Q3, **kw) -> OutboxMessage:
    return OutboxMessage(key, period, "request", OWNER, {"measures": ["M1"]}, **kw)


# -- returns ---------------------------------------------------------------------------------------


def test_returns_keep_versions_withdrawals_and_never_reuse_a_revision(any_store, reopen):
    returns = any_store.returns
    returns.save(_return(1.0))
    returns.save(_return(2.0))
    returns.withdraw("M1", Q3, actor="officer", reason="wrong service")
    assert returns.get("M1", Q3) is None
    assert returns.withdrawal("M1", Q3)["reason"] == "wrong service"
    again = returns.save(_return(3.0))
    assert again.status is SaveStatus.CREATED and again.current.revision == 3
    assert returns.withdrawal("M1", Q3) is None
    other = reopen(any_store).returns
    assert [(v.value, v.revision) for v in other.versions("M1", Q3)] == [(1.0, 1), (2.0, 2), (3.0, 3)]
    assert set(other.for_period(Q3)) == {"M1"} and other.for_period(Q4) == {}
    assert Q3 in other.periods()
    with pytest.raises(KeyError):
        returns.withdraw("M9", Q3, actor="officer", reason="none there")


def test_current_values_gives_each_asked_quarters_current_figure(any_store, reopen):
    returns = any_store.returns
    q1, q2, q4 = Period(2025, 1), Period(2025, 2), Period(2026, 4)
    returns.save_many([_return(1.0, period=q1), _return(9.0, "M2", q1), _return(3.0, period=Q3), _return(4.0, period=Q4),
                       _return("n/a", period=q2), _return(None, period=q4)])  # fmt: skip
    returns.save(_return(3.5))  # a revision: the current one counts
    returns.withdraw("M1", Q4, actor="officer", reason="wrong quarter")
    other = reopen(any_store).returns
    found = other.current_values("M1", [q1, q2, Q3, Q4, q4, Period(2026, 1)])
    assert found == {q1: 1.0, q2: "n/a", Q3: 3.5, q4: None}
    assert found[Q3] == other.get("M1", Q3).value
    assert other.current_values("M1", []) == {} and other.current_values("M9", [q1, Q3]) == {}


def test_of_measures_gives_the_asked_measures_current_returns_in_one_quarter(any_store, reopen):
    returns = any_store.returns
    returns.save_many([_return(1.0), _return(9.0, "M2"), _return(7.0, "M3"), _return(4.0, period=Q4)])
    returns.save(_return(1.5))  # a revision: the current one counts
    returns.withdraw("M3", Q3, actor="officer", reason="wrong measure")
    other = reopen(any_store).returns
    found = other.of_measures(Q3, ["M1", "M3", "M9", "M1"])
    assert {m: (r.value, r.revision) for m, r in found.items()} == {"M1": (1.5, 2)}
    assert found["M1"] == other.get("M1", Q3)
    assert set(other.of_measures(Q3, ["M2", "M1"])) == {"M1", "M2"}
    assert other.of_measures(Q3, []) == {} and other.of_measures(Period(2026, 1), ["M1"]) == {}


def test_for_periods_gives_each_asked_quarters_current_returns(any_store, reopen):
    returns = any_store.returns
    q1, q2 = Period(2025, 1), Period(2025, 2)
    returns.save_many([_return(1.0, period=q1), _return(9.0, "M2", q1), _return(3.0, period=Q3),
                       _return("text", "M2", Q3), _return(4.0, "M2", Q4)])  # fmt: skip
    returns.save(_return(3.5))  # a revision: the current one counts
    returns.withdraw("M2", Q4, actor="officer", reason="wrong quarter")  # Q4 has none left
    other = reopen(any_store).returns
    found = other.for_periods([q1, q2, Q3, Q4, Period(2026, 1)])
    assert {p: {m: (r.value, r.revision) for m, r in by_id.items()} for p, by_id in found.items()} == {
        q1: {"M1": (1.0, 1), "M2": (9.0, 1)}, Q3: {"M1": (3.5, 2), "M2": ("text", 1)}}  # fmt: skip
    assert found[Q3] == other.for_period(Q3) and found[Q3]["M1"] == other.get("M1", Q3)
    assert other.for_periods([]) == {} and other.for_periods([q2]) == {}


def test_periods_are_every_quarter_anything_is_stored_in(any_store, reopen):
    q1, q2 = Period(2025, 1), Period(2025, 2)
    assert any_store.returns.periods() == []
    any_store.returns.save_many([_return(1.0, period=Q4), _return(2.0, "M2", Q4), _return(3.0, period=q1)])
    any_store.returns.withdraw("M1", q1, actor="officer", reason="wrong quarter")  # its versions stay
    any_store.outbox.enqueue(_message("k1", period=q2))
    assert reopen(any_store).returns.periods() == [q1, q2, Q4]


def test_for_periods_reads_quarters_of_a_county_at_once(any_store):
    quarters = [Period(2024, 4), Period(2025, 1), Period(2025, 2)]
    any_store.returns.save_many([_return(float(n), f"M{n:04d}", q) for q in quarters for n in range(700)])
    found = any_store.returns.for_periods(quarters)
    assert [len(found[q]) for q in quarters] == [700, 700, 700]  # more than are decoded at a time
    assert all(r.value == float(r.measure_id[1:]) and r.period == q for q in quarters for r in found[q].values())


def test_save_many_and_figures_keep_their_type(any_store):
    outcomes = any_store.returns.save_many([_return(0.0), _return("text", "M2"), _return(5, "M3", Q4),
                                            _return(0.1 + 0.2, "M4", numerator=3.0, denominator=10.0)])  # fmt: skip
    assert [o.status for o in outcomes] == [SaveStatus.CREATED] * 4
    q3 = any_store.returns.for_period(Q3)
    assert q3["M1"].value == 0.0 and q3["M2"].value == "text" and q3["M4"].value == 0.1 + 0.2
    assert q3["M4"].numerator == 3.0 and any_store.returns.get("M3", Q4).value == 5


def test_an_idempotency_key_is_applied_once_even_from_many_threads(any_store, reopen):
    stores = [any_store, reopen(any_store)]  # two processes' stores on the same data
    results = []

    def deliver(n: int) -> None:
        results.append(stores[n % 2].returns.save(_return(float(n)), idempotency_key="view-1"))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status.value for r in results) == ["created"] + ["unchanged"] * 5
    assert len(any_store.returns.versions("M1", Q3)) == 1


# -- rounds, quarter commits -----------------------------------------------------------------------


def test_a_round_opens_once_and_closes_with_a_reason(any_store, clock):
    deadline = datetime(2026, 1, 30, 17, tzinfo=LONDON)
    opened, first = any_store.rounds.open(Q3, deadline=deadline, actor="officer")
    again, second = any_store.rounds.open(Q3, deadline=deadline + timedelta(days=1), actor="officer")
    assert first and not second and again.deadline == deadline
    closed = any_store.rounds.set_state(Q3, RoundState.CLOSED, actor="officer", reason="all in")
    assert closed.state is RoundState.CLOSED and any_store.rounds.get(Q3).closed_at == clock.now()
    assert [r.period for r in any_store.rounds.all()] == [Q3]
    assert any_store.audit.about(f"round {Q3}")[-1].after["reason"] == "all in"
    with pytest.raises(KeyError):
        any_store.rounds.set_state(Q4, RoundState.CLOSED, actor="officer")


def test_a_quarter_commit_keeps_all_of_its_writes_or_none(any_store, reopen):
    with pytest.raises(RuntimeError), any_store.quarter_commit(Q3):
        any_store.returns.save(_return(1.0))
        any_store.outbox.enqueue(_message("alert-1"))
        raise RuntimeError("crash before the commit")
    assert any_store.returns.get("M1", Q3) is None and any_store.outbox.get(Q3, "alert-1") is None
    with any_store.quarter_commit(Q3):
        any_store.returns.save(_return(1.0))
        any_store.outbox.enqueue(_message("alert-1"))
    other = reopen(any_store)
    assert other.returns.get("M1", Q3).value == 1.0 and other.outbox.get(Q3, "alert-1") is not None


# -- outbox ------------------------------------------------------------------------------------------


def test_the_outbox_records_each_key_once_and_a_claim_is_exclusive(any_store, reopen, clock):
    outbox = any_store.outbox
    assert outbox.enqueue(_message("k1"), actor="officer", action="chase.recorded")
    assert not outbox.enqueue(_message("k1"))
    assert outbox.enqueue_many([_message("k2"), _message("k1"), _message("k2"), _message("k3", Q4)]) == [
        True, False, False, True]
    assert [m.key for m in outbox.for_period(Q3)] == ["k1", "k2"]
    assert any_store.audit.about("message k1")[0].action == "chase.recorded"
    other = reopen(any_store).outbox
    claimed = outbox.claim(Q3, "k1", lease=timedelta(minutes=5))
    assert claimed.status is OutboxStatus.SENDING and claimed.attempts == 1
    assert other.claim(Q3, "k1", lease=timedelta(minutes=5)) is None  # held by the first
    outbox.mark_sent(Q3, "k1", channel="slack", ref="ts-1")
    assert other.get(Q3, "k1").status is OutboxStatus.SENT and other.get(Q3, "k1").delivery_ref == "ts-1"
    assert other.claim(Q3, "k1", lease=timedelta(minutes=5)) is None  # sent: never again
    assert [m.key for m in other.claimable(Q3)] == ["k2"]


def test_an_expired_lease_and_a_due_retry_may_be_claimed_again(any_store, clock):
    outbox = any_store.outbox
    outbox.enqueue(_message("k1"))
    outbox.enqueue(_message("k2"))
    outbox.claim(Q3, "k1", lease=timedelta(minutes=5))
    outbox.claim(Q3, "k2", lease=timedelta(minutes=5))
    outbox.mark_failed(Q3, "k2", error="429", retry_at=clock.now() + timedelta(minutes=10))
    assert outbox.claimable(Q3) == []
    clock.advance(timedelta(minutes=6))
    assert [m.key for m in outbox.claimable(Q3)] == ["k1"]
    assert outbox.claim(Q3, "k1", lease=timedelta(minutes=5)).attempts == 2
    clock.advance(timedelta(minutes=5))
    assert outbox.get(Q3, "k2").error == "429" and outbox.claim(Q3, "k2", lease=timedelta(minutes=5))
    outbox.mark_failed(Q3, "k2", error="no such user", retry_at=None)
    outbox.mark_skipped(Q3, "k1", reason="round closed")
    assert [m.status for m in outbox.for_period(Q3)] == [OutboxStatus.SKIPPED, OutboxStatus.FAILED]


def test_many_claimers_on_two_stores_send_each_message_once(any_store, reopen):
    any_store.outbox.enqueue_many([_message(f"k{n}") for n in range(20)])
    stores = [any_store, reopen(any_store)]
    won: list[str] = []

    def worker(n: int) -> None:
        for message in stores[n % 2].outbox.claimable(Q3):
            if stores[n % 2].outbox.claim(Q3, message.key, lease=timedelta(minutes=5)):
                won.append(message.key)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == sorted(f"k{n}" for n in range(20))


def _hourly(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _add_to_batch(store, items: list[str]) -> None:
    store.outbox.add_to_batch(Q3, kind="digest", recipient=OWNER, items=items, slot_after=_hourly,
                              key_for=lambda s: f"batch-{s:%H}")  # fmt: skip


def test_a_batch_collects_items_until_it_is_taken(any_store, clock):
    _add_to_batch(any_store, ["a"])
    _add_to_batch(any_store, ["b", "a"])
    assert [m.key for m in any_store.outbox.for_period(Q3)] == ["batch-11"]
    assert any_store.outbox.get(Q3, "batch-11").content == {"items": ["a", "b"]}
    clock.advance(timedelta(hours=1))
    assert any_store.outbox.claim(Q3, "batch-11", lease=timedelta(minutes=5))
    clock.advance(timedelta(minutes=-59))
    _add_to_batch(any_store, ["c"])  # the 11:00 batch is being sent: the item waits for the next
    _add_to_batch(any_store, ["e", "c", "d", "e"])
    assert any_store.outbox.get(Q3, "batch-11").content == {"items": ["a", "b"]}
    assert any_store.outbox.get(Q3, "batch-12").content == {"items": ["c", "e", "d"]}  # new ones, in order, once


def test_items_skip_as_many_taken_batches_as_a_clock_far_behind_finds(any_store, clock):
    started = clock.now()
    for hour in range(4):  # 11:00 to 14:00, each taken for sending (PostgreSQL looks at three at once)
        clock.set(started + timedelta(hours=hour))
        _add_to_batch(any_store, [f"item {hour}"])
    clock.set(started + timedelta(hours=4))
    for hour in range(11, 15):
        assert any_store.outbox.claim(Q3, f"batch-{hour}", lease=timedelta(minutes=5))
    clock.set(started)  # a clock four hours behind the one that sent them
    _add_to_batch(any_store, ["late"])
    assert any_store.outbox.get(Q3, "batch-15").content == {"items": ["late"]}
    assert [any_store.outbox.get(Q3, f"batch-{11 + n}").content["items"] for n in range(4)] == \
        [[f"item {n}"] for n in range(4)]  # fmt: skip


# -- the core tables -----------------------------------------------------------------------------


def test_register_targets_and_terms(any_store, reopen):
    register = any_store.register
    changes = register.apply([make_measure("M1"), make_measure("M2")], [], actor="officer")
    assert changes.added == ("M1", "M2") and changes.targets_set == 0
    from perfbot.model import TargetOverride

    changes = register.apply([make_measure("M1", target=95.0), make_measure("M2")],
                             [TargetOverride("M2", Q3, 50.0)], actor="officer", starts={"M1": Q3})  # fmt: skip
    assert changes.updated == ("M1",) and changes.unchanged == ("M2",) and changes.targets_set == 1
    other = reopen(any_store).register
    assert other.target_override("M2", Q3) == 50.0 and other.target_override("M2", Q4) is None
    assert other.targets()[0].target == 50.0 and other.starts() == {"M1": Q3}
    m1 = other.measure("M1")
    assert other.in_force(m1, Q3).target == 95.0 and other.in_force(m1, Period(2025, 2)).target == 90.0
    retired = register.apply([make_measure("M1", target=95.0)], None, actor="officer", starts={"M1": Q3})
    assert retired.retired == ("M2",) and retired.targets_set == 1
    assert [m.measure_id for m in other.measures()] == ["M1"]
    assert [m.measure_id for m in other.measures(include_retired=True)] == ["M1", "M2"]


def test_a_pinned_register_is_read_once_and_fresh_at_the_start_of_each_block(any_store, reopen):
    from perfbot.model import TargetOverride

    register, elsewhere = any_store.register, reopen(any_store).register
    register.apply([make_measure("M1")], [TargetOverride("M1", Q3, 50.0)], actor="officer")
    with elsewhere.pinned():
        assert elsewhere.target_override("M1", Q3) == 50.0
        register.apply([make_measure("M1")], [TargetOverride("M1", Q3, 60.0)], actor="officer")
        with elsewhere.pinned():  # nested: the same moment as the outer block
            seen_in_block = elsewhere.target_override("M1", Q3)
    with elsewhere.pinned():  # started after the change: sees it
        assert elsewhere.target_override("M1", Q3) == 60.0
        assert elsewhere.in_force(elsewhere.measure("M1"), Q3).target == 90.0
        elsewhere.apply([make_measure("M1", target=95.0)], [], actor="officer")  # its own change unpins
        assert elsewhere.target_override("M1", Q3) is None and elsewhere.measure("M1").target == 95.0
    # a change made while a block runs: PostgreSQL's register, checked once per block, shows it to
    # the next block; TinyDB's files are always current
    assert seen_in_block == (50.0 if hasattr(any_store, "url") else 60.0)
    assert register.target_override("M1", Q3) is None and register.measure("M1").target == 95.0


def test_case_studies_people_and_drafts(any_store, clock):
    study = CaseStudy("CS-1", "A title", "Theme A", "Service A", "What", "Impact", True, OWNER, clock.now(), Q3)
    assert any_store.case_studies.add(study) == (study, True)
    assert any_store.case_studies.add(study)[1] is False
    any_store.case_studies.update("CS-1", actor="officer", reason="good", status=CaseStudyStatus.APPROVED)
    assert [s.case_id for s in any_store.case_studies.list(status=CaseStudyStatus.APPROVED)] == ["CS-1"]
    assert any_store.case_studies.list(status=CaseStudyStatus.REJECTED) == []
    with pytest.raises(KeyError):
        any_store.case_studies.update("CS-9", actor="officer", title="x")

    away = Absence(date(2026, 2, 1), date(2026, 2, 5))
    any_store.people.set("Jo@Council.gov.uk", actor="officer", deputy="sam@council.gov.uk", add_absences=(away,))
    assert any_store.people.get("jo@council.gov.uk").deputy == "sam@council.gov.uk"
    any_store.people.set("jo@council.gov.uk", actor="officer", clear_absences=True)
    assert any_store.people.get("jo@council.gov.uk").absences == ()
    assert list(any_store.people.all()) == ["jo@council.gov.uk"]
    assert [r.action for r in any_store.audit.about("person jo@council.gov.uk")] == ["person.updated"] * 2

    drafts = any_store.drafts
    drafts.save(owner="Jo@x.gov.uk", period=Q3, measure_id="M1", value="5", commentary="", action="")
    drafts.save(owner="jo@x.gov.uk", period=Q3, measure_id="M1", value="6", commentary="c", action="")
    assert drafts.get(owner="jo@x.gov.uk", period=Q3, measure_id="M1").value == "6"
    assert list(drafts.for_owner(owner="JO@x.gov.uk", period=Q3)) == ["M1"]
    assert drafts.discard(owner="jo@x.gov.uk", period=Q3, measure_id="M1")
    assert not drafts.discard(owner="jo@x.gov.uk", period=Q3, measure_id="M1")


def test_publications_actions_and_sign_offs(any_store, clock):
    rows = [{"measure_id": "M1", "value": 5.0, "rag": "green"}]
    first = any_store.publications.publish(Q3, rows, actor="officer")
    second = any_store.publications.publish(Q3, rows, actor="officer")
    assert (first.edition, second.edition) == (1, 2) and any_store.publications.latest(Q3).rows["M1"]["rag"] == "green"
    assert any_store.publications.latest(Q4) is None

    red = _return(10.0, action="Recruit two officers")
    with any_store.quarter_commit(Q3):  # as a submission raises it: in its return's commit
        action = any_store.actions.track(red, owner="Owner@Council.gov.uk", due=Due.end_of(Q4))
        assert any_store.actions.track(red, owner=OWNER, due=Due.end_of(Q4)) == action
    assert [r.action for r in any_store.audit.about("action M1-2025-26-Q3")] == ["action.raised"]  # raised once
    reworded = any_store.actions.track(_return(10.0, action="Recruit three"), owner=OWNER, due=Due.end_of(Q4))
    assert reworded.text == "Recruit three"
    key = "M1-2025-26-Q3"
    done = any_store.actions.change(key, ActionChange(clock.now(), "officer", ActionStatus.DONE, note="hired",
                                                      via="web"))  # fmt: skip
    assert done.status is ActionStatus.DONE and any_store.actions.get(key).status is ActionStatus.DONE
    clock.advance(timedelta(seconds=1))  # the same change again (a second click): kept once
    again = any_store.actions.change(key, ActionChange(clock.now(), "officer", ActionStatus.DONE, note="hired",
                                                       via="web"))  # fmt: skip
    assert len(again.changes) == len(done.changes) == 1
    assert [r.after["via"] for r in any_store.audit.about(f"action {key}") if r.action == "action.changed"] == ["web"]
    assert [a.measure_id for a in any_store.actions.all()] == ["M1"]
    with pytest.raises(ActionError):
        any_store.actions.change("M9-2025-26-Q3", ActionChange(clock.now(), "officer", ActionStatus.DONE))

    asked = ServiceSignOff(Q3, "Service A", ("head@council.gov.uk",), {"M1": 1}, SignOffState.AWAITING, clock.now())
    any_store.sign_offs.put(asked, actor="officer", what="sign_off.requested")
    any_store.sign_offs.put(ServiceSignOff(Q3, "Service A", asked.approvers, {"M1": 1}, SignOffState.APPROVED,
                                           clock.now()), actor="head", what="sign_off.approved")  # fmt: skip
    assert any_store.sign_offs.get(Q3, "Service A").state is SignOffState.APPROVED
    assert [s.service for s in any_store.sign_offs.for_period(Q3)] == ["Service A"]
    assert any_store.sign_offs.for_period(Q4) == [] and any_store.sign_offs.get(Q3, "B") is None


def test_chat_directory_and_handled_deliveries(any_store, reopen):
    chat = any_store.chat
    sent = ChatMessage("slack", Q3, "D1", "111.1", "request", "jo@x.gov.uk", {"measures": ["M1"]})
    chat.remember_message(sent)
    chat.remember_message(ChatMessage("slack", Q3, "D1", "111.1", "request", "jo@x.gov.uk", parts_sent=2))
    chat.remember_message(ChatMessage("teams", Q3, "C9", "222.2", "digest"))
    assert [m.parts_sent for m in chat.messages("slack", Q3)] == [2]
    assert chat.messages("slack", Q3, email="JO@x.gov.uk", kind="reminder") == []
    assert chat.message_at("slack", "D1", "111.1", periods=[Q4, Q3]).kind == "request"
    assert chat.message_at("slack", "C9", "222.2", periods=[Q3]) is None
    other = reopen(any_store).chat
    assert chat.claim("event-1") and not other.claim("event-1")
    assert other.claim("event-2") and not chat.claim("event-2")


def test_web_sessions_and_sign_in_links(any_store, clock):
    sessions = any_store.web_sessions
    session_id, kept = sessions.start("Jo@x.gov.uk", hours=8, how="entra", app_roles=("officer",))
    assert kept.key == key_of(session_id) and sessions.get(session_id).app_roles == ("officer",)
    assert [s.email for s in sessions.active()] == ["jo@x.gov.uk"]
    assert sessions.end(key=kept.key) and sessions.get(session_id) is None and not sessions.end(key=kept.key)
    later, _ = sessions.start("sam@x.gov.uk", hours=1)
    clock.advance(timedelta(hours=2))
    assert sessions.get(later) is None and sessions.active() == []
    expires = clock.now() + timedelta(hours=1)
    assert sessions.use_link("nonce-1", expires=expires) and not sessions.use_link("nonce-1", expires=expires)


def test_audit_records_are_in_time_order_and_by_subject(any_store, clock):
    any_store.audit.record(actor="officer", action="note", subject="x", after={"n": 1})
    clock.advance(timedelta(minutes=1))
    any_store.returns.save(_return(1.0))
    assert [r.action for r in any_store.audit.all()] == ["note", "return.created"]
    assert any_store.audit.about("x")[0].after == {"n": 1} and any_store.audit.about("x")[0].at.tzinfo is not None


def test_an_upload_is_kept_once_where_every_process_reads_it(any_store, reopen):
    path = "uploads/case-studies/CS-1/photo.png"
    assert any_store.uploads.put(path, b"\x89PNG first")
    assert not reopen(any_store).uploads.put(path, b"\x89PNG second")  # the first file stays
    assert reopen(any_store).uploads.get(path) == b"\x89PNG first"
    assert any_store.uploads.get("uploads/case-studies/CS-1/other.png") is None
    for outside in ("../perfbot.toml", "/etc/passwd", "uploads/../core.json", "core.json"):
        with pytest.raises(ValueError, match="not an upload's path"):
            any_store.uploads.get(outside)
