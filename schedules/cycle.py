"""Run the cycle: open rounds, record due actions in the outbox, deliver them.

`tick()` is what the scheduler calls: scheduled messages are recorded and sent only in working
hours on working days (`WorkingHours`); a reminder whose deadline has passed is recorded as
skipped whenever it is found. `open_round()` and `chase()` are an officer's commands: they send
what they record at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.dispatch import DeliveryReport, Dispatcher
from perfbot.links import FormLinks
from perfbot.model import Round, RoundState
from perfbot.notices import NoticeKind
from perfbot.people import stand_in
from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus, Store
from schedules.calendar import RoundDates, WorkingCalendar, WorkingHours
from schedules.chase import ChaseReport, chase_round
from schedules.errors import RoundError
from schedules.notices import NoticeData, build_notice
from schedules.planner import (
    DueAction,
    PlanState,
    action_key,
    due_actions,
    round_to_open,
    skip_reason,
)  # fmt: skip
from schedules.sign_off_notices import SignOffSchedule

log = logging.getLogger("perfbot.cycle")
ACTIVE_AFTER_DIGEST = timedelta(days=30)  # pending retries and late alerts still go out
RECENT_QUARTERS = 8  # an older round whose digest was never recorded is not caught up


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    recipient: str
    addressee: str  # whom it is for, when a deputy receives it
    measure_ids: tuple[str, ...]
    channel: str | None  # None: no channel can reach them


@dataclass(frozen=True, slots=True)
class OpenPlan:
    period: Period
    deadline: datetime
    already_open: bool
    requests: list[PlannedRequest]


@dataclass
class TickReport:
    opened: list[Period] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


class Cycle:
    def __init__(
        self, store: Store, config: Config, dispatcher: Dispatcher, links: FormLinks,
        *, sign_off: SignOffSchedule | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.sign_off = sign_off
        self.config = config
        self.dispatcher = dispatcher
        self.links = links
        self.calendar = WorkingCalendar(config.holiday_subdivision)
        self.hours = WorkingHours.of(self.calendar, config.cycle)

    def dates(self, period: Period) -> RoundDates:
        found = self.store.rounds.get(period)
        opened = found.opened_at if found else None
        return RoundDates(period, self.config.cycle, self.calendar, opened)

    # -- the scheduler's wake-up -------------------------------------------------------------

    def tick(self) -> TickReport:
        """One wake-up: open the round if due, record what is due, deliver what is pending."""
        now = self.store.clock.now()
        in_hours = self.hours.contains(now)
        opened = self._open_if_due(now) if in_hours else None
        report = TickReport(opened=[opened] if opened else [])
        if opened:  # its requests are due from the moment it opened, just after `now`
            now = self.store.clock.now()
        rounds = self.active_rounds()
        self._record_due(rounds, now, report, send=in_hours)
        if in_hours:
            report.delivery = self.dispatcher.deliver_pending(sorted(rounds))
        return report

    def _open_if_due(self, now: datetime) -> Period | None:
        period = round_to_open(self.config, self.calendar, now)
        if self.store.rounds.get(period) is not None or not self.store.register.measures():
            return None
        if now >= RoundDates(period, self.config.cycle, self.calendar).digest:
            return None  # too late to be useful: the officer can still open it by hand
        deadline = RoundDates(period, self.config.cycle, self.calendar, now).deadline
        _, fresh = self.store.rounds.open(period, deadline=deadline, actor="scheduler")
        return period if fresh else None

    def active_rounds(self) -> dict[Period, Round]:
        """Rounds the planner looks at: recent ones, and any whose digest is still to record."""
        now = self.store.clock.now()
        recent = set(Period.containing(now.date()).back(RECENT_QUARTERS))
        active = {}
        for found in self.store.rounds.all():
            dates = RoundDates(found.period, self.config.cycle, self.calendar, found.opened_at)
            if found.period in recent and (
                now <= dates.digest + ACTIVE_AFTER_DIGEST or not self._digest_recorded(found.period)
            ):
                active[found.period] = found
        return active

    def _digest_recorded(self, period: Period) -> bool:
        keys = {m.key for m in self.store.outbox.for_period(period)}
        return all(action_key(period, NoticeKind.DIGEST, r) in keys for r in self.config.cmt_recipients)

    def plan_state(self, rounds: dict[Period, Round]) -> PlanState:
        return PlanState(
            rounds=rounds,
            returned={p: frozenset(self.store.returns.for_period(p)) for p in rounds},
            recorded={p: frozenset(m.key for m in self.store.outbox.for_period(p)) for p in rounds},
            stand_ins=self.stand_ins(),
            lists=self.dispatcher.list_recipients,
        )

    def stand_ins(self) -> dict[str, str]:
        """Who receives for whom today: each absent person's deputy (if any is available)."""
        people = self.store.people.all()
        today = self.store.clock.now().date()
        handed = {email: stand_in(people, email, today) for email in people}
        return {email: deputy for email, deputy in handed.items() if deputy != email}

    def _record_due(
        self, rounds: dict[Period, Round], now: datetime, report: TickReport, *, send: bool
    ) -> None:
        batch: list[tuple[OutboxMessage, str | None]] = []  # each message, and why it is skipped
        with self.store.register.pinned():  # one register check for every notice's targets
            measures = self.store.register.measures()
            data = NoticeData(self.store)
            for action in due_actions(self.config, self.calendar, measures, self.plan_state(rounds), now):
                reason = skip_reason(action, now)
                if reason is not None:
                    batch.append((self._skipped(self._message(action, data), reason), reason))
                elif send:
                    batch.append((self._message(action, data), None))
        if send and self.sign_off is not None:
            batch += [(message, None) for message in self.sign_off.due(self.store, rounds, now)]
        self._enqueue(batch, report)

    def _enqueue(self, batch: list[tuple[OutboxMessage, str | None]], report: TickReport) -> None:
        """Record a batch in one durable transaction per quarter, before any of it is sent."""
        fresh = self.store.outbox.enqueue_many([message for message, _ in batch])
        for (message, reason), new in zip(batch, fresh, strict=True):
            if not new:
                continue
            if reason is None:
                report.recorded.append(message.key)
            else:
                log.info("skipped %s: %s", message.key, reason)
                report.skipped.append(message.key)

    # -- recording ---------------------------------------------------------------------------

    def record(
        self, action: DueAction, report: TickReport | None = None, *, actor: str | None = None
    ) -> bool:
        """Put one action in the outbox (audited when an `actor` asked); False if already there."""
        message = self._message(action)
        if not self.store.outbox.enqueue(message, actor=actor, action=f"{message.kind}.recorded"):
            return False
        if report is not None:
            report.recorded.append(action.key)
        return True

    @staticmethod
    def _skipped(message: OutboxMessage, reason: str) -> OutboxMessage:
        return OutboxMessage(message.key, message.period, message.kind, message.recipient,
                             message.content, status=OutboxStatus.SKIPPED, error=reason)  # fmt: skip

    def _message(self, action: DueAction, data: NoticeData | None = None) -> OutboxMessage:
        content = {} if action.kind is NoticeKind.DIGEST else build_notice(
            self.store, self.links, action, data=data).to_content()  # fmt: skip
        return OutboxMessage(action.key, action.period, action.kind.value, action.recipient, content)

    # -- an officer's commands ---------------------------------------------------------------

    def _deadline_to_open(self, period: Period, deadline: date | None) -> datetime:
        """The deadline a round opened now would have (the officer's day, or the calendar's);
        raises RoundError for what `open_round` refuses."""
        now = self.store.clock.now()
        if period.end >= now.date():
            raise RoundError(f"{period} has not ended yet (it ends {period.end:%-d %B %Y})")
        if not self.store.register.measures():
            raise RoundError("the register is empty: import it first (perfbot register import FILE)")
        if deadline is None:
            return RoundDates(period, self.config.cycle, self.calendar, now).deadline
        if deadline < now.date():
            raise RoundError(f"the deadline {deadline:%-d %B %Y} has already passed")
        return datetime.combine(deadline, time(23, 59, 59), tzinfo=LONDON)

    def plan_open(self, period: Period, *, deadline: date | None = None) -> OpenPlan:
        """What `open_round` would do now, sending nothing: the deadline, and each request with
        its recipient, measures and channel (the same refusals as the real run)."""
        found = self.store.rounds.get(period)
        due = found.deadline if found else self._deadline_to_open(period, deadline)
        now = self.store.clock.now()
        trial = found or Round(period, RoundState.OPEN, now, due)
        state = self.plan_state({period: trial})
        actions = [a for a in due_actions(self.config, self.calendar, self.store.register.measures(), state, now)
                   if a.kind is NoticeKind.REQUEST and skip_reason(a, now) is None]  # fmt: skip
        sent = {m.key for m in self.store.outbox.for_period(period) if m.status is OutboxStatus.SENT}
        requests = [PlannedRequest(a.recipient, a.addressee, a.measure_ids,
                                   self.dispatcher.channel_for(a.recipient)) for a in actions if a.key not in sent]  # fmt: skip
        return OpenPlan(period, due, already_open=found is not None, requests=requests)

    def open_round(self, period: Period, *, actor: str, deadline: date | None = None) -> tuple[Round, TickReport]:
        """Open a round (idempotent) and send every owner their request at once."""
        due = self._deadline_to_open(period, deadline)
        opened, fresh = self.store.rounds.open(period, deadline=due, actor=actor)
        report = TickReport(opened=[period] if fresh else [])
        self._record_due({period: opened}, self.store.clock.now(), report, send=True)
        report.delivery = self.dispatcher.deliver_pending([period])
        return opened, report

    def close_round(self, period: Period, *, actor: str) -> Round:
        """Close a round and freeze what it publishes: each measure's figure, target, RAG, reason
        and direction of travel. Later corrections are shown beside it, never re-rated."""
        from reports.analysis import analyse
        from reports.published import frozen_row

        found = self.store.rounds.get(period)
        if found is None:
            raise RoundError(f"the round for {period} has not been opened")
        if found.state is RoundState.CLOSED:
            return found
        rows = analyse(self.store, self.config, period).records()
        self.store.publications.publish(period, [frozen_row(r) for r in rows], actor=actor)
        return self.store.rounds.set_state(period, RoundState.CLOSED, actor=actor)

    def reopen_round(self, period: Period, *, actor: str, reason: str) -> Round:
        """Reopen a closed round (owners may write again); closing it again publishes a new
        edition, and the reason is kept in the audit trail."""
        found = self.store.rounds.get(period)
        if found is None:
            raise RoundError(f"the round for {period} has not been opened")
        if not reason.strip():
            raise RoundError(f"give the reason for reopening {period}: its figures were published")
        if found.state is RoundState.OPEN:
            return found
        return self.store.rounds.set_state(period, RoundState.OPEN, actor=actor, reason=reason.strip())

    def post_digest(self, period: Period, *, actor: str) -> DeliveryReport:
        """Post the CMT digest now, outside the schedule (`perfbot digest --post`).

        Keyed by the minute, so a repeat within the minute sends nothing twice while a later
        re-post (after late returns) goes out.
        """
        if self.store.rounds.get(period) is None:
            raise RoundError(f"the round for {period} has not been opened")
        now = self.store.clock.now()
        keys = []
        for recipient in self.config.cmt_recipients:
            key = action_key(period, NoticeKind.DIGEST, recipient, f"posted-{now:%Y-%m-%dT%H:%M}")
            self.record(DueAction(key, period, NoticeKind.DIGEST, recipient, now), actor=actor)
            keys.append(key)
        return self.dispatcher.deliver_keys(period, keys)

    def chase(
        self,
        period: Period | None = None,
        *,
        service: str | None = None,
        owner: str | None = None,
        force: bool = False,
        actor: str,
    ) -> ChaseReport:
        """Chase owners with returns outstanding (one service or owner, or all), and send at once.

        The one entry point for the CLI, Slack, Teams and the web (see `schedules.chase`). Nobody is
        chased twice within `cycle.chase_quiet_hours` unless `force`; every chase is recorded in
        the outbox with an audit record naming `actor`, and shows in round status.
        """
        return chase_round(
            self.store, self.config, period, service=service, owner=owner, force=force, actor=actor,
            stand_ins=self.stand_ins(), record=lambda action, who: self.record(action, actor=who),
            deliver=self.dispatcher.deliver_keys,
        )  # fmt: skip


__all__ = ["Cycle", "RoundError", "TickReport", "action_key"]
