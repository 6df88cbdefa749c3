"""Shared by the channel corpora: reading a case file, what the data directory holds, the server log.

A case file is JSON: `about` (one line); what to send (each module reads its own keys; `set` and
`delete` change a realistic payload at JSON Pointers); and `expect` — the HTTP `status`, what the
person or caller is told (`says`, substrings), and what may change in the data directory
(`changes`: "nothing" unless the design records the delivery). Long strings are written
`{"$repeat": "x", "times": 100000}` rather than stored in the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from perfbot.store.locking import DataLock
from perfbot.store.restore import snapshots
from perfbot.store.storage import JournaledJSONStorage

NOT_DATA = (".log", ".lock")  # the operator's log and the lock file are not data
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # text a spreadsheet could run (README, "Reports")


def cases(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


def load_case(path: Path) -> dict[str, Any]:
    return _expand(json.loads(path.read_text(encoding="utf-8")))


def _expand(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$repeat", "times"}:
            return str(value["$repeat"]) * int(value["times"])
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


def _parent(document: Any, pointer: str) -> tuple[Any, str | int]:
    """The container and key a JSON Pointer (RFC 6901, e.g. `/view/state/values/value:CS01`) names."""
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    for part in parents:
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document, int(last) if isinstance(document, list) else last


def mutate(document: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """Apply a case's `set` ({pointer: value}) and `delete` ([pointer]) to a realistic document."""
    for pointer, value in (case.get("set") or {}).items():
        parent, key = _parent(document, pointer)
        parent[key] = value
    for pointer in case.get("delete") or []:
        parent, key = _parent(document, pointer)
        del parent[key]
    return document


# -- the data directory -----------------------------------------------------------------------


def fingerprint(data_dir: Path) -> dict[str, str]:
    """A hash of every file in the data directory except the log and the lock."""
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and not p.name.endswith(NOT_DATA)}  # fmt: skip


def tables(data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """What each data file holds, table by table (snapshot and journal read as perfbot reads them)."""
    found = {}
    for path in snapshots(data_dir):
        data = JournaledJSONStorage(path, DataLock(None)).read() or {}
        for table, docs in data.items():
            found[(str(path.relative_to(data_dir)), table)] = docs
    return found


def changed(before: dict[tuple[str, str], dict[str, Any]], after: dict[tuple[str, str], dict[str, Any]]
            ) -> dict[tuple[str, str], list[dict[str, Any]]]:  # fmt: skip
    """The documents each table gained or changed between two `tables()` readings."""
    found = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        differing = [doc for doc_id, doc in new.items() if old.get(doc_id) != doc]
        if differing or old.keys() - new.keys():
            found[key] = differing
    return found


# -- the server log ---------------------------------------------------------------------------


class _Faults(logging.Handler):
    """Records that show an unhandled exception: anything logged with a traceback (perfbot's last
    resort handler, bolt's error handler, the Teams SDK's and uvicorn's all attach one). Refusals
    are logged without one, at warning (or, by the Teams SDK for a bad token, error) level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.CRITICAL:
            self.records.append(record)


@contextmanager
def server_faults(*also: str) -> Iterator[list[logging.LogRecord]]:
    """Collect fault records from the root logger and uvicorn's (which does not propagate)."""
    handler = _Faults()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in ("uvicorn.error", *also))]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def describe(records: list[logging.LogRecord]) -> str:
    return "; ".join(f"{r.name}: {r.getMessage()[:200]}" for r in records)


# -- what reaches the open data ----------------------------------------------------------------


def assert_open_data_is_formula_safe(app: Any, period: Any, stored: dict[str, dict[str, str]]) -> None:
    """`perfbot report` writes each stored text as typed, with a leading apostrophe when a
    spreadsheet could run it as a formula (README, "Reports")."""
    from perfbot.cli import main

    out = app.data_dir.parent / "report"
    assert main(["--data", str(app.data_dir), "report", str(period), "--out", str(out)]) == 0
    with (out / f"performance-{period.key}-open-data.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["period"] == str(period)]
    for measure_id, fields in stored.items():
        row = next(r for r in rows if r["measure_id"] == measure_id)
        for name, column in (("commentary", "commentary"), ("action", "remedial_action")):
            if name in fields:
                text = fields[name]
                assert row[column] == ("'" + text if text[:1] in FORMULA_STARTS else text), row[column]
