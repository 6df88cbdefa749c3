"""Change counters: readers skip looking at the files until a commit anywhere moves their count."""

from __future__ import annotations

import os

from perfbot.cli import main
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store
from perfbot.store.changes import SLOTS, ChangeCounters

Q3 = Period(2025, 3)


def _return(value: float, measure_id: str = "M1") -> Return:
    return Return(measure_id, Q3, value, submitted_by="owner@council.gov.uk")


def test_counters_are_shared_by_everyone_mapping_the_file(tmp_path):
    one, two = ChangeCounters(tmp_path / ".changes"), ChangeCounters(tmp_path / ".changes")
    slot = ChangeCounters.slot("2025-26-Q3.json")
    assert 0 <= slot < SLOTS and slot == ChangeCounters.slot("2025-26-Q3.json")
    assert one.bump(slot) == 1 and two.read(slot) == 1
    assert two.bump(slot) == 2 and one.read(slot) == 2
    assert (tmp_path / ".changes").stat().st_size == SLOTS * 8


def test_a_commit_moves_the_files_count_and_other_readers_see_it_at_once(store, clock):
    other = Store.open(store.files.data_dir, clock=clock)
    counters, slot = store.files.changes, ChangeCounters.slot(f"{Q3.key}.json")
    before = counters.read(slot)
    store.returns.save(_return(1.0))
    assert counters.read(slot) == before + 1
    assert other.returns.get("M1", Q3).value == 1.0
    store.returns.save(_return(2.0))
    assert other.returns.get("M1", Q3).value == 2.0


def test_reads_make_no_system_call_while_nothing_changed(store, clock, monkeypatch):
    store.returns.save(_return(1.0))
    other = Store.open(store.files.data_dir, clock=clock)
    assert other.returns.get("M1", Q3).value == 1.0  # looked at the files once
    looked = []
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda *a, **k: looked.append(a[0]) or real_stat(*a, **k))
    for _ in range(5):
        assert other.returns.get("M1", Q3).value == 1.0
    assert looked == []
    store.returns.save(_return(3.0))  # a commit moves the count: the next read looks again
    assert other.returns.get("M1", Q3).value == 3.0 and looked


def test_without_counters_reads_still_see_other_writers(tmp_path, clock):
    data = tmp_path / "data"
    data.mkdir()
    (data / ".changes").mkdir()  # cannot be mapped: every read looks at the journal instead
    store, other = Store.open(data, clock=clock), Store.open(data, clock=clock)
    assert store.files.changes is None
    store.returns.save(_return(1.0))
    assert other.returns.get("M1", Q3).value == 1.0
    store.returns.save(_return(2.0))
    assert other.returns.get("M1", Q3).value == 2.0


def test_restore_moves_the_count_of_each_file_it_rewrites(store, clock):
    for value in (1.0, 2.0, 3.0):
        store.returns.save(_return(value))
    data = store.files.data_dir
    journal = data / "periods" / f"{Q3.key}.json.journal"
    lines = journal.read_bytes().split(b"\n")
    lines[0] = b"}" + lines[0][1:]  # damage the first of three records
    journal.write_bytes(b"\n".join(lines))
    slot = ChangeCounters.slot(f"{Q3.key}.json")
    before = store.files.changes.read(slot)
    assert main(["--data", str(data), "store", "restore"]) == 0
    assert store.files.changes.read(slot) == before + 1
    assert store.returns.get("M1", Q3).value == 3.0  # the running store reads the restored file
