"""Peer values for comparison metrics (LG Inform and the like), kept in the core file."""

from __future__ import annotations

from tinydb import Query

from perfbot.benchmarks import PeerValue
from perfbot.clock import Clock
from perfbot.store import audit
from perfbot.store.files import FileSet
from perfbot.store.records import PeerChanges


class PeerValues:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("peer_values")

    def for_metric(self, metric: str) -> list[PeerValue]:
        """Every stored value of `metric`, by period then area code."""
        values = [PeerValue.from_doc(d) for d in self._table().find("metric", metric)]
        return sorted(values, key=lambda v: (v.period, v.area_code))

    def save(self, values: list[PeerValue], *, actor: str, source: str) -> PeerChanges:
        """Add `values` durably, all or none; a value for a metric, area and period already held
        replaces it. One audit record names the source (a file, or LG Inform)."""
        added = replaced = unchanged = 0
        with self._files.core.transaction():
            table = self._table()
            held = {v.key: v for metric in {v.metric for v in values} for v in self.for_metric(metric)}
            for value in values:
                before = held.get(value.key)
                if before == value:
                    unchanged += 1
                    continue
                if before is None:
                    table.insert(value.to_doc())
                    added += 1
                else:
                    row = Query()
                    table.update(value.to_doc(), (row.metric == value.metric)
                                 & (row.area_code == value.area_code) & (row.period == str(value.period)))  # fmt: skip
                    replaced += 1
                held[value.key] = value
            changes = PeerChanges(added, replaced, unchanged)
            if added or replaced:
                audit.record(self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                             action="peers.imported", subject=f"peer values from {source}",
                             after={"added": added, "replaced": replaced, "unchanged": unchanged,
                                    "metrics": sorted({v.metric for v in values})})  # fmt: skip
        return changes
