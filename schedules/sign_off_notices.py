"""Sign-off's messages, recorded in the outbox: the request to the head of service (or whoever
stands in), reminders and an escalation to the performance officers on the working-day calendar,
and the owners' notice when figures are sent back.

Keys name the request they belong to (`2025/26 Q3|sign-off#Housing/2|hd@x.gov.uk`: its second), so
a revision that asks again starts a fresh series while a retry or a second tick sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from perfbot.clock import LONDON
from perfbot.config import Config
from perfbot.links import FormLinks
from perfbot.model import Measure, Round, RoundState
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice
from perfbot.people import stand_in
from perfbot.periods import Period
from perfbot.rating import rate_in_context
from perfbot.services.sign_off import LINK_LIFETIME, SignOff
from perfbot.sign_off import Need, ServiceSignOff, SignOffState
from perfbot.sign_off_links import SignOffLinks
from perfbot.store import OutboxMessage, Store
from schedules.calendar import WorkingCalendar, at
from schedules.notices import LINK_LIFETIME_AFTER_DEADLINE, measure_lines
from schedules.planner import action_key

log = logging.getLogger("perfbot.sign_off")


def request_step(sign_off: ServiceSignOff) -> str:
    """The part of a key naming one request: the service, and which request it is. Each request
    after the first follows a decision (sent back, or approved then revised), so the count of
    decisions so far numbers it."""
    return f"{sign_off.service.replace('|', '/')}/{len(sign_off.decisions) + 1}"


class SignOffRequests:
    """Records sign-off notices in the outbox (`perfbot.services.ports.SignOffNotices`)."""

    def __init__(self, store: Store, config: Config, *, links: SignOffLinks, forms: FormLinks) -> None:
        self._store = store
        self._config = config
        self._links = links
        self._forms = forms

    def requested(self, sign_off: ServiceSignOff) -> list[str]:
        """The request to each head of service (their deputy while they are away)."""
        heads = [a for a in sign_off.approvers if a in self._heads(sign_off)] or list(sign_off.approvers[:1])
        return self._record(sign_off, NoticeKind.SIGN_OFF, heads, step=request_step(sign_off))

    def reminded(self, sign_off: ServiceSignOff, *, recorded: frozenset[str]) -> list[OutboxMessage]:
        """The heads' reminders not `recorded` yet."""
        heads = [a for a in sign_off.approvers if a in self._heads(sign_off)] or list(sign_off.approvers[:1])
        return self._messages(sign_off, NoticeKind.SIGN_OFF_REMINDER, heads, step=request_step(sign_off),
                              recorded=recorded)  # fmt: skip

    def escalated(self, sign_off: ServiceSignOff, *, recorded: frozenset[str]) -> list[OutboxMessage]:
        """The performance officers' notices not `recorded` yet: the head has not decided."""
        officers = [o.lower() for o in self._config.performance_officers]
        return self._messages(sign_off, NoticeKind.SIGN_OFF_ESCALATION, officers, step=request_step(sign_off),
                              recorded=recorded)  # fmt: skip

    def sent_back(self, sign_off: ServiceSignOff) -> list[str]:
        """Each owner of the service's measures hears why, with their returns form link."""
        step = f"{sign_off.service.replace('|', '/')}/{len(sign_off.decisions)}"  # the decision's number
        owners = sorted({m.owner_email.lower() for m in self._measures(sign_off)})
        return self._record(sign_off, NoticeKind.SENT_BACK, owners, step=step)

    # -- building -------------------------------------------------------------------------------

    def _heads(self, sign_off: ServiceSignOff) -> set[str]:
        return {m.head_of_service_email.lower() for m in self._measures(sign_off)}

    def _measures(self, sign_off: ServiceSignOff) -> list[Measure]:
        return [m for m in self._store.register.measures()
                if m.service == sign_off.service and m.due_in(sign_off.period)]  # fmt: skip

    def _record(self, sign_off: ServiceSignOff, kind: NoticeKind, people: list[str], *, step: str) -> list[str]:
        keys = []
        for message in self._messages(sign_off, kind, people, step=step):
            if self._store.outbox.enqueue(message, actor="perfbot", action=f"{kind.value}.recorded"):
                keys.append(message.key)
        return keys

    def _messages(self, sign_off: ServiceSignOff, kind: NoticeKind, people: list[str], *,
                  step: str, recorded: frozenset[str] = frozenset()) -> list[OutboxMessage]:  # fmt: skip
        people = [p for p in people if action_key(sign_off.period, kind, p, step) not in recorded]
        found = self._store.rounds.get(sign_off.period)
        if found is None or not people:
            return []
        today = self._store.clock.now().date()
        every = self._store.people.all()
        lines = self._lines(sign_off)
        messages = []
        for person in people:
            recipient = stand_in(every, person, today)
            notice = PersonNotice(
                kind=kind, period=str(sign_off.period), recipient=recipient, deadline=found.deadline,
                measures=lines, form_url=self._url(kind, recipient, sign_off, found),
                on_behalf_of=person if recipient != person else "", service=sign_off.service,
                note=sign_off.last_decision.reason if kind is NoticeKind.SENT_BACK and sign_off.last_decision else "",
            )  # fmt: skip
            key = action_key(sign_off.period, kind, person, step)
            messages.append(OutboxMessage(key, sign_off.period, kind.value, recipient, notice.to_content()))
        return messages

    def _url(self, kind: NoticeKind, recipient: str, sign_off: ServiceSignOff, found: Round) -> str:
        if kind is NoticeKind.SENT_BACK:
            return self._forms.url(owner=recipient, period=str(sign_off.period),
                                   expires=found.deadline + LINK_LIFETIME_AFTER_DEADLINE)  # fmt: skip
        expires = self._store.clock.now() + LINK_LIFETIME
        return self._links.url(person=recipient, period=sign_off.period, service=sign_off.service, expires=expires)

    def _lines(self, sign_off: ServiceSignOff) -> tuple[MeasureLine, ...]:
        """The service's measures with this quarter's figure and its rating."""
        measures = self._measures(sign_off)
        current = self._store.returns.for_period(sign_off.period)
        lines = []
        for measure, line in zip(measures, measure_lines(self._store, measures, sign_off.period), strict=True):
            stored = current.get(measure.measure_id)
            if stored is None:
                lines.append(line)
                continue
            rag = rate_in_context(self._store, self._config.rag, measure, sign_off.period, stored.value,
                                  confirmed=stored.confirmed)  # fmt: skip
            lines.append(replace(line, value=stored.value, rag=rag.rag.value, status="returned"))
        return tuple(lines)


