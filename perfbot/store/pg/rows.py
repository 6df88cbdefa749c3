"""Every table's rows as plain documents, out of and into PostgreSQL (for `perfbot store copy`).

A document is what the TinyDB backend keeps for the same record (its `to_doc()`); tables a quarter
file holds without naming the quarter (`applied`, `publications`) carry a "period" here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from perfbot.store.pg.db import Database
from perfbot.store.pg.docs import decoded
from perfbot.store.pg.outbox import FULL_DOC
from perfbot.store.records import StoreWriteError

Doc = dict[str, Any]
Dump = dict[str, list[Doc]]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _without_period(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "period"}


# table: (its columns, the row's values from a document)
COLUMNS: dict[str, tuple[str, Callable[[Doc], list[Any]]]] = {
    "measures": ("measure_id, retired, doc",
                 lambda d: [d["measure_id"], bool(d.get("retired")), Jsonb(d)]),
    "targets": ("measure_id, period, target",
                lambda d: [d["measure_id"], d["period"], d["target"]]),
    "terms": ("measure_id, start, doc",
              lambda d: [d["measure_id"], d.get("start"), Jsonb(d)]),
    "rounds": ("period, doc", lambda d: [d["period"], Jsonb(d)]),
    "case_studies": ("case_id, doc", lambda d: [d["case_id"], Jsonb(d)]),
    "people": ("email, doc", lambda d: [d["email"], Jsonb(d)]),
    "actions": ("key, doc", lambda d: [d["key"], Jsonb(d)]),
    "audit": ("at, doc", lambda d: [_at(d["at"]), Jsonb(d)]),
    "chat_handled": ("key, at", lambda d: [d["key"], _at(d["at"])]),
    "drafts": ("owner, period, measure_id, doc",
               lambda d: [d["owner"], d["period"], d["measure_id"], Jsonb(d)]),
    "web_sessions": ("key, ends, doc",
                     lambda d: [d["key"], _at(d["expires"]), Jsonb(d)]),
    "used_links": ("nonce, ends",
                   lambda d: [d["nonce"], datetime.fromtimestamp(d["ends"], UTC)]),
    "platform_state": ("namespace, key, value, at",
                       lambda d: [d["namespace"], d["key"], Jsonb(d["value"]), d["at"]]),
    "peer_values": ("metric, area_code, period, doc",
                    lambda d: [d["metric"], d["area_code"], d["period"], Jsonb(d)]),
    "returns": ("measure_id, period, revision, doc",
                lambda d: [d["measure_id"], d["period"], int(d.get("revision", 1)), Jsonb(d)]),
    "return_history": ("measure_id, period, revision, doc",
                       lambda d: [d["measure_id"], d["period"], int(d.get("revision", 1)), Jsonb(d)]),
    "applied": ("period, key, at", lambda d: [d["period"], d["key"], d["at"]]),
    "outbox": ("period, key, created_at, doc",
               lambda d: [d["period"], d["key"], _at(d["created_at"]), Jsonb(d)]),
    "chat_messages": ("period, channel, ts, doc",
                      lambda d: [d["period"], d["channel"], d["ts"], Jsonb(d)]),
    "publications": ("period, edition, doc",
                     lambda d: [d["period"], d["edition"], Jsonb(_without_period(d))]),
    "sign_offs": ("period, service, doc",
                  lambda d: [d["period"], d["service"], Jsonb(d)]),
    "uploads": ("path, content", lambda d: [d["path"], d["content"]]),
}  # fmt: skip

_DOC = "SELECT doc FROM {} ORDER BY {}"
# table: (SELECT statement, a document from its row)
SELECT: dict[str, tuple[str, Callable[[tuple], Doc]]] = {
    "measures": (_DOC.format("measures", "measure_id"), lambda r: r[0]),
    "targets": ("SELECT measure_id, period, target FROM targets ORDER BY 1, 2",
                lambda r: {"measure_id": r[0], "period": r[1], "target": r[2]}),
    "terms": (_DOC.format("terms", "id"), lambda r: r[0]),
    "rounds": (_DOC.format("rounds", "period"), lambda r: r[0]),
    "case_studies": (_DOC.format("case_studies", "case_id"), lambda r: r[0]),
    "people": (_DOC.format("people", "email"), lambda r: r[0]),
    "actions": (_DOC.format("actions", "key"), lambda r: r[0]),
    "audit": (_DOC.format("audit", "at, id"), lambda r: r[0]),
    "chat_handled": ("SELECT key, at FROM chat_handled ORDER BY at", lambda r: {"key": r[0], "at": r[1].isoformat()}),
    "drafts": (_DOC.format("drafts", "owner, period, measure_id"), lambda r: r[0]),
    "web_sessions": (_DOC.format("web_sessions", "key"), lambda r: r[0]),
    "used_links": ("SELECT nonce, ends FROM used_links ORDER BY nonce", lambda r: {"nonce": r[0], "ends": r[1].timestamp()}),
    "platform_state": ("SELECT namespace, key, value, at FROM platform_state ORDER BY 1, 2",
                       lambda r: {"namespace": r[0], "key": r[1], "value": r[2], "at": r[3]}),
    "peer_values": (_DOC.format("peer_values", "metric, area_code, period"), lambda r: r[0]),
    "returns": (_DOC.format("returns", "period, measure_id"), lambda r: r[0]),
    "return_history": (_DOC.format("return_history", "period, measure_id, revision"), lambda r: r[0]),
    "applied": ("SELECT period, key, at FROM applied ORDER BY 1, 2", lambda r: {"period": r[0], "key": r[1], "at": r[2]}),
    "outbox": (f"SELECT {FULL_DOC} FROM outbox o ORDER BY created_at, seq", lambda r: r[0]),
    "chat_messages": (_DOC.format("chat_messages", "seq"), lambda r: r[0]),
    "publications": ("SELECT period, doc FROM publications ORDER BY period, edition", lambda r: r[1] | {"period": r[0]}),
    "sign_offs": (_DOC.format("sign_offs", "period, service"), lambda r: r[0]),
    "uploads": ("SELECT path, content FROM uploads ORDER BY path", lambda r: {"path": r[0], "content": bytes(r[1])}),
}  # fmt: skip

TABLES = tuple(COLUMNS)


def dump(db: Database) -> Dump:
    """Every table's documents."""
    with db.reading() as conn:
        return {table: [convert(row) for row in conn.execute(sql).fetchall()] for table, (sql, convert) in SELECT.items()}


def counts(db: Database) -> dict[str, int]:
    """How many records every table holds (in one query)."""
    sql = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in TABLES)
    with db.reading() as conn:
        return dict(conn.execute(sql).fetchall())


def return_docs(db: Database) -> list[Doc]:
    """Every version of every return: earlier ones (`return_history`), then the current ones."""
    with db.reading() as conn:
        rows = conn.execute("SELECT doc::text FROM return_history UNION ALL SELECT doc::text FROM returns").fetchall()
    return decoded(text for (text,) in rows)


def load(db: Database, docs: Dump) -> None:
    """Insert every document (with COPY, table by table), all in one transaction; StoreWriteError
    (and nothing written) when they break a constraint of the schema."""
    try:
        with db.transaction() as conn, conn.cursor() as cursor:
            for table, rows in docs.items():
                columns, values = COLUMNS[table]
                if rows:
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for doc in rows:
                            copy.write_row(values(doc))
            cursor.execute("UPDATE store_versions SET version = version + 1 WHERE name = 'register'")
    except psycopg.errors.IntegrityError as error:
        raise StoreWriteError(f"the data breaks a rule the database enforces: {error.diag.message_primary} "
                              f"({error.diag.message_detail})") from None  # fmt: skip
