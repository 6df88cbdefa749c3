"""What a person has to return in a round and what they have returned (domain data, no Slack)."""

from __future__ import annotations

from dataclasses import dataclass

from perfbot.config import Config
from perfbot.formatting import format_value
from perfbot.model import Measure, Round, RoundState
from perfbot.notices import MeasureLine
from perfbot.periods import Period
from perfbot.rating import rate_in_context
from perfbot.store import Store
from schedules.notices import measure_lines


@dataclass(frozen=True, slots=True)
class Recorded:
    """A stored return as a person sees it."""

    value: str  # formatted in the measure's unit, e.g. "87.5%"
    rag: str  # green | amber | red | n/a
    revision: int
    commentary: str = ""
    action: str = ""


def open_rounds(store: Store) -> list[Round]:
    """Open rounds, oldest first."""
    return [r for r in store.rounds.all() if r.state is RoundState.OPEN]


def measures_for(store: Store, email: str, period: Period) -> list[Measure]:
    """The measures a person returns in a round: those they own, else those their service owes."""
    email = email.lower()
    due = [m for m in store.register.measures() if m.due_in(period)]
    owned = [m for m in due if m.owner_email.lower() == email]
    return owned or [m for m in due if m.head_of_service_email.lower() == email]


def current_round(store: Store, email: str) -> Round | None:
    """The newest open round in which the person has returns (else the newest open round)."""
    rounds = open_rounds(store)
    mine = [r for r in rounds if measures_for(store, email, r.period)]
    return (mine or rounds or [None])[-1]


def recorded(
    store: Store, config: Config, period: Period, measures: list[Measure]
) -> dict[str, Recorded]:
    """The stored returns of these measures for the period, rated."""
    returns = store.returns.for_period(period)
    found = {}
    for measure in measures:
        current = returns.get(measure.measure_id)
        if current is None:
            continue
        rag = rate_in_context(store, config.rag, measure, period, current.value).rag.value
        found[measure.measure_id] = Recorded(
            format_value(current.value, measure.unit.value), rag, current.revision,
            current.commentary, current.action,
        )  # fmt: skip
    return found


def lines_for(store: Store, period: Period, measures: list[Measure]) -> tuple[MeasureLine, ...]:
    """Each measure with its target and last quarter's value."""
    return measure_lines(store, measures, period)


def by_ids(store: Store, ids: list[str]) -> list[Measure]:
    """Measures by id, in the order given, skipping any no longer in the register."""
    found = [store.register.measure(i) for i in ids]
    return [m for m in found if m is not None]
