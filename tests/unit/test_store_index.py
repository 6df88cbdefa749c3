"""Indexed look-ups (`find`, `find_one`) and per-version caches (`derived`) never go stale."""

import pytest

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store, storage
from tests.conftest import make_measure

Q3 = Period(2025, 3)


def _returns(store: Store):
    return store.files.period(Q3).table("returns")


def _insert(store: Store, **doc) -> int:
    with store.files.period(Q3).transaction():
        return _returns(store).insert({"period": str(Q3)} | doc)


def test_find_follows_inserts_updates_and_removals(store):
    first = _insert(store, measure_id="M1", value=1)
    _insert(store, measure_id="M2", value=2)
    assert [d.doc_id for d in _returns(store).find("measure_id", "M1")] == [first]
    with store.files.period(Q3).transaction():
        _returns(store).update({"measure_id": "M3"}, doc_ids=[first])
    assert _returns(store).find("measure_id", "M1") == []
    assert _returns(store).find_one("measure_id", "M3")["value"] == 1
    with store.files.period(Q3).transaction():
        _returns(store).remove(doc_ids=[first])
    assert _returns(store).find_one("measure_id", "M3") is None
    assert _returns(store).find_one("measure_id", "M2")["value"] == 2


def test_find_sees_writes_earlier_in_the_same_transaction(store):
    with store.files.period(Q3).transaction():
        assert _returns(store).find_one("measure_id", "M1") is None  # builds the index
        _returns(store).insert({"measure_id": "M1", "value": 1})
        assert _returns(store).find_one("measure_id", "M1")["value"] == 1


def test_duplicates_come_back_in_document_order(store):
    ids = [_insert(store, measure_id="M1", value=v) for v in (1, 2, 3)]
    _insert(store, measure_id="M2", value=9)
    assert [d.doc_id for d in _returns(store).find("measure_id", "M1")] == ids


def test_a_rolled_back_write_leaves_no_trace_in_the_index(store):
    _insert(store, measure_id="M1", value=1)
    with pytest.raises(RuntimeError), store.files.period(Q3).transaction():
        _returns(store).insert({"measure_id": "GHOST", "value": 0})
        assert _returns(store).find_one("measure_id", "GHOST") is not None
        raise RuntimeError("boom")
    assert _returns(store).find_one("measure_id", "GHOST") is None
    assert _returns(store).find_one("measure_id", "M1")["value"] == 1


def test_writes_by_another_process_are_seen(store):
    other = Store.open(store.files.data_dir, clock=store.clock)
    doc_id = _insert(store, measure_id="M1", value=1)
    assert other.returns.get("M1", Q3) is not None  # `other` has built its index now
    with store.files.period(Q3).transaction():
        _returns(store).update({"measure_id": "M9"}, doc_ids=[doc_id])
    assert other.returns.get("M1", Q3) is None
    assert other.returns.get("M9", Q3).value == 1


def test_an_unchanged_table_is_not_indexed_again(store):
    _insert(store, measure_id="M1", value=1)
    table = _returns(store)
    table.find("measure_id", "M1")
    built = table._indexes["measure_id"]
    store.returns.save(Return("M2", Period(2024, 3), 5.0, submitted_by="a@council.gov.uk"))  # another file
    table.find("measure_id", "M1")
    assert table._indexes["measure_id"] is built
    _insert(store, measure_id="M2", value=2)
    table.find("measure_id", "M1")
    assert table._indexes["measure_id"] is not built


def test_values_that_cannot_be_indexed_are_still_found(store):
    _insert(store, measure_id=["odd"], value=1)
    _insert(store, measure_id="M1", value=2)
    assert _returns(store).find_one("measure_id", ["odd"])["value"] == 1
    assert _returns(store).find_one("measure_id", "M1")["value"] == 2


def test_the_register_cache_follows_changes_here_and_elsewhere(store):
    store.register.apply([make_measure("M1"), make_measure("M2")], [], actor="officer")
    other = Store.open(store.files.data_dir, clock=store.clock)
    assert [m.measure_id for m in other.register.measures()] == ["M1", "M2"]
    store.register.apply([make_measure("M2", title="Renamed"), make_measure("M3")], [], actor="officer")
    assert [m.measure_id for m in other.register.measures()] == ["M2", "M3"]
    assert other.register.measure("M2").title == "Renamed"
    assert [m.measure_id for m in store.register.measures(include_retired=True)] == ["M1", "M2", "M3"]
    listed = store.register.measures()
    listed.clear()  # a caller's list is its own
    assert len(store.register.measures()) == 2


