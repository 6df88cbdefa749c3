"""Due actions as a pure function of (config, register, store state, now).

APScheduler only wakes the runner; what is due is decided here, from data, so a restart or a
missed tick simply finds the same actions due and the outbox says which were already recorded.

Every action's key names (round, action, person): `2025/26 Q3|reminder#2026-01-15|a@x.gov.uk`.
The person is the one the action is *for* (the owner, the head of service); while they are away
their deputy receives it, under the same key, so it is never sent to both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from perfbot.config import Config
from perfbot.model import Measure, Round, RoundState
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from schedules.calendar import RoundDates, WorkingCalendar


@dataclass(frozen=True, slots=True)
class DueAction:
    """One thing to send to one recipient. `key` makes it idempotent (round, action, person)."""

    key: str
    period: Period
    kind: NoticeKind
    recipient: str  # who receives it: the addressee, or their deputy while they are away
    due_at: datetime
    useful_until: datetime | None = None  # after this it is skipped, not sent
    measure_ids: tuple[str, ...] = ()
    addressee: str = ""  # whom it is for; empty when that is the recipient

    @property
    def on_behalf_of(self) -> str:
        """The absent addressee when a deputy receives it, else ""."""
        return self.addressee if self.addressee and self.addressee != self.recipient else ""


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the planner needs to know of the store."""

    rounds: dict[Period, Round]
    returned: dict[Period, frozenset[str]]  # measure ids with a return, per round
    recorded: dict[Period, frozenset[str]]  # outbox keys already recorded, per round
    stand_ins: dict[str, str] = field(default_factory=dict)  # person → who receives for them now
    lists: tuple[str, ...] = ()  # shared forms (SharePoint's list) that get each round's request


@dataclass(frozen=True, slots=True)
class ParsedKey:
    period: str
    kind: str
    step: str
    person: str


def action_key(period: Period, kind: NoticeKind | str, person: str, step: str = "") -> str:
    suffix = f"#{step}" if step else ""
    return f"{period}|{kind}{suffix}|{person.lower()}"


def parse_key(key: str) -> ParsedKey:
    """The parts of an action key (the inverse of `action_key`)."""
    period, action, person = key.split("|", 2)
    kind, _, step = action.partition("#")
    return ParsedKey(period, kind, step, person)


def skip_reason(action: DueAction, now: datetime) -> str | None:
    """Why a due action is no longer worth sending (a reminder after the deadline), or None."""
    if action.useful_until is not None and now > action.useful_until:
        return f"not sent: due {action.due_at:%-d %b %H:%M} but the deadline had passed"
    return None


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
        expected = [m for m in measures if m.due_in(period)]
        returned = state.returned.get(period, frozenset())
        recorded = state.recorded.get(period, frozenset())
        planned = _round_actions(config, dates, opened, expected, returned, state.stand_ins)
        planned += [_list_request(period, name, opened, expected) for name in state.lists
                    if opened.state is RoundState.OPEN]  # fmt: skip
        actions += [a for a in planned if a.due_at <= now and a.key not in recorded]
    return sorted(actions, key=lambda a: (a.due_at, a.key))


def _round_actions(
    config: Config,
    dates: RoundDates,
    opened: Round,
    expected: list[Measure],
    returned: frozenset[str],
    stand_ins: dict[str, str],
) -> list[DueAction]:
    period = dates.period
    digests = [
        DueAction(action_key(period, NoticeKind.DIGEST, r), period, NoticeKind.DIGEST, r, dates.digest)
        for r in config.cmt_recipients
    ]
    if opened.state is RoundState.CLOSED:
        return digests  # a closed round asks nobody for anything, but CMT still hears
    make = _Maker(period, stand_ins)
    by_owner = group(expected, lambda m: m.owner_email)
    outstanding = {o: [m for m in ms if m.measure_id not in returned] for o, ms in by_owner.items()}
    actions = [make(NoticeKind.REQUEST, owner, ms, opened.opened_at) for owner, ms in by_owner.items()]
    steps = [(r.date().isoformat(), NoticeKind.REMINDER, r) for r in dates.reminders]
    steps.append(("", NoticeKind.DEADLINE, dates.at_deadline_day))
    for step, kind, due in steps:
        if due < opened.opened_at:
            continue
        actions += [
            make(kind, owner, ms, due, step=step, useful_until=opened.deadline)
            for owner, ms in outstanding.items()
            if ms
        ]
    overdue = group((m for ms in outstanding.values() for m in ms), lambda m: m.head_of_service_email)
    actions += [make(NoticeKind.ESCALATION, head, ms, dates.escalation) for head, ms in overdue.items()]
    return actions + digests


def _list_request(period: Period, name: str, opened: Round, expected: list[Measure]) -> DueAction:
    """A round's request to a shared form: every measure due, at round open."""
    return DueAction(action_key(period, NoticeKind.REQUEST, name), period, NoticeKind.REQUEST, name,
                     opened.opened_at, measure_ids=tuple(m.measure_id for m in expected))  # fmt: skip


@dataclass(frozen=True)
class _Maker:
    """Builds one round's person-directed actions, handing them to deputies where due."""

    period: Period
    stand_ins: dict[str, str]

    def __call__(
        self,
        kind: NoticeKind,
        person: str,
        measures: list[Measure],
        due: datetime,
        *,
        step: str = "",
        useful_until: datetime | None = None,
    ) -> DueAction:
        return DueAction(
            key=action_key(self.period, kind, person, step),
            period=self.period,
            kind=kind,
            recipient=self.stand_ins.get(person, person),
            due_at=due,
            useful_until=useful_until,
            measure_ids=tuple(m.measure_id for m in measures),
            addressee=person,
        )


def group(measures: Iterable[Measure], key: Callable[[Measure], str]) -> dict[str, list[Measure]]:
    """Measures grouped by a person (lower-cased e-mail), in register order."""
    groups: dict[str, list[Measure]] = {}
    for measure in measures:
        groups.setdefault(key(measure).lower(), []).append(measure)
    return groups
