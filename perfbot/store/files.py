"""Where documents live: one core file, plus one file per quarter for the growing tables."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Table

from perfbot.periods import Period
from perfbot.store.locking import DataLock
from perfbot.store.storage import JournaledJSONStorage, MemoryStorage

_PERIOD_FILE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.json(\.journal)?$")
_OPEN_PERIOD_FILES = 12  # keeps memory bounded on a long history; reopened files reload lazily


class _Table(Table):
    """TinyDB's table, made safe for several processes and journaled.

    TinyDB caches query results and the next document id per table object; another process's
    writes invalidate neither, so both caches are disabled or tied to the storage's epoch. Every
    write tells the storage which documents it touched, for the journal.
    """

    default_query_cache_capacity = 0
    _id_epoch: int | None = None

    def _get_next_id(self) -> int:
        epoch = self._storage.epoch
        if self._id_epoch != epoch:
            self._next_id, self._id_epoch = None, epoch
        return super()._get_next_id()

    def insert(self, document):  # noqa: ANN001, ANN201 - TinyDB's signature
        doc_id = super().insert(document)
        self._storage.note(self.name, [doc_id])
        return doc_id

    def insert_multiple(self, documents):  # noqa: ANN001, ANN201
        ids = super().insert_multiple(documents)
        self._storage.note(self.name, ids)
        return ids

    def update(self, fields, cond=None, doc_ids=None):  # noqa: ANN001, ANN201
        ids = super().update(fields, cond, doc_ids)
        self._storage.note(self.name, ids)
        return ids

    def update_multiple(self, updates):  # noqa: ANN001, ANN201
        ids = super().update_multiple(updates)
        self._storage.note(self.name, ids)
        return ids

    def upsert(self, document, cond=None):  # noqa: ANN001, ANN201
        ids = super().upsert(document, cond)
        self._storage.note(self.name, ids)
        return ids

    def remove(self, cond=None, doc_ids=None):  # noqa: ANN001, ANN201
        ids = super().remove(cond, doc_ids)
        self._storage.note(self.name, ids)
        return ids

    def truncate(self) -> None:
        super().truncate()
        self._storage.note_replaced(self.name)


class DocumentFile:
    """A TinyDB database backed by one transactional storage."""

    def __init__(self, db: TinyDB) -> None:
        self._db = db

    def table(self, name: str) -> Table:
        return self._db.table(name)

    def transaction(self) -> AbstractContextManager[None]:
        """Writes inside the block are committed together and durably, or not at all."""
        return self._db.storage.transaction()  # type: ignore[attr-defined]


class FileSet:
    """The store's files: `core.json` and `periods/<2025-26-Q3>.json`."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        if data_dir is not None:
            (data_dir / "periods").mkdir(parents=True, exist_ok=True)
        self.lock = DataLock(data_dir / ".lock" if data_dir else None)
        self.core = self._open(data_dir / "core.json" if data_dir else None)
        self._periods: OrderedDict[Period, DocumentFile] = OrderedDict()

    def _open(self, path: Path | None) -> DocumentFile:
        TinyDB.table_class = _Table
        if path is None:
            db = TinyDB(storage=MemoryStorage, lock=self.lock)
        else:
            db = TinyDB(path, storage=JournaledJSONStorage, lock=self.lock)
        return DocumentFile(db)

    def period(self, period: Period) -> DocumentFile:
        """The file holding one quarter's returns, audit, outbox and chases."""
        with self.lock.thread_lock:
            if period in self._periods:
                self._periods.move_to_end(period)
                return self._periods[period]
            path = self.data_dir / "periods" / f"{period.key}.json" if self.data_dir else None
            document = self._open(path)
            self._periods[period] = document
            if self.data_dir is not None and len(self._periods) > _OPEN_PERIOD_FILES:
                self._periods.popitem(last=False)
            return document

    def periods(self) -> Iterator[Period]:
        """Quarters that have a file, oldest first."""
        if self.data_dir is None:
            yield from sorted(self._periods)
            return
        found = set()
        for path in (self.data_dir / "periods").iterdir():
            match = _PERIOD_FILE.match(path.name)
            if match:
                found.add(Period(int(match[1]), int(match[3])))
        yield from sorted(found)
