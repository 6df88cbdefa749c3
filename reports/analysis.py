"""One tidy frame per quarter: value, target, RAG, direction of travel and exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from perfbot.actions import overdue_by_measure, overdue_reason
from perfbot.config import Config
from perfbot.digest import RAG_ORDER
from perfbot.model import Aggregation, Measure, RoundState
from perfbot.periods import Period
from perfbot.rag import direction, rate
from perfbot.rating import HISTORY_QUARTERS, SeriesRater
from perfbot.store import Store
from reports import exceptions
from reports.gc_pause import cycle_collection_paused
from reports.history import History
from reports.projection import annual_target, project_year_end
from reports.published import as_published
from reports.timeliness import COLUMNS as TIMELINESS_COLUMNS
from reports.timeliness import is_late, timeliness, timeliness_table

TIMELINESS_QUARTERS = 4
COLUMNS = [
    "measure_id", "title", "theme", "service", "owner", "unit", "polarity", "period", "value",
    "target", "rag", "rag_reason", "previous_value", "dot_previous", "last_year_value",
    "dot_last_year", "ytd", "commentary", "action", "submitted_by", "submitted_at", "returned",
    "on_time", "exceptions", "numerator", "denominator", "annual_target", "projection",
    "projection_method", "projected_rag", "published", "revision",
]  # fmt: skip


def _no_timeliness() -> pd.DataFrame:
    return pd.DataFrame(columns=TIMELINESS_COLUMNS)


@dataclass(frozen=True)
class Analysis:
    period: Period
    frame: pd.DataFrame  # one row per expected measure, COLUMNS
    timeliness_frame: pd.DataFrame = field(default_factory=_no_timeliness)
    history: History | None = None  # the returns the analysis read (for trends and charts)
    measures: dict[str, Measure] = field(default_factory=dict)

    def rag_counts(self, by: str) -> pd.DataFrame:
        """RAG counts by "theme" or "service" (the golden thread)."""
        counts = pd.crosstab(self.frame[by], self.frame["rag"])
        return counts.reindex(columns=RAG_ORDER, fill_value=0)

    def completeness(self) -> pd.DataFrame:
        """Per service: expected, returned, % returned, % on time (of the returns whose time is
        known: history imported without `submitted_at` counts neither on time nor late)."""
        frame = self.frame.assign(
            on_time=self.frame["on_time"].map(lambda v: v is True),
            timed=self.frame["on_time"].map(lambda v: v is not None),
        )
        grouped = frame.groupby("service")
        table = pd.DataFrame({
            "expected": grouped.size(),
            "returned": grouped["returned"].sum(),
            "on_time": grouped["on_time"].sum(),
        })  # fmt: skip
        timed = grouped["timed"].sum()
        table["pct_returned"] = (100 * table["returned"] / table["expected"]).round(1)
        table["pct_on_time"] = (100 * table["on_time"] / timed.where(timed > 0)).round(1)
        return table

    def timeliness(self) -> pd.DataFrame:
        """Service × the last four quarters: % of returns in by the deadline."""
        return timeliness_table(self.timeliness_frame, self.period.back(TIMELINESS_QUARTERS))

    def exceptions(self) -> pd.DataFrame:
        return self.frame[self.frame["exceptions"].map(bool)]

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts (the `analyse --format json` contract)."""
        frame = self.frame.astype(object).where(self.frame.notna(), None)
        return frame.to_dict(orient="records")


def history_periods(period: Period) -> list[Period]:
    """Every quarter the analysis of `period` reads: the 8 before it (which include last year)."""
    return period.back(HISTORY_QUARTERS + 1)


def analyse(store: Store, config: Config, period: Period) -> Analysis:
    """Analyse one quarter from the store."""
    with cycle_collection_paused():
        return _analyse(store, config, period)


def _analyse(store: Store, config: Config, period: Period) -> Analysis:
    history = History.load(store, history_periods(period))
    overrides = store.register.target_overrides()
    book = store.register.terms_book()
    measures = store.register.measures()
    recent = period.back(TIMELINESS_QUARTERS)
    deadlines = {p: _deadline(store, p) for p in recent}
    rows = [
        _row(m, period, history, overrides, config, deadlines[period], book)
        for m in measures
        if m.due_in(period)
    ]
    _add_overdue_actions(rows, store, period)
    found = store.rounds.get(period)
    publication = store.publications.latest(period) if found and found.state is RoundState.CLOSED else None
    rows = as_published(rows, publication, store, period) if publication else rows
    return Analysis(
        period=period,
        frame=pd.DataFrame(rows, columns=COLUMNS),
        timeliness_frame=timeliness(
            measures, recent, returns=history.get, deadlines=deadlines, expected=Measure.due_in
        ),
        history=history,
        measures={m.measure_id: m for m in measures},
    )


