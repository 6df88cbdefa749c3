"""What a person owes in a round: the one answer every channel, the web and the CLI give.

**The rule.** A person's returns in a round are the measures due that quarter for which they are

1. the **owner** (`owner_email` in the register);
2. the **deputy** of the owner (`perfbot people set OWNER --deputy EMAIL`): a deputy covers the
   owner's measures at any time, not only while the owner is away — requests go to the deputy
   only during an absence, but a deputy who finds the owner's form may always fill it in;
3. the **head of service** (`head_of_service_email`): a head answers for every measure of their
   service, so they see and may submit each of them, as well as any they own.

A measure someone holds in more than one way is listed once, under the first of those roles.
Performance officers may write any measure (`may_write`) but owe none unless they hold a role.
What a person *owes* is their returns not yet in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from perfbot.config import Config
from perfbot.model import Measure, Round, RoundState
from perfbot.periods import Period
from perfbot.store.interfaces import Store


class DutyRole(StrEnum):
    """Why a measure is a person's to return, strongest first."""

    OWNER = "owner"
    DEPUTY = "deputy"
    HEAD = "head of service"


@dataclass(frozen=True, slots=True)
class Duty:
    measure: Measure
    role: DutyRole
    returned: bool


@dataclass(frozen=True, slots=True)
class Owed:
    """A person's returns in one round: each measure, why it is theirs, and whether it is in."""

    person: str
    period: Period
    duties: tuple[Duty, ...]

    @property
    def measures(self) -> list[Measure]:
        return [d.measure for d in self.duties]

    @property
    def outstanding(self) -> list[Measure]:
        return [d.measure for d in self.duties if not d.returned]

    def __bool__(self) -> bool:
        return bool(self.duties)


class Duties:
    """Answers "what does this person return?" from the register, the people and the rounds."""

    def __init__(self, store: Store, config: Config) -> None:
        self._store = store
        self._config = config

    def role(self, person: str, measure: Measure) -> DutyRole | None:
        """Why `measure` is `person`'s to return, or None (the owner's deputy is read only when
        the person is not the owner: one measure's question needs no other person)."""
        who, owner = person.strip().lower(), measure.owner_email.lower()
        if who == owner:
            return DutyRole.OWNER
        found = self._store.people.get(owner)
        deputy = found.deputy.lower() if found is not None and found.deputy else None
        return _role(who, measure, {owner: deputy} if deputy else {})

    def holds_any(self, person: str) -> bool:
        """Whether the person has any measure to return, in any quarter (the web's owner role)."""
        who, deputies = person.strip().lower(), self._deputies()
        return any(_role(who, m, deputies) for m in self._store.register.measures())

    def may_write(self, person: str, measure_id: str) -> bool:
        """Whether `person` may submit `measure_id`: a role in it, or a performance officer."""
        measure = self._store.register.measure(measure_id)
        if measure is None:
            return False
        officers = {o.lower() for o in self._config.performance_officers}
        return self.role(person, measure) is not None or person.strip().lower() in officers

    def owed(self, person: str, period: Period) -> Owed:
        """The person's returns in `period`, in register order: owned, deputised, headed."""
        who, deputies = person.strip().lower(), self._deputies()
        found = [(m, role) for m in self._store.register.measures()
                 if m.due_in(period) and (role := _role(who, m, deputies)) is not None]  # fmt: skip
        returned = self._store.returns.of_measures(period, [m.measure_id for m, _ in found])
        duties = [Duty(m, role, m.measure_id in returned) for m, role in found]
        return Owed(who, period, tuple(sorted(duties, key=lambda d: list(DutyRole).index(d.role))))

    def open_rounds(self) -> list[Round]:
        """Open rounds, oldest first."""
        return [r for r in self._store.rounds.all() if r.state is RoundState.OPEN]

    def owed_in_open_rounds(self, person: str) -> list[tuple[Round, Owed]]:
        """Each open round where the person has returns, newest first."""
        found = [(r, self.owed(person, r.period)) for r in reversed(self.open_rounds())]
        return [(r, owed) for r, owed in found if owed]

    def current_round(self, person: str) -> Round | None:
        """The newest open round in which the person has returns (else the newest open round)."""
        rounds = self.open_rounds()
        mine = [r for r in rounds if self.owed(person, r.period)]
        return (mine or rounds or [None])[-1]

    def _deputies(self) -> dict[str, str]:
        """Owner → deputy, for every owner who named one."""
        return {email.lower(): p.deputy.lower() for email, p in self._store.people.all().items() if p.deputy}


def _role(person: str, measure: Measure, deputies: dict[str, str]) -> DutyRole | None:
    owner = measure.owner_email.lower()
    if person == owner:
        return DutyRole.OWNER
    if deputies.get(owner) == person:
        return DutyRole.DEPUTY
    if person == measure.head_of_service_email.lower():
        return DutyRole.HEAD
    return None


def by_ids(store: Store, ids: Iterable[str]) -> list[Measure]:
    """Measures by id, in the order given, skipping any no longer in the register."""
    found = [store.register.measure(i) for i in ids]
    return [m for m in found if m is not None]
