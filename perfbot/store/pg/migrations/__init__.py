"""Versioned schema migrations: numbered `NNNN_name.sql` files applied in order, once each.

`schema_version` records which are applied. The runner holds an advisory lock for the whole run
and applies everything in one transaction, so two replicas migrating at once is safe: the second
waits, then finds nothing left to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from psycopg import Connection

from perfbot.store.pg.db import Database

MIGRATION_LOCK = 0x7065_7266_6D69_6772  # "perfmigr": one key for every perfbot database
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """Every migration shipped with perfbot, oldest first."""
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def latest() -> int:
    return available()[-1].version


def _ensure_table(conn: Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                 "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip


def applied(db: Database) -> set[int]:
    """The versions the database has (none for an empty database)."""
    with db.reading() as conn:
        exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
        if not exists:
            return set()
        return {row[0] for row in conn.execute("SELECT version FROM schema_version")}


def migrate(db: Database) -> list[Migration]:
    """Apply the migrations the database lacks, all together; the ones applied now."""
    with db.transaction() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
        _ensure_table(conn)
        done = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
        todo = [m for m in available() if m.version not in done]
        for migration in todo:
            conn.execute(migration.sql.encode())
            conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)",
                         [migration.version, migration.name])  # fmt: skip
    return todo
