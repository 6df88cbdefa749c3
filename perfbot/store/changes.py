"""A change counter per data file, shared by every process on the data directory.

Without it, each read asks the file system whether another process changed the file (a `stat`).
A system call lets Python's GIL go, and under a burst of requests each one hands the interpreter
to another thread and waits to get it back. The counters live in a small memory-mapped file
(`.changes`): a writer bumps its file's counter after each commit, while it holds the store's
write lock; a reader compares the counter with the one it saw when it last checked the files,
and only looks at them again when it moved. Reading mapped memory makes no system call.

Counters are only hints. Files share the 512 slots by a hash of their names, so a move may belong
to another file and costs one needless look. A missing or unmappable `.changes` file means every
read looks at the files, as before. Do not delete `.changes` while perfbot runs (nor `.lock`).
"""

from __future__ import annotations

import mmap
import os
import zlib
from pathlib import Path

SLOTS = 512
_WIDTH = 8


class ChangeCounters:
    """The data directory's shared counters (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < SLOTS * _WIDTH:
                os.ftruncate(fd, SLOTS * _WIDTH)  # another process doing the same is harmless
            self._map = mmap.mmap(fd, SLOTS * _WIDTH)
        finally:
            os.close(fd)

    @classmethod
    def open(cls, path: Path) -> ChangeCounters | None:
        """The counters, or None where the file cannot be made or mapped (reads then `stat`)."""
        try:
            return cls(path)
        except (OSError, ValueError):
            return None

    @staticmethod
    def slot(name: str) -> int:
        return zlib.crc32(name.encode()) % SLOTS

    def read(self, slot: int) -> int:
        start = slot * _WIDTH
        return int.from_bytes(self._map[start : start + _WIDTH], "little")

    def bump(self, slot: int) -> int:
        """Count a commit; the caller holds the store's write lock. The new count."""
        count = (self.read(slot) + 1) % (1 << 63)
        start = slot * _WIDTH
        self._map[start : start + _WIDTH] = count.to_bytes(_WIDTH, "little")
        return count
