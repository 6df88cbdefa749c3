"""Round status: where a round stands, for the officers and for each person, on every channel.

**The answer.** For a round, the officers see each owner's progress (measures, returned on time
or late, requested, reminded, escalated, chased, who deputises), each service's completion, and
the messages no channel delivered. A person asking on Slack or Teams (their status command, the
Slack Home tab) sees their own returns in the round — the measures `Duties` says are theirs, each
in or outstanding — and, when they are a performance officer, every service's completion too.

The rows are counted by the `StatusReports` port (`schedules.status`, which reads the outbox)
and typed in `round_rows.py`; this module is the one entry point the channels and the CLI call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from perfbot.config import Config
from perfbot.model import Measure, Return, Round
from perfbot.periods import Period
from perfbot.services.duties import Duties, Owed
from perfbot.services.ports import StatusReports
from perfbot.services.round_rows import OwnerProgress, ServiceCompletion, Undelivered
from perfbot.services.sign_off import SignOff
from perfbot.sign_off import SignOffState
from perfbot.store.interfaces import Store


@dataclass(frozen=True, slots=True)
class RoundStatus:
    """A round as the officers see it."""

    period: Period
    round: Round | None  # None: never opened
    owners: tuple[OwnerProgress, ...]
    services: tuple[ServiceCompletion, ...]
    undelivered: tuple[Undelivered, ...]

    @property
    def state(self) -> str:
        return self.round.state.value if self.round else "not opened"

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.services)

    @property
    def returned(self) -> int:
        return sum(s.returned for s in self.services)

    @property
    def outstanding(self) -> tuple[OwnerProgress, ...]:
        """Owners with returns still to come."""
        return tuple(o for o in self.owners if o.returned < o.measures)

    def to_json(self) -> dict[str, Any]:
        return {"period": str(self.period), "state": self.state, "owners": [o.row() for o in self.owners],
                "services": [s.row() for s in self.services],
                "undelivered": [u.row() for u in self.undelivered]}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SignOffStanding:
    """One service a person approves (its head, or their deputy): where its sign-off stands."""

    service: str
    state: str  # returns outstanding, awaiting approval, approved or sent back
    reason: str = ""  # why, when sent back
    to_decide: bool = False  # awaiting this person's decision now
    link: str = ""  # the signed sign-off page, when to_decide


@dataclass(frozen=True, slots=True)
class PersonStatus:
    """A round as one person sees it: their own returns; every service's, for an officer."""

    round: Round
    owed: Owed
    returned: Mapping[str, Return]  # their measures' current returns, by measure id
    services: tuple[ServiceCompletion, ...]  # empty unless they are a performance officer
    sign_offs: tuple[SignOffStanding, ...] = ()  # with sign-off on: the services they approve

    @property
    def measures(self) -> list[Measure]:
        return self.owed.measures

    @property
    def count_returned(self) -> int:
        return len(self.returned)


class RoundStatusService:
    """Answers "where does this round stand?" for the officers' views and for each person."""

    def __init__(self, store: Store, config: Config, duties: Duties, reports: StatusReports,
                 sign_off: SignOff | None = None) -> None:  # fmt: skip
        self._store = store
        self._config = config
        self._duties = duties
        self._reports = reports
        self._sign_off = sign_off

    def of(self, period: Period) -> RoundStatus:
        """Every owner, every service and every undelivered message of the round."""
        return RoundStatus(period, self._store.rounds.get(period), tuple(self._reports.owners(period)),
                           self.services(period), tuple(self._reports.undelivered(period)))  # fmt: skip

    def services(self, period: Period) -> tuple[ServiceCompletion, ...]:
        """Completion per service (the console's list of rounds, officers' summaries); with
        sign-off on, each service's sign-off state too."""
        found = tuple(self._reports.services(period))
        if self._sign_off is None or not self._sign_off.enabled:
            return found
        states = {p.service: str(p.state) for p in self._sign_off.progress(period)}
        return tuple(replace(s, sign_off=states.get(s.service, "")) for s in found)

    def for_person(self, person: str, period: Period | None = None) -> PersonStatus | None:
        """The person's view of `period`'s round (default: their current round); None when
        there is no such round."""
        found = self._store.rounds.get(period) if period is not None else self._duties.current_round(person)
        if found is None:
            return None
        owed = self._duties.owed(person, found.period)
        returned = self._store.returns.of_measures(found.period, [m.measure_id for m in owed.measures])
        services = self.services(found.period) if self.is_officer(person) else ()
        return PersonStatus(found, owed, returned, services, self.sign_offs_for(person, found.period))

    def sign_offs_for(self, person: str, period: Period) -> tuple[SignOffStanding, ...]:
        """The sign-off of each service `person` approves (as head or deputy); none when
        sign-off is off."""
        sign_off = self._sign_off
        if sign_off is None or not sign_off.enabled or not person:
            return ()
        found = []
        for row in sign_off.progress(period):
            if not sign_off.is_approver(person, period, row.service):
                continue
            kept, last = row.sign_off, row.sign_off.last_decision if row.sign_off else None
            reason = last.reason if row.state == SignOffState.SENT_BACK.value and last else ""
            to_decide = (row.state == SignOffState.AWAITING.value and kept is not None
                         and kept.state is SignOffState.AWAITING)  # fmt: skip
            link = sign_off.link_for(person, period, row.service) if to_decide else ""
            found.append(SignOffStanding(row.service, row.state, reason, to_decide, link))
        return tuple(found)

    def is_officer(self, person: str | None) -> bool:
        """Whether the person is one of the config's performance officers."""
        officers = {o.lower() for o in self._config.performance_officers}
        return bool(person) and person.strip().lower() in officers  # type: ignore[union-attr]
