"""What was published when a round closed: each measure's figure, target, RAG, reason and
direction of travel, frozen. A later correction never changes it; it is shown beside it."""

from __future__ import annotations

from typing import Any

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet
from perfbot.store.records import Publication


class Publications:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def latest(self, period: Period) -> Publication | None:
        """The figures as last published for `period`, if it was."""
        editions = self.editions(period)
        return editions[-1] if editions else None

    def editions(self, period: Period) -> list[Publication]:
        """Every edition published for `period`, first to last."""
        if period not in set(self._files.periods()):
            return []
        docs = sorted(self._files.period(period).table("published").all(), key=lambda d: d["edition"])
        return [Publication(period, d["edition"], d["at"], d["by"], {r["measure_id"]: r for r in d["rows"]})
                for d in docs]  # fmt: skip

    def publish(self, period: Period, rows: list[dict[str, Any]], *, actor: str) -> Publication:
        """Freeze `rows` (one per measure) as `period`'s published figures, durably."""
        file = self._files.period(period)
        now = self._clock.now()
        with file.transaction():
            table = file.table("published")
            edition = max((d["edition"] for d in table.all()), default=0) + 1
            table.insert({"edition": edition, "at": now.isoformat(), "by": actor, "rows": rows})
            audit.record(file.table("audit"), at=now, actor=actor, action="round.published",
                         subject=f"round {period}", after={"edition": edition, "measures": len(rows)})  # fmt: skip
        return Publication(period, edition, now.isoformat(), actor, {r["measure_id"]: r for r in rows})
