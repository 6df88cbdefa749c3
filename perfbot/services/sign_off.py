"""Sign-off, the use case: ask each service's head to approve its figures once they are all in,
and take their decision (approve, send back with a reason, or an officer's on their behalf).

The rules are `perfbot.sign_off`; this is the one place that applies them. Every channel (Slack,
Teams, the web page and its e-mail link) and the CLI call `decide`. What is sent to people is
recorded through the `SignOffNotices` port (`schedules.sign_off_notices`), in the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from perfbot.config import Config
from perfbot.model import Measure, RoundState
from perfbot.periods import Period
from perfbot.services.ports import SignOffNotices
from perfbot.sign_off import (
    Need,
    ServiceSignOff,
    SignOffError,
    SignOffState,
    decision_for,
    need_after_save,
)
from perfbot.sign_off_links import SignOffLink, SignOffLinks
from perfbot.store import SaveStatus
from perfbot.store.interfaces import Store
from perfbot.submission import Saved

log = logging.getLogger("perfbot.sign_off")
LINK_LIFETIME = timedelta(days=90)
RETURNS_OUTSTANDING = "returns outstanding"
Deliver = Callable[[Period, Sequence[str]], object]


@dataclass(frozen=True, slots=True)
class ServiceProgress:
    """Where one service stands in a round: its returns, and its sign-off."""

    service: str
    expected: int
    returned: int
    state: str  # RETURNS_OUTSTANDING, or a SignOffState's value
    sign_off: ServiceSignOff | None = None
    need: Need = Need.NOTHING  # whether to ask (again): an observer may have missed a return

    @property
    def provisional(self) -> bool:
        return self.state != SignOffState.APPROVED.value


class SignOff:
    """Sign-off for one data directory (does nothing unless `[cycle] sign_off = true`)."""

    def __init__(self, store: Store, config: Config, *, links: SignOffLinks,
                 notices: SignOffNotices, deliver: Deliver | None = None) -> None:  # fmt: skip
        self._store = store
        self._config = config
        self.links = links
        self._notices = notices
        self._deliver = deliver

    @property
    def enabled(self) -> bool:
        return self._config.cycle.sign_off

    # -- what each service owes, and where it stands ------------------------------------------

    def services(self, period: Period) -> dict[str, set[str]]:
        """Each service's measures due in the round."""
        found: dict[str, set[str]] = {}
        for measure in self._store.register.measures():
            if measure.due_in(period):
                found.setdefault(measure.service, set()).add(measure.measure_id)
        return found

    def measures(self, period: Period, service: str) -> list[Measure]:
        """The service's measures due in the round, in register order."""
        return [m for m in self._store.register.measures() if m.service == service and m.due_in(period)]

    def revisions(self, period: Period, service: str) -> dict[str, int]:
        """The service's current returns' revisions by measure."""
        due = self.services(period).get(service, set())
        return {mid: r.revision for mid, r in self._store.returns.for_period(period).items() if mid in due}

    def approvers(self, period: Period, service: str) -> tuple[str, ...]:
        """The service's heads, then their deputies (lower-cased, each once)."""
        heads = [m.head_of_service_email.lower() for m in self._store.register.measures()
                 if m.service == service and m.due_in(period) and m.head_of_service_email]  # fmt: skip
        people = self._store.people.all()
        deputies = [people[h].deputy for h in heads if h in people and people[h].deputy]
        return tuple(dict.fromkeys([*heads, *(d.lower() for d in deputies if d)]))

    def progress(self, period: Period) -> list[ServiceProgress]:
        """Every service of the round: returns expected and in, and its sign-off state."""
        return progress(self._store, period)

    def provisional(self, period: Period) -> frozenset[str]:
        """Services whose figures are not approved as they stand (none when sign-off is off)."""
        return provisional_services(self._store, self._config, period)

    def is_officer(self, person: str) -> bool:
        return person.strip().lower() in {o.lower() for o in self._config.performance_officers}

    def is_approver(self, person: str, period: Period, service: str) -> bool:
        """One of the approvers the request went to (or would go to): a head or their deputy."""
        kept = self._store.sign_offs.get(period, service)
        return person.strip().lower() in (kept.approvers if kept else self.approvers(period, service))

    def may_decide(self, person: str, period: Period, service: str) -> bool:
        """An approver, or a performance officer (on the head's behalf)."""
        return self.is_officer(person) or self.is_approver(person, period, service)

    def read_link(self, token: str) -> SignOffLink:
        """Whom a sign-off link is for (LinkError if forged or expired)."""
        return self.links.read(token, now=self._store.clock.now())

    def link_for(self, person: str, period: Period, service: str) -> str:
        expires = self._store.clock.now() + LINK_LIFETIME
        return self.links.url(person=person, period=period, service=service, expires=expires)

    # -- asking ---------------------------------------------------------------------------------

    def on_saved(self, saved: Saved) -> None:
        """The collector's observer: ask for approval once a service's returns are all in, and
        again when a revision lapses an approval (inside the return's commit)."""
        if not self.enabled or saved.outcome.status is SaveStatus.UNCHANGED:
            return
        if saved.round is None or saved.round.state is RoundState.CLOSED:
            return
        self.ask_if_due(saved.outcome.current.period, saved.measure.service)

    def ask_if_due(self, period: Period, service: str, *, actor: str = "perfbot") -> ServiceSignOff | None:
        """Ask (or refresh the request) when the service's returns say so; the sign-off kept."""
        due = self.services(period).get(service, set())
        revisions = self.revisions(period, service)
        found = self._store.sign_offs.get(period, service)
        need = need_after_save(found, revisions, due)
        now = self._store.clock.now()
        if need is Need.NOTHING:
            return found
        if need is Need.REFRESH and found is not None:
            return self._store.sign_offs.put(replace(found, covers=revisions), actor=actor,
                                             what="sign_off.refreshed")  # fmt: skip
        approvers = self.approvers(period, service)
        asked = (found.asked_again(revisions, at=now) if found is not None else
                 ServiceSignOff(period, service, approvers, revisions, SignOffState.AWAITING, now))  # fmt: skip
        asked = self._store.sign_offs.put(replace(asked, approvers=approvers), actor=actor, what="sign_off.requested")
        self._notices.requested(asked)
        return asked

    # -- deciding -------------------------------------------------------------------------------

    def decide(
        self, period: Period, service: str, *, by: str, approve: bool, reason: str = "",
        officer: bool | None = None,
    ) -> ServiceSignOff:  # fmt: skip
        """Approve or send back a service's figures; SignOffError says what to put right.

        `officer`: whether `by` may decide on the head's behalf (default: `by` is one of the
        council's performance officers). Sent back, the owners are told why at once.
        """
        if not self.enabled:
            raise SignOffError("sign-off is not switched on ([cycle] sign_off = true in perfbot.toml)")
        found = self._store.sign_offs.get(period, service)
        if found is None:
            known = self.services(period)
            if service not in known:
                raise SignOffError(f"there is no service {service!r} in {period} "
                                   f"(services: {', '.join(sorted(known)) or 'none'})")  # fmt: skip
            raise SignOffError(f"the {period} figures for {service} are not all in yet: nothing to sign off")
        if found.state is SignOffState.AWAITING and not found.covers_now(self.revisions(period, service)):
            raise SignOffError(f"the figures for {service} changed a moment ago: look at them again")
        decision = decision_for(found, by=by, approve=approve, reason=reason, at=self._store.clock.now(),
                                officer=self.is_officer(by) if officer is None else officer)  # fmt: skip
        decided = self._store.sign_offs.put(found.decided(decision), actor=decision.by,
                                            what=f"sign_off.{'approved' if approve else 'sent_back'}")  # fmt: skip
        if not approve:
            keys = self._notices.sent_back(decided)
            if self._deliver is not None and keys:
                self._deliver(period, keys)
        return decided


