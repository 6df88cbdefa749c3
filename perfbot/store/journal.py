"""The journal of one data file: committed changes appended as JSON lines, replayed on load.

A record is ``{"n": seq, "c": "crc32", "t": {table: {"docs": {doc_id: doc | null}, "replace": bool}}}``:
the documents a transaction wrote (null for removed), or a whole table when it was replaced.
Replaying a record is idempotent, so replaying records a snapshot already holds does no harm.

Tamper evidence: `n` numbers the file's records (continuing across folds) and `c` is the CRC-32
of `n` and the rest of the line, so an edited record does not read (it counts as damage), a gap
in the numbers shows records taken out, and the last number made durable is kept beside the
journal (`.<name>.head`, `head_path`) so lines cut from its end show too (`perfbot store check`). Journals
written before this carry neither and still read.

A last line without its newline is a torn tail: the crash came before the fsync returned, so it
was never acknowledged; reading stops there and the next writer cuts it off. A complete line
(newline-terminated) that does not read as a record is damage from outside perfbot (a disk fault,
a hand edit): it may have been acknowledged, and so may the records after it, so `replay` raises
`JournalDamagedError` rather than stop there, and `salvage` (for `perfbot store restore`) skips it
and keeps every record that reads.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Data = dict[str, dict[str, Any]]
Changes = dict[str, set[str]]  # table → doc ids written; "*" marks a replaced table


@dataclass
class JournalTail:
    """Where reading the journal got to."""

    offset: int = 0  # bytes of complete, valid records applied
    records: int = 0
    seq: int = 0  # the last record's number (0: none numbered yet)


@dataclass(frozen=True, slots=True)
class Damage:
    """A complete journal line that does not read as a record."""

    offset: int  # byte offset where the line starts
    line: int  # 1-based line number
    size: int  # bytes, newline included


class JournalDamagedError(ValueError):
    """A complete line of the journal does not read as a record: the file was damaged from outside."""

    def __init__(self, path: Path, damage: Damage) -> None:
        super().__init__(f"{path} is damaged at line {damage.line} (byte {damage.offset})")
        self.path = path
        self.damage = damage


@dataclass
class Salvage:
    """What `salvage` read from a journal: the records that read, and the lines that did not."""

    records: list[dict[str, Any]] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)  # the records' lines, newline included
    damage: list[Damage] = field(default_factory=list)
    torn: int = 0  # bytes of a torn tail (an unterminated last line, never acknowledged)


def make_record(data: Data, changes: Changes) -> dict[str, Any] | None:
    tables: dict[str, Any] = {}
    for table, ids in changes.items():
        current = data.get(table, {})
        if "*" in ids:
            tables[table] = {"replace": True, "docs": current}
        else:
            tables[table] = {"docs": {i: current.get(i) for i in sorted(ids)}}
    return {"t": tables} if tables else None


_HEAD = re.compile(rb'\{"n":(\d{1,18}),"c":"([0-9a-f]{8})",')


def _crc(seq: int, rest: bytes | memoryview) -> int:
    return zlib.crc32(rest, zlib.crc32(b"%d:{" % seq))


def encode(record: dict[str, Any], seq: int) -> bytes:
    """The journal line for `record` as number `seq`, with its checksum (newline included)."""
    body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    rest = memoryview(body)[1:]
    return b'{"n":%d,"c":"%08x",%s\n' % (seq, _crc(seq, rest), rest)


def checksum_fails(line: bytes) -> bool:
    """Whether the line carries a number and checksum that do not match (it was edited)."""
    found = _HEAD.match(line)
    return found is not None and _crc(int(found[1]), memoryview(line)[found.end():]) != int(found[2], 16)


def apply_record(data: Data, record: dict[str, Any]) -> None:
    for table, spec in record["t"].items():
        if spec.get("replace"):
            data[table] = {}
        target = data.setdefault(table, {})
        for doc_id, doc in spec["docs"].items():
            if doc is None:
                target.pop(doc_id, None)
            else:
                target[doc_id] = doc


def replay(path: Path, data: Data, tail: JournalTail) -> bool:
    """Apply the records after `tail.offset`; True if anything was applied.

    Stops before a torn tail; raises `JournalDamagedError` at a complete line that does not read
    (`tail` then stops at that line, the records before it applied).
    """
    try:
        with path.open("rb") as handle:
            handle.seek(tail.offset)
            chunk = handle.read()
    except FileNotFoundError:
        return False
    applied = False
    position = 0
    try:
        while (end := chunk.find(b"\n", position)) >= 0:
            record = parse(chunk[position:end])
            if record is None:
                offset = tail.offset + position
                damage = Damage(offset, _line_at(path, offset), end + 1 - position)
                raise JournalDamagedError(path, damage)
            apply_record(data, record)
            applied = True
            position = end + 1
            tail.records += 1
            tail.seq = record.get("n", tail.seq)
    finally:
        tail.offset += position
    return applied


def salvage(path: Path) -> Salvage:
    """Every record in the journal that reads, in order, skipping damaged lines and a torn tail."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Salvage()
    found = Salvage()
    position = 0
    line = 1
    while (end := content.find(b"\n", position)) >= 0:
        record = parse(content[position:end])
        if record is None:
            found.damage.append(Damage(position, line, end + 1 - position))
        else:
            found.records.append(record)
            found.lines.append(content[position : end + 1])
        position = end + 1
        line += 1
    found.torn = len(content) - position
    return found


