"""Run the cycle: open rounds, record due actions in the outbox, deliver them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.dispatch import DeliveryReport, Dispatcher
from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.model import Round
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from perfbot.store import OutboxMessage, Store
from schedules.calendar import RoundDates, WorkingCalendar
from schedules.notices import build_notice
from schedules.planner import DueAction, PlanState, action_key, due_actions, round_to_open

log = logging.getLogger("perfbot.cycle")
ACTIVE_AFTER_DIGEST = timedelta(days=30)


class RoundError(ValueError):
    """A round cannot be opened (message is user-facing)."""


@dataclass
class TickReport:
    opened: list[Period] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


class Cycle:
    def __init__(
        self, store: Store, config: Config, dispatcher: Dispatcher, links: FormLinks
    ) -> None:
        self.store = store
        self.config = config
        self.dispatcher = dispatcher
        self.links = links
        self.calendar = WorkingCalendar(config.holiday_subdivision)

    def dates(self, period: Period) -> RoundDates:
        found = self.store.rounds.get(period)
        opened = found.opened_at if found else None
        return RoundDates(period, self.config.cycle, self.calendar, opened)

    def open_round(self, period: Period, *, actor: str) -> tuple[Round, TickReport]:
        """Open a round (idempotent) and send every owner their request at once."""
        now = self.store.clock.now()
        if period.end >= now.date():
            raise RoundError(f"{period} has not ended yet (it ends {period.end:%-d %B %Y})")
        if not self.store.register.measures():
            raise RoundError("the register is empty: import it first (perfbot register import FILE)")
        deadline = RoundDates(period, self.config.cycle, self.calendar, now).deadline
        opened, fresh = self.store.rounds.open(period, deadline=deadline, actor=actor)
        report = TickReport(opened=[period] if fresh else [])
        self._record_and_deliver(report)
        return opened, report

    def _open_if_due(self, now: datetime) -> Period | None:
        period = round_to_open(self.config, self.calendar, now)
        if self.store.rounds.get(period) is not None or not self.store.register.measures():
            return None
        if now >= RoundDates(period, self.config.cycle, self.calendar).digest:
            return None  # too late to be useful: the officer can still open it by hand
        deadline = RoundDates(period, self.config.cycle, self.calendar, now).deadline
        _, fresh = self.store.rounds.open(period, deadline=deadline, actor="scheduler")
        return period if fresh else None

    def tick(self) -> TickReport:
        """One wake-up: open the round if due, record what is due, deliver what is pending."""
        opened = self._open_if_due(self.store.clock.now())
        report = TickReport(opened=[opened] if opened else [])
        self._record_and_deliver(report)
        return report

    def active_rounds(self) -> dict[Period, Round]:
        now = self.store.clock.now()
        return {
            r.period: r
            for r in self.store.rounds.all()
            if self.dates(r.period).digest + ACTIVE_AFTER_DIGEST >= now
        }

    def plan_state(self, rounds: dict[Period, Round]) -> PlanState:
        return PlanState(
            rounds=rounds,
            returned={p: frozenset(self.store.returns.for_period(p)) for p in rounds},
            recorded={p: frozenset(m.key for m in self.store.outbox.for_period(p)) for p in rounds},
        )

    def _record_and_deliver(self, report: TickReport) -> None:
        now = self.store.clock.now()
        rounds = self.active_rounds()
        state = self.plan_state(rounds)
        measures = self.store.register.measures()
        for action in due_actions(self.config, self.calendar, measures, state, now):
            self.record(action, report)
        report.delivery = self.dispatcher.deliver_pending(sorted(rounds))

    def record(self, action: DueAction, report: TickReport, *, note: str = "") -> bool:
        """Put one action in the outbox (as skipped if it is no longer useful)."""
        now = self.store.clock.now()
        content = {} if action.kind is NoticeKind.DIGEST else build_notice(
            self.store, self.links, action, note=note).to_content()  # fmt: skip
        message = OutboxMessage(action.key, action.period, action.kind.value, action.recipient, content)
        if not self.store.outbox.enqueue(message):
            return False
        if action.useful_until and now > action.useful_until:
            reason = f"not sent: due {action.due_at:%d %b %H:%M} but the deadline had passed"
            self.store.outbox.mark_skipped(action.period, action.key, reason=reason)
            log.info("skipped %s: %s", action.key, reason)
            report.skipped.append(action.key)
            return True
        report.recorded.append(action.key)
        return True


__all__ = ["Cycle", "RoundError", "TickReport", "action_key"]
