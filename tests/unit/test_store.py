"""The store: revisions, idempotency, audit, transactions, partitioning."""

from dataclasses import replace

import pytest

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import SaveStatus, Store, StoreCorruptError, storage
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def _return(value, **kw) -> Return:
    return Return(measure_id="M1", period=Q3, value=value, submitted_by="owner@council.gov.uk", **kw)


def test_revisions_keep_every_earlier_version_with_who_and_when(any_store, clock):
    created = any_store.returns.save(_return(80.0))
    revised = any_store.returns.save(_return(82.0, commentary="corrected"))
    assert created.replaced is None
    assert revised.replaced == created.current  # what the collector's observers rate "before"
    versions = any_store.returns.versions("M1", Q3)
    assert [v.value for v in versions] == [80.0, 82.0]
    assert [v.revision for v in versions] == [1, 2]
    assert all(v.submitted_at is not None and v.submitted_by for v in versions)
    trail = any_store.audit.about("return M1 2025/26 Q3")
    assert [r.action for r in trail] == ["return.created", "return.revised"]
    assert trail[1].before["value"] == 80.0 and trail[1].after["value"] == 82.0


def test_same_delivery_twice_is_not_a_duplicate(any_store):
    first = any_store.returns.save(_return(80.0), idempotency_key="slack-view-V1")
    again = any_store.returns.save(_return(81.0), idempotency_key="slack-view-V1")
    assert first.status is SaveStatus.CREATED and again.status is SaveStatus.UNCHANGED
    assert any_store.returns.get("M1", Q3).value == 80.0
    same_content = any_store.returns.save(_return(80.0))
    assert same_content.status is SaveStatus.UNCHANGED and len(any_store.returns.versions("M1", Q3)) == 1


def test_a_zero_is_a_value_not_a_missing_return(any_store):
    any_store.returns.save(_return(0.0))
    assert any_store.returns.get("M1", Q3).value == 0.0


def test_each_quarter_has_its_own_file(store, tmp_path):
    store.returns.save(_return(1.0))
    store.returns.save(replace(_return(2.0), period=Period(2024, 3)))
    files = sorted(p.name for p in (tmp_path / "data" / "periods").glob("*.json*"))
    assert files == ["2024-25-Q3.json.journal", "2025-26-Q3.json.journal"]


def test_a_failed_transaction_leaves_nothing_behind(store):
    file = store.files.period(Q3)
    with pytest.raises(RuntimeError), file.transaction():
        file.table("returns").insert({"measure_id": "X", "period": str(Q3), "value": 1})
        raise RuntimeError("boom")
    assert store.returns.get("X", Q3) is None
    reopened = Store.open(store.files.data_dir, clock=store.clock)
    assert reopened.returns.get("X", Q3) is None


def test_writes_outside_a_transaction_are_refused(store):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        store.files.core.table("measures").insert({"measure_id": "X"})


def test_another_store_on_the_same_dir_sees_writes(store):
    other = Store.open(store.files.data_dir, clock=store.clock)
    assert other.returns.get("M1", Q3) is None  # loads and caches the empty state
    store.returns.save(_return(5.0))
    assert other.returns.get("M1", Q3).value == 5.0


def test_register_keeps_target_history_and_retires_absent_measures(any_store):
    any_store.register.apply([make_measure("M1"), make_measure("M2")], [], actor="officer")
    changes = any_store.register.apply([make_measure("M1", target=95.0)], [], actor="officer")
    assert changes.updated == ("M1",) and changes.retired == ("M2",)
    timeline = any_store.register.timeline(any_store.register.measure("M1"))
    assert [(e.start, e.terms.target) for e in timeline.entries] == [(None, 90.0), (Period(2025, 1), 95.0)]
    assert any_store.register.measure("M2") is None
    assert [m.measure_id for m in any_store.register.measures(include_retired=True)] == ["M1", "M2"]


def test_a_damaged_file_is_named_and_left_alone(store, tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 1)  # fold the journal on every write
    store.returns.save(_return(5.0))
    store.returns.save(_return(6.0))
    path = tmp_path / "data" / "periods" / "2025-26-Q3.json"
    path.write_text('{"returns": {"1": ')
    fresh = Store.open(tmp_path / "data", clock=store.clock)
    with pytest.raises(StoreCorruptError, match="2025-26-Q3.json"):
        fresh.returns.get("M1", Q3)
    assert path.read_text() == '{"returns": {"1": '
    backup = tmp_path / "data" / "periods" / "2025-26-Q3.json.bak"
    backup.replace(path)  # the documented restore
    assert Store.open(tmp_path / "data", clock=store.clock).returns.get("M1", Q3).value == 5.0


