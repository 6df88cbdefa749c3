"""Monitoring for the council's IT team: `/healthz` says perfbot is up and its data reads;
`/metrics` gives Prometheus the outbox backlog, undelivered messages, returns by round and
requests counted by route (never by URL: a returns link is a secret)."""

from __future__ import annotations

import re

import pytest

from perfbot.store.outbox_repo import OutboxMessage, OutboxStatus
from perfbot.submission import Submission
from tests.e2e.council import OFFICER, PERIOD, Council, _build, _data_dir, small_measures


@pytest.fixture
def council(tmp_path) -> Council:
    """The small council's register with its Q3 round open (no history needed here)."""
    council = _build(_data_dir(tmp_path, "http://testserver"))
    council.app.store.register.apply(small_measures(), [], actor="test")
    council.app.cycle.open_round(PERIOD, actor=OFFICER)
    return council


def _metric(text: str, name: str, labels: str = "") -> float:
    pattern = rf"^{re.escape(name)}{re.escape(labels)} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    assert found, f"{name}{labels} not in:\n{text}"
    return float(found[1])


def test_healthz_names_the_council_and_latest_round(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "council": "Larkfield District Council", "latest_round": "2025/26 Q3",
                             "scheduler": "off"}  # this test client runs no scheduler


def test_metrics_report_the_outbox_returns_and_requests(council, client):
    store = council.app.store
    messages = store.outbox.for_period(PERIOD)
    waiting = sum(1 for m in messages if m.status in (OutboxStatus.PENDING, OutboxStatus.SENDING))
    if messages[0].status is OutboxStatus.PENDING:
        waiting -= 1  # it is marked failed below
    assert messages  # the round's requests went through the outbox
    store.outbox.mark_failed(PERIOD, messages[0].key, error="no channel knows this person", retry_at=None)
    failed = sum(1 for m in store.outbox.for_period(PERIOD) if m.status is OutboxStatus.FAILED)
    council.app.collector.submit(Submission("HO04", PERIOD, 93.0, commentary="On track."))
    store.outbox.enqueue(OutboxMessage("waiting|test", PERIOD, "reminder", "someone@larkfield.gov.uk"))
    client.get("/healthz")
    client.get("/returns/not-a-real-token")

    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert _metric(text, "perfbot_undelivered_messages") == failed >= 1
    assert _metric(text, "perfbot_outbox_backlog") == waiting + 1
    assert _metric(text, "perfbot_outbox_messages", '{round="2025/26 Q3",status="pending"}') >= 1
    assert _metric(text, "perfbot_returns", '{round="2025/26 Q3",state="open"}') == 1
    assert _metric(text, "perfbot_http_requests_total", '{method="GET",route="/healthz",status="200"}') == 1
    assert "not-a-real-token" not in text  # routes are counted by template
