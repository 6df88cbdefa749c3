"""The journal of one data file: committed changes appended as JSON lines, replayed on load.

A record is ``{"t": {table: {"docs": {doc_id: doc | null}, "replace": bool}}}``: the documents a
transaction wrote (null for removed), or a whole table when it was replaced. Replaying a record is
idempotent, so replaying records a snapshot already holds does no harm. A line without its
newline, or that does not parse, was never acknowledged (the crash came before the fsync
returned): reading stops there, and the next writer cuts it off.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Data = dict[str, dict[str, Any]]
Changes = dict[str, set[str]]  # table → doc ids written; "*" marks a replaced table


@dataclass
class JournalTail:
    """Where reading the journal got to."""

    offset: int = 0  # bytes of complete, valid records applied
    records: int = 0


def make_record(data: Data, changes: Changes) -> dict[str, Any] | None:
    tables: dict[str, Any] = {}
    for table, ids in changes.items():
        current = data.get(table, {})
        if "*" in ids:
            tables[table] = {"replace": True, "docs": current}
        else:
            tables[table] = {"docs": {i: current.get(i) for i in sorted(ids)}}
    return {"t": tables} if tables else None


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
    """Apply the records after `tail.offset`; True if anything was applied."""
    try:
        with path.open("rb") as handle:
            handle.seek(tail.offset)
            chunk = handle.read()
    except FileNotFoundError:
        return False
    applied = False
    position = 0
    while True:
        end = chunk.find(b"\n", position)
        if end < 0:
            break
        try:
            record = json.loads(chunk[position:end])
        except (json.JSONDecodeError, UnicodeDecodeError):
            break
        apply_record(data, record)
        applied = True
        position = end + 1
        tail.records += 1
    tail.offset += position
    return applied


def append(path: Path, line: bytes, *, valid_length: int) -> None:
    """Append one record durably, first cutting off any torn tail beyond `valid_length`."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        if os.fstat(fd).st_size > valid_length:
            os.ftruncate(fd, valid_length)
        write_all(fd, line)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def write_all(fd: int, payload: bytes) -> None:
    """Write every byte (os.write may write fewer) and fsync."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
