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
MISSING_ZERO = "probable missing data: 0 is far outside this measure's history"
CONFIRMED_ZERO = "data quality: a 0 that looks like missing data, confirmed by the submitter"


@dataclass(frozen=True, slots=True)
class RagPolicy:
    """The council default: which rule, how wide the bands are."""

    rule: RagRule = RagRule.BAND
    tolerance: Tolerance = field(default_factory=lambda: Tolerance("percent", 5.0))
    green_within: Tolerance = field(default_factory=lambda: Tolerance("absolute", 0.0))
    zero_outlier_sigmas: float = 3.0
    zero_outlier_min_history: int = 3
    zero_far_share_of_target: float = 0.5  # with little history, "far from 0" is this share …
    zero_far_without_target: float = 1.0  # … of the target, or this when there is no target


@dataclass(frozen=True, slots=True)
class ZeroReferences:
    """What a 0 is compared with: last quarter, the same quarter last year, the history."""

    previous: float | None = None
    last_year: float | None = None
    history: tuple[float, ...] = ()  # the measure's earlier values, oldest first


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


def probable_missing_zero(
    value: float, references: ZeroReferences, policy: RagPolicy, *, target: float | None = None
) -> bool:
    """True when a 0 is likely "not in yet": the measure has never been 0 and either last quarter
    or the same quarter last year was far from 0 (even one earlier quarter is enough), or the
    0 sits far outside a longer history."""
    if value != 0:
        return False
    known = [*references.history, *(v for v in (references.previous, references.last_year) if v is not None)]
    if not known or any(abs(h) <= _EPSILON for h in known):
        return False
    near = [v for v in (references.previous, references.last_year) if v is not None]
    far = (policy.zero_far_share_of_target * abs(target) if target else policy.zero_far_without_target)
    if near and all(abs(v) >= max(far, _EPSILON) for v in near):
        return True
    history = references.history
    if len(history) < policy.zero_outlier_min_history:
        return False
    return abs(statistics.fmean(history)) > policy.zero_outlier_sigmas * statistics.pstdev(history)


def rate(
    measure: Measure,
    value: Value,
    *,
    target: float | None,
    policy: RagPolicy,
    last_year: float | None = None,
    history: Sequence[float] = (),
    references: ZeroReferences | None = None,
    confirmed: bool = False,
) -> RagResult:
    """The RAG status of one return. `history` is the measure's earlier values, oldest first
    (or give `references`, which also name last quarter). A 0 that looks like missing data is
    not rated; once `confirmed` it is kept with a data-quality flag, still not rated."""
    if value is None:
        return RagResult(Rag.MISSING, "no return")
    rule = measure.rag_rule or policy.rule
    if rule is RagRule.DATA_ONLY:
        return RagResult(Rag.NA, "data only: not rated")
    if isinstance(value, str):
        return RagResult(Rag.NA, "text measure: not rated")
    if references is None:
        references = ZeroReferences(history[-1] if history else None, last_year, tuple(history))
    if probable_missing_zero(value, references, policy, target=target):
        if not confirmed:
            return RagResult(Rag.MISSING, MISSING_ZERO, (MISSING_ZERO,))
        return RagResult(Rag.MISSING, CONFIRMED_ZERO, (CONFIRMED_ZERO,))  # flagged, still not rated
    return _rate_value(measure, value, target=target, policy=policy, last_year=last_year, rule=rule)


def _rate_value(
    measure: Measure, value: float, *, target: float | None, policy: RagPolicy,
    last_year: float | None, rule: RagRule,
) -> RagResult:  # fmt: skip
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
