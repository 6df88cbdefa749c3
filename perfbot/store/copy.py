"""`perfbot store copy`: a whole store from TinyDB into an empty PostgreSQL database, or back.

Every table's documents are read from the source and written to the target in one transaction
per file (one for the whole database, each table with one COPY); then the target is read back and
checked: the same number of records in every table, and the same versions of every return. A
target that holds anything is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store
from perfbot.store.files import FileSet
from perfbot.store.legacy import upgrade
from perfbot.store.pg import PgStore, rows
from perfbot.store.records import StoreWriteError
from perfbot.store.uploads_repo import Uploads

CORE_TABLES = ("measures", "targets", "terms", "rounds", "case_studies", "people", "actions", "audit",
               "chat_handled", "drafts", "web_sessions", "used_links", "platform_state", "peer_values")  # fmt: skip
# table here: its name in a quarter's file
PERIOD_TABLES = {"returns": "returns", "return_history": "return_history", "applied": "applied",
                 "outbox": "outbox", "chat_messages": "chat_messages", "publications": "published",
                 "sign_offs": "sign_offs", "audit": "audit"}  # fmt: skip
NAMED_BY_FILE = ("applied", "publications")  # their documents do not name their quarter


class CopyError(ValueError):
    """The copy cannot be made, or did not check out; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Copied:
    counts: dict[str, int]
    returns_checked: int


def dump_tinydb(files: FileSet) -> rows.Dump:
    """Every table's documents in a TinyDB data directory."""
    found: rows.Dump = {table: [dict(d) for d in files.core.table(table).all()] for table in CORE_TABLES}
    for period in files.periods():
        file = files.period(period)
        for table, name in PERIOD_TABLES.items():
            docs = [dict(d) for d in file.table(name).all()]
            if table in NAMED_BY_FILE:
                docs = [d | {"period": str(period)} for d in docs]
            found.setdefault(table, []).extend(docs)
    found["uploads"] = list(_uploads(files.data_dir))
    return {table: found.get(table, []) for table in rows.TABLES}


def _uploads(data_dir: Path | None) -> Iterator[rows.Doc]:
    root = data_dir / "uploads" if data_dir else None
    if root is None or not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        yield {"path": path.relative_to(data_dir).as_posix(), "content": path.read_bytes()}


def load_tinydb(files: FileSet, docs: rows.Dump) -> None:
    """Write every document into an empty TinyDB data directory (the audit trail in its core file)."""
    with files.core.transaction():
        for table in CORE_TABLES:
            if docs[table]:
                files.core.table(table).insert_multiple(docs[table])
    by_period: dict[Period, dict[str, list[rows.Doc]]] = {}
    for table, name in PERIOD_TABLES.items():
        if table == "audit":
            continue
        for doc in docs[table]:
            kept = {k: v for k, v in doc.items() if k != "period"} if table in NAMED_BY_FILE else doc
            by_period.setdefault(Period.parse(doc["period"]), {}).setdefault(name, []).append(kept)
    for period, tables in sorted(by_period.items()):
        with files.period(period).transaction():
            for name, found in tables.items():
                files.period(period).table(name).insert_multiple(found)
    uploads = Uploads(files.data_dir)
    for doc in docs["uploads"]:
        uploads.put(doc["path"], doc["content"])


def counts(docs: rows.Dump) -> dict[str, int]:
    return {table: len(found) for table, found in docs.items()}


def to_postgres(data_dir: Path, url: str) -> Copied:
    """Copy the TinyDB store in `data_dir` into the empty database at `url` (its schema created)."""
    if not any(data_dir.glob("core.json*")):
        raise CopyError(f"no perfbot data in {data_dir} to copy")
    source = Store.open(data_dir)
    upgrade(source.files, at=source.clock.now().isoformat())  # old platform tables, as on any open
    target = PgStore.open(url, migrate=True)
    try:
        _refuse_unless_empty(rows.counts(target.db), f"the database at {url}")
        docs = dump_tinydb(source.files)
        try:
            rows.load(target.db, docs)
        except StoreWriteError as error:  # nothing was written: one transaction
            raise CopyError(f"nothing was copied: {error}") from None
        return _checked(docs, rows.counts(target.db), rows.return_docs(target.db))
    finally:
        target.close()


def to_directory(url: str, data_dir: Path) -> Copied:
    """Copy the PostgreSQL store at `url` into `data_dir`, a new or empty data directory."""
    source = PgStore.open(url)
    try:
        target = Store.open(data_dir)
        _refuse_unless_empty(counts(dump_tinydb(target.files)), str(data_dir))
        docs = rows.dump(source.db)
        load_tinydb(target.files, docs)
        copied = dump_tinydb(Store.open(data_dir).files)  # read back from the files
        return _checked(docs, counts(copied), copied["return_history"] + copied["returns"])
    finally:
        source.close()


def _refuse_unless_empty(found: dict[str, int], where: str) -> None:
    held = {table: n for table, n in found.items() if n}
    if held:
        listed = ", ".join(f"{table} ({n})" for table, n in held.items())
        raise CopyError(f"{where} is not empty: it holds {listed}; copy only into an empty store")


def _checked(docs: rows.Dump, copied_counts: dict[str, int], copied_returns: list[rows.Doc]) -> Copied:
    """The same counts in every table, and the same versions of every return (`copied_returns`,
    every version read back from the target), or CopyError."""
    wrong = {t: (n, copied_counts.get(t, 0)) for t, n in counts(docs).items() if copied_counts.get(t, 0) != n}
    if wrong:
        raise CopyError("the copy does not match: " + ", ".join(f"{t} {a} → {b}" for t, (a, b) in wrong.items()))
    before, after = _versions(docs["return_history"] + docs["returns"]), _versions(copied_returns)
    for key, versions in before.items():
        if after.get(key) != versions and _as_stored(after.get(key, [])) != _as_stored(versions):
            raise CopyError(f"the copy does not match: the versions of {key[0]} {key[1]} differ")
    return Copied(counts(docs), len(before))


def _versions(docs: list[rows.Doc]) -> dict[tuple[str, str], list[rows.Doc]]:
    """Every return's versions (documents), oldest first."""
    found: dict[tuple[str, str], list[rows.Doc]] = {}
    for doc in docs:
        found.setdefault((doc["measure_id"], doc["period"]), []).append(doc)
    for versions in found.values():
        if len(versions) > 1:
            versions.sort(key=lambda d: int(d.get("revision", 1)))
    return found


def _as_stored(versions: list[rows.Doc]) -> list[dict]:
    """The versions as the store gives them (`Return.to_doc()`): documents that differ only in
    what the store fills in or leaves out are the same return."""
    return [Return.from_doc(doc).to_doc() for doc in versions]
