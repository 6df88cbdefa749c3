"""A whole round by e-mail, as `perfbot serve` runs it (no terminal, so no local channel): a real
SMTP server with STARTTLS and AUTH, the scheduler's ticks on a manual clock."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.email.channel import EmailChannel, sender_for
from bot.email.smtp import SmtpTransport
from perfbot import app as app_module
from perfbot.clock import ManualClock
from perfbot.mail_settings import EmailSettings
from perfbot.store import OutboxStatus
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.tls import LocalCA
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    DAN,
    Q3,
    Q3_OPENS,
    london,
    reply,
    run_days,
    small_register,
)  # fmt: skip

CMT = "cmt@council.gov.uk"
TOML = f"""
[council]
name = "Testshire District Council"
performance_officers = ["olive@council.gov.uk"]
[digest]
recipients = ["{CMT}"]
"""


@pytest.fixture
def ca():
    found = LocalCA()
    yield found
    found.close()


def served(tmp_path, ca: LocalCA, smtp: SmtpServer | None):  # noqa: ANN201 - (clock, app)
    data = tmp_path / "data"
    data.mkdir()
    (data / "perfbot.toml").write_text(TOML)
    clock = ManualClock(london(Q3_OPENS))
    channels = []
    if smtp is not None:
        settings = EmailSettings.from_env(smtp.env())
        transport = SmtpTransport(settings.smtp, ssl_context=ca.client_context(), timeout=5)
        config = app_module.config_module.load(data)
        channels = [EmailChannel(transport, sender=sender_for(settings, config), now=clock.now)]
    app = app_module.build(data, clock=clock, channels=channels)  # no `show`: as under serve
    app.store.register.apply(small_register(), [], actor="test")
    return clock, app


def to(smtp: SmtpServer, person: str, starts: str) -> list:
    return [m for m in smtp.messages if m["To"] == person and m["Subject"].startswith(starts)]


def test_a_round_by_email_reaches_each_person_once_and_retries_a_deferral(tmp_path, ca):
    with SmtpServer(ca) as smtp:
        clock, app = served(tmp_path, ca, smtp)
        app.cycle.tick()  # the round opens: one request each
        requests = to(smtp, ALICE, "Performance returns") + to(smtp, BOB, "Performance returns") + to(smtp, CAROL, "Performance returns")
        assert sorted(m["To"] for m in requests) == [ALICE, BOB, CAROL] and len(smtp.messages) == 3
        for message in requests:
            links = [line for line in message.get_body(("plain",)).get_content().splitlines() if "/returns/" in line]
            assert len(links) == 1  # their own signed form link
        assert to(smtp, DAN, "") == []  # annual measure: nothing due in Q3
        run_days(clock, app, until=date(2026, 1, 29), events={
            london("2026-01-09 11:00"): reply(app, "A1", Q3, 95, by=ALICE),
            london("2026-01-09 11:05"): reply(app, "A2", Q3, 95, by=ALICE),
            london("2026-01-09 11:10"): reply(app, "B1", Q3, 95, by=BOB),
            london("2026-01-15 09:00"): lambda: smtp.defer_next(1),  # 451 on the first reminder
        })  # fmt: skip
        reminders = to(smtp, CAROL, "Reminder:")
        assert len(reminders) == 2  # 15 and 21 January, each once, though the first was deferred
        assert to(smtp, ALICE, "Reminder:") == [] and to(smtp, BOB, "Reminder:") == []
        assert all(r["In-Reply-To"] == to(smtp, CAROL, "Performance returns")[0]["Message-ID"] for r in reminders)
        [digest] = to(smtp, CMT, "Performance digest for 2025/26 Q3")
        assert "Performance digest, 2025/26 Q3" in digest.get_body(("html",)).get_content()
        assert smtp.handler.data_attempts == len(smtp.messages) + 1  # the one deferral, retried once
        ids = [m["Message-ID"] for m in smtp.messages]
        assert len(ids) == len(set(ids))  # no duplicate
        deferred = app.store.outbox.get(Q3, f"{Q3}|reminder#2026-01-15|{CAROL}")
        assert deferred.status is OutboxStatus.SENT and deferred.attempts == 2 and deferred.channel == "email"


def test_a_refused_address_is_undelivered_shown_and_not_retried(tmp_path, ca):
    with SmtpServer(ca) as smtp:
        smtp.refuse(BOB)
        clock, app = served(tmp_path, ca, smtp)
        app.cycle.tick()
        run_days(clock, app, until=date(2026, 1, 12))
        [failed] = app.status.of(Q3).undelivered
        assert failed.recipient == BOB and failed.attempts == 1 and "550" in failed.reason
        assert sorted(m["To"] for m in smtp.messages) == [ALICE, CAROL]


def test_with_no_channel_nothing_is_marked_sent_and_the_log_says_so_once(tmp_path, ca, caplog, capsys, monkeypatch):
    clock, app = served(tmp_path, ca, None)
    with caplog.at_level(logging.ERROR, logger="perfbot.dispatch"):
        app.cycle.tick()
        run_days(clock, app, until=date(2026, 1, 9))
    messages = app.store.outbox.for_period(Q3)
    assert messages and all(m.status is OutboxStatus.FAILED for m in messages)
    status = app.status.of(Q3)
    assert {u.recipient for u in status.undelivered} == {ALICE, BOB, CAROL}
    assert all("no channel can reach" in u.reason for u in status.undelivered)
    assert all(row.requested == "" for row in status.owners)  # nothing counted as sent
    logged = [r.getMessage() for r in caplog.records if "not delivered" in r.getMessage()]
    assert len(logged) == 3  # once for each message, however many ticks follow
    monkeypatch.setenv("PERFBOT_DATA", str(app.data_dir))
    from perfbot.cli import main

    assert main(["round", "status", str(Q3)]) == 0
    shown = capsys.readouterr().out
    assert "Not delivered (3)" in shown and f"no channel can reach {CAROL}" in shown
