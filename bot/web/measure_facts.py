"""What the returns form shows about a measure: its definition, target and recent values."""

from __future__ import annotations

from dataclasses import dataclass

from perfbot.formatting import format_value
from perfbot.model import Measure, Polarity, Unit
from perfbot.periods import Period
from perfbot.rag import RagPolicy
from perfbot.rating import period_target, rate_in_context
from perfbot.store import Store

POLARITY_WORDS = {Polarity.HIGHER: "Higher is better", Polarity.LOWER: "Lower is better",
                  Polarity.NONE: "Neither higher nor lower is better"}  # fmt: skip
UNIT_HINTS = {
    Unit.PERCENT: "A percentage from 0 to 100, for example 87.5", Unit.NUMBER: "A number, for example 1250",
    Unit.CURRENCY: "An amount in pounds, for example 12500", Unit.DAYS: "A number of days, for example 12.5",
    Unit.TEXT: "Up to 500 characters",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Facts:
    measure: Measure
    target: str  # formatted, or "No target"
    polarity: str
    unit_hint: str
    last_four: list[tuple[str, str]]  # (quarter, formatted value), oldest first


def facts(store: Store, measure: Measure, period: Period) -> Facts:
    target = period_target(measure, period, lambda p: store.register.target_override(measure.measure_id, p))
    unit = measure.unit.value
    last_four = []
    for earlier in period.back(5)[:-1]:
        found = store.returns.get(measure.measure_id, earlier)
        last_four.append((str(earlier), format_value(found.value, unit) if found else "No return"))
    return Facts(
        measure=measure,
        target=format_value(target, unit) if target is not None else "No target",
        polarity=POLARITY_WORDS[measure.polarity],
        unit_hint=UNIT_HINTS[measure.unit],
        last_four=last_four,
    )


def stored_rag(store: Store, policy: RagPolicy, measure: Measure, period: Period) -> str | None:
    """The RAG of the return already stored for this quarter (None if there is none)."""
    found = store.returns.get(measure.measure_id, period)
    if found is None:
        return None
    return rate_in_context(store, policy, measure, period, found.value).rag.value
