"""TinyDB storages with transactions, durable through a journal.

Atomicity contract (what every caller may rely on):

* Writes happen only inside ``transaction()``. On a clean exit the documents the transaction
  wrote are appended to the file's journal as one record and fsynced before the transaction
  returns; after a crash the file holds either everything the transaction wrote or nothing of it.
* If the block raises, nothing is written and later reads see the file as it was.
* Writers are serialised by the store's ``DataLock`` across threads and processes; a transaction
  reads the freshest state under the lock, so read-check-write inside one is race-free.
* Readers never see a half-applied transaction: in-process they wait on the thread lock; other
  processes read whole snapshots (rename is atomic) and whole journal lines.

Every so often the journal is folded into the snapshot (``<name>.json``, TinyDB's own format):
written to a temp file, fsynced and renamed. The snapshot it replaces is kept as ``<name>.json.bak``
and the journal it folded in as ``<name>.json.journal.bak``, so the two together rebuild the state.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from tinydb.storages import Storage

from perfbot.store import journal
from perfbot.store.journal import Changes, Data, JournalTail
from perfbot.store.locking import DataLock

COMPACT_AFTER_RECORDS = 400
COMPACT_AFTER_BYTES = 4 * 1024 * 1024


class StoreCorruptError(RuntimeError):
    """A data file cannot be read; the message names the file and how to restore it."""


class StoreWriteError(RuntimeError):
    """A write did not reach the disk; the previous state is intact."""


class _TransactionalStorage(Storage):
    """Shared transaction bookkeeping; subclasses load and persist."""

    def __init__(self, lock: DataLock) -> None:
        self._lock = lock
        self._pending: Data | None = None
        self._changes: Changes = {}
        self._owner: int | None = None
        self.epoch = 0  # changes whenever cached state may have changed (see _Table)

    def read(self) -> Data | None:
        if self._owner == threading.get_ident():
            return self._pending
        with self._lock.thread_lock:
            return self._load()

    def write(self, data: Data) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("store writes must happen inside a transaction")
        self._pending = data

    def note(self, table: str, doc_ids: Iterable[int | str]) -> None:
        """Record which documents the running transaction wrote (called by the table class)."""
        self._changes.setdefault(table, set()).update(str(i) for i in doc_ids)

    def note_replaced(self, table: str) -> None:
        self._changes.setdefault(table, set()).add("*")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes in the block become durable together on exit, or not at all."""
        if self._owner == threading.get_ident():
            yield  # nested: the outer transaction commits
            return
        with self._lock:
            self._pending = self._load() or {}
            self._changes = {}
            self._owner = threading.get_ident()
            self.epoch += 1
            try:
                yield
                if self._changes:
                    self._persist(self._pending, self._changes)
            except BaseException:
                self._discard()
                raise
            finally:
                self._owner = None
                self._pending = None
                self._changes = {}

    def _load(self) -> Data | None:
        raise NotImplementedError

    def _persist(self, data: Data, changes: Changes) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        """Forget cached state the failed transaction may have touched (it mutates in place)."""


class MemoryStorage(_TransactionalStorage):
    """In-memory storage for unit tests; same transaction semantics, no durability."""

    def __init__(self, lock: DataLock) -> None:
        super().__init__(lock)
        self._committed = "{}"
        self._data: Data = {}

    def _load(self) -> Data:
        return self._data

    def _persist(self, data: Data, changes: Changes) -> None:
        self._committed = json.dumps(data)
        self._data = data

    def _discard(self) -> None:
        self._data = json.loads(self._committed)
        self.epoch += 1


class JournaledJSONStorage(_TransactionalStorage):
    """A snapshot file plus an append-only journal; cached, and kept fresh across processes."""

    def __init__(self, path: Path, lock: DataLock) -> None:
        super().__init__(lock)
        self.path = path
        self.journal_path = path.with_name(f"{path.name}.journal")
        self._generation_path = path.with_name(f".{path.name}.gen")
        self._cache: Data | None = None
        self._snapshot_key: tuple[int, ...] | None = None
        self._tail = JournalTail()

    def _key(self) -> tuple[int, ...]:
        """Identity of the snapshot: changes when any process replaces it."""
        try:
            stat = os.stat(self.path)
            identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            identity = (0, 0, 0)
        try:
            generation = int(self._generation_path.read_bytes() or b"0")
        except (FileNotFoundError, ValueError):
            generation = 0
        return (*identity, generation)

    def _load(self) -> Data | None:
        key = self._key()
        if key != self._snapshot_key or self._cache is None:
            self._cache = self._read_snapshot()
            self._snapshot_key = key
            self._tail = JournalTail()
            self.epoch += 1
        if journal.replay(self.journal_path, self._cache, self._tail):
            self.epoch += 1
        if not self._cache and self._key()[0] == 0 and self._tail.offset == 0:
            return None
        return self._cache

    def _read_snapshot(self) -> Data:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise StoreCorruptError(
                f"data file {self.path} is damaged ({error}); nothing was changed. Restore it with "
                f"'perfbot store restore' (see README, 'Restoring from backup')"
            ) from None
        if not isinstance(data, dict):
            raise StoreCorruptError(f"data file {self.path} does not hold a JSON object")
        return data

    def _persist(self, data: Data, changes: Changes) -> None:
        record = journal.make_record(data, changes)
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        try:
            journal.append(self.journal_path, line, valid_length=self._tail.offset)
        except OSError as error:
            self._discard()
            raise StoreWriteError(
                f"could not write {self.journal_path}: {error.strerror or error}; "
                "the previous data is intact"
            ) from error
        self._tail.offset += len(line)
        self._tail.records += 1
        self._cache = data
        if self._tail.records >= COMPACT_AFTER_RECORDS or self._tail.offset >= COMPACT_AFTER_BYTES:
            self._compact(data)

    def _compact(self, data: Data) -> None:
        """Fold the journal into a new snapshot. A failure here loses nothing: the journal holds it."""
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            _write_durably(tmp, payload)
            if self.path.exists():
                _link_as(self.path, self.path.with_name(f"{self.path.name}.bak"))
            os.replace(tmp, self.path)
            os.replace(self.journal_path, self.journal_path.with_name(f"{self.journal_path.name}.bak"))
            journal.fsync_dir(self.path.parent)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._snapshot_key = None  # reload from disk next time: the journal is the truth
            return
        self._bump_generation()
        self._snapshot_key = self._key()
        self._tail = JournalTail()

    def _bump_generation(self) -> None:
        generation = self._key()[-1] + 1
        with contextlib.suppress(OSError):
            self._generation_path.write_bytes(str(generation).encode())

    def _discard(self) -> None:
        self._cache, self._snapshot_key = None, None
        self.epoch += 1


def _write_durably(path: Path, payload: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        journal.write_all(fd, payload)
    finally:
        os.close(fd)


def _link_as(path: Path, target: Path) -> None:
    """Make `target` another name for `path`'s current content (no copy), replacing it."""
    staging = path.with_name(f".{target.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    os.link(path, staging)
    os.replace(staging, target)
