"""`perfbot store backup DIR`: a consistent copy of a live data directory.

The copy is made holding the store's write lock (the one every commit takes), so no commit lands
while the files are read: every snapshot and journal in the copy is as of one moment, across
files, while `perfbot serve` goes on answering (readers never wait for the lock). The copy is
then checked the way `perfbot store check` checks, and is itself a data directory: restoring is
pointing `PERFBOT_DATA` at it (or copying it back) with perfbot stopped.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from perfbot.store.locking import DataLock
from perfbot.store.restore import check

# Left out: the lock and change counters (per running directory), temporary files and the log.
SKIPPED = (".lock", ".changes", "perfbot.log")
SKIPPED_SUFFIXES = (".tmp",)


class BackupError(ValueError):
    """The backup could not be made (message is user-facing)."""


@dataclass(frozen=True)
class BackupResult:
    target: Path
    files: int
    size: int


def backup(data_dir: Path, target: Path) -> BackupResult:
    """Copy `data_dir` into `target` (new or empty) under the write lock, fsynced, then check it."""
    if not any((data_dir / name).exists() for name in ("core.json", "core.json.journal", "periods")):
        raise BackupError(f"no perfbot data in {data_dir}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target}: choose a new or empty directory for the backup")
    if target.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError(f"{target}: the backup must be outside the data directory")
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        with DataLock(data_dir / ".lock"):
            copied = [_copy(path, target / path.relative_to(data_dir)) for path in _files(data_dir)]
    except OSError as error:
        raise BackupError(f"could not copy into {target}: {error.strerror or error}") from None
    damaged = [f"{r.file}: {r.problem}" for r in check(target) if r.problem]
    if damaged:
        raise BackupError(f"the copy in {target} does not check: {damaged[0]}")
    return BackupResult(target=target, files=len(copied), size=sum(copied))


def _files(data_dir: Path) -> list[Path]:
    found = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.name not in SKIPPED and not path.name.endswith(SKIPPED_SUFFIXES):
            found.append(path)
    return found


def _copy(source: Path, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copy2(source, destination)
    with destination.open("rb") as copied:
        os.fsync(copied.fileno())
    return destination.stat().st_size
