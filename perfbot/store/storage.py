"""TinyDB storages with transactions, durable through a journal.

Atomicity contract (what every caller may rely on):

* Writes happen only inside ``transaction()``. On a clean exit the documents the transaction
  wrote are appended to the file's journal as one record and fsynced before the transaction
  returns; after a crash the file holds either everything the transaction wrote or nothing of it.
* If the block raises, nothing is written and later reads see the file as it was.
* Writers are serialised by the store's ``DataLock`` across threads and processes; a transaction
  reads the freshest state under the lock, so read-check-write inside one is race-free.
* Readers never see a half-applied transaction: in-process they wait for a transaction on the same
  file (not for writers of other files); other processes read whole snapshots (rename is atomic)
  and whole journal lines.
* The fsync happens after the write lock is released (group commit: transactions committing
  meanwhile share the next fsync). So a reader may see a commit a moment before it is durable;
  but every transaction, even one that only read, returns only once all it could have seen is
  durable, so nothing acknowledged on the strength of a transaction can be lost.

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
from perfbot.store.changes import ChangeCounters
from perfbot.store.journal import Changes, Data, JournalTail
from perfbot.store.locking import DataLock
from perfbot.store.records import StoreCorruptError, StoreWriteError

COMPACT_AFTER_RECORDS = 400  # per FOLD_UNIT_BYTES of snapshot, and never fewer (see `_fold_due`)
COMPACT_AFTER_BYTES = 4 * 1024 * 1024  # of journal, or the snapshot's own size when larger
FOLD_UNIT_BYTES = 1024 * 1024


class _TransactionalStorage(Storage):
    """Shared transaction bookkeeping; subclasses load and persist."""

    def __init__(self, lock: DataLock) -> None:
        self._lock = lock
        # Readers of this file wait only for a transaction on this file, not for writers of others.
        self._file_lock = threading.RLock()
        self._pending: Data | None = None
        self._changes: Changes = {}
        self._owner: int | None = None
        self.epoch = 0  # moves when the whole state may have changed: a reload, a rollback
        self._table_versions: dict[str, int] = {}  # moves when a table is written

    def read(self) -> Data | None:
        if self._owner == threading.get_ident():
            return self._pending
        # Look at the files before taking the lock: a system call lets the GIL go, and a thread
        # waiting to get it back while holding the lock would hold up every reader of this file.
        on_disk = self._on_disk()
        with self._file_lock:
            return self._load(on_disk)

    def write(self, data: Data) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("store writes must happen inside a transaction")
        self._pending = data

    def _new_epoch(self) -> None:
        self.epoch += 1

    def version(self, table: str) -> tuple[int, int]:
        """Changes whenever a document of `table` may have changed (for indexes and caches).

        Read it before reading the data: a change in between leaves a cache labelled older than
        its content, which is then rebuilt rather than trusted while stale."""
        return self.epoch, self._table_versions.get(table, 0)

    def _bump(self, table: str) -> None:
        self._table_versions[table] = self._table_versions.get(table, 0) + 1

    def note(self, table: str, doc_ids: Iterable[int | str]) -> None:
        """Record which documents the running transaction wrote (called by the table class)."""
        self._changes.setdefault(table, set()).update(str(i) for i in doc_ids)
        self._bump(table)

    def note_replaced(self, table: str) -> None:
        self._changes.setdefault(table, set()).add("*")
        self._bump(table)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes in the block become durable together on exit, or not at all."""
        if self._owner == threading.get_ident():
            yield  # nested: the outer transaction commits
            return
        with self._lock, self._file_lock:
            self._pending = self._load() or {}
            self._changes = {}
            self._owner = threading.get_ident()
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
            seen = self._written_mark()
        self._make_durable(seen)  # outside the locks: others commit meanwhile, one fsync for all

    def _written_mark(self) -> tuple[int, int]:
        """Where the file's writes have got to (everything a transaction may have read)."""
        return (0, 0)

    def _make_durable(self, mark: tuple[int, int]) -> None:
        """Return once everything up to `mark` is on disk."""

    def _on_disk(self) -> object:
        """What the files look like now, for `_load` to tell whether its cache is current."""
        return None

    def _load(self, on_disk: object = None) -> Data | None:
        """The file's state; `on_disk` (from `_on_disk`, taken a moment earlier) may spare it
        looking at the files again when the cache matches them."""
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

    def _load(self, on_disk: object = None) -> Data:
        return self._data

    def _persist(self, data: Data, changes: Changes) -> None:
        self._committed = json.dumps(data)
        self._data = data

    def _discard(self) -> None:
        self._data = json.loads(self._committed)
        self._new_epoch()


