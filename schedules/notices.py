"""Turn due actions into the notices people receive (what is outstanding, by when, the link)."""

from __future__ import annotations

from datetime import timedelta

from perfbot.links import FormLinks
from perfbot.model import Measure
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.rating import period_target
from perfbot.store import Store
from schedules.planner import DueAction

LINK_LIFETIME_AFTER_DEADLINE = timedelta(days=60)  # late returns are still taken while open


def measure_lines(store: Store, measures: list[Measure], period: Period) -> tuple[MeasureLine, ...]:
    """Each measure with its target for the period, its last value before it, and its owner."""
    previous = store.returns.for_period(period.previous())
    return tuple(
        MeasureLine(
            measure_id=m.measure_id,
            title=m.title,
            unit=m.unit.value,
            target=period_target(m, period, lambda p, m=m: store.register.target_override(m.measure_id, p)),
            last_value=previous[m.measure_id].value if m.measure_id in previous else None,
            owner=m.owner_email,
            status="outstanding",
        )
        for m in measures
    )


def build_notice(
    store: Store, links: FormLinks, action: DueAction, *, note: str = ""
) -> PersonNotice:
    """The notice for a person-directed action (request, reminder, deadline, chase, escalation).

    The form link is the addressee's (the owner's, even when their deputy receives it), so a
    deputy submits on the owner's form; an escalation links the head of service's own form.
    """
    found = store.rounds.get(action.period)
    if found is None:
        raise ValueError(f"notices are only built for opened rounds, not {action.period}")
    by_id = {m.measure_id: m for m in store.register.measures()}
    measures = [by_id[i] for i in action.measure_ids if i in by_id]
    now = store.clock.now()
    form_owner = action.addressee or action.recipient
    return PersonNotice(
        kind=action.kind,
        period=str(action.period),
        recipient=action.recipient,
        deadline=found.deadline,
        measures=measure_lines(store, measures, action.period),
        form_url=links.url(owner=form_owner, period=str(action.period),
                           expires=found.deadline + LINK_LIFETIME_AFTER_DEADLINE),  # fmt: skip
        on_behalf_of=action.on_behalf_of,
        note=note,
        overdue=now > found.deadline and action.kind is not NoticeKind.REQUEST,
    )