def progress(store: Store, period: Period) -> list[ServiceProgress]:
    """Every service of the round: returns expected and in, and its sign-off state."""
    current = store.returns.for_period(period)
    kept = {s.service: s for s in store.sign_offs.for_period(period)}
    due_by_service: dict[str, set[str]] = {}
    for measure in store.register.measures():
        if measure.due_in(period):
            due_by_service.setdefault(measure.service, set()).add(measure.measure_id)
    rows = []
    for service, due in sorted(due_by_service.items()):
        found = kept.get(service)
        revisions = {mid: current[mid].revision for mid in due if mid in current}
        rows.append(ServiceProgress(service, len(due), len(revisions), _state(found, revisions, due), found,
                                    need_after_save(found, revisions, due)))  # fmt: skip
    return rows


def provisional_services(store: Store, config: Config, period: Period) -> frozenset[str]:
    """Services whose figures for `period` are provisional: not approved as they stand (none
    when `[cycle] sign_off` is off)."""
    if not config.cycle.sign_off:
        return frozenset()
    return frozenset(p.service for p in progress(store, period) if p.provisional)


def _state(found: ServiceSignOff | None, revisions: dict[str, int], due: set[str]) -> str:
    if found is not None and found.state is SignOffState.SENT_BACK:
        return found.state.value
    if not due <= set(revisions):
        return RETURNS_OUTSTANDING
    if found is None:
        return SignOffState.AWAITING.value
    if found.state is SignOffState.APPROVED and not found.covers_now(revisions):
        return SignOffState.AWAITING.value  # revised since: the approval lapsed
    return found.state.value
