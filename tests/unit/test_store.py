"""The store: revisions, idempotency, audit, transactions, partitioning."""

from dataclasses import replace

import pytest

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import SaveStatus, Store, StoreCorruptError
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def _return(value, **kw) -> Return:
    return Return(measure_id="M1", period=Q3, value=value, submitted_by="owner@council.gov.uk", **kw)


def test_revisions_keep_every_earlier_version_with_who_and_when(store, clock):
    store.returns.save(_return(80.0))
    store.returns.save(_return(82.0, commentary="corrected"))
    versions = store.returns.versions("M1", Q3)
    assert [v.value for v in versions] == [80.0, 82.0]
    assert [v.revision for v in versions] == [1, 2]
    assert all(v.submitted_at is not None and v.submitted_by for v in versions)
    trail = store.audit.about("return M1 2025/26 Q3")
    assert [r.action for r in trail] == ["return.created", "return.revised"]
    assert trail[1].before["value"] == 80.0 and trail[1].after["value"] == 82.0


def test_same_delivery_twice_is_not_a_duplicate(store):
    first = store.returns.save(_return(80.0), idempotency_key="slack-view-V1")
    again = store.returns.save(_return(81.0), idempotency_key="slack-view-V1")
    assert first.status is SaveStatus.CREATED and again.status is SaveStatus.UNCHANGED
    assert store.returns.get("M1", Q3).value == 80.0
    same_content = store.returns.save(_return(80.0))
    assert same_content.status is SaveStatus.UNCHANGED and len(store.returns.versions("M1", Q3)) == 1


def test_a_zero_is_a_value_not_a_missing_return(store):
    store.returns.save(_return(0.0))
    assert store.returns.get("M1", Q3).value == 0.0


def test_each_quarter_has_its_own_file(store, tmp_path):
    store.returns.save(_return(1.0))
    store.returns.save(replace(_return(2.0), period=Period(2024, 3)))
    files = sorted(p.name for p in (tmp_path / "data" / "periods").glob("*.json"))
    assert files == ["2024-25-Q3.json", "2025-26-Q3.json"]


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


def test_register_keeps_target_history_and_retires_absent_measures(store):
    store.register.apply([make_measure("M1"), make_measure("M2")], [], actor="officer")
    changes = store.register.apply([make_measure("M1", target=95.0)], [], actor="officer")
    assert changes.updated == ("M1",) and changes.retired == ("M2",)
    assert [h["target"] for h in store.register.target_history("M1")] == [90.0, 95.0]
    assert store.register.measure("M2") is None
    assert [m.measure_id for m in store.register.measures(include_retired=True)] == ["M1", "M2"]


def test_a_damaged_file_is_named_and_left_alone(store, tmp_path):
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