class JournaledJSONStorage(_TransactionalStorage):
    """A snapshot file plus an append-only journal; cached, and kept fresh across processes."""

    def __init__(self, path: Path, lock: DataLock, changes: ChangeCounters | None = None) -> None:
        super().__init__(lock)
        self.path = path
        self._counters = changes
        self._slot = ChangeCounters.slot(path.name)
        self._count_seen: int | None = None  # the change count when the files were last looked at
        self.journal_path = path.with_name(f"{path.name}.journal")
        self._generation_path = path.with_name(f".{path.name}.gen")
        self._cache: Data | None = None
        self._snapshot_key: tuple[int, ...] | None = None
        self._tail = JournalTail()
        self._journal_seen: tuple[int, int, int] | None = None  # see `_on_disk`
        # Group commit: (journal incarnation, offset) marks. A journal is "incarnated" afresh each
        # time this process starts reading a new one (after any compaction, here or elsewhere).
        self._incarnation = 0
        self._synced = (0, 0)
        self._syncing = threading.Lock()
        self._last_seq = 0  # the last record number this process wrote (kept across folds)

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

    def _on_disk(self) -> tuple[int | None, tuple[int, int, int] | None]:
        """(this file's change count, its journal's identity) for `_load` to compare with what it saw
        when it last looked at the files. The journal is only looked at when the count moved."""
        count = self._counters.read(self._slot) if self._counters is not None else None
        if count is not None and count == self._count_seen:
            return count, None
        return count, self._journal_identity()

    def _journal_identity(self) -> tuple[int, int, int] | None:
        """The journal's inode, size and modification time (one `stat`), None when there is none.

        Without change counts it is all a read looks at. Every commit, here or in another process,
        appends to the journal (its size moves); a compaction renames it away with the snapshot it
        fed, and a new journal is a new file. So a journal that looks as it did when this process
        last applied all of it means the snapshot is unchanged too."""
        try:
            found = os.stat(self.journal_path)
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_size, found.st_mtime_ns

    def _load(self, on_disk: object = None) -> Data | None:
        if self._cache and isinstance(on_disk, tuple):
            count, journal_id = on_disk
            if count is not None and count == self._count_seen:
                return self._cache  # no commit to this file anywhere since it was last looked at
            if journal_id is not None and journal_id == self._journal_seen:
                self._count_seen = count  # the journal, looked at after the count was read, is as applied
                return self._cache
        key = self._key()
        if key != self._snapshot_key or self._cache is None:
            self._cache = self._read_snapshot()
            self._snapshot_key = key
            self._new_journal()
            self._new_epoch()
        try:
            applied = self._journal_grew() and journal.replay(self.journal_path, self._cache, self._tail)
        except journal.JournalDamagedError as error:
            # Keep nothing half-read: every later load rereads from the start (and raises again
            # until the file is restored), and no write is ever made on top of the damage.
            self._cache, self._snapshot_key = None, None
            self._new_epoch()
            raise self._damaged(error.damage) from None
        if applied:
            self._new_epoch()
        if isinstance(on_disk, tuple):
            # `on_disk` was taken before the files were looked at: the cache is at least as new as
            # that count, and if the journal then held just what has been applied, it is that
            # journal's state. (Were it replaced since, its identity will not be seen again.)
            count, journal_id = on_disk
            self._count_seen = count
            self._journal_seen = journal_id if journal_id is not None and journal_id[1] == self._tail.offset else None
        if not self._cache and self._key()[0] == 0 and self._tail.offset == 0:
            return None
        return self._cache

    def _journal_grew(self) -> bool:
        """Whether the journal holds bytes past those applied (a stat: most reads find none). A
        journal replaced by a compaction comes with a new snapshot key, which resets the tail."""
        found = self._journal_identity()
        return found is not None and found[1] != self._tail.offset

    def _read_snapshot(self) -> Data:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            return parse_snapshot(raw)
        except ValueError as error:
            raise StoreCorruptError(
                f"data file {self.path} is damaged ({error}); nothing was changed. Restore it with "
                f"'perfbot store restore' (see README, 'Restoring from backup')"
            ) from None

    def _damaged(self, damage: journal.Damage) -> StoreCorruptError:
        return StoreCorruptError(
            f"journal {self.journal_path} is damaged at line {damage.line} (byte {damage.offset}): "
            "a complete record there does not read, so the records after it were not loaded; "
            "nothing was changed. Run 'perfbot store restore' to keep every record that reads "
            "(see README, 'Restoring from backup')"
        )

    def _persist(self, data: Data, changes: Changes) -> None:
        record = journal.make_record(data, changes)
        seq = self._next_seq()
        line = journal.encode(record or {"t": {}}, seq)
        try:
            journal.append(self.journal_path, line, valid_length=self._tail.offset, sync=False)
        except OSError as error:
            self._discard()
            raise StoreWriteError(
                f"could not write {self.journal_path}: {error.strerror or error}; "
                "the previous data is intact"
            ) from error
        self._tail.offset += len(line)
        self._tail.records += 1
        self._tail.seq = self._last_seq = seq
        self._journal_seen = None
        if self._counters is not None:
            # Under the write lock, on the state read fresh when it was taken: nothing is missed.
            self._count_seen = self._counters.bump(self._slot)
        self._cache = data
        if self._fold_due():
            self._compact(data)

    def _fold_due(self) -> bool:
        """Whether to fold the journal now. A fold rewrites the whole snapshot, so the records
        between folds grow with it (`COMPACT_AFTER_RECORDS` per `FOLD_UNIT_BYTES`): each record's
        share of the folding stays the same however large the quarter grows. The journal is kept
        no larger than the snapshot (or `COMPACT_AFTER_BYTES`), so loading reads at most twice it."""
        size = self._snapshot_key[1] if self._snapshot_key else 0
        records = COMPACT_AFTER_RECORDS * max(1.0, size / FOLD_UNIT_BYTES)
        return self._tail.records >= records or self._tail.offset >= max(COMPACT_AFTER_BYTES, size)

    def _next_seq(self) -> int:
        """The next record's number: after the journal's last, or, in a journal just begun (after
        a fold, here or in another process), after the last this file ever numbered."""
        if self._tail.seq:
            return self._tail.seq + 1
        folded = self.journal_path.with_name(f"{self.journal_path.name}.bak")
        return max(self._last_seq, journal.read_head(self.journal_path), journal.last_seq(folded)) + 1

    def _new_journal(self) -> None:
        self._tail = JournalTail()
        self._journal_seen = None
        self._incarnation += 1

    def _written_mark(self) -> tuple[int, int]:
        return self._incarnation, self._tail.offset

    def _make_durable(self, mark: tuple[int, int]) -> None:
        """fsync the journal up to `mark`, unless a concurrent fsync (or compaction) covered it.

        Committing threads queue here, outside the write lock: while one fsyncs, the next ones
        append, and the following fsync makes all of them durable at once (group commit)."""
        with self._syncing:
            if self._synced >= mark:
                return
            with self._file_lock:
                target, seq = self._written_mark(), self._tail.seq  # the fsync below covers both
            if target[0] != mark[0]:  # compacted since: the snapshot holding it was fsynced
                self._synced = max(self._synced, (target[0], 0))
                return
            try:
                fd = os.open(self.journal_path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except FileNotFoundError:  # compacted by another process, into a durable snapshot
                return
            except OSError as error:
                with self._file_lock:
                    self._discard()  # reread from disk: what is there is all that may be trusted
                raise StoreWriteError(
                    f"could not write {self.journal_path} to disk: {error.strerror or error}"
                ) from error
            self._synced = max(self._synced, target)
            with contextlib.suppress(OSError):  # the head only strengthens `perfbot store check`
                journal.write_head(self.journal_path, seq)

    def _compact(self, data: Data) -> None:
        """Fold the journal into a new snapshot. A failure here loses nothing: the journal holds it."""
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            write_durably(tmp, payload)
            if self.path.exists():
                link_as(self.path, self.path.with_name(f"{self.path.name}.bak"))
            os.replace(tmp, self.path)
            os.replace(self.journal_path, self.journal_path.with_name(f"{self.journal_path.name}.bak"))
            journal.fsync_dir(self.path.parent)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._snapshot_key = None  # reload from disk next time: the journal is the truth
            return
        self._bump_generation()
        with contextlib.suppress(OSError):  # the folded journal holds it durably
            journal.write_head(self.journal_path, self._last_seq)
        self._snapshot_key = self._key()
        self._new_journal()

    def _bump_generation(self) -> None:
        generation = self._key()[-1] + 1
        with contextlib.suppress(OSError):
            self._generation_path.write_bytes(str(generation).encode())

    def _discard(self) -> None:
        self._cache, self._snapshot_key = None, None
        self._new_epoch()


def parse_snapshot(raw: bytes) -> Data:
    """The documents in a snapshot's bytes; ValueError saying what is wrong if they do not read."""
    try:
        data = json.loads(raw)  # JSONDecodeError and UnicodeDecodeError are ValueErrors
    except RecursionError:
        raise ValueError("it is nested too deeply to read") from None
    if not isinstance(data, dict):
        raise ValueError("it does not hold a JSON object")
    return data


def write_durably(path: Path, payload: bytes) -> None:
    """Write a whole file and fsync it (the caller renames it into place)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        journal.write_all(fd, payload)
    finally:
        os.close(fd)


def link_as(path: Path, target: Path) -> None:
    """Make `target` another name for `path`'s current content (no copy), replacing it."""
    staging = path.with_name(f".{target.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    os.link(path, staging)
    os.replace(staging, target)
