"""One writer at a time, across threads and processes."""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from filelock import FileLock


class DataLock:
    """A re-entrant lock: a thread lock in front of an exclusive `flock` on the data dir.

    Threads queue on the thread lock (prompt wake-up); only the thread holding it competes for the
    file lock, so other processes are excluded too.
    """

    def __init__(self, path: Path | None) -> None:
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(path), thread_local=False) if path else None
        self._depth = 0

    def __enter__(self) -> DataLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0 and self._file_lock is not None:
                self._file_lock.acquire(poll_interval=0.002)
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._file_lock is not None:
                self._file_lock.release()
        finally:
            self._thread_lock.release()
