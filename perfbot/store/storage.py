"""TinyDB storages with transactions.

Atomicity contract (what every caller may rely on):

* Writes happen only inside ``transaction()``. On a clean exit the whole document set of the file is
  written to a temp file, fsynced, renamed over the old file and the directory fsynced, so after a
  crash the file holds either everything the transaction wrote or nothing of it. The transaction
  returns only once the data is durable.
* If the block raises, nothing is written and later reads see the file as it was.
* Writers are serialised by the store's ``DataLock`` across threads and processes; a transaction
  reads the freshest state under the lock, so read-check-write inside one is race-free.
* Readers never see a half-applied transaction: in-process they wait on the thread lock, and other
  processes only ever see whole files (rename is atomic).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from perfbot.store.locking import DataLock

Data = dict[str, dict[str, Any]]


class StoreCorruptError(RuntimeError):
    """A data file cannot be read; the message names the file and how to restore it."""


class StoreWriteError(RuntimeError):
    """A write did not reach the disk; the previous state is intact."""


class _TransactionalStorage(Storage):
    """Shared transaction bookkeeping; subclasses load and persist."""

    def __init__(self, lock: DataLock) -> None:
        self._lock = lock
        self._pending: Data | None = None
        self._owner: int | None = None

    def read(self) -> Data | None:
        if self._owner == threading.get_ident():
            return self._pending
        with self._lock.thread_lock:
            return self._load()

    def write(self, data: Data) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("store writes must happen inside a transaction")
        self._pending = data

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes in the block become durable together on exit, or not at all."""
        if self._owner == threading.get_ident():
            yield  # nested: the outer transaction commits
            return
        with self._lock:
            self._pending = self._load() or {}
            self._owner = threading.get_ident()
            try:
                yield
                self._persist(self._pending)
            except BaseException:
                self._discard()
                raise
            finally:
                self._owner = None
                self._pending = None

    def _load(self) -> Data | None:
        raise NotImplementedError

    def _persist(self, data: Data) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        """Forget any cached state the failed transaction may have touched."""


class MemoryStorage(_TransactionalStorage):
    """In-memory storage for unit tests; same transaction semantics, no durability."""

    def __init__(self, lock: DataLock) -> None:
        super().__init__(lock)
        self._committed = "{}"
        self._data: Data = {}

    def _load(self) -> Data:
        return self._data

    def _persist(self, data: Data) -> None:
        self._committed = json.dumps(data)
        self._data = data

    def _discard(self) -> None:
        self._data = json.loads(self._committed)


class AtomicJSONStorage(_TransactionalStorage):
    """One JSON file, replaced atomically on each commit, with the previous version kept as .bak.

    Parsed content is cached and reused while the file is unchanged; a change by another process
    is detected from the file's identity (inode, size, mtime) plus a generation counter.
    """

    def __init__(self, path: Path, lock: DataLock) -> None:
        super().__init__(lock)
        self.path = path
        self._generation_path = path.with_name(f".{path.name}.gen")
        self._cache: Data | None = None
        self._cache_key: tuple[int, ...] | None = None

    def _key(self) -> tuple[int, ...] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        try:
            generation = int(self._generation_path.read_bytes() or b"0")
        except (FileNotFoundError, ValueError):
            generation = 0
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, generation)

    def _load(self) -> Data | None:
        key = self._key()
        if key is None:
            self._cache, self._cache_key = None, None
            return None
        if key == self._cache_key:
            return self._cache
        try:
            data = json.loads(self.path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise StoreCorruptError(
                f"data file {self.path} is damaged ({error}); nothing was changed. Restore it from "
                f"{self.path.name}.bak beside it (see README, 'Restoring from backup')"
            ) from None
        if not isinstance(data, dict):
            raise StoreCorruptError(f"data file {self.path} does not hold a JSON object")
        self._cache, self._cache_key = data, key
        return data

    def _persist(self, data: Data) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            _write_durably(tmp, payload)
            if self.path.exists():
                _replace_backup(self.path)
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except OSError as error:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._discard()
            raise StoreWriteError(
                f"could not write {self.path}: {error.strerror or error}; the previous data is intact"
            ) from error
        self._bump_generation()
        self._cache, self._cache_key = data, self._key()

    def _bump_generation(self) -> None:
        key = self._key()
        generation = (key[-1] if key else 0) + 1
        with contextlib.suppress(OSError):
            self._generation_path.write_bytes(str(generation).encode())

    def _discard(self) -> None:
        self._cache, self._cache_key = None, None


def _write_durably(path: Path, payload: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_backup(path: Path) -> None:
    """Keep the version being replaced as `<file>.bak` (a hard link: no copy)."""
    backup = path.with_name(f"{path.name}.bak")
    staging = path.with_name(f".{path.name}.bak.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    os.link(path, staging)
    os.replace(staging, backup)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
