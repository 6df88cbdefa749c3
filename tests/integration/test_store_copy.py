"""`perfbot store copy`: a whole TinyDB data directory into an empty PostgreSQL database and back,
checked table by table and return by return; a target that holds anything is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import psycopg

from perfbot.clock import LONDON, ManualClock
from perfbot.model import CaseStudy, Return
from perfbot.periods import Period
from perfbot.store import OutboxMessage, Store
from tests.integration.test_store_postgres_cli import SAMPLE, perfbot

Q2, Q3 = Period(2025, 2), Period(2025, 3)


def _council(data: Path) -> None:
    """A data directory with something in every kind of table."""
    assert perfbot("init", data=data, url=None).returncode == 0
    assert perfbot("register", "import", str(SAMPLE), data=data, url=None).returncode == 0
    clock = ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON))
    store = Store.open(data, clock=clock)
    for value in (80.0, 82.0):
        store.returns.save(Return("CS01", Q2, value, submitted_by="zoe@x.gov.uk", commentary="c"))
    store.returns.save(Return("CS03", Q2, 0.0, submitted_by="zoe@x.gov.uk"), idempotency_key="view-1")
    store.returns.withdraw("CS03", Q2, actor="officer", reason="wrong")
    store.returns.save(Return("CS01", Q3, 70.0, submitted_by="zoe@x.gov.uk", action="Hire"))
    store.rounds.open(Q3, deadline=clock.now() + timedelta(days=14), actor="officer")
    store.outbox.enqueue(OutboxMessage("request:zoe", Q3, "request", "zoe@x.gov.uk", {"m": ["CS01"]}))
    store.publications.publish(Q2, [{"measure_id": "CS01", "value": 82.0}], actor="officer")
    store.case_studies.add(CaseStudy("CS-1", "T", "Theme", "Service", "What", "Impact", True, "zoe@x.gov.uk",
                                     clock.now(), Q3, attachments=("uploads/case-studies/CS-1/a.png",)))  # fmt: skip
    store.uploads.put("uploads/case-studies/CS-1/a.png", b"\x89PNG picture")
    store.people.set("zoe@x.gov.uk", actor="officer", deputy="sam@x.gov.uk")
    store.platform_state("slack").put("person:zoe@x.gov.uk", {"address": "U1"})
    store.web_sessions.start("zoe@x.gov.uk", hours=1000)
    store.drafts.save(owner="zoe@x.gov.uk", period=Q3, measure_id="CS03", value="5", commentary="", action="")


def test_a_data_directory_goes_into_postgres_and_back_unchanged(pg_server, tmp_path):
    data, back = tmp_path / "data", tmp_path / "back"
    _council(data)
    url = pg_server.new_database()  # empty: the copy creates the schema
    done = perfbot("store", "copy", "--to", url, data=data, url=None)
    assert done.returncode == 0, done.stderr
    assert "Checked: every table's count, the versions of 3 returns." in done.stdout
    with psycopg.connect(url) as conn:
        count = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("measures", "returns", "return_history", "applied", "uploads", "publications")}  # fmt: skip
    assert count == {"measures": 43, "returns": 2, "return_history": 2, "applied": 1, "uploads": 1,
                     "publications": 1}  # fmt: skip

    on_tinydb = perfbot("analyse", "2025/26 Q2", "--format", "json", data=data, url=None)
    on_postgres = perfbot("analyse", "2025/26 Q2", "--format", "json", data=data, url=url)
    assert on_postgres.returncode == 0 and on_postgres.stdout == on_tinydb.stdout

    again = perfbot("store", "copy", "--to", url, data=data, url=None)
    assert again.returncode == 2 and "is not empty: it holds measures (43)" in again.stderr

    home = perfbot("store", "copy", "--to", str(back), data=data, url=url)
    assert home.returncode == 0, home.stderr
    (back / "perfbot.toml").write_text((data / "perfbot.toml").read_text())
    assert perfbot("analyse", "2025/26 Q2", "--format", "json", data=back, url=None).stdout == on_tinydb.stdout
    returned = Store.open(back)
    assert [(r.revision, r.value) for r in returned.returns.versions("CS03", Q2)] == [(1, 0.0)]
    assert returned.returns.withdrawal("CS03", Q2)["reason"] == "wrong"
    assert returned.uploads.get("uploads/case-studies/CS-1/a.png") == b"\x89PNG picture"
    assert len(returned.audit.all()) == len(Store.open(data).audit.all())
    refused = perfbot("store", "copy", "--to", str(back), data=data, url=url)
    assert refused.returncode == 2 and "is not empty" in refused.stderr


def test_copying_nothing_or_from_nowhere_is_refused(pg_server, tmp_path):
    nothing = perfbot("store", "copy", "--to", pg_server.new_database(), data=tmp_path / "none", url=None)
    assert nothing.returncode == 2 and "no perfbot data in" in nothing.stderr
    nowhere = perfbot("store", "copy", "--to", str(tmp_path / "back"), data=tmp_path / "data", url=None)
    assert nowhere.returncode == 2 and "PERFBOT_DATABASE_URL is not set" in nowhere.stderr


def test_data_that_breaks_a_database_rule_is_refused_and_nothing_copied(pg_server, tmp_path):
    data = tmp_path / "data"
    _council(data)
    store = Store.open(data)
    with store.files.period(Q2).transaction():  # two history entries claiming one revision
        history = store.files.period(Q2).table("return_history")
        history.insert(dict(history.all()[0]))
    url = pg_server.new_database()
    done = perfbot("store", "copy", "--to", url, data=data, url=None)
    assert done.returncode == 2 and "nothing was copied: the data breaks a rule the database enforces" in done.stderr
    assert "return_history_measure_id_period_revision_key" in done.stderr, done.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM measures").fetchone()[0] == 0
