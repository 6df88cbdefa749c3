"""Data directories written before platform state had its own table, brought up to date.

Until 2026-12 the core file kept three platform tables: `chat_people` (Slack's people, read now by
`bot/slack/address_book.py`), `teams_conversations` (`bot/teams/conversations.py`) and
`sync_marks` (`bot/sharepoint/`). The first time a process asks for platform state, their
documents move into `platform_state` under the keys those modules use, in one transaction, and
the old tables are emptied. Nothing else in the store changed format.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from perfbot.store.files import FileSet
from perfbot.store.platform_state import TABLE

OLD_TABLES = ("chat_people", "teams_conversations", "sync_marks")
PERSON_FIELDS = ("email", "address", "checked_at", "reported_at")


def upgrade(files: FileSet, *, at: str) -> int:
    """Move any documents of the old platform tables into platform state; how many moved."""
    core = files.core
    if not any(core.table(name).all() for name in OLD_TABLES):
        return 0
    with core.transaction():
        moved = [entry for name in OLD_TABLES for entry in _entries(name, core.table(name).all())]
        table = core.table(TABLE)
        taken = {(d["namespace"], d["key"]) for d in table.all()}
        table.insert_multiple(
            {"namespace": ns, "key": key, "value": value, "at": at}
            for ns, key, value in moved if (ns, key) not in taken
        )  # fmt: skip
        for name in OLD_TABLES:
            if core.table(name).all():
                core.table(name).truncate()
    return len(moved)


def _entries(table: str, docs: list[Mapping[str, Any]]) -> Iterator[tuple[str, str, Any]]:
    """(namespace, key, value) for each old document."""
    for doc in docs:
        if table == "chat_people":
            yield doc["platform"], f"person:{doc['email']}", {f: doc.get(f) for f in PERSON_FIELDS}
            if doc.get("address"):
                yield doc["platform"], f"address:{doc['address']}", doc["email"]
        elif table == "teams_conversations":
            yield "teams", f"conversation:{doc['conversation_id']}", dict(doc)
        else:
            yield "sharepoint", doc["name"], doc["value"]
