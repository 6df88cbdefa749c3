"""Rating terms in force: each quarter is rated against the target, tolerance, rule and range
that applied to it, not against whatever the register says today.

A measure's terms form a timeline: the first entry has no start (it reaches back to the
measure's first quarter) and every change starts at a quarter. The `targets` sheet's per-period
targets still win for their own quarters (see `perfbot.rating.period_target`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Self

from perfbot.model import Measure, RagRule
from perfbot.periods import Period
from perfbot.values import Tolerance

TERM_FIELDS = ("target", "tolerance", "rag_rule", "target_low", "target_high")


@dataclass(frozen=True, slots=True)
class Terms:
    """What a quarter is rated against."""

    target: float | None = None
    tolerance: Tolerance | None = None
    rag_rule: RagRule | None = None
    target_low: float | None = None
    target_high: float | None = None

    @classmethod
    def of(cls, measure: Measure) -> Self:
        return cls(*(getattr(measure, name) for name in TERM_FIELDS))

    def applied_to(self, measure: Measure) -> Measure:
        """`measure` as it stood under these terms."""
        return replace(measure, **{name: getattr(self, name) for name in TERM_FIELDS})

    def to_doc(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "tolerance": str(self.tolerance) if self.tolerance is not None else None,
            "rag_rule": self.rag_rule.value if self.rag_rule else None,
            "target_low": self.target_low,
            "target_high": self.target_high,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        tolerance, rule = doc.get("tolerance"), doc.get("rag_rule")
        return cls(
            target=doc.get("target"),
            tolerance=Tolerance.parse(tolerance) if tolerance not in (None, "") else None,
            rag_rule=RagRule(rule) if rule else None,
            target_low=doc.get("target_low"),
            target_high=doc.get("target_high"),
        )

    def changes_from(self, earlier: Terms) -> list[str]:
        """What moved, in words: ["target 80 → 85", "tolerance 5% → 3%"]."""
        moved = []
        for name in TERM_FIELDS:
            before, after = getattr(earlier, name), getattr(self, name)
            if before != after:
                moved.append(f"{name.replace('_', ' ')} {_shown(before)} → {_shown(after)}")
        return moved


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value))


@dataclass(frozen=True, slots=True)
class TermsEntry:
    """Terms in force from `start` (None: from the beginning) until the next entry."""

    start: Period | None
    terms: Terms
    at: str = ""  # when it was recorded (ISO 8601)
    by: str = ""


@dataclass(frozen=True)
class Timeline:
    """One measure's terms over time, oldest first."""

    entries: tuple[TermsEntry, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [e.start for e in self.entries[1:]])

    def in_force(self, period: Period) -> Terms:
        """The terms for `period` (before the first change, the first terms)."""
        return self.entries[self.index_in_force(period)].terms

    def index_in_force(self, period: Period) -> int:
        """Which entry is in force for `period`."""
        return bisect_right(self._starts, period)  # type: ignore[attr-defined]

    @property
    def latest(self) -> TermsEntry:
        return self.entries[-1]


class TermsBook:
    """Every measure's timeline; a measure with none recorded keeps its register terms."""

    def __init__(self, timelines: dict[str, Timeline]) -> None:
        self._timelines = timelines

    def measure_for(self, measure: Measure, period: Period) -> Measure:
        """`measure` with the terms in force for `period`."""
        timeline = self._timelines.get(measure.measure_id)
        if timeline is None:
            return measure
        terms = timeline.in_force(period)
        return measure if terms == Terms.of(measure) else terms.applied_to(measure)

    def in_force_for(self, measure: Measure) -> Callable[[Period], Measure]:
        """`measure_for(measure, period)` for many quarters of one measure (a report's): each
        entry's measure is made once, not once a quarter."""
        timeline = self._timelines.get(measure.measure_id)
        if timeline is None:
            return lambda period: measure
        own = Terms.of(measure)
        measures = [measure if e.terms == own else e.terms.applied_to(measure) for e in timeline.entries]
        return lambda period: measures[timeline.index_in_force(period)]

    def timeline(self, measure: Measure) -> Timeline:
        return self._timelines.get(measure.measure_id) or Timeline((TermsEntry(None, Terms.of(measure)),))