class SignOffSchedule:
    """The tick's part in sign-off: catch up any request an observer missed (a bulk import),
    then the reminders and escalations that have come due."""

    def __init__(self, sign_off: SignOff, requests: SignOffRequests, config: Config,
                 calendar: WorkingCalendar) -> None:  # fmt: skip
        self._sign_off = sign_off
        self._requests = requests
        self._config = config
        self._calendar = calendar

    def due(self, store: Store, rounds: dict[Period, Round], now: datetime) -> list[OutboxMessage]:
        """Messages due by `now` for the open rounds (the outbox drops those already recorded)."""
        if not self._sign_off.enabled:
            return []
        due: list[OutboxMessage] = []
        for period, found in sorted(rounds.items()):
            if found.state is not RoundState.OPEN:
                continue
            for row in self._sign_off.progress(period):
                if row.need is not Need.NOTHING:  # a bulk import, or an observer that failed
                    self._sign_off.ask_if_due(period, row.service)
            recorded = frozenset(m.key for m in store.outbox.for_period(period))
            for kept in store.sign_offs.for_period(period):
                if kept.state is SignOffState.AWAITING:
                    due += self._follow_ups(kept, now, recorded)
        return due

    def _follow_ups(self, kept: ServiceSignOff, now: datetime, recorded: frozenset[str]) -> list[OutboxMessage]:
        cycle = self._config.cycle
        asked = kept.requested_at.astimezone(LONDON).date()
        # A step's messages are recorded together (one transaction): one of them means all are.
        steps = {key.rsplit("|", 1)[0] for key in recorded}
        found: list[OutboxMessage] = []
        for kind, days, make in ((NoticeKind.SIGN_OFF_REMINDER, cycle.sign_off_remind_after, self._requests.reminded),
                                 (NoticeKind.SIGN_OFF_ESCALATION, cycle.sign_off_escalate_after, self._requests.escalated)):  # fmt: skip
            step = action_key(kept.period, kind, "", request_step(kept)).rsplit("|", 1)[0]
            if step not in steps and now >= self._after(asked, days):
                found += make(kept, recorded=recorded)
        return found

    def _after(self, asked, days: int) -> datetime:  # noqa: ANN001 - a date
        return at(self._calendar.add_working_days(asked, days), self._config.cycle.send_time)


__all__ = ["SignOffRequests", "SignOffSchedule", "request_step"]
