"""What a person has returned, as Slack shows it (domain data, no Slack).

What they have to return is `perfbot.services.duties` (`Services.duties`), as on every channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfbot.config import Config
from perfbot.formatting import format_value
from perfbot.model import Measure
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


def recorded(
    store: Store, config: Config, period: Period, measures: list[Measure]
) -> dict[str, Recorded]:
    """The stored returns of these measures for the period, rated."""
    returns = store.returns.of_measures(period, [m.measure_id for m in measures])
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
