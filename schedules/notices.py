"""Turn due actions into the notices people receive (what is outstanding, by when, the link)."""

from __future__ import annotations

from datetime import datetime, timedelta

from perfbot.links import FormLinks
from perfbot.model import Measure
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.rating import period_target
from perfbot.store import Store
from schedules.planner import DueAction


def measure_lines(store: Store, measures: list[Measure], period: Period) -> tuple[MeasureLine, ...]:
    """Each measure with its target for the period and its last value before it."""
    previous = store.returns.for_period(period.previous())
    return tuple(
        MeasureLine(
            measure_id=m.measure_id,
            title=m.title,
            unit=m.unit.value,
            target=period_target(m, period, lambda p, m=m: store.register.target_override(m.measure_id, p)),
            last_value=previous[m.measure_id].value if m.measure_id in previous else None,
            owner=m.owner_email,
        )
        for m in measures
    )


def build_notice(
    store: Store, links: FormLinks, action: DueAction, *, note: str = ""
) -> PersonNotice:
    """The notice for a person-directed action (request, reminder, deadline, chase, escalation)."""
    found = store.rounds.get(action.period)
    assert found is not None, "notices are only built for opened rounds"
    by_id = {m.measure_id: m for m in store.register.measures()}
    measures = [by_id[i] for i in action.measure_ids if i in by_id]
    owner = measures[0].owner_email if measures else action.recipient
    on_behalf = owner if action.kind is not NoticeKind.ESCALATION and owner != action.recipient else ""
    form_owner = action.recipient if action.kind is NoticeKind.ESCALATION else owner
    return PersonNotice(
        kind=action.kind,
        period=str(action.period),
        recipient=action.recipient,
        deadline=found.deadline,
        measures=measure_lines(store, measures, action.period),
        form_url=links.url(owner=form_owner, period=str(action.period), expires=_expiry(found.deadline)),
        on_behalf_of=on_behalf,
        note=note,
    )


def _expiry(deadline: datetime) -> datetime:
    return deadline + timedelta(days=60)  # late returns are still taken while the round is open
