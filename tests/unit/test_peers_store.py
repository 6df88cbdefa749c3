"""Peer values in the store: durable, replaced by metric, area and period, audited."""

from __future__ import annotations

import pytest

from perfbot.benchmarks import PeerPeriod, PeerValue


def value(area: str, period: str, number: float, metric: str = "M") -> PeerValue:
    return PeerValue(metric, area, f"Area {area}", PeerPeriod.parse(period), number)


def test_values_are_kept_replaced_and_counted(any_store, reopen):
    store = any_store
    first = store.peers.save([value("A", "2025/26 Q3", 1), value("B", "2025/26 Q3", 2), value("A", "2024/25", 3),
                               value("A", "2025/26 Q3", 9, metric="N")], actor="officer", source="peers.csv")  # fmt: skip
    assert (first.added, first.replaced, first.unchanged) == (4, 0, 0)
    again = store.peers.save([value("A", "2025/26 Q3", 1), value("B", "2025/26 Q3", 2.5)], actor="officer",
                              source="LG Inform")  # fmt: skip
    assert (again.added, again.replaced, again.unchanged) == (0, 1, 1)
    reopened = reopen(store)  # durable: another process sees it all
    held = reopened.peers.for_metric("M")
    assert [(v.area_code, str(v.period), v.value) for v in held] == [
        ("A", "2024/25", 3), ("A", "2025/26 Q3", 1), ("B", "2025/26 Q3", 2.5)]
    assert [v.value for v in reopened.peers.for_metric("N")] == [9] and reopened.peers.for_metric("X") == []
    audits = [r for r in reopened.audit.all() if r.action == "peers.imported"]
    assert [a.subject for a in audits] == ["peer values from peers.csv", "peer values from LG Inform"]
    assert audits[1].after == {"added": 0, "replaced": 1, "unchanged": 1, "metrics": ["M"]}
    nothing = reopened.peers.save([value("A", "2025/26 Q3", 1)], actor="officer", source="peers.csv")
    assert nothing.unchanged == 1 and len([r for r in reopened.audit.all() if r.action == "peers.imported"]) == 2


def test_a_failed_batch_stores_nothing(any_store, reopen):
    store = any_store
    broken = value("B", "2025/26 Q3", 2)
    object.__setattr__(broken, "value", object())  # not JSON: the write fails part-way
    with pytest.raises(TypeError):
        store.peers.save([value("A", "2025/26 Q3", 1), broken], actor="officer", source="x")
    assert reopen(store).peers.for_metric("M") == []
