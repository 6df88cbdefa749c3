"""A whole financial year (four rounds) on an injected clock, in seconds.

Ticks five times a day, weekends included, from July 2025 to May 2026. Owners reply on scripted
days; Bob is away for the Q3 round (Alice deputises); the officer chases Carol in Q2. The exact
sequence of messages each person receives is asserted, with London wall-clock times (the Q2 round
straddles the end of British Summer Time on 26 October 2025).
"""

from __future__ import annotations

from datetime import date

import pytest

from perfbot.people import Absence
from perfbot.periods import Period
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    DAN,
    HANA,
    WILL,
    london,
    reply,
    run_days,
    seeded,
)  # fmt: skip

Q1, Q2, Q3, Q4 = (Period(2025, q) for q in (1, 2, 3, 4))
q1, q2, q3, q4 = (str(p) for p in (Q1, Q2, Q3, Q4))


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    data = tmp_path_factory.mktemp("year") / "data"
    clock, channel, app = seeded(data, london("2025-07-01 07:00"))
    app.store.people.set(BOB, actor="test", deputy=ALICE,
                         add_absences=(Absence(date(2026, 1, 5), date(2026, 1, 26)),))  # fmt: skip
    chases = []

    def chase_carol():
        chases.append(app.cycle.chase(Q2, owner=CAROL, actor="officer@council.gov.uk"))

    events = {
        # Q1: Alice the day after opening, Bob the day after the first reminder, Carol never.
        london("2025-07-08 11:00"): reply(app, "A1", Q1, 95, by=ALICE),
        london("2025-07-08 11:05"): reply(app, "A2", Q1, 96, by=ALICE),
        london("2025-07-15 11:00"): reply(app, "B1", Q1, 95, by=BOB),
        # Q2: Bob's return is red (it was green in Q1): CMT hears within the hour.
        london("2025-10-08 11:00"): reply(app, "A1", Q2, 95, by=ALICE),
        london("2025-10-08 11:05"): reply(app, "A2", Q2, 96, by=ALICE),
        london("2025-10-15 11:00"): reply(app, "B1", Q2, 70, by=BOB, commentary="Two vacancies",
                                          action="Agency cover"),
        london("2025-10-22 10:00"): chase_carol,  # overdue: chased
        london("2025-10-22 15:00"): chase_carol,  # within the quiet period: not chased again
        london("2025-10-23 10:05"): chase_carol,  # a day later: chased again
        london("2025-10-23 14:00"): reply(app, "C1", Q2, 91, by=CAROL),
        # Q3: Bob is away; the officer enters his figure after Alice's reminder on his behalf.
        london("2026-01-09 11:00"): reply(app, "A1", Q3, 95, by=ALICE),
        london("2026-01-09 11:05"): reply(app, "A2", Q3, 96, by=ALICE),
        london("2026-01-16 11:00"): reply(app, "B1", Q3, 95, by=None),
        london("2026-01-22 10:00"): reply(app, "C1", Q3, 92, by=CAROL),
        # Q4: Dan's annual measure is due too.
        london("2026-04-10 11:00"): reply(app, "A1", Q4, 95, by=ALICE),
        london("2026-04-10 11:05"): reply(app, "A2", Q4, 96, by=ALICE),
        london("2026-04-10 11:10"): reply(app, "D1", Q4, 93, by=DAN),
        london("2026-04-17 11:00"): reply(app, "B1", Q4, 94, by=BOB),
        london("2026-04-23 10:00"): reply(app, "C1", Q4, 92, by=CAROL),
    }
    run_days(clock, app, until=date(2026, 5, 8), events=events)
    return channel, app, chases


def test_alice_gets_her_requests_and_bobs_messages_while_he_is_away(year):
    channel, _, _ = year
    assert channel.to(ALICE) == [
        ("2025-07-07 09:30", "request", q1, "", ("A1", "A2")),
        ("2025-10-07 09:30", "request", q2, "", ("A1", "A2")),
        ("2026-01-08 09:30", "request", q3, "", ("A1", "A2")),
        ("2026-01-08 09:30", "request", q3, BOB, ("B1",)),
        ("2026-01-15 09:30", "reminder", q3, BOB, ("B1",)),
        ("2026-04-09 09:30", "request", q4, "", ("A1", "A2")),
    ]


def test_bob_is_reminded_until_he_replies_and_hears_nothing_while_away(year):
    channel, _, _ = year
    assert channel.to(BOB) == [
        ("2025-07-07 09:30", "request", q1, "", ("B1",)),
        ("2025-07-14 09:30", "reminder", q1, "", ("B1",)),
        ("2025-10-07 09:30", "request", q2, "", ("B1",)),
        ("2025-10-14 09:30", "reminder", q2, "", ("B1",)),
        ("2026-04-09 09:30", "request", q4, "", ("B1",)),
        ("2026-04-16 09:30", "reminder", q4, "", ("B1",)),
    ]


