"""Exception alerts as returns come in: red, green turned red, or a data-quality flag.

Each saved return that raises an exception adds lines to the CMT alert batch for the next hourly
slot in working hours (`2025/26 Q3|alert#2026-01-12T11:00|cmt`); the tick sends the batch once
that slot has come. The batch lives in the outbox, so nothing is lost and nothing sent twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.formatting import format_value
from perfbot.model import Measure, Rag, Return, RoundState, Value
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.rating import HISTORY_QUARTERS, numeric, rate_in_context
from perfbot.store import SaveOutcome, SaveStatus, Store
from reports.exceptions import data_quality_flags
from schedules.calendar import WorkingHours
from schedules.planner import action_key

log = logging.getLogger("perfbot.alerts")


@dataclass(frozen=True, slots=True)
class Ratings:
    """A return's rating beside the ones it is compared with."""

    now: RagResult
    before_revision: Rag | None = None  # the return's previous revision, when it was revised
    last_quarter: Rag | None = None


def alert_items(measure: Measure, current: Return, ratings: Ratings, flags: list[str]) -> list[str]:
    """The alert lines for one saved return (empty when it is not an exception)."""
    name = f"{measure.measure_id} {measure.title} ({measure.service}, {measure.owner_email})"
    shown = format_value(current.value, measure.unit.value)
    items = []
    if ratings.now.rag is Rag.RED:
        changes = []
        if ratings.before_revision is Rag.GREEN:
            changes.append("revised from green")
        if ratings.last_quarter is Rag.GREEN:
            changes.append("green last quarter")
        note = f" ({'; '.join(changes)})" if changes else ""
        items.append(f"{name}: red at {shown}{note}: {ratings.now.reason}")
    items += [f"{name}: {shown}: {flag}" for flag in dict.fromkeys(flags)]
    return items


class ExceptionAlerts:
    """The collector's `on_saved` observer: queues alert lines for the CMT recipients."""

    def __init__(self, store: Store, config: Config, hours: WorkingHours) -> None:
        self._store = store
        self._config = config
        self._hours = hours

    def on_saved(self, outcome: SaveOutcome, rag: RagResult | None) -> None:
        """Called after a return is stored; adds any exceptions it raises to the alert batch."""
        current = outcome.current
        found = self._store.rounds.get(current.period)
        if outcome.status is SaveStatus.UNCHANGED or found is None or found.state is RoundState.CLOSED:
            return  # history and closed rounds are the quarterly report's business
        measure = self._store.register.measure(current.measure_id)
        if measure is None:
            return
        ratings = self._ratings(measure, outcome, rag)
        items = alert_items(measure, current, ratings, self._flags(measure, current, ratings.now))
        for recipient in self._config.cmt_recipients if items else ():
            key = self._store.outbox.add_to_batch(
                current.period, kind=NoticeKind.ALERT.value, recipient=recipient, items=items,
                slot_after=self._hours.next_slot, key_for=_key_for(current.period, recipient),
            )  # fmt: skip
            log.info("alert %s: %d new items", key, len(items))

    def _rag(self, measure: Measure, period: Period, value: Value) -> RagResult:
        return rate_in_context(self._store, self._config.rag, measure, period, value)

    def _ratings(self, measure: Measure, outcome: SaveOutcome, rag: RagResult | None) -> Ratings:
        current = outcome.current
        now = rag or self._rag(measure, current.period, current.value)
        before = None
        if outcome.status is SaveStatus.REVISED:
            versions = self._store.returns.versions(measure.measure_id, current.period)
            before = self._rag(measure, current.period, versions[-2].value).rag if len(versions) > 1 else None
        earlier = self._store.returns.get(measure.measure_id, current.period.previous())
        last = self._rag(measure, earlier.period, earlier.value).rag if earlier else None
        return Ratings(now, before, last)

    def _flags(self, measure: Measure, current: Return, rag: RagResult) -> list[str]:
        earlier = current.period.back(HISTORY_QUARTERS + 1)[:-1]
        values = (self._store.returns.get(measure.measure_id, p) for p in earlier)
        history = [n for n in (numeric(v.value) if v else None for v in values) if n is not None]
        return [*rag.flags, *data_quality_flags(measure, current.value, history)]


def _key_for(period: Period, recipient: str):  # noqa: ANN202 - a key for each slot
    return lambda slot: action_key(
        period, NoticeKind.ALERT, recipient, slot.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    )
