"""RAG status and direction of travel, by the council's configured rule.

RAG rules differ between councils, so the rule is data (`RagPolicy`, with per-measure overrides
on the `Measure`), not code paths chosen by callers.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from perfbot.model import Direction, Measure, Polarity, Rag, RagRule, Value
from perfbot.values import Tolerance

_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class RagPolicy:
    """The council default: which rule, how wide the bands are."""

    rule: RagRule = RagRule.BAND
    tolerance: Tolerance = field(default_factory=lambda: Tolerance("percent", 5.0))
    green_within: Tolerance = field(default_factory=lambda: Tolerance("absolute", 0.0))
    zero_outlier_sigmas: float = 3.0
    zero_outlier_min_history: int = 3


@dataclass(frozen=True, slots=True)
class RagResult:
    rag: Rag
    reason: str
    flags: tuple[str, ...] = ()


def _shortfall(measure: Measure, value: float, target: float) -> float:
    """How far `value` falls short of `target` in the bad direction (<= 0 means on target)."""
    gap = target - value
    return gap if measure.polarity is Polarity.HIGHER else -gap


def _band(measure: Measure, value: float, target: float, policy: RagPolicy) -> RagResult:
    shortfall = _shortfall(measure, value, target)
    if shortfall <= _EPSILON:
        return RagResult(Rag.GREEN, "on or better than target")
    if shortfall <= policy.green_within.allowance(target) + _EPSILON:
        return RagResult(Rag.GREEN, f"within {policy.green_within} of target")
    tolerance = measure.tolerance or policy.tolerance
    if shortfall <= tolerance.allowance(target) + _EPSILON:
        return RagResult(Rag.AMBER, f"off target, within tolerance of {tolerance}")
    return RagResult(Rag.RED, f"off target by more than the tolerance of {tolerance}")


def _improved(
    measure: Measure, value: float, target: float, policy: RagPolicy, last_year: float | None
) -> RagResult:
    if _shortfall(measure, value, target) <= _EPSILON:
        return RagResult(Rag.GREEN, "on or better than target")
    tolerance = measure.tolerance or policy.tolerance
    within = _shortfall(measure, value, target) <= tolerance.allowance(target) + _EPSILON
    if last_year is None:
        return RagResult(Rag.RED, "off target, no figure for the same quarter last year")
    if within and direction(measure, value, last_year) is Direction.IMPROVING:
        return RagResult(Rag.AMBER, f"off target (within {tolerance}) but better than last year")
    if not within:
        return RagResult(Rag.RED, f"off target by more than the tolerance of {tolerance}")
    return RagResult(Rag.RED, "off target and no better than the same quarter last year")


def _range(measure: Measure) -> tuple[float, float] | None:
    if measure.target_low is None or measure.target_high is None:
        return None
    return min(measure.target_low, measure.target_high), max(measure.target_low, measure.target_high)


def _ranged(measure: Measure, value: float) -> RagResult:
    bounds = _range(measure)
    if bounds is None:
        return RagResult(Rag.NA, "range rule without low and high targets")
    low, high = bounds
    good, bad = (high, low) if measure.polarity is Polarity.HIGHER else (low, high)
    if _shortfall(measure, value, good) <= _EPSILON:
        return RagResult(Rag.GREEN, f"beyond the stretch target of {good:g}")
    if _shortfall(measure, value, bad) <= _EPSILON:
        return RagResult(Rag.AMBER, f"between the targets of {low:g} and {high:g}")
    return RagResult(Rag.RED, f"short of the minimum target of {bad:g}")


def probable_missing_zero(value: float, history: Sequence[float], policy: RagPolicy) -> bool:
    """True when a 0 sits far outside the measure's own (non-zero) history: likely 'not in yet'."""
    if value != 0 or len(history) < policy.zero_outlier_min_history:
        return False
    if any(abs(h) <= _EPSILON for h in history):
        return False
    mean = statistics.fmean(history)
    spread = statistics.pstdev(history)
    return abs(mean) > policy.zero_outlier_sigmas * spread


def rate(
    measure: Measure,
    value: Value,
    *,
    target: float | None,
    policy: RagPolicy,
    last_year: float | None = None,
    history: Sequence[float] = (),
) -> RagResult:
    """The RAG status of one return. `history` is the measure's earlier values, oldest first."""
    if value is None:
        return RagResult(Rag.MISSING, "no return")
    rule = measure.rag_rule or policy.rule
    if rule is RagRule.DATA_ONLY:
        return RagResult(Rag.NA, "data only: not rated")
    if isinstance(value, str):
        return RagResult(Rag.NA, "text measure: not rated")
    if probable_missing_zero(value, history, policy):
        flag = "probable missing data: 0 is far outside this measure's history"
        return RagResult(Rag.MISSING, flag, (flag,))
    if measure.polarity is Polarity.NONE:
        return RagResult(Rag.NA, "no polarity: not rated")
    if rule is RagRule.RANGE:
        return _ranged(measure, value)
    if target is None:
        return RagResult(Rag.NA, "no target")
    if rule is RagRule.IMPROVED:
        return _improved(measure, value, target, policy, last_year)
    return _band(measure, value, target, policy)


def direction(measure: Measure, value: Value, earlier: Value) -> Direction:
    """Direction of travel from `earlier` to `value`, aware of the measure's polarity."""
    if not isinstance(value, int | float) or not isinstance(earlier, int | float):
        return Direction.NA
    if measure.polarity is Polarity.NONE:
        return Direction.NA
    change = value - earlier
    if abs(change) <= _EPSILON * max(1.0, abs(earlier)):
        return Direction.SAME
    better = change > 0 if measure.polarity is Polarity.HIGHER else change < 0
    return Direction.IMPROVING if better else Direction.WORSENING
