"""`PERFBOT_DATABASE_URL` selects the PostgreSQL store; `perfbot store migrate` creates and
upgrades its schema; without the setting perfbot runs on TinyDB in the data directory as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from perfbot.store.pg import migrations

SAMPLE = Path(__file__).resolve().parents[2] / "perfbot" / "sample" / "register.yaml"


def perfbot(*args: str, data: Path, url: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PERFBOT_DATABASE_URL"} | {"PERFBOT_DATA": str(data)}
    if url is not None:
        env["PERFBOT_DATABASE_URL"] = url
    return subprocess.run([str(Path(sys.executable).parent / "perfbot"), *args], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {name for (name,) in rows}


def test_migrate_creates_the_schema_once_and_perfbot_then_keeps_everything_there(pg_server, tmp_path):
    url = pg_server.new_database()  # empty
    data = tmp_path / "data"
    refused = perfbot("init", data=data, url=url)
    assert refused.returncode == 2 and "run 'perfbot store migrate'" in refused.stderr
    assert "Traceback" not in refused.stderr
    first = perfbot("store", "migrate", data=data, url=url)
    assert first.returncode == 0, first.stderr
    assert f"schema at version {migrations.latest()}" in first.stdout
    assert {"returns", "return_history", "applied", "outbox", "schema_version"} <= _tables(url)
    assert perfbot("store", "migrate", data=data, url=url).returncode == 0  # nothing left to do
    assert perfbot("init", data=data, url=url).returncode == 0
    assert perfbot("register", "import", str(SAMPLE), data=data, url=url).returncode == 0
    returns = tmp_path / "returns.csv"
    returns.write_text("measure_id,value,commentary\nCS01,85,\n")
    submitted = perfbot("returns", "import", str(returns), "--period", "2025/26 Q2", data=data, url=url)
    assert submitted.returncode == 0, submitted.stderr
    assert (data / "perfbot.toml").exists() and not (data / "core.json").exists()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM measures").fetchone()[0] == 43
        assert conn.execute("SELECT doc ->> 'value' FROM returns WHERE measure_id = 'CS01'").fetchone()[0] == "85.0"


def test_without_the_setting_the_store_is_tinydb_in_the_data_directory(tmp_path):
    data = tmp_path / "data"
    assert perfbot("init", data=data, url=None).returncode == 0
    assert perfbot("register", "import", str(SAMPLE), data=data, url=None).returncode == 0
    assert (data / "core.json").exists() or (data / "core.json.journal").exists()
    refused = perfbot("store", "migrate", data=data, url=None)
    assert refused.returncode == 2 and "PERFBOT_DATABASE_URL is not set" in refused.stderr


def test_a_malformed_database_url_stops_with_the_setting_named(tmp_path):
    done = perfbot("store", "migrate", data=tmp_path / "data", url="mysql://somewhere/perfbot")
    assert done.returncode == 2
    assert "PERFBOT_DATABASE_URL must be a PostgreSQL URL" in done.stderr and "Traceback" not in done.stderr


def test_an_unreachable_database_is_one_clear_line(pg_server, tmp_path):
    url = f"postgresql://perfbot@127.0.0.1:{pg_server.port + 1}/none?connect_timeout=2"
    done = perfbot("store", "migrate", data=tmp_path / "data", url=url)
    assert done.returncode == 2 and "cannot connect to PostgreSQL" in done.stderr, done.stderr


def test_the_data_file_commands_say_what_to_do_on_postgres(database_url, tmp_path):
    for command in (["check"], ["restore"], ["backup", str(tmp_path / "copy")]):
        done = perfbot("store", *command, data=tmp_path / "data", url=database_url)
        assert done.returncode == 2 and "the store is on PostgreSQL" in done.stderr, done.stderr


def test_an_older_schema_is_refused_until_migrate_applies_only_what_it_lacks(pg_server, tmp_path):
    url = pg_server.new_database()
    first = migrations.available()[0]
    with psycopg.connect(url, autocommit=True) as conn:  # a database a release with one migration made
        conn.execute(first.sql.encode())
        conn.execute("CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", [first.version, first.name])
        conn.execute("INSERT INTO rounds (period, doc) VALUES ('2025/26 Q3', '{}')")
    data = tmp_path / "data"
    data.mkdir()
    (data / "perfbot.toml").write_text('[council]\nname = "Larkfield"\n', encoding="utf-8")
    refused = perfbot("round", "status", "2025/26 Q3", data=data, url=url)
    later = [m.version for m in migrations.available()[1:]]
    assert refused.returncode == 2 and f"missing migrations {later}" in refused.stderr, refused.stderr
    assert perfbot("store", "migrate", data=data, url=url).returncode == 0
    with psycopg.connect(url) as conn:
        assert [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY 1")] == [1, *later]
        assert conn.execute("SELECT count(*) FROM rounds").fetchone()[0] == 1  # kept
