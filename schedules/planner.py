"""Due actions as a pure function of (config, register, store state, now).

APScheduler only wakes the runner; what is due is decided here, from data, so a restart or a
missed tick simply finds the same actions due and the outbox says which were already recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from perfbot.config import Config
from perfbot.model import Measure, Round
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from schedules.calendar import RoundDates, WorkingCalendar


@dataclass(frozen=True, slots=True)
class DueAction:
    """One thing to send to one recipient. `key` makes it idempotent (round, action, recipient)."""

    key: str
    period: Period
    kind: NoticeKind
    recipient: str
    due_at: datetime
    useful_until: datetime | None = None  # after this it is skipped, not sent
    measure_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the planner needs to know of the store."""

    rounds: dict[Period, Round]
    returned: dict[Period, frozenset[str]]  # measure ids with a return, per round
    recorded: dict[Period, frozenset[str]]  # outbox keys already recorded, per round
    absent_to_deputy: dict[str, str] = field(default_factory=dict)  # owner → deputy, at `now`


def action_key(period: Period, kind: NoticeKind | str, recipient: str, step: str = "") -> str:
    suffix = f"#{step}" if step else ""
    return f"{period}|{kind}{suffix}|{recipient.lower()}"


def round_to_open(config: Config, calendar: WorkingCalendar, now: datetime) -> Period:
    """The latest quarter whose round is due to have opened by `now` (it may not be open yet)."""
    period = Period.containing(now.date()).previous()
    if RoundDates(period, config.cycle, calendar).opens > now:
        period = period.previous()
    return period


def due_actions(
    config: Config,
    calendar: WorkingCalendar,
    measures: Iterable[Measure],
    state: PlanState,
    now: datetime,
) -> list[DueAction]:
    """Every action due by `now` that the outbox has not recorded yet, in due order."""
    measures = list(measures)
    actions: list[DueAction] = []
    for period, opened in sorted(state.rounds.items()):
        dates = RoundDates(period, config.cycle, calendar, opened.opened_at)
        returned = state.returned.get(period, frozenset())
        expected = [m for m in measures if _expected(m, period)]
        actions += _round_actions(config, dates, opened, expected, returned, state, now)
    recorded = state.recorded
    fresh = [a for a in actions if a.key not in recorded.get(a.period, frozenset()) and a.due_at <= now]
    return sorted(fresh, key=lambda a: (a.due_at, a.key))


def _expected(measure: Measure, period: Period) -> bool:
    return measure.frequency.value == "quarterly" or period.quarter == 4


def _round_actions(
    config: Config,
    dates: RoundDates,
    opened: Round,
    expected: list[Measure],
    returned: frozenset[str],
    state: PlanState,
    now: datetime,
) -> list[DueAction]:
    period = dates.period
    deadline = opened.deadline
    by_owner = _group(expected, lambda m: m.owner_email)
    outstanding = {o: [m for m in ms if m.measure_id not in returned] for o, ms in by_owner.items()}
    actions = [
        DueAction(action_key(period, NoticeKind.REQUEST, owner), period, NoticeKind.REQUEST,
                  state.absent_to_deputy.get(owner, owner), opened.opened_at,
                  measure_ids=tuple(m.measure_id for m in ms))
        for owner, ms in by_owner.items()
    ]  # fmt: skip
    steps = [(f"{i + 1}", NoticeKind.REMINDER, r) for i, r in enumerate(dates.reminders)]
    steps.append(("", NoticeKind.DEADLINE, dates.at_deadline_day))
    for step, kind, due in steps:
        if due < opened.opened_at:
            continue
        for owner, ms in outstanding.items():
            if ms:
                actions.append(DueAction(
                    action_key(period, kind, owner, step), period, kind,
                    state.absent_to_deputy.get(owner, owner), due, useful_until=deadline,
                    measure_ids=tuple(m.measure_id for m in ms),
                ))  # fmt: skip
    actions += _escalations(period, dates, expected, returned)
    actions += [
        DueAction(action_key(period, NoticeKind.DIGEST, recipient), period, NoticeKind.DIGEST,
                  recipient, dates.digest)
        for recipient in config.cmt_recipients
    ]  # fmt: skip
    return [a for a in actions if a.due_at <= now]


def _escalations(
    period: Period, dates: RoundDates, expected: list[Measure], returned: frozenset[str]
) -> list[DueAction]:
    overdue = [m for m in expected if m.measure_id not in returned]
    by_head = _group(overdue, lambda m: m.head_of_service_email)
    return [
        DueAction(action_key(period, NoticeKind.ESCALATION, head), period, NoticeKind.ESCALATION,
                  head, dates.escalation, measure_ids=tuple(m.measure_id for m in ms))
        for head, ms in by_head.items()
    ]  # fmt: skip


def _group(measures: Iterable[Measure], key) -> dict[str, list[Measure]]:  # noqa: ANN001
    groups: dict[str, list[Measure]] = {}
    for measure in measures:
        groups.setdefault(key(measure).lower(), []).append(measure)
    return groups
