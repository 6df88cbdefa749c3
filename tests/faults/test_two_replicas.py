"""Two `perfbot serve` replicas on two ports share one PostgreSQL database.

Each answers the owners' web forms (a form fetched from one may be sent to the other), exactly
one runs the scheduler, and when that one is SIGKILLed the other takes the scheduler over within
two minutes (its next minute's wake-up finds the advisory lock free). Two replicas started with
`--migrate` on an empty database at the same moment create the schema once.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from perfbot.store import open_store
from perfbot.store.pg import migrations
from tests.faults.serve import Served
from tests.faults.test_sigkill_storm import CSRF, FORM_KEY, OWNERS, _council

TAKEOVER = 120  # seconds: the promise


def _health(server: Served) -> str:
    return httpx.get(f"{server.url}/healthz", timeout=5).json()["scheduler"]


def _roles(servers: list[Served], *, limit: float = 60) -> list[str]:
    """Each replica's scheduler role, once every one has decided (after its first wake-up)."""
    deadline = time.monotonic() + limit
    while True:
        roles = [_health(s) for s in servers]
        if roles.count("leading") == 1 or time.monotonic() > deadline:
            return roles
        time.sleep(0.2)


def _submit(read_from: Served, send_to: Served, link: str, measure_id: str, value: int) -> None:
    form = f"{link}/measures/{measure_id}"
    with httpx.Client(timeout=10) as browser:
        page = browser.get(read_from.url + form)
        assert page.status_code == 200, page.text[:300]
        fields = {"csrf_token": CSRF.search(page.text)[1], "form_key": FORM_KEY.search(page.text)[1],
                  "value": str(value), "intent": "submit"}  # fmt: skip
        answer = browser.post(send_to.url + form, data=fields)  # cookies for 127.0.0.1 go to both ports
    assert answer.status_code == 303 and answer.headers["location"].endswith("/received"), answer.text[:300]


def test_two_replicas_answer_replies_and_one_runs_the_scheduler_until_it_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.delenv("PERFBOT_SECRET_KEY", raising=False)  # both sign with the data dir's key
    data = tmp_path / "data"
    period, links = _council(data, database_url)
    env = {"PERFBOT_DATABASE_URL": database_url}
    servers = [Served(data, tmp_path / f"serve-{n}.log", env=env) for n in (1, 2)]
    try:
        for server in servers:
            server.wait_ready()
        roles = _roles(servers)
        assert sorted(roles) == ["leading", "standby"], roles
        leader, standby = (servers if roles[0] == "leading" else servers[::-1])

        owner = OWNERS[0]
        _submit(leader, leader, links[owner], "M00", 101)
        _submit(standby, standby, links[owner], "M04", 102)
        _submit(leader, standby, links[owner], "M08", 103)  # a form from one, sent to the other
        store = open_store(data, database_url=database_url)
        try:
            assert {m: r.value for m, r in store.returns.for_period(period).items()} == {
                "M00": 101.0, "M04": 102.0, "M08": 103.0}
        finally:
            store.close()

        killed_at = time.monotonic()
        leader.kill()
        while _health(standby) != "leading":
            assert time.monotonic() - killed_at < TAKEOVER, "the standby did not take the scheduler over"
            time.sleep(0.5)
        assert re.search(r"now runs the scheduler", (data / "perfbot.log").read_text())
    finally:
        for server in servers:
            server.kill()


def test_two_replicas_started_with_migrate_at_once_create_the_schema_once(tmp_path: Path, pg_server) -> None:
    url = pg_server.new_database()  # empty
    data = tmp_path / "data"
    data.mkdir()
    (data / "perfbot.toml").write_text('[council]\nname = "Twinshire"\n', encoding="utf-8")
    servers = [Served(data, tmp_path / f"serve-{n}.log", env={"PERFBOT_DATABASE_URL": url}, args=("--migrate",))
               for n in (1, 2)]  # fmt: skip
    try:
        for server in servers:
            server.wait_ready()
        with psycopg.connect(url) as conn:
            done = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]
        assert done == [m.version for m in migrations.available()]
    finally:
        for server in servers:
            server.kill()