def test_a_write_carries_the_index_along_instead_of_rebuilding_it(store):
    first = _insert(store, measure_id="M1", value=1)
    table = _returns(store)
    table.find("measure_id", "M1")
    index = table._indexes["measure_id"][1]
    second = _insert(store, measure_id="M2", value=2)
    with store.files.period(Q3).transaction():
        table.update({"measure_id": "M3"}, doc_ids=[first])
        table.update({"value": 5}, doc_ids=[second])
    assert table.find("measure_id", "M1") == []
    assert [d["value"] for d in table.find("measure_id", "M3")] == [1]
    assert [d["value"] for d in table.find("measure_id", "M2")] == [5]
    assert table._indexes["measure_id"][1] is index  # kept up to date, not rebuilt
    reopened = Store.open(store.files.data_dir, clock=store.clock)
    assert reopened.returns.get("M3", Q3).value == 1 and reopened.returns.get("M2", Q3).value == 5


def test_a_reader_holding_the_table_never_sees_a_later_write(store):
    doc_id = _insert(store, measure_id="M1", value=1)
    held = store.files.period(Q3).table("returns")._read_table()
    held_doc = held[str(doc_id)]
    with store.files.period(Q3).transaction():
        _returns(store).update({"value": 2}, doc_ids=[doc_id])
        _returns(store).insert({"measure_id": "M2", "period": str(Q3), "value": 3})
    assert held_doc["value"] == 1 and len(held) == 1  # written as new copies
    assert store.returns.get("M1", Q3).value == 2


def _full_return(measure_id: str, value: float, when: str = "2026-01-05T10:00:00+00:00") -> dict:
    return {"measure_id": measure_id, "value": value, "submitted_at": when, "revision": 1}


def test_a_quarters_returns_are_converted_again_only_where_they_changed(store):
    ids = {m: _insert(store, **_full_return(m, v)) for m, v in (("M1", 1.0), ("M2", 2.0), ("M3", 3.0))}
    first = store.returns.for_period(Q3)
    assert {m: r.value for m, r in first.items()} == {"M1": 1.0, "M2": 2.0, "M3": 3.0}
    with store.files.period(Q3).transaction():
        _returns(store).update({"value": 20.0}, doc_ids=[ids["M2"]])
        _returns(store).remove(doc_ids=[ids["M3"]])
    _insert(store, **_full_return("M4", 4.0))
    second = store.returns.for_period(Q3)
    assert {m: r.value for m, r in second.items()} == {"M1": 1.0, "M2": 20.0, "M4": 4.0}
    assert second["M1"] is first["M1"]  # unchanged: the same conversion, not a new one
    second.clear()  # a caller's dict is its own
    assert set(store.returns.for_period(Q3)) == {"M1", "M2", "M4"}


def test_converted_returns_follow_another_process(store, monkeypatch):
    doc_id = _insert(store, **_full_return("M1", 1.0))
    other = Store.open(store.files.data_dir, clock=store.clock)
    assert other.returns.for_period(Q3)["M1"].value == 1.0
    with store.files.period(Q3).transaction():
        _returns(store).update({"value": 7.0}, doc_ids=[doc_id])
    assert other.returns.for_period(Q3)["M1"].value == 7.0
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 1)  # and after a new snapshot replaced it all
    _insert(store, **_full_return("M2", 2.0))
    assert not (store.files.data_dir / "periods" / f"{Q3.key}.json.journal").exists()
    assert {m: r.value for m, r in other.returns.for_period(Q3).items()} == {"M1": 7.0, "M2": 2.0}


def test_a_reader_sees_another_process_append_at_once(store):
    """Reads skip re-reading the journal while its size says nothing was added: an append by
    another process changes the size, and the very next read applies it."""
    other = Store.open(store.files.data_dir, clock=store.clock)
    for n in range(5):
        _insert(store, **_full_return(f"M{n}", float(n)))
        assert other.returns.get(f"M{n}", Q3).value == float(n)


def test_single_look_ups_use_a_quarter_read_whole_only_while_it_is_current(store):
    doc_id = _insert(store, **_full_return("M1", 1.0))
    whole = store.returns.for_period(Q3)
    assert store.returns.get("M1", Q3) is whole["M1"]  # served from the quarter read whole
    assert store.returns.get("M9", Q3) is None
    with store.files.period(Q3).transaction():
        _returns(store).update({"value": 5.0}, doc_ids=[doc_id])
    assert store.returns.get("M1", Q3).value == 5.0  # changed since: looked up afresh
    other = Store.open(store.files.data_dir, clock=store.clock)
    other.returns.for_period(Q3)
    _insert(store, **_full_return("M2", 2.0))  # another process writes
    assert other.returns.get("M2", Q3).value == 2.0


def test_a_single_look_up_converts_a_document_again_only_after_it_changed(store):
    doc_id = _insert(store, **_full_return("M1", 1.0))
    first = store.returns.get("M1", Q3)
    assert store.returns.get("M1", Q3) is first  # not converted again
    with store.files.period(Q3).transaction():
        _returns(store).update({"value": 4.0}, doc_ids=[doc_id])
    assert store.returns.get("M1", Q3).value == 4.0
    with store.files.period(Q3).transaction():
        _returns(store).remove(doc_ids=[doc_id])
    assert store.returns.get("M1", Q3) is None
