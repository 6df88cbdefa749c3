"""Drafts of returns saved from the web form: one per owner, quarter and measure.

A draft is the owner's working copy ("save and come back later"), not a return: it is never
rated, reported or audited, and it is discarded once the return is submitted.
"""

from __future__ import annotations

from tinydb import Query

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.store.files import FileSet
from perfbot.store.records import Draft

DRAFT_FIELDS = ("value", "commentary", "action")


class Drafts:
    """Draft returns in the core file (small: one row per unsent measure at most)."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("drafts")

    @staticmethod
    def _where(owner: str, period: Period, measure_id: str):  # noqa: ANN205 - a TinyDB query
        q = Query()
        return (q.owner == owner.lower()) & (q.period == str(period)) & (q.measure_id == measure_id)

    def save(
        self, *, owner: str, period: Period, measure_id: str, value: str, commentary: str, action: str
    ) -> Draft:
        """Keep (or replace) the owner's draft for one measure."""
        draft = Draft(owner.lower(), period, measure_id, value, commentary, action, self._clock.now())
        with self._files.core.transaction():
            self._table().upsert(draft.to_doc(), self._where(owner, period, measure_id))
        return draft

    def get(self, *, owner: str, period: Period, measure_id: str) -> Draft | None:
        doc = self._table().get(self._where(owner, period, measure_id))
        return Draft.from_doc(doc) if doc else None

    def for_owner(self, *, owner: str, period: Period) -> dict[str, Draft]:
        """The owner's drafts for a quarter, by measure id."""
        q = Query()
        docs = self._table().search((q.owner == owner.lower()) & (q.period == str(period)))
        return {d["measure_id"]: Draft.from_doc(d) for d in docs}

    def discard(self, *, owner: str, period: Period, measure_id: str) -> bool:
        """Remove a draft (after the return is submitted); whether there was one."""
        with self._files.core.transaction():
            removed = self._table().remove(self._where(owner, period, measure_id))
        return bool(removed)
