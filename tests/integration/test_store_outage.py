"""The database goes away under a running perfbot (issue 17, operations): nothing acknowledged is
lost, a browser gets a clear 503 page keeping what was typed, Slack- and Teams-style clients get a
503 with Retry-After (so the platform delivers again), `/readyz` says not ready, and everything
works again once the database answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.e2e.council import OWNER, PERIOD, Council, small_council
from tests.e2e.web_client import FORM_KEY, client_for, csrf_of, post_form
from tests.pg_server import TEST_DATABASE

HTML = {"accept": "text/html"}


@pytest.fixture
def council(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Council]:
    monkeypatch.setenv(TEST_DATABASE, database_url)
    built = small_council(tmp_path)
    yield built
    built.app.store.close()


def _outage(url: str, *, allowed: bool) -> None:
    """Stop (or allow again) every connection to the council's database, as a failover would."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])


def test_a_lost_database_is_a_clear_503_and_nothing_acknowledged_is_lost(council: Council, database_url: str) -> None:
    client: TestClient = client_for(council)
    link = council.path(council.returns_link(OWNER))
    saved = post_form(client, f"{link}/measures/HO02", {"value": "44", "intent": "submit"})
    assert saved.status_code == 303
    assert client.get("/readyz").json() == {"ready": True, "store": "postgresql"}
    form = client.get(f"{link}/measures/HO04")
    assert form.status_code == 200

    _outage(database_url, allowed=False)
    try:
        typed = {"csrf_token": csrf_of(form.text), "form_key": FORM_KEY.search(form.text)[1], "value": "82",
                 "commentary": "Fewer families in B&B", "intent": "submit"}  # fmt: skip
        page = client.post(f"{link}/measures/HO04", headers=HTML, data=typed)
        assert page.status_code == 503 and page.headers["retry-after"] == "30"
        assert "perfbot is briefly unavailable" in page.text and "nothing from this request was" in page.text
        assert "Fewer families in B&amp;B" in page.text  # what they typed, to copy
        api = client.post("/slack/events", headers={"accept": "application/json"}, content=b"{}")
        assert api.status_code in (401, 404, 503)  # no Slack here: never a 500
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json() == {"ready": False, "store": "unreachable"}
        health = client.get("/healthz")
        assert health.status_code == 503 and "try again shortly" in health.json()["error"]
    finally:
        _outage(database_url, allowed=True)

    deadline = time.monotonic() + 30  # the pool reconnects with back-off (at most 10 s apart)
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "perfbot did not reconnect to its database"
        time.sleep(0.5)
    again = post_form(client, f"{link}/measures/HO04", {"value": "82", "commentary": "Fewer families in B&B",
                                                        "action": "Two more caseworkers", "intent": "submit"})
    assert again.status_code == 303, again.text[-3000:]
    current = council.app.store.returns.for_period(PERIOD)
    assert current["HO02"].value == 44 and current["HO04"].value == 82  # the acknowledged one kept
