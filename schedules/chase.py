"""Ad-hoc chases: who to chase, and who was chased too recently to chase again.

`plan_chases` is pure; `chase_round` records and sends what it plans, through the `record` and
`deliver` it is given. `Cycle.chase` calls it: that is the one function the CLI, Slack, Teams and
the web call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from perfbot.config import Config
from perfbot.dispatch import DeliveryReport
from perfbot.model import Measure, Round, RoundState
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus, Store
from schedules.errors import RoundError
from schedules.planner import DueAction, action_key, group, parse_key

log = logging.getLogger("perfbot.chase")


@dataclass(frozen=True, slots=True)
class PastChases:
    """An owner's chases in a round: how many keys were used, and the last that went out."""

    count: int = 0
    last_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Quiet:
    """An owner not chased because they were chased at `last_at`; quiet until `until`."""

    owner: str
    last_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class ChasePlan:
    actions: tuple[DueAction, ...]
    quiet: tuple[Quiet, ...]


@dataclass
class ChaseReport:
    """What a chase did: who was chased (and through whom), who was left alone, what was sent."""

    period: Period
    chased: list[DueAction] = field(default_factory=list)
    quiet: list[Quiet] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def select_measures(
    measures: Iterable[Measure], period: Period, *, service: str | None, owner: str | None
) -> list[Measure]:
    """The round's measures for one service or one owner (all when neither is given)."""
    if service and owner:
        raise RoundError("chase one service or one owner, not both")
    due = [m for m in measures if m.due_in(period)]
    if service:
        chosen = [m for m in due if m.service.casefold() == service.strip().casefold()]
        if not chosen:
            known = ", ".join(sorted({m.service for m in due}))
            raise RoundError(f"no service area '{service}' has returns due in {period} (known: {known})")
        return chosen
    if owner:
        chosen = [m for m in due if m.owner_email.lower() == owner.strip().lower()]
        if not chosen:
            raise RoundError(f"{owner} owns no measures with returns due in {period}")
        return chosen
    return due


def past_chases(messages: Iterable[OutboxMessage]) -> dict[str, PastChases]:
    """Per owner: chases recorded so far (any outcome) and when the last live one was recorded."""
    found: dict[str, PastChases] = {}
    for message in messages:
        if message.kind != NoticeKind.CHASE.value:
            continue
        owner = parse_key(message.key).person
        before = found.get(owner, PastChases())
        last = before.last_at
        if message.status not in (OutboxStatus.FAILED, OutboxStatus.SKIPPED):
            last = max(filter(None, (last, message.created)))
        found[owner] = PastChases(before.count + 1, last)
    return found


def plan_chases(
    *,
    period: Period,
    measures: list[Measure],
    returned: frozenset[str],
    past: dict[str, PastChases],
    stand_ins: dict[str, str],
    now: datetime,
    quiet_for: timedelta,
    force: bool,
) -> ChasePlan:
    """A chase for every owner with returns outstanding, unless chased within `quiet_for`.

    Each chase's key carries the owner's chase number in the round (`chase#2`), so a later chase
    gets a new key while two officers chasing at the same moment still send only one.
    """
    actions, quiet = [], []
    outstanding = group((m for m in measures if m.measure_id not in returned), lambda m: m.owner_email)
    for owner, owned in outstanding.items():
        history = past.get(owner, PastChases())
        if not force and history.last_at and now < history.last_at + quiet_for:
            quiet.append(Quiet(owner, history.last_at, history.last_at + quiet_for))
            continue
        actions.append(DueAction(
            key=action_key(period, NoticeKind.CHASE, owner, str(history.count + 1)),
            period=period, kind=NoticeKind.CHASE, recipient=stand_ins.get(owner, owner),
            due_at=now, measure_ids=tuple(m.measure_id for m in owned), addressee=owner,
        ))  # fmt: skip
    return ChasePlan(tuple(actions), tuple(quiet))


Record = Callable[[DueAction, str], bool]  # put one action in the outbox, audited; False if there
Deliver = Callable[[Period, Sequence[str]], DeliveryReport]  # send these keys of a quarter now


def chase_round(
    store: Store,
    config: Config,
    period: Period | None,
    *,
    service: str | None,
    owner: str | None,
    force: bool,
    actor: str,
    stand_ins: dict[str, str],
    record: Record,
    deliver: Deliver,
) -> ChaseReport:
    """Plan, record (with an audit record) and send the chases; see `Cycle.chase`."""
    found = round_to_chase(list(store.rounds.all()), period)
    measures = select_measures(store.register.measures(), found.period, service=service, owner=owner)
    now = store.clock.now()
    quiet_for = timedelta(hours=config.cycle.chase_quiet_hours)
    plan = plan_chases(
        period=found.period, measures=measures,
        returned=frozenset(store.returns.for_period(found.period)),
        past=past_chases(store.outbox.for_period(found.period)),
        stand_ins=stand_ins, now=now, quiet_for=quiet_for, force=force,
    )  # fmt: skip
    report = ChaseReport(found.period, quiet=list(plan.quiet))
    for action in plan.actions:
        if record(action, actor):
            report.chased.append(action)
            log.info("chase %s → %s by %s", action.key, action.recipient, actor)
        else:  # another officer's chase took this number a moment ago
            report.quiet.append(Quiet(action.addressee, now, now + quiet_for))
    for quiet in report.quiet:
        log.info("not chasing %s: chased at %s, quiet until %s", quiet.owner, quiet.last_at, quiet.until)
    report.delivery = deliver(found.period, [a.key for a in report.chased])
    return report


def round_to_chase(rounds: list[Round], period: Period | None) -> Round:
    """The round named, or the latest open one; RoundError when there is none to chase."""
    if period is None:
        open_rounds = [r for r in rounds if r.state is RoundState.OPEN]
        if not open_rounds:
            raise RoundError("no round is open to chase; open one with 'perfbot round open PERIOD'")
        return open_rounds[-1]
    found = next((r for r in rounds if r.period == period), None)
    if found is None:
        raise RoundError(f"the {period} round has not been opened, so there is nobody to chase")
    if found.state is RoundState.CLOSED:
        raise RoundError(f"the {period} round is closed; reopen it before chasing")
    return found
