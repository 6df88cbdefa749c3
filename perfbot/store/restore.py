"""Check every data file loads, and rebuild a damaged snapshot from its automatic backups.

A snapshot `<name>.json` is always equal to `<name>.json.bak` (the snapshot before it) with
`<name>.json.journal.bak` (the journal folded into it) replayed; the live journal comes on top.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from perfbot.store import journal
from perfbot.store.journal import Data, JournalTail


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: Path
    problem: str | None  # None when the file loads


def snapshots(data_dir: Path) -> list[Path]:
    """Every data file (snapshot or journal-only) in the data directory."""
    names = {p.with_name(p.name.removesuffix(".journal")) for p in data_dir.rglob("*.json.journal")}
    names |= set(data_dir.rglob("*.json"))
    return sorted(n for n in names if not n.name.startswith("."))


def check(data_dir: Path) -> list[FileCheck]:
    results = []
    for path in snapshots(data_dir):
        try:
            if path.exists():
                json.loads(path.read_bytes())
            results.append(FileCheck(path, None))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            results.append(FileCheck(path, f"damaged: {error}"))
    return results


def rebuild(path: Path) -> Data:
    """The state of `path` rebuilt from its backup snapshot and the journals."""
    backup = path.with_name(f"{path.name}.bak")
    data: Data = json.loads(backup.read_bytes()) if backup.exists() else {}
    for name in (f"{path.name}.journal.bak", f"{path.name}.journal"):
        journal.replay(path.with_name(name), data, JournalTail())
    return data


def restore(path: Path, *, now: datetime) -> Path:
    """Replace a damaged snapshot with the rebuilt state; the damaged file is kept aside."""
    data = rebuild(path)
    aside = path.with_name(f"{path.name}.damaged-{now:%Y%m%dT%H%M%S}")
    os.replace(path, aside)
    tmp = path.with_name(f".{path.name}.restore.tmp")
    tmp.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    with tmp.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    live = path.with_name(f"{path.name}.journal")
    if live.exists():
        os.replace(live, path.with_name(f"{live.name}.restored-{now:%Y%m%dT%H%M%S}"))
    journal.fsync_dir(path.parent)
    return aside