def test_in_memory_store_has_the_same_semantics(clock):
    memory = Store.in_memory(clock=clock)
    memory.returns.save(_return(1.0))
    memory.returns.save(_return(2.0))
    assert [v.value for v in memory.returns.versions("M1", Q3)] == [1.0, 2.0]


def test_a_torn_journal_tail_is_ignored_and_cut_off(store, tmp_path):
    store.returns.save(_return(5.0))
    journal = tmp_path / "data" / "periods" / "2025-26-Q3.json.journal"
    with journal.open("ab") as handle:
        handle.write(b'{"t": {"returns": {"docs": {"9": {"measure_id": "TORN"')  # crash mid-append
    fresh = Store.open(tmp_path / "data", clock=store.clock)
    assert fresh.returns.get("TORN", Q3) is None and fresh.returns.get("M1", Q3).value == 5.0
    fresh.returns.save(_return(6.0))
    again = Store.open(tmp_path / "data", clock=store.clock)
    assert again.returns.get("M1", Q3).value == 6.0 and b"TORN" not in journal.read_bytes()


def test_compaction_folds_the_journal_and_keeps_backups(store, tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 3)
    for value in range(7):
        store.returns.save(_return(float(value)))
    folder = tmp_path / "data" / "periods"
    assert (folder / "2025-26-Q3.json").exists() and (folder / "2025-26-Q3.json.bak").exists()
    assert (folder / "2025-26-Q3.json.journal.bak").exists()
    fresh = Store.open(tmp_path / "data", clock=store.clock)
    assert [v.value for v in fresh.returns.versions("M1", Q3)] == [float(v) for v in range(7)]


def test_a_larger_snapshot_is_folded_after_more_records(store, tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 2)
    folder = tmp_path / "data" / "periods"
    journal = folder / "2025-26-Q3.json.journal"
    for value in range(2):  # a small snapshot: folded after two records
        store.returns.save(_return(float(value)))
    assert not journal.exists() and (folder / "2025-26-Q3.json.journal.bak").exists()
    size = (folder / "2025-26-Q3.json").stat().st_size
    monkeypatch.setattr(storage, "FOLD_UNIT_BYTES", size / 2)  # now two units: four records a fold
    for value in range(2, 5):
        store.returns.save(_return(float(value)))
    assert len(journal.read_bytes().splitlines()) == 3
    store.returns.save(_return(5.0))
    assert not journal.exists()
    fresh = Store.open(tmp_path / "data", clock=store.clock)
    assert [v.value for v in fresh.returns.versions("M1", Q3)] == [float(v) for v in range(6)]


def test_two_stores_on_one_dir_never_reuse_document_ids(store):
    other = Store.open(store.files.data_dir, clock=store.clock)
    store.returns.save(_return(1.0))
    other.returns.save(replace(_return(2.0), measure_id="M2"))
    store.returns.save(replace(_return(3.0), measure_id="M3"))
    fresh = Store.open(store.files.data_dir, clock=store.clock)
    assert {m: r.value for m, r in fresh.returns.for_period(Q3).items()} == {"M1": 1.0, "M2": 2.0, "M3": 3.0}


def test_a_damaged_snapshot_is_rebuilt_by_store_restore(store, tmp_path, monkeypatch, capsys):
    from perfbot.cli import main

    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 3)
    for value in range(8):  # two compactions, and two records in the live journal
        store.returns.save(_return(float(value)))
    snapshot = tmp_path / "data" / "periods" / "2025-26-Q3.json"
    snapshot.write_bytes(snapshot.read_bytes()[:40])  # a disk fault tears the snapshot
    assert main(["--data", str(tmp_path / "data"), "store", "check"]) == 2
    assert "2025-26-Q3.json: damaged" in capsys.readouterr().err
    assert main(["--data", str(tmp_path / "data"), "store", "restore"]) == 0
    restored = Store.open(tmp_path / "data", clock=store.clock)
    assert [v.value for v in restored.returns.versions("M1", Q3)] == [float(v) for v in range(8)]
    assert list(snapshot.parent.glob("2025-26-Q3.json.damaged-*"))
