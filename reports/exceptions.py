"""Why a measure needs CMT's attention: each exception is a plain-English reason."""

from __future__ import annotations

import math
import statistics

from perfbot.model import Measure, Rag, Unit, Value
from perfbot.plausible import plausible_range
from perfbot.rating import numeric

SWING_SIGMAS = 3.0
MIN_CHANGES_FOR_SWING = 4


def data_quality_flags(
    measure: Measure,
    value: Value,
    history: list[float],
    *,
    numerator: float | None = None,
    denominator: float | None = None,
) -> list[str]:
    """Implausible values, swings far outside the measure's own history, and a value that does
    not agree with the numerator and denominator given with it."""
    number = numeric(value)
    if number is None:
        return []
    flags = []
    workings = ratio_mismatch(measure, number, numerator, denominator)
    if workings:
        flags.append(workings)
    low, high = plausible_range(measure)
    if measure.unit is Unit.PERCENT and (low, high) == (0, 100) and not low <= number <= high:
        flags.append(f"data quality: {number:g}% is outside 0–100")
    elif low is not None and number < low:
        flags.append(f"data quality: {number:g} is below the plausible minimum {low:g}")
    elif high is not None and number > high:
        flags.append(f"data quality: {number:g} is above the plausible maximum {high:g}")
    swing = _swing(number, history)
    if swing:
        flags.append(swing)
    return flags


def _decimals(number: float) -> int:
    """Decimal places the figure was given to (87.5 → 1, 88.0 → 0), at most 6."""
    text = f"{number:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def ratio_mismatch(
    measure: Measure, number: float, numerator: float | None, denominator: float | None
) -> str | None:
    """Whether the value disagrees with its workings beyond rounding.

    A percentage should be 100 × numerator ÷ denominator; any other unit numerator ÷ denominator
    (a rate, such as days lost per FTE). The value agrees when the ratio, rounded to as many
    decimal places as the value was given to, is the value (87.5 agrees with 87.46 and 87.54).
    """
    if numerator is None and denominator is None:
        return None
    if numerator is None or denominator is None:
        missing = "denominator" if denominator is None else "numerator"
        return f"data quality: the {missing} is missing (give both workings or neither)"
    if denominator == 0:
        return "data quality: the denominator is 0"
    ratio = numerator / denominator * (100 if measure.unit is Unit.PERCENT else 1)
    allowance = 0.5 * 10 ** -_decimals(number) + 1e-9
    if abs(number - ratio) <= allowance:
        return None
    workings = f"{numerator:g} ÷ {denominator:g}" + (" × 100" if measure.unit is Unit.PERCENT else "")
    return f"data quality: {number:g} does not match its workings ({workings} = {ratio:.4g})"


def _swing(number: float, history: list[float]) -> str | None:
    if len(history) < MIN_CHANGES_FOR_SWING + 1:
        return None
    changes = [b - a for a, b in zip(history, history[1:], strict=False)]
    mean = statistics.fmean(changes)
    # Sample standard deviation in floating point (statistics.stdev is exact, and slow at scale).
    spread = math.sqrt(sum((c - mean) ** 2 for c in changes) / (len(changes) - 1))
    change = number - history[-1]
    if spread <= 1e-12 * max(1.0, abs(mean)):  # it always changed by the same amount
        if abs(change - mean) <= 1e-9 * max(1.0, abs(mean)):
            return None
        usual = "it never moved" if abs(mean) <= 1e-12 else f"it always changed by {mean:+g}"
        return f"data quality: a change of {change:+g} where {usual}"
    if abs(change - mean) > SWING_SIGMAS * spread:
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
