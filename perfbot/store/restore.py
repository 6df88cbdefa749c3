"""Check every data file loads, and rebuild a damaged one from what still reads.

A snapshot `<name>.json` is always equal to `<name>.json.bak` (the snapshot before it) with
`<name>.json.journal.bak` (the journal folded into it) replayed; the live journal comes on top.
A journal record holds whole documents, so replaying every record that reads, in order, and
skipping a damaged line, leaves each document as its last readable record wrote it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from perfbot.store import journal
from perfbot.store.changes import ChangeCounters
from perfbot.store.journal import Damage, Data, Salvage
from perfbot.store.locking import DataLock
from perfbot.store.storage import StoreCorruptError, link_as, parse_snapshot, write_durably


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: Path  # the data file (its snapshot's name): what `restore` takes
    problem: str | None  # None when it loads; else what is wrong with `file`
    file: Path | None = None  # the damaged file: the snapshot, or else its journal

    @property
    def advice(self) -> str:
        if self.file is not None and self.file != self.path:
            return "'perfbot store restore' keeps every record that reads, the journal kept aside"
        return "'perfbot store restore' rebuilds it from its backup"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A damaged journal line that `restore` left out."""

    file: Path  # the journal as it was named when read
    damage: Damage
    head: str  # the line's first bytes, escaped, to help tell what it held


@dataclass(frozen=True, slots=True)
class Restored:
    """What `restore` did to one data file."""

    path: Path
    base: Path | None  # the snapshot it started from (None: from nothing)
    records: int  # journal records replayed on top of it
    skipped: list[Skipped] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # damaged or replaced files, kept aside


def snapshots(data_dir: Path) -> list[Path]:
    """Every data file (snapshot or journal-only) in the data directory."""
    names = {p.with_name(p.name.removesuffix(".journal")) for p in data_dir.rglob("*.json.journal")}
    names |= set(data_dir.rglob("*.json"))
    return sorted(n for n in names if not n.name.startswith("."))


def check(data_dir: Path) -> list[FileCheck]:
    """Whether each data file loads: its snapshot reads, and no complete journal line is damaged.

    A torn journal tail (a last line without its newline) is not a problem: it was never
    acknowledged, and the next write cuts it off.
    """
    return [_check(path) for path in snapshots(data_dir)]


def _check(path: Path) -> FileCheck:
    problem = _snapshot_problem(path)
    live = _journal(path)
    found = journal.salvage(live)
    if problem is not None:
        also = f"; its journal too, at line {found.damage[0].line}" if found.damage else ""
        return FileCheck(path, f"damaged: {problem}{also}", path)
    if found.damage:
        return FileCheck(path, _journal_problem(found, live), live)
    sequence = _sequence_problem(path, found)
    return FileCheck(path, sequence, live) if sequence else FileCheck(path, None)


def _sequence_problem(path: Path, found: Salvage) -> str | None:
    """A gap in the live journal's record numbers, or an end before the last number made durable."""
    numbered = [(i + 1, r["n"]) for i, r in enumerate(found.records) if "n" in r]
    previous = journal.last_seq(_folded(path))
    for line, seq in numbered:
        if previous and seq != previous + 1:
            return (f"missing records: record {seq} at line {line} follows record {previous}, so "
                    f"{'records were taken out of its journal' if seq > previous else 'its records are out of order'}"
                    f"{_LOST}")  # fmt: skip
        previous = seq
    head = journal.read_head(_journal(path))
    if previous < head:
        return (f"cut short: its journal ends at record {previous}, but record {head} was written and "
                f"made durable, so lines were cut from its end{_LOST}")  # fmt: skip
    return None


_LOST = ("; the missing records cannot be rebuilt from it: restore the data directory from your own "
         "backup, or run 'perfbot store restore' to carry on from what is left")  # fmt: skip


def _journal_problem(found: Salvage, live: Path) -> str:
    first = found.damage[0]
    after = len(found.records) - (first.line - 1)  # every line before the first damage read
    others = f" (and {len(found.damage) - 1} more damaged lines)" if len(found.damage) > 1 else ""
    with live.open("rb") as handle:
        handle.seek(first.offset)
        edited = journal.checksum_fails(handle.read(first.size - 1))
    what = "was edited: its checksum does not match" if edited else "does not read"
    return (f"damaged at line {first.line} (byte {first.offset}){others}: a complete record there "
            f"{what}, and {after} records that read follow it")  # fmt: skip


def restore_all(data_dir: Path, *, now: datetime) -> list[Restored]:
    """Restore every damaged data file, holding the store's lock so no one writes meanwhile."""
    if not data_dir.exists():
        return []
    with DataLock(data_dir / ".lock"):
        restored = [restore(r.path, now=now) for r in check(data_dir) if r.problem]
        counters = ChangeCounters.open(data_dir / ".changes")
        for done in restored if counters is not None else ():
            counters.bump(ChangeCounters.slot(done.path.name))  # a process still running reads it again
        return restored


