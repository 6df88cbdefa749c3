"""Two `perfbot serve` replicas on one PostgreSQL database send a round's requests exactly once,
even when the one sending them is SIGKILLed half-way.

Both replicas' clocks start on the morning the 2025/26 Q3 round is due to open (time-machine), and
the e-mail channel goes through a real SMTP server (aiosmtpd on 127.0.0.1) that takes 0.4 s to
answer each message. The replica holding the scheduler's advisory lock opens the round and starts
sending the owners' requests; after a few have arrived, while the server is answering the next,
it is SIGKILLed. The other takes the
scheduler over at its next minute's wake-up and sends the rest.

Every owner gets their request. One message may arrive twice: the one in flight at the kill, which
the SMTP server had taken in when the leader died, before it could record it sent. The outbox's
five-minute lease then lets the new leader send it again; rather than wait five minutes, the test
ends that lease as soon as the leader is dead. Such a repeat carries the same Message-ID (derived
from the outbox key), so mail clients drop the duplicate; the test checks that. The outbox records
every request sent exactly once, and the SMTP server never answered two senders at once.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from bot.email.compose import message_id
from perfbot import app as app_module
from perfbot.config import CycleConfig
from perfbot.model import Measure, Polarity, Unit
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from perfbot.settings import Settings
from perfbot.store import open_store
from perfbot.store.records import OutboxMessage, OutboxStatus
from schedules.calendar import RoundDates, WorkingCalendar
from tests.fakes.smtp_server import SmtpServer
from tests.faults.serve import Served

TAKEOVER = 120  # seconds: the promise
OWNERS = [f"owner{n:02d}@council.gov.uk" for n in range(24)]
DATA_DELAY = 0.4  # seconds the SMTP server takes to answer each message: ~10 s for the round
KILL_AFTER = 4  # requests received before the leader is killed
PERIOD = Period.containing(date(2025, 11, 15))  # 2025/26 Q3
DOMAIN = "council.gov.uk"  # PERFBOT_MAIL_FROM's


def _register(data: Path, database_url: str) -> None:
    """A register of one measure per owner, no round open yet."""
    data.mkdir(parents=True)
    (data / "perfbot.toml").write_text('[council]\nname = "Twinshire District Council"\n', encoding="utf-8")
    app = app_module.build(data, show=lambda to, text: None, channels=[], settings=Settings(database_url=database_url))
    measures = [Measure(measure_id=f"M{n:02d}", title=f"Measure {n}", theme="Theme", service=f"Service {n}",
                        owner_email=owner, head_of_service_email="head@council.gov.uk",
                        unit=Unit.NUMBER, polarity=Polarity.NONE, target=None)
                for n, owner in enumerate(OWNERS)]  # fmt: skip
    app.store.register.apply(measures, [], actor="test")
    app.store.close()


def _health(server: Served) -> str:
    return httpx.get(f"{server.url}/healthz", timeout=5).json()["scheduler"]


def _wait(what: str, done, *, limit: float, every: float = 0.2) -> None:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(every)


def _requests(database_url: str, data: Path) -> list[OutboxMessage]:
    store = open_store(data, database_url=database_url)
    try:
        return [m for m in store.outbox.for_period(PERIOD) if m.kind == NoticeKind.REQUEST.value]
    finally:
        store.close()


def _end_leases(database_url: str) -> list[str]:
    """End the lease of every message claimed but not marked sent (as five minutes passing would);
    the keys of those messages."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("UPDATE outbox SET doc = doc || %s WHERE doc->>'status' = %s RETURNING key",
                            [Jsonb({"lease_until": "2000-01-01T00:00:00+00:00"}), OutboxStatus.SENDING.value])  # fmt: skip
        return [key for (key,) in rows.fetchall()]


def test_a_round_is_sent_exactly_once_when_the_sending_replica_is_killed_half_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.delenv("PERFBOT_SECRET_KEY", raising=False)  # both sign with the data dir's key
    data = tmp_path / "data"
    _register(data, database_url)
    opening = RoundDates(PERIOD, CycleConfig(), WorkingCalendar()).opens + timedelta(hours=1)
    with SmtpServer(None, data_delay=DATA_DELAY) as smtp:
        env = {"PERFBOT_DATABASE_URL": database_url, **smtp.relay_env()}
        servers = [Served(data, tmp_path / f"serve-{n}.log", env=env, travel_to=opening) for n in (1, 2)]
        try:
            for server in servers:
                server.wait_ready()
            _wait("one replica leads", lambda: sorted(_health(s) for s in servers) == ["leading", "standby"],
                  limit=60)  # fmt: skip
            leader, standby = servers if _health(servers[0]) == "leading" else servers[::-1]
            # killed while the server holds a message it has taken in but not yet answered (most runs)
            _wait(f"{KILL_AFTER} requests arrived, one being answered",
                  lambda: len(smtp.messages) >= KILL_AFTER and smtp.handler.answering == 1,
                  limit=60, every=0.01)  # fmt: skip

            leader.kill()
            killed_at = time.monotonic()
            arrived_before_kill = {str(m["X-Envelope-To"]).lower() for m in smtp.messages}
            assert len(arrived_before_kill) < len(OWNERS), "the leader sent the whole round before it was killed"
            in_flight = _end_leases(database_url)
            assert len(in_flight) <= 1, in_flight  # one message at a time is handed to the server

            _wait("the standby runs the scheduler", lambda: _health(standby) == "leading", limit=TAKEOVER)
            assert time.monotonic() - killed_at < TAKEOVER
            _wait("every request is recorded sent",
                  lambda: all(m.status is OutboxStatus.SENT for m in _requests(database_url, data))
                  and len(_requests(database_url, data)) == len(OWNERS), limit=60)  # fmt: skip
        finally:
            for server in servers:
                server.kill()
        received = smtp.messages
        most_at_once = smtp.handler.most_at_once

    requests = _requests(database_url, data)
    assert sorted(m.recipient for m in requests) == OWNERS  # one request per owner in the outbox
    by_recipient: dict[str, list[EmailMessage]] = defaultdict(list)
    for message in received:
        by_recipient[str(message["X-Envelope-To"]).lower()].append(message)
    assert sorted(by_recipient) == OWNERS  # every owner received their request
    for request in requests:
        copies = by_recipient[request.recipient]
        expected = message_id(request.key, domain=DOMAIN)
        assert [str(m["Message-ID"]) for m in copies] == [expected] * len(copies)
        assert request.delivery_ref == expected
        # twice only if it was in flight at the kill and the SMTP server had already taken it in
        twice = [request.key] == in_flight and request.recipient in arrived_before_kill
        assert len(copies) == (2 if twice else 1), request.key
    assert len(received) - len(OWNERS) <= 1
    assert most_at_once == 1  # only one replica was ever sending
    assert (data / "perfbot.log").read_text().count("this process now runs the scheduler") == 2  # each, in turn
