"""Peer values for comparison metrics, keyed by (metric, area code, period)."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from perfbot.benchmarks import PeerValue
from perfbot.clock import Clock
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.records import PeerChanges


class PeerValues:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def for_metric(self, metric: str) -> list[PeerValue]:
        """Every stored value of `metric`, by period then area code."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM peer_values WHERE metric = %s", [metric]).fetchall()
        return sorted((PeerValue.from_doc(doc) for (doc,) in rows), key=lambda v: (v.period, v.area_code))

    def save(self, values: list[PeerValue], *, actor: str, source: str) -> PeerChanges:
        """Add `values` durably, all or none; a value already held for a metric, area and period
        is replaced. One audit record names the source."""
        added = replaced = unchanged = 0
        with self._db.transaction() as conn:
            lock(conn, "peer values")
            held = {v.key: v for metric in {v.metric for v in values} for v in self.for_metric(metric)}
            for value in values:
                before = held.get(value.key)
                if before == value:
                    unchanged += 1
                    continue
                conn.execute(
                    "INSERT INTO peer_values (metric, area_code, period, doc) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (metric, area_code, period) DO UPDATE SET doc = excluded.doc",
                    [value.metric, value.area_code, str(value.period), Jsonb(value.to_doc())],
                )  # fmt: skip
                added, replaced = (added + 1, replaced) if before is None else (added, replaced + 1)
                held[value.key] = value
            if added or replaced:
                audit.record(conn, at=self._clock.now(), actor=actor, action="peers.imported",
                             subject=f"peer values from {source}",
                             after={"added": added, "replaced": replaced, "unchanged": unchanged,
                                    "metrics": sorted({v.metric for v in values})})  # fmt: skip
        return PeerChanges(added, replaced, unchanged)