def restore(path: Path, *, now: datetime) -> Restored:
    """Rebuild one data file from what still reads; every damaged file is kept aside.

    From the snapshot if it reads, else from its backup and the journal folded into it; then the
    live journal. Damaged journal lines are skipped (and reported). The result is written as a
    fold: a new snapshot, with `.bak` + `.journal.bak` rebuilding it, and no live journal.
    """
    snapshot_reads = _snapshot_problem(path) is None
    base = path if snapshot_reads else path.with_name(f"{path.name}.bak")
    journals = [_journal(path)] if snapshot_reads else [_folded(path), _journal(path)]
    if not snapshot_reads and not _folded(path).exists():
        raise StoreCorruptError(f"data file {path} is damaged and {_folded(path).name}, which "
                                "rebuilds it, is missing: restore the data directory from your "
                                "own backup")  # fmt: skip
    data = _read_base(base)
    salvaged = {file: journal.salvage(file) for file in journals}
    for found in salvaged.values():
        for record in found.records:
            journal.apply_record(data, record)
    done = Restored(
        path=path, base=base if base.exists() else None,
        records=sum(len(found.records) for found in salvaged.values()),
        skipped=[_skipped(file, d) for file, found in salvaged.items() for d in found.damage],
    )  # fmt: skip
    lines = b"".join(line for found in salvaged.values() for line in found.lines)
    aside = _to_keep(path, salvaged, snapshot_reads)
    done.kept.extend(_write(path, data, lines, aside=aside, stamp=f"{now:%Y%m%dT%H%M%S}"))
    return done


def _skipped(file: Path, damage: Damage, *, shown: int = 60) -> Skipped:
    with file.open("rb") as handle:
        handle.seek(damage.offset)
        head = handle.read(min(damage.size - 1, shown))
    more = "…" if damage.size - 1 > shown else ""
    return Skipped(file, damage, head.decode("utf-8", "backslashreplace") + more)


def _to_keep(path: Path, salvaged: dict[Path, Salvage], snapshot_reads: bool) -> dict[Path, str]:
    """The files to keep aside, each with why: damaged, or a sound live journal folded in."""
    aside = {file: "damaged" for file, found in salvaged.items() if found.damage}
    aside.setdefault(_journal(path), "restored")
    if not snapshot_reads:
        aside[path] = "damaged"
    return {file: kind for file, kind in aside.items() if file.exists()}


def _write(
    path: Path, data: Data, lines: bytes, *, aside: dict[Path, str], stamp: str
) -> list[Path]:
    """Write the rebuilt state durably; a crash at any point leaves a state `restore` can redo."""
    snapshot_tmp = path.with_name(f".{path.name}.restore.tmp")
    folded_tmp = path.with_name(f".{_folded(path).name}.restore.tmp")
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with _removed_on_error(snapshot_tmp, folded_tmp):
        write_durably(snapshot_tmp, payload)
        write_durably(folded_tmp, lines)
        kept = [_keep_aside(file, f"{kind}-{stamp}") for file, kind in aside.items()]
        if path.exists() and path not in aside:  # it read: it becomes the backup, as in a fold
            link_as(path, path.with_name(f"{path.name}.bak"))
        os.replace(folded_tmp, _folded(path))
        os.replace(snapshot_tmp, path)  # from here the rebuilt state is the live one
    with contextlib.suppress(FileNotFoundError):
        _journal(path).unlink()  # folded in above, and kept aside
    journal.write_head(_journal(path), journal.last_seq(_folded(path)))  # what is left is the whole
    journal.fsync_dir(path.parent)
    return kept


def _keep_aside(file: Path, suffix: str) -> Path:
    """Another name for `file`, `<name>.<suffix>`, never replacing an earlier one."""
    aside = file.with_name(f"{file.name}.{suffix}")
    number = 1
    while aside.exists():
        number += 1
        aside = file.with_name(f"{file.name}.{suffix}-{number}")
    os.link(file, aside)
    return aside


@contextlib.contextmanager
def _removed_on_error(*paths: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _read_base(path: Path) -> Data:
    """The snapshot to rebuild from ({} if there is none); a damaged backup cannot be used."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        return parse_snapshot(raw)
    except ValueError as error:
        rebuilds = path.name.removesuffix(".bak")
        raise StoreCorruptError(f"{path} is damaged too ({error}), so it cannot rebuild {rebuilds}: "
                                "restore the data directory from your own backup") from None


def _snapshot_problem(path: Path) -> str | None:
    try:
        parse_snapshot(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as error:
        return str(error)
    return None


def _journal(path: Path) -> Path:
    return path.with_name(f"{path.name}.journal")


def _folded(path: Path) -> Path:
    """The journal the last fold took in: with `<name>.json.bak` it rebuilds the snapshot."""
    return path.with_name(f"{path.name}.journal.bak")
