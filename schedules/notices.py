"""Turn due actions into the notices people receive (what is outstanding, by when, the link)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from perfbot.actions import TrackedAction
from perfbot.links import FormLinks
from perfbot.model import Measure, Return, Round
from perfbot.notices import ActionAsk, MeasureLine, NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.rating import period_target
from perfbot.store import Store
from schedules.planner import DueAction

LINK_LIFETIME_AFTER_DEADLINE = timedelta(days=60)  # late returns are still taken while open
ASKS_ABOUT_ACTIONS = (NoticeKind.REQUEST, NoticeKind.REMINDER)  # "last quarter you said: … done?"


class NoticeData:
    """What notices are built from, each read from the store once for a batch of notices.

    A round's requests share the register, the round and the previous quarter's returns: reading
    them per notice made opening a round quadratic. Hold one only while building one batch (the
    store may change afterwards).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._measures: dict[str, Measure] | None = None
        self._rounds: dict[Period, Round | None] = {}
        self._returns: dict[Period, dict[str, Return]] = {}
        self._open_actions: dict[str, list[TrackedAction]] | None = None

    def measures(self) -> dict[str, Measure]:
        """The register's current measures by id."""
        if self._measures is None:
            self._measures = {m.measure_id: m for m in self.store.register.measures()}
        return self._measures

    def round(self, period: Period) -> Round | None:
        if period not in self._rounds:
            self._rounds[period] = self.store.rounds.get(period)
        return self._rounds[period]

    def open_actions(self) -> dict[str, list[TrackedAction]]:
        """Each measure's open remedial actions."""
        if self._open_actions is None:
            self._open_actions = {}
            for action in self.store.actions.all():
                if action.is_open:
                    self._open_actions.setdefault(action.measure_id, []).append(action)
        return self._open_actions

    def returns(self, period: Period) -> dict[str, Return]:
        """A quarter's current returns by measure id."""
        if period not in self._returns:
            self._returns[period] = self.store.returns.for_period(period)
        return self._returns[period]


def measure_lines(
    store: Store,
    measures: list[Measure],
    period: Period,
    *,
    previous: Mapping[str, Return] | None = None,
) -> tuple[MeasureLine, ...]:
    """Each measure with its target for the period, its last value before it, and its owner.

    `previous`: the previous quarter's returns, when the caller has them already.
    """
    if previous is None:
        previous = store.returns.of_measures(period.previous(), [m.measure_id for m in measures])
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
    store: Store,
    links: FormLinks,
    action: DueAction,
    *,
    note: str = "",
    data: NoticeData | None = None,
) -> PersonNotice:
    """The notice for a person-directed action (request, reminder, deadline, chase, escalation).

    The form link is the addressee's (the owner's, even when their deputy receives it), so a
    deputy submits on the owner's form; an escalation links the head of service's own form.
    Pass `data` to share the store reads among a batch of notices.
    """
    data = data or NoticeData(store)
    found = data.round(action.period)
    if found is None:
        raise ValueError(f"notices are only built for opened rounds, not {action.period}")
    by_id = data.measures()
    measures = [by_id[i] for i in action.measure_ids if i in by_id]
    now = store.clock.now()
    form_owner = action.addressee or action.recipient
    previous = data.returns(action.period.previous())
    return PersonNotice(
        kind=action.kind,
        period=str(action.period),
        recipient=action.recipient,
        deadline=found.deadline,
        measures=measure_lines(store, measures, action.period, previous=previous),
        form_url=links.url(owner=form_owner, period=str(action.period),
                           expires=found.deadline + LINK_LIFETIME_AFTER_DEADLINE),  # fmt: skip
        on_behalf_of=action.on_behalf_of,
        note=note,
        overdue=now > found.deadline and action.kind is not NoticeKind.REQUEST,
        actions=_asks(data, measures, action.period) if action.kind in ASKS_ABOUT_ACTIONS else (),
    )


def _asks(data: NoticeData, measures: list[Measure], period: Period) -> tuple[ActionAsk, ...]:
    """The open actions raised before `period` on these measures, oldest first."""
    found = data.open_actions()
    return tuple(
        ActionAsk(a.action_id, a.measure_id, a.text, str(a.due), str(a.raised_in))
        for m in measures for a in found.get(m.measure_id, ()) if a.raised_in < period
    )  # fmt: skip
