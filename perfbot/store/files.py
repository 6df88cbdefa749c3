"""Where documents live: one core file, plus one file per quarter for the growing tables."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from perfbot.periods import Period
from perfbot.store.locking import DataLock
from perfbot.store.storage import JournaledJSONStorage, MemoryStorage

T = TypeVar("T")
_PERIOD_FILE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.json(\.journal)?$")
_OPEN_PERIOD_FILES = 12  # keeps memory bounded on a long history; reopened files reload lazily


class _Table(Table):
    """TinyDB's table, made safe for several processes and journaled, with equality indexes.

    TinyDB caches query results and the next document id per table object; another process's
    writes invalidate neither, so both caches are disabled or tied to the storage's epoch. Every
    write tells the storage which documents it touched, for the journal.

    `find`/`find_one` look documents up by one field's value through an index built on first use
    and rebuilt whenever the storage's `version` moves (any write, here or in another process), so
    a look-up never scans the table while nothing changed.
    """

    default_query_cache_capacity = 0
    _id_epoch: int | None = None
    _indexes: dict[str, tuple[tuple[int, int], dict[Any, str | tuple[str, ...]]]] | None = None
    _derived: dict[str, tuple[tuple[int, int], Any]] | None = None

    def find(self, field: str, value: Any) -> list[Document]:
        """Documents whose `field` equals `value`, in document-id order."""
        version = self._storage.version(self.name)
        table = self._read_table()
        try:
            ids = _as_tuple(self._index(field, version, table).get(value, ()))
        except TypeError:  # an unhashable value: no index can hold it
            return self.search(lambda doc: doc.get(field) == value)
        found = []
        for doc_id in ids:
            doc = table.get(doc_id)
            if doc is not None and doc.get(field) == value:  # an index older than `table` misses, never lies
                found.append(self.document_class(doc, self.document_id_class(doc_id)))
        return found

    def find_one(self, field: str, value: Any) -> Document | None:
        """The first document whose `field` equals `value`, or None."""
        found = self.find(field, value)
        return found[0] if found else None

    def derived(self, name: str, build: Callable[[Mapping[str, Mapping]], T]) -> T:
        """`build(documents by id)`, computed once per storage version (treat it as read-only)."""
        version = self._storage.version(self.name)
        table = self._read_table()
        cached = self._derived.get(name) if self._derived is not None else None
        if cached is not None and cached[0] == version:
            return cached[1]
        value = build(table)
        self._derived = (self._derived or {}) | {name: (version, value)}
        return value

    def _index(
        self, field: str, version: tuple[int, int], table: Mapping[str, Mapping]
    ) -> dict[Any, str | tuple[str, ...]]:
        # `version` was read before `table`: a write in between leaves the index labelled older than
        # its content, so it is rebuilt next time rather than trusted while stale.
        indexes = self._indexes if self._indexes is not None else {}
        self._indexes = indexes
        cached = indexes.get(field)
        if cached is not None and cached[0] == version:
            return cached[1]
        # One doc id (a str), or a tuple of them, per value: no list per entry, so a rebuilt index
        # adds no containers for the cyclic garbage collector to walk.
        # (Temporary lists per value would also do: allocated by the thousand, they wake the
        # collector, which then walks the whole store. Duplicates are few: tuples are cheap.)
        index: dict[Any, str | tuple[str, ...]] = {}
        for doc_id in sorted(list(table), key=int):
            key = table[doc_id].get(field)
            try:
                earlier = index.get(key)
            except TypeError:  # unhashable: found by `find`'s scan, never through the index
                continue
            index[key] = doc_id if earlier is None else (*_as_tuple(earlier), doc_id)
        indexes[field] = (version, index)
        return index

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


def _as_tuple(ids: str | tuple[str, ...]) -> tuple[str, ...]:
    return (ids,) if isinstance(ids, str) else ids


class DocumentFile:
    """A TinyDB database backed by one transactional storage."""

    def __init__(self, db: TinyDB) -> None:
        self._db = db

    def table(self, name: str) -> _Table:
        return self._db.table(name)  # type: ignore[return-value] - FileSet makes every table a _Table

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
        self._opening = threading.Lock()  # guards `_periods` only: never waits for a writer

    def _open(self, path: Path | None) -> DocumentFile:
        TinyDB.table_class = _Table
        if path is None:
            db = TinyDB(storage=MemoryStorage, lock=self.lock)
        else:
            db = TinyDB(path, storage=JournaledJSONStorage, lock=self.lock)
        return DocumentFile(db)

    def period(self, period: Period) -> DocumentFile:
        """The file holding one quarter's returns, audit, outbox and chases."""
        with self._opening:
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