def test_carol_is_reminded_chased_but_not_twice_within_the_quiet_period(year):
    channel, _, chases = year
    assert channel.to(CAROL) == [
        ("2025-07-07 09:30", "request", q1, "", ("C1",)),
        ("2025-07-14 09:30", "reminder", q1, "", ("C1",)),
        ("2025-07-18 09:30", "reminder", q1, "", ("C1",)),
        ("2025-07-21 09:30", "deadline", q1, "", ("C1",)),
        ("2025-10-07 09:30", "request", q2, "", ("C1",)),
        ("2025-10-14 09:30", "reminder", q2, "", ("C1",)),
        ("2025-10-20 09:30", "reminder", q2, "", ("C1",)),
        ("2025-10-21 09:30", "deadline", q2, "", ("C1",)),
        ("2025-10-22 10:00", "chase", q2, "", ("C1",)),
        ("2025-10-23 10:05", "chase", q2, "", ("C1",)),
        ("2026-01-08 09:30", "request", q3, "", ("C1",)),
        ("2026-01-15 09:30", "reminder", q3, "", ("C1",)),
        ("2026-01-21 09:30", "reminder", q3, "", ("C1",)),
        ("2026-01-22 09:30", "deadline", q3, "", ("C1",)),
        ("2026-04-09 09:30", "request", q4, "", ("C1",)),
        ("2026-04-16 09:30", "reminder", q4, "", ("C1",)),
        ("2026-04-22 09:30", "reminder", q4, "", ("C1",)),
        ("2026-04-23 09:30", "deadline", q4, "", ("C1",)),
    ]
    assert [len(c.chased) for c in chases] == [1, 0, 1]
    assert chases[1].quiet[0].owner == CAROL


def test_dans_annual_measure_is_asked_for_in_q4_only(year):
    channel, _, _ = year
    assert channel.to(DAN) == [("2026-04-09 09:30", "request", q4, "", ("D1",))]


def test_heads_of_service_hear_only_of_overdue_returns(year):
    channel, _, _ = year
    assert channel.to(WILL) == [
        ("2025-07-23 09:30", "escalation", q1, "", ("C1",)),
        ("2025-10-23 09:30", "escalation", q2, "", ("C1",)),
    ]
    assert channel.to(HANA) == []


def test_cmt_gets_four_digests_and_a_prompt_alert(year):
    channel, _, _ = year
    assert channel.to("cmt") == [
        ("2025-07-28 09:30", "digest", q1, "", ()),
        ("2025-10-15 12:00", "alert", q2, "", ("B1",)),
        ("2025-10-28 09:30", "digest", q2, "", ()),
        ("2026-01-29 09:30", "digest", q3, "", ()),
        ("2026-04-30 09:30", "digest", q4, "", ()),
    ]
    alert = next(d for d in channel.deliveries if d.kind == "alert")
    assert "red at 70%" in alert.text and "green last quarter" in alert.text


def test_nothing_goes_out_at_night_or_at_weekends_and_times_follow_the_clock_change(year):
    channel, _, _ = year
    for item in channel.deliveries:
        moment = london(item.at)
        assert moment.weekday() < 5 and "09:30" <= item.at[11:] < "17:30", item
    offsets = {d.at[:10]: d.utc_offset_hours for d in channel.deliveries if d.period == q2}
    assert offsets["2025-10-20"] == 1 and offsets["2025-10-28"] == 0  # BST, then GMT


def test_skipped_nothing_and_sent_everything_it_recorded(year):
    _, app, _ = year
    for period in (Q1, Q2, Q3, Q4):
        statuses = {m.status.value for m in app.store.outbox.for_period(period)}
        assert statuses == {"sent"}, period


def test_each_notice_says_what_is_outstanding_and_by_when(year):
    channel, _, _ = year
    texts = {(d.to, d.kind, d.at[:10]): d.text for d in channel.deliveries}
    reminder = texts[(BOB, "reminder", "2025-07-14")]
    assert "Reminder: 1 return for 2025/26 Q1 still to submit." in reminder
    assert "Please submit by Monday 21 July 2025:" in reminder and "• B1 Measure B1" in reminder
    request = texts[(ALICE, "request", "2025-07-07")]
    assert "• A1 Measure A1" in request and "• A2 Measure A2" in request
    escalation = texts[(WILL, "escalation", "2025-07-23")]
    assert "1 return for 2025/26 Q1 in your service is overdue." in escalation
    assert "They were due by Monday 21 July 2025:" in escalation
    assert "• C1 Measure C1: target 90%, last quarter none — owner carol@council.gov.uk" in escalation
    deputy = texts[(ALICE, "reminder", "2026-01-15")]
    assert deputy.startswith(f"You are deputy for {BOB}, who is away. Reminder: 1 return")