def _add_overdue_actions(rows: list[dict[str, Any]], store: Store, period: Period) -> None:
    """An action overdue by the end of the quarter is one of its measure's exceptions."""
    overdue = overdue_by_measure(store.actions.all(), period, today=store.clock.now().date())
    for row in rows:
        for action in overdue.get(row["measure_id"], ()):
            row["exceptions"] = [*row["exceptions"], overdue_reason(action)]


def _deadline(store: Store, period: Period) -> datetime | None:
    found = store.rounds.get(period)
    return found.deadline if found else None


def _row(measure, period, history, overrides, config, deadline, book) -> dict[str, Any]:  # noqa: ANN001
    mid = measure.measure_id
    values = history.values_of(mid)
    value_for = values.get
    override_for = lambda p: overrides.get((mid, p))  # noqa: E731
    rater = SeriesRater(measure, values, policy=config.rag, override_for=override_for,
                        measure_for=book.in_force_for(measure))  # fmt: skip
    item = history.get(mid, period)
    value = item.value if item else None
    earlier = rater.earlier_numbers(period)
    target = rater.target(period)
    last_year = value_for(period.same_quarter_last_year())
    previous = value_for(period.previous())
    result = rater.rate(period, value, confirmed=bool(item and item.confirmed))
    previous_rag = None
    if previous is not None:
        before = history.get(mid, period.previous())
        previous_rag = rater.rate(period.previous(), previous, confirmed=bool(before and before.confirmed)).rag
    late = is_late(item, deadline)
    flags = list(result.flags) or exceptions.data_quality_flags(
        measure, value, earlier,
        numerator=item.numerator if item else None, denominator=item.denominator if item else None,
    )  # fmt: skip
    ytd = rater.year_to_date(period, value) if measure.aggregation is Aggregation.CUMULATIVE else None
    year_end = _year_end(rater.measure_in(Period(period.year, 4)), period, ytd, value_for, override_for, config)
    return {
        "measure_id": mid, "title": measure.title, "theme": measure.theme,
        "service": measure.service, "owner": measure.owner_email, "unit": measure.unit.value,
        "polarity": measure.polarity.value, "period": str(period), "value": value,
        "target": target, "rag": result.rag.value, "rag_reason": result.reason,
        "previous_value": previous, "dot_previous": direction(measure, value, previous).value,
        "last_year_value": last_year,
        "dot_last_year": direction(measure, value, last_year).value,
        "ytd": ytd,
        "commentary": item.commentary if item else "", "action": item.action if item else "",
        "submitted_by": item.submitted_by if item else None,
        "submitted_at": item.submitted_at.isoformat() if item and item.submitted_at else None,
        "returned": item is not None,
        "on_time": None if item is not None and item.unknown_time else item is not None and not late,
        "exceptions": exceptions.reasons(
            rag=result.rag, rag_reason=result.reason, flags=list(dict.fromkeys(flags)),
            has_return=item is not None, late=late,
            commentary=item.commentary if item else "", previous_rag=previous_rag,
        ),
        "numerator": item.numerator if item else None,
        "denominator": item.denominator if item else None,
        **year_end, "published": False, "revision": None,
    }  # fmt: skip


def _year_end(measure, period, ytd, value_for, override_for, config) -> dict[str, Any]:  # noqa: ANN001
    """Annual target, projected year end, how it was projected, and the projection's RAG."""
    target = annual_target(measure, period.year, override_for)
    projection = project_year_end(measure, period, ytd, value_for)
    if projection is None:
        return {"annual_target": target, "projection": None, "projection_method": None,
                "projected_rag": None}  # fmt: skip
    projected = rate(measure, round(projection.value, 6), target=target, policy=config.rag)
    return {"annual_target": target, "projection": round(projection.value, 2),
            "projection_method": projection.method, "projected_rag": projected.rag.value}  # fmt: skip
