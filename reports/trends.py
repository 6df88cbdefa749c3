"""Each measure over a run of quarters, in long form: one row per measure per quarter.

This feeds the trend charts, the open-data CSV and the workbook's Data sheet. Every quarter is
rated in its own context (its target, the quarters before it) exactly as the analysis rates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from perfbot.config import Config
from perfbot.model import Aggregation, Measure, Value
from perfbot.periods import Period
from perfbot.rating import SeriesRater, numeric
from perfbot.terms import TermsBook
from reports.history import History


@dataclass(frozen=True, slots=True)
class Point:
    """One measure in one quarter."""

    measure: Measure
    period: Period
    value: Value
    target: float | None
    rag: str
    ytd: float | None
    commentary: str
    action: str
    submitted_at: str | None

    @property
    def rated_figure(self) -> float | None:
        """What the RAG is worked out on: the year to date for cumulative measures."""
        return self.ytd if self.measure.aggregation is Aggregation.CUMULATIVE else numeric(self.value)


def trend_points(
    measures: list[Measure],
    periods: list[Period],
    *,
    history: History,
    overrides: dict[tuple[str, Period], float],
    config: Config,
    book: TermsBook | None = None,
    published: Mapping[tuple[str, Period], dict[str, Any]] | None = None,
) -> list[Point]:
    """Every measure in every quarter it was due (oldest first within each measure).

    Each quarter is rated against the terms in force for it (`book`); a closed quarter shows
    its `published` figures as they were published."""
    points = []
    for measure in measures:
        mid = measure.measure_id
        rater = SeriesRater(measure, history.values_of(mid), policy=config.rag,
                            override_for=lambda p, mid=mid: overrides.get((mid, p)),
                            measure_for=book.in_force_for(measure) if book else None)  # fmt: skip
        cumulative = measure.aggregation is Aggregation.CUMULATIVE
        for period in periods:
            if not measure.due_in(period):
                continue
            frozen = (published or {}).get((mid, period))
            if frozen is not None:
                points.append(published_point(measure, period, frozen))
                continue
            item = history.get(mid, period)
            value = item.value if item else None
            result = rater.rate(period, value, confirmed=bool(item and item.confirmed))
            points.append(Point(
                measure=measure, period=period, value=value, target=rater.target(period), rag=result.rag.value,
                ytd=rater.year_to_date(period, value) if cumulative else None,
                commentary=item.commentary if item else "", action=item.action if item else "",
                submitted_at=item.submitted_at.isoformat() if item and item.submitted_at else None,
            ))  # fmt: skip
    return points


def published_point(measure: Measure, period: Period, frozen: dict[str, Any]) -> Point:
    """A measure's quarter as it was published (a row of `store.publications`)."""
    return Point(
        measure=measure, period=period, value=frozen.get("value"), target=frozen.get("target"),
        rag=frozen.get("rag") or "missing", ytd=frozen.get("ytd"),
        commentary=frozen.get("commentary") or "", action=frozen.get("action") or "",
        submitted_at=frozen.get("submitted_at"),
    )  # fmt: skip


def by_measure(points: list[Point]) -> dict[str, list[Point]]:
    found: dict[str, list[Point]] = {}
    for point in points:
        found.setdefault(point.measure.measure_id, []).append(point)
    return found
