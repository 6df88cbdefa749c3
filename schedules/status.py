"""Round status: per owner what was asked, sent, returned and chased; completion per service."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from perfbot.clock import LONDON
from perfbot.model import Measure, Return
from perfbot.notices import NoticeKind
from perfbot.people import Person
from perfbot.periods import Period
from perfbot.store import OutboxMessage, OutboxStatus, Store
from schedules.planner import parse_key

OWNER_COLUMNS = ["owner", "service", "measures", "returned", "on_time", "late", "requested",
                 "reminders", "escalated", "chases", "last_chased", "deputy"]  # fmt: skip
SERVICE_COLUMNS = ["service", "expected", "returned", "on_time", "completion_pct"]
SIGN_OFF_COLUMNS = [*SERVICE_COLUMNS, "sign_off"]  # when [cycle] sign_off is on
UNDELIVERED_COLUMNS = ["recipient", "kind", "for", "attempts", "reason"]
_REMINDERS = (NoticeKind.REMINDER.value, NoticeKind.DEADLINE.value)


def _short(moment: datetime | None) -> str:
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M}" if moment else ""


def first_returned(store: Store, period: Period) -> dict[str, datetime | None]:
    """When each measure's return first came in (a later revision does not make it late)."""
    current = store.returns.for_period(period)
    return {mid: _first_at(store, r) for mid, r in current.items()}


def _first_at(store: Store, current: Return) -> datetime | None:
    if current.revision == 1:
        return current.submitted_at
    versions = store.returns.versions(current.measure_id, current.period)
    return versions[0].submitted_at if versions else current.submitted_at


def owner_status(store: Store, period: Period) -> list[dict[str, Any]]:
    """One row per owner: requested, reminders, returned (on time/late), escalated, chased."""
    found = store.rounds.get(period)
    deadline = found.deadline if found else None
    arrived = first_returned(store, period)
    sent = [m for m in store.outbox.for_period(period) if m.status is OutboxStatus.SENT]
    people = store.people.all()
    today = store.clock.now().date()
    rows = []
    for owner, measures in sorted(_by_owner(store, period).items()):
        ids = {m.measure_id for m in measures}
        times = [arrived[i] for i in ids if i in arrived]
        late = sum(1 for t in times if deadline and t and t > deadline)
        mine = [m for m in sent if _for_owner(m, owner)]
        escalations = [m for m in sent if m.kind == NoticeKind.ESCALATION.value and ids & _measures(m)]
        chases = [m for m in mine if m.kind == NoticeKind.CHASE.value]
        rows.append({
            "owner": owner,
            "service": ", ".join(sorted({m.service for m in measures})),
            "measures": len(ids),
            "returned": len(times),
            "on_time": len(times) - late,
            "late": late,
            "requested": _requested(mine, owner),
            "reminders": sum(1 for m in mine if m.kind in _REMINDERS),
            "escalated": _short(_last(escalations)),
            "chases": len(chases),
            "last_chased": _short(_last(chases)),
            "deputy": _deputy(people.get(owner), today),
        })  # fmt: skip
    return rows


def service_status(
    store: Store, period: Period, *, sign_off: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Per service: returns expected, returned, returned on time, and % complete; with
    `sign_off` (service → its state: returns outstanding, awaiting approval, approved, sent
    back), that too."""
    found = store.rounds.get(period)
    arrived = first_returned(store, period)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for measure in store.register.measures():
        if measure.due_in(period):
            at = arrived.get(measure.measure_id)
            counts[measure.service][0] += 1
            counts[measure.service][1] += measure.measure_id in arrived
            counts[measure.service][2] += bool(at and found and at <= found.deadline)
    return [
        {"service": s, "expected": e, "returned": r, "on_time": t,
         "completion_pct": round(100 * r / e, 1)} | ({"sign_off": sign_off.get(s, "")} if sign_off is not None else {})
        for s, (e, r, t) in sorted(counts.items())
    ]  # fmt: skip


def _by_owner(store: Store, period: Period) -> dict[str, list[Measure]]:
    owners: dict[str, list[Measure]] = defaultdict(list)
    for measure in store.register.measures():
        if measure.due_in(period):
            owners[measure.owner_email.lower()].append(measure)
    return owners


def _for_owner(message: OutboxMessage, owner: str) -> bool:
    return message.kind != NoticeKind.ESCALATION.value and parse_key(message.key).person == owner


def _measures(message: OutboxMessage) -> set[str]:
    return {line["measure_id"] for line in message.content.get("measures", [])}


def _last(messages: list[OutboxMessage]) -> datetime | None:
    times = [datetime.fromisoformat(m.sent_at) for m in messages if m.sent_at]
    return max(times) if times else None


def _requested(mine: list[OutboxMessage], owner: str) -> str:
    requests = [m for m in mine if m.kind == NoticeKind.REQUEST.value]
    if not requests:
        return ""
    text = _short(_last(requests))
    via = requests[-1].recipient
    return text if via == owner else f"{text} via {via}"


def _deputy(person: Person | None, today: date) -> str:
    if person is None:
        return ""
    absence = person.absence_on(today)
    if absence is None:
        return person.deputy or ""
    return f"{person.deputy or 'no deputy'} (owner away until {absence.end:%-d %b})"


def undelivered(store: Store, period: Period) -> list[dict[str, Any]]:
    """Messages no channel delivered and that will not be retried (a refused address, nobody
    able to reach the person): the officers follow these up by hand."""
    failed = [m for m in store.outbox.for_period(period) if m.status is OutboxStatus.FAILED]
    return [
        {"recipient": m.recipient, "kind": m.kind, "for": _addressee(m), "attempts": m.attempts,
         "reason": m.error or ""}
        for m in failed
    ]  # fmt: skip


def _addressee(message: OutboxMessage) -> str:
    person = parse_key(message.key).person
    return "" if person == message.recipient else person
