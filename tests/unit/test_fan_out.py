"""Opening a round quickly: one read per batch of notices, one transaction per batch of messages,
people's messages sent side by side (each person's in order), calls paced from when they end."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime

import pytest

from bot.slack.pacing import Pacer, Tier
from perfbot.clock import LONDON
from perfbot.dispatch import Dispatcher
from perfbot.links import FormLinks
from perfbot.model import Return
from perfbot.notices import NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus, Store
from schedules.notices import NoticeData, build_notice
from schedules.planner import DueAction, action_key
from tests.conftest import make_measure
from tests.unit.test_slack_plumbing import FakeTime

Q3 = Period(2025, 3)
ALICE, BOB, CAROL = "alice@council.gov.uk", "bob@council.gov.uk", "carol@council.gov.uk"


def _message(person: str, kind: NoticeKind = NoticeKind.REQUEST, step: str = "") -> OutboxMessage:
    notice = PersonNotice(kind=kind, period=str(Q3), recipient=person,
                          deadline=datetime(2026, 1, 22, 23, 59, tzinfo=LONDON), measures=())  # fmt: skip
    return OutboxMessage(action_key(Q3, kind, person, step), Q3, kind.value, person, notice.to_content())


# -- the outbox ----------------------------------------------------------------------------------


def test_a_batch_is_recorded_once_per_key_in_order(store: Store) -> None:
    assert store.outbox.enqueue(_message(ALICE))
    batch = [_message(BOB), _message(ALICE), _message(CAROL), _message(BOB)]
    assert store.outbox.enqueue_many(batch) == [True, False, True, False]
    assert [m.recipient for m in store.outbox.for_period(Q3)] == [ALICE, BOB, CAROL]
    assert store.outbox.enqueue_many([]) == []


def test_a_batch_is_recorded_whole_or_not_at_all(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = [_message(ALICE), _message(BOB)]
    broken = OutboxMessage.to_doc

    def to_doc(message: OutboxMessage) -> dict:
        if message.recipient == BOB:
            raise OSError("disk full")
        return broken(message)

    monkeypatch.setattr(OutboxMessage, "to_doc", to_doc)
    with pytest.raises(OSError):
        store.outbox.enqueue_many(batch)
    monkeypatch.undo()
    assert store.outbox.for_period(Q3) == []
    assert store.outbox.enqueue_many(batch) == [True, True]


def test_a_batch_the_database_refuses_half_way_is_not_recorded_at_all(database_url, clock) -> None:
    """PostgreSQL records a batch in one pipelined statement batch: a row refused after others
    were sent rolls them all back."""
    from perfbot.store.pg import PgStore

    store = PgStore.open(database_url, clock=clock)
    try:
        refused = OutboxMessage("bad\x00key", Q3, "request", BOB, {})  # text cannot hold NUL
        with pytest.raises(Exception, match="NUL"):
            store.outbox.enqueue_many([_message(ALICE), _message(CAROL), refused])
        assert store.outbox.for_period(Q3) == []
        assert store.outbox.enqueue_many([_message(ALICE), _message(CAROL)]) == [True, True]
    finally:
        store.close()


# -- notices -------------------------------------------------------------------------------------


def _count(monkeypatch: pytest.MonkeyPatch, repo: object, name: str, reads: Counter[str]) -> None:
    real = getattr(repo, name)

    def counted(*args: object, **kwargs: object) -> object:
        reads[name] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, name, counted)


def test_notices_built_together_read_the_register_and_last_quarter_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.register.apply([make_measure("A1", owner_email=ALICE), make_measure("B1", owner_email=BOB)],
                         [], actor="test")  # fmt: skip
    store.returns.save(Return("A1", Q3.previous(), 88.0, submitted_by=ALICE))
    store.rounds.open(Q3, deadline=datetime(2026, 1, 22, 23, 59, tzinfo=LONDON), actor="test")
    links = FormLinks(secret="s" * 32, base_url="http://perfbot.example")
    actions = [DueAction(action_key(Q3, NoticeKind.REQUEST, p), Q3, NoticeKind.REQUEST, p,
                         store.clock.now(), measure_ids=(m,), addressee=p)
               for p, m in ((ALICE, "A1"), (BOB, "B1"))]  # fmt: skip
    alone = [build_notice(store, links, a) for a in actions]

    reads: Counter[str] = Counter()
    _count(monkeypatch, store.register, "measures", reads)
    _count(monkeypatch, store.returns, "for_period", reads)
    data = NoticeData(store)
    together = [build_notice(store, links, a, data=data) for a in actions]
    assert together == alone
    assert reads == {"measures": 1, "for_period": 1}
    assert together[0].measures[0].last_value == 88.0


# -- sending -------------------------------------------------------------------------------------


class _Channel:
    """Knows everyone it is told to; records sends and how many ran at once."""

    def __init__(self, name: str, *, parallel: int | None = None, knows: bool = True) -> None:
        self.name = name
        if parallel is not None:
            self.parallel_sends = parallel
        self._knows = knows
        self._lock = threading.Lock()
        self._running = 0
        self.most_at_once = 0
        self.sent: list[tuple[str, str]] = []

    def resolve_person(self, email: str) -> str | None:
        return email if self._knows else None

    def send_request(self, address: str, notice: PersonNotice) -> str:
        return self._send(address, notice)

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        return self._send(address, notice)

    def _send(self, address: str, notice: PersonNotice) -> str:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        time.sleep(0.02)  # a platform that takes its time: sends overlap if they may
        with self._lock:
            self._running -= 1
            self.sent.append((address, notice.kind.value))
        return f"{self.name}-{len(self.sent)}"


def _recorded(store: Store) -> list[OutboxMessage]:
    people = [f"owner{n}@council.gov.uk" for n in range(6)]
    messages = [_message(p) for p in people] + [_message(p, NoticeKind.REMINDER, "1") for p in people]
    messages.insert(1, messages.pop(6))  # owner0's reminder right behind their request
    store.outbox.enqueue_many(messages)
    return messages


def test_people_are_sent_to_side_by_side_and_each_persons_messages_in_order(store: Store) -> None:
    messages = _recorded(store)
    channel = _Channel("fast", parallel=4)
    report = Dispatcher(store, [channel], digest_for=lambda p: None).deliver_pending([Q3])
    assert report.sent == [m.key for m in messages] and not report.failed  # in the recorded order
    assert 1 < channel.most_at_once <= 4
    for person in {m.recipient for m in messages}:
        assert [kind for to, kind in channel.sent if to == person] == ["request", "reminder"]
    assert all(m.status is OutboxStatus.SENT and m.attempts == 1 for m in store.outbox.for_period(Q3))


def test_a_channel_that_does_not_say_otherwise_sends_one_at_a_time(store: Store) -> None:
    messages = _recorded(store)
    nobody = _Channel("parallel-but-knows-nobody", parallel=4, knows=False)
    serial = _Channel("serial")
    report = Dispatcher(store, [nobody, serial], digest_for=lambda p: None).deliver_pending([Q3])
    assert len(report.sent) == len(messages) and serial.most_at_once == 1


def test_one_worker_sends_in_the_recorded_order(store: Store) -> None:
    messages = _recorded(store)
    channel = _Channel("fast", parallel=4)
    Dispatcher(store, [channel], digest_for=lambda p: None, workers=1).deliver_pending([Q3])
    assert channel.sent == [(m.recipient, m.kind) for m in messages]


def test_an_interrupt_in_one_lane_stops_the_others_and_leaves_nothing_sent_twice(store: Store) -> None:
    _recorded(store)

    class Interrupted(_Channel):
        def send_request(self, address: str, notice: PersonNotice) -> str:
            if address == "owner3@council.gov.uk":
                raise KeyboardInterrupt
            return super().send_request(address, notice)

    channel = Interrupted("fast", parallel=2)
    with pytest.raises(KeyboardInterrupt):
        Dispatcher(store, [channel], digest_for=lambda p: None).deliver_pending([Q3])
    statuses = {m.key: m.status for m in store.outbox.for_period(Q3)}
    assert statuses[action_key(Q3, NoticeKind.REQUEST, "owner3@council.gov.uk")] is OutboxStatus.SENDING
    assert len(channel.sent) == len(set(channel.sent))
    assert sum(s is OutboxStatus.SENT for s in statuses.values()) == len(channel.sent)


# -- pacing --------------------------------------------------------------------------------------


def test_a_call_counts_from_when_it_ended() -> None:
    clock = FakeTime()
    pacer = Pacer({"users.lookupByEmail": Tier(1, 60.0)}, clock=lambda: clock.now, sleep=clock.sleep)
    with pacer.slot("users.lookupByEmail") as waited:
        assert waited == 0
        clock.now += 5  # slow, or retried after a 429: Slack counted it late
    assert 60.0 <= pacer.wait("users.lookupByEmail") <= 60.7 + 5  # its window starts at the end (not 55)


def test_a_call_longer_than_the_window_is_still_counted() -> None:
    clock = FakeTime()
    pacer = Pacer({"chat.update": Tier(1, 10.0)}, clock=lambda: clock.now, sleep=clock.sleep)
    with pacer.slot("chat.update"):
        clock.now += 30
    assert pacer.wait("chat.update") >= 10.0
    with pacer.slot("other.method") as waited:  # untiered methods are not paced
        assert waited == 0
