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
from perfbot.rating import HISTORY_QUARTERS, ValueLookup, numeric, rate_in_context
from perfbot.store import SaveOutcome, SaveStatus, Store
from perfbot.submission import Saved
from reports.exceptions import data_quality_flags
from schedules.calendar import WorkingHours
from schedules.planner import action_key

log = logging.getLogger("perfbot.alerts")


@dataclass(frozen=True, slots=True)
class Ratings:
    """A return's rating beside the ones it is compared with (when it is red: only a red alert
    says what it was before)."""

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

    def on_saved(self, saved: Saved) -> None:
        """Called after a return is stored; adds any exceptions it raises to the alert batch."""
        outcome, found, measure = saved.outcome, saved.round, saved.measure
        current = outcome.current
        if outcome.status is SaveStatus.UNCHANGED or found is None or found.state is RoundState.CLOSED:
            return  # history and closed rounds are the quarterly report's business
        ratings = self._ratings(measure, outcome, saved.rag, saved.values)
        flags = self._flags(current, ratings.now, saved.values, measure)
        items = alert_items(measure, current, ratings, flags)
        for recipient in self._config.cmt_recipients if items else ():
            self._store.outbox.add_to_batch(
                current.period, kind=NoticeKind.ALERT.value, recipient=recipient, items=items,
                slot_after=self._hours.next_slot, key_for=_key_for(current.period, recipient),
            )  # fmt: skip
            log.info("alert for %s about %s: %d items", recipient, current.measure_id, len(items))

    def _rag(self, measure: Measure, period: Period, value: Value, stored: ValueLookup) -> RagResult:
        return rate_in_context(self._store, self._config.rag, measure, period, value, value_for=stored)

    def _ratings(
        self, measure: Measure, outcome: SaveOutcome, rag: RagResult | None, stored: ValueLookup
    ) -> Ratings:
        current = outcome.current
        now = rag or self._rag(measure, current.period, current.value, stored)
        if now.rag is not Rag.RED:
            return Ratings(now)  # the two comparisons only qualify a red alert (`alert_items`)
        replaced = outcome.replaced  # set for a revision only
        before = self._rag(measure, current.period, replaced.value, stored).rag if replaced else None
        previous = current.period.previous()
        earlier = stored(previous)  # a return without a figure is never green: as good as none here
        last = self._rag(measure, previous, earlier, stored).rag if earlier is not None else None
        return Ratings(now, before, last)

    @staticmethod
    def _flags(current: Return, rag: RagResult, stored: ValueLookup, measure: Measure) -> list[str]:
        earlier = current.period.back(HISTORY_QUARTERS + 1)[:-1]
        history = [n for n in (numeric(stored(p)) for p in earlier) if n is not None]
        return [*rag.flags, *data_quality_flags(measure, current.value, history)]


def _key_for(period: Period, recipient: str):  # noqa: ANN202 - a key for each slot
    return lambda slot: action_key(
        period, NoticeKind.ALERT, recipient, slot.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    )
