"""Why a measure needs CMT's attention: each exception is a plain-English reason."""

from __future__ import annotations

import statistics

from perfbot.model import Measure, Rag, Unit, Value
from perfbot.rating import numeric

SWING_SIGMAS = 3.0
MIN_CHANGES_FOR_SWING = 4


def data_quality_flags(measure: Measure, value: Value, history: list[float]) -> list[str]:
    """Implausible values and swings far outside the measure's own history."""
    number = numeric(value)
    if number is None:
        return []
    flags = []
    if measure.unit is Unit.PERCENT and not 0 <= number <= 100:
        flags.append(f"data quality: {number:g}% is outside 0–100")
    if measure.plausible_min is not None and number < measure.plausible_min:
        flags.append(f"data quality: {number:g} is below the plausible minimum {measure.plausible_min:g}")
    if measure.plausible_max is not None and number > measure.plausible_max:
        flags.append(f"data quality: {number:g} is above the plausible maximum {measure.plausible_max:g}")
    swing = _swing(number, history)
    if swing:
        flags.append(swing)
    return flags


def _swing(number: float, history: list[float]) -> str | None:
    if len(history) < MIN_CHANGES_FOR_SWING + 1:
        return None
    changes = [b - a for a, b in zip(history, history[1:], strict=False)]
    spread = statistics.stdev(changes)
    change = number - history[-1]
    if spread == 0:
        return None if change == 0 else f"data quality: a change of {change:+g} where it never moved"
    if abs(change - statistics.fmean(changes)) > SWING_SIGMAS * spread:
        return (f"data quality: a change of {change:+g} is more than {SWING_SIGMAS:g} standard "
                f"deviations of its usual quarter-on-quarter change")  # fmt: skip
    return None


def reasons(
    *,
    rag: Rag,
    rag_reason: str,
    flags: list[str],
    has_return: bool,
    late: bool,
    commentary: str,
    previous_rag: Rag | None,
) -> list[str]:
    """Every reason a measure is an exception this quarter (empty when it is not one)."""
    found = []
    if not has_return:
        found.append("missing: no return received")
    elif rag is Rag.MISSING and rag_reason not in flags:
        found.append(rag_reason)
    if rag is Rag.RED:
        found.append(f"red: {rag_reason}")
    if has_return and late:
        found.append("late: returned after the deadline")
    if rag in (Rag.AMBER, Rag.RED) and not commentary.strip():
        found.append("off target without commentary")
    if rag is Rag.RED and previous_rag is Rag.GREEN:
        found.append("turned from green to red since last quarter")
    found.extend(flags)
    return found