def parse(line: bytes) -> dict[str, Any] | None:
    """The record on one journal line (without its newline), or None if it does not read as one
    (not JSON, not a record's shape, or a checksum that does not match)."""
    if checksum_fails(line):
        return None
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):  # bad JSON or UTF-8, a huge number, deep nesting
        return None
    return record if _is_record(record) else None


def _is_record(value: Any) -> bool:
    """Whether `value` has the shape `apply_record` needs (checked before anything is applied)."""
    tables = value.get("t") if isinstance(value, dict) else None
    if not isinstance(tables, dict) or not isinstance(value.get("n", 0), int):
        return False
    for spec in tables.values():
        docs = spec.get("docs") if isinstance(spec, dict) else None
        if not isinstance(docs, dict):
            return False
        if not all(doc is None or isinstance(doc, dict) for doc in docs.values()):
            return False
    return True


def _line_at(path: Path, offset: int) -> int:
    """The 1-based number of the line starting at `offset` (only for error messages)."""
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def append(path: Path, line: bytes, *, valid_length: int, sync: bool = True) -> None:
    """Append one record, first cutting off any torn tail beyond `valid_length`; durably unless
    `sync` is False (the caller then fsyncs, perhaps once for several records)."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if os.fstat(fd).st_size > valid_length:
            os.ftruncate(fd, valid_length)
        write_all(fd, line, sync=sync)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def write_all(fd: int, payload: bytes, *, sync: bool = True) -> None:
    """Write every byte (os.write may write fewer), then fsync unless told not to."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]
    if sync:
        os.fsync(fd)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_head(path: Path) -> int:
    """The last record number known durable in the journal `path` (0 when none was kept)."""
    try:
        return int(head_path(path).read_bytes().strip() or b"0")
    except (FileNotFoundError, ValueError):
        return 0


def write_head(path: Path, seq: int) -> None:
    """Keep `seq` as the last durable record number of journal `path` (no fsync: a head behind the
    journal only weakens the check, and one ahead of it cannot happen, as it is written after)."""
    fd = os.open(head_path(path), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, b"%-20d\n" % seq, 0)
    finally:
        os.close(fd)


def head_path(path: Path) -> Path:
    """`periods/2025-26-Q3.json.journal` → `periods/.2025-26-Q3.head` (no `.json`: not a data file)."""
    return path.with_name(f".{path.name.removesuffix('.journal').removesuffix('.json')}.head")


def last_seq(path: Path) -> int:
    """The number of the last numbered record in journal `path` (0: none), read from its end."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 65536))
            tail = handle.read()
            found = [int(m[1]) for m in re.finditer(rb'(?:^|\n)\{"n":(\d{1,18}),', tail)]
            if not found and size > 65536:  # one long record at the end: read the whole file
                handle.seek(0)
                found = [int(m[1]) for m in re.finditer(rb'(?:^|\n)\{"n":(\d{1,18}),', handle.read())]
    except FileNotFoundError:
        return 0
    return found[-1] if found else 0
