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
from perfbot.store.changes import ChangeCounters
from perfbot.store.locking import DataLock
from perfbot.store.private import DIR_MODE, make_private
from perfbot.store.storage import JournaledJSONStorage, MemoryStorage

T = TypeVar("T")
_PERIOD_FILE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])\.json(\.journal)?$")
OPEN_PERIOD_FILES = 12  # keeps memory bounded on a long history; reopened files reload lazily


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
    _converted: dict[str, tuple[tuple[int, int], dict[str, Any]]] | None = None
    _memos: dict[str, dict[str, tuple[Mapping, Any]]] | None = None  # by name: doc id → (doc, value)

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        """TinyDB's, without converting the whole table to int keys and back on every write.

        The table is copied (a C-level dict copy) and each document the updater touches is copied
        before it changes, so readers holding the previous table never see a write half-done."""
        tables = self._storage.read()
        if tables is None:
            tables = {}
        table = _ByDocId(tables.get(self.name, {}))
        updater(table)
        tables[self.name] = table.documents
        self._storage.write(tables)
        self.clear_cache()

    def find(self, field: str, value: Any) -> list[Document]:
        """Documents whose `field` equals `value`, in document-id order."""
        return [self.document_class(doc, self.document_id_class(doc_id)) for doc_id, doc in self._matching(field, value)]

    def _matching(self, field: str, value: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(id, stored document) of each document whose `field` equals `value`, through the index."""
        version, table = self._versioned()
        try:
            ids = _as_tuple(self._index(field, version, table).get(value, ()))
        except TypeError:  # an unhashable value: no index can hold it
            ids = tuple(doc_id for doc_id, doc in table.items() if doc.get(field) == value)
        for doc_id in ids:
            doc = table.get(doc_id)
            if doc is not None and doc.get(field) == value:  # an index older than `table` misses, never lies
                yield doc_id, doc

    def find_one(self, field: str, value: Any) -> Document | None:
        """The first document whose `field` equals `value`, or None."""
        found = self.find(field, value)
        return found[0] if found else None

    def derived(self, name: str, build: Callable[[Mapping[str, Mapping]], T]) -> T:
        """`build(documents by id)`, computed once per storage version (treat it as read-only)."""
        version, table = self._versioned()
        cached = self._derived.get(name) if self._derived is not None else None
        if cached is not None and cached[0] == version:
            return cached[1]
        value = build(table)
        self._derived = (self._derived or {}) | {name: (version, value)}
        return value

    def _versioned(self) -> tuple[tuple[int, int], Mapping[str, Mapping]]:
        """The table and its version. The version is read before the table (a write in between
        leaves a cache labelled older than its content: rebuilt, never trusted while stale), and
        read again after: reading may itself move it (the first load, another process's write),
        and a cache built then is labelled with where the version settled."""
        version = self._storage.version(self.name)
        while True:
            table = self._read_table()
            settled = self._storage.version(self.name)
            if settled == version:
                return version, table
            version = settled

    def converted(self, name: str, convert: Callable[[Mapping[str, Any]], T]) -> Mapping[str, T]:
        """`convert(document)` for every document, by document id (treat it as read-only).

        A document is converted again only when it changed. A write never changes a stored
        document in place: it stores a new dict (`_ByDocId`, `journal.apply_record`), so a document
        that is still the same object as at the last conversion still converts to the same value.
        """
        version, table = self._versioned()
        cached = self._converted.get(name) if self._converted is not None else None
        if cached is not None and cached[0] == version:
            return cached[1]
        earlier = self._memo(name)
        values = {doc_id: _converted(earlier, doc_id, doc, convert) for doc_id, doc in table.items()}
        # A new memo of just these documents (replaced whole: never iterated while others add to it).
        self._memos = (self._memos or {}) | {name: {doc_id: earlier[doc_id] for doc_id in values}}
        self._converted = (self._converted or {}) | {name: (version, values)}
        return values

    def find_one_converted(
        self, field: str, value: Any, name: str, convert: Callable[[Mapping[str, Any]], T]
    ) -> T | None:
        """`convert` of the first document whose `field` equals `value` (see `find`), converted
        again only when that document changed (see `converted`)."""
        for doc_id, doc in self._matching(field, value):
            return _converted(self._memo(name), doc_id, doc, convert)
        return None

    def _memo(self, name: str) -> dict[str, tuple[Mapping, Any]]:
        """Conversions under `name`: document id → (the document converted, its value)."""
        memos = self._memos if self._memos is not None else {}
        if name not in memos:
            self._memos = memos = memos | {name: {}}
        return memos[name]

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
        return self._written(lambda: [super(_Table, self).insert(document)])[0]

    def insert_multiple(self, documents):  # noqa: ANN001, ANN201
        return self._written(lambda: super(_Table, self).insert_multiple(documents))

    def update(self, fields, cond=None, doc_ids=None):  # noqa: ANN001, ANN201
        return self._written(lambda: super(_Table, self).update(fields, cond, doc_ids))

    def _written(self, write: Callable[[], list[int]]) -> list[int]:
        """Do a write, tell the storage what it touched, and bring the indexes along with it."""
        version, before = self._storage.version(self.name), self._read_table()
        ids = write()
        self._storage.note(self.name, ids)
        self._carry_indexes(version, before, ids)
        return ids

    def _carry_indexes(self, version: tuple[int, int], before: Mapping[str, Mapping], ids: list[int]) -> None:
        """Update the indexes that were current before a write for the documents it touched
        (rather than rebuilding them on the next look-up)."""
        after, now = self._read_table(), self._storage.version(self.name)
        for field, (built, index) in list((self._indexes or {}).items()):
            if built != version:
                continue
            try:
                for doc_id in map(str, ids):
                    _move(index, doc_id, _key_of(before.get(doc_id), field), _key_of(after.get(doc_id), field))
            except TypeError:  # an unhashable value: rebuild this index when next used
                continue
            self._indexes[field] = (now, index)  # type: ignore[index]

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


class _ByDocId:
    """A copy of a table's documents (keyed by str id) as TinyDB's updaters use it (by int id)."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self._copied: set[str] = set()

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.documents

    def __getitem__(self, doc_id: int) -> dict[str, Any]:
        key = str(doc_id)
        if key not in self._copied:  # the updater may change it in place: give it its own copy
            self.documents[key] = dict(self.documents[key])
            self._copied.add(key)
        return self.documents[key]

    def __setitem__(self, doc_id: int, document: dict[str, Any]) -> None:
        self.documents[str(doc_id)] = document
        self._copied.add(str(doc_id))

    def __delitem__(self, doc_id: int) -> None:
        del self.documents[str(doc_id)]

    def pop(self, doc_id: int, *default: Any) -> Any:
        return self.documents.pop(str(doc_id), *default)

    def keys(self) -> list[int]:
        return [int(key) for key in self.documents]

    def clear(self) -> None:
        self.documents.clear()


_ABSENT = object()  # not in the table (as opposed to a document without the field: None)


def _key_of(document: Mapping[str, Any] | None, field: str) -> Any:
    return _ABSENT if document is None else document.get(field)


def _move(index: dict[Any, str | tuple[str, ...]], doc_id: str, old: Any, new: Any) -> None:
    """Re-file `doc_id` in an index from key `old` to key `new` (either may be `_ABSENT`)."""
    if old == new and old is not _ABSENT and new is not _ABSENT:
        hash(new)  # still raises for an unhashable value, as a rebuild would skip it
        return
    if old is not _ABSENT:
        kept = tuple(i for i in _as_tuple(index.get(old, ())) if i != doc_id)
        if kept:
            index[old] = kept[0] if len(kept) == 1 else kept
        else:
            index.pop(old, None)
    if new is not _ABSENT:
        ids = sorted({*_as_tuple(index.get(new, ())), doc_id}, key=int)
        index[new] = ids[0] if len(ids) == 1 else tuple(ids)


def _converted(memo: dict[str, tuple[Mapping, T]], doc_id: str, doc: Mapping[str, Any],
               convert: Callable[[Mapping[str, Any]], T]) -> T:  # fmt: skip
    """`convert(doc)`, or the memo's value while `doc` is the very document it was made from."""
    hit = memo.get(doc_id)
    if hit is not None and hit[0] is doc:
        return hit[1]
    value = convert(doc)
    memo[doc_id] = (doc, value)  # one dict item at a time: safe beside other readers of the memo
    return value


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
            make_private(data_dir)
            (data_dir / "periods").mkdir(mode=DIR_MODE, exist_ok=True)
        self.lock = DataLock(data_dir / ".lock" if data_dir else None)
        self.changes = ChangeCounters.open(data_dir / ".changes") if data_dir else None
        self.core = self._open(data_dir / "core.json" if data_dir else None)
        self._periods: OrderedDict[Period, DocumentFile] = OrderedDict()
        self._opening = threading.Lock()  # guards `_periods` only: never waits for a writer

    def _open(self, path: Path | None) -> DocumentFile:
        TinyDB.table_class = _Table
        if path is None:
            db = TinyDB(storage=MemoryStorage, lock=self.lock)
        else:
            db = TinyDB(path, storage=JournaledJSONStorage, lock=self.lock, changes=self.changes)
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
            if self.data_dir is not None and len(self._periods) > OPEN_PERIOD_FILES:
                self._periods.popitem(last=False)
            return document

    def open_periods(self) -> list[Period]:
        """Quarters whose files are open in this process (at most `OPEN_PERIOD_FILES`)."""
        with self._opening:
            return sorted(self._periods)

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
