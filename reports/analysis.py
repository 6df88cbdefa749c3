"""One tidy frame per quarter: value, target, RAG, direction of travel and exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from perfbot.config import Config
from perfbot.model import Aggregation, Frequency, Measure, Rag
from perfbot.periods import Period
from perfbot.rag import direction
from perfbot.rating import HISTORY_QUARTERS, period_target, rate_return, year_to_date
from perfbot.store import Store
from reports import exceptions
from reports.history import History

RAG_ORDER = [Rag.GREEN.value, Rag.AMBER.value, Rag.RED.value, Rag.NA.value, Rag.MISSING.value]
COLUMNS = [
    "measure_id", "title", "theme", "service", "owner", "unit", "polarity", "period", "value",
    "target", "rag", "rag_reason", "previous_value", "dot_previous", "last_year_value",
    "dot_last_year", "ytd", "commentary", "action", "submitted_by", "submitted_at", "returned",
    "on_time", "exceptions",
]  # fmt: skip


def expected(measure: Measure, period: Period) -> bool:
    """Whether a return is due: quarterly measures every quarter, annual ones in Q4."""
    return measure.frequency is Frequency.QUARTERLY or period.quarter == 4


@dataclass(frozen=True)
class Analysis:
    period: Period
    frame: pd.DataFrame  # one row per expected measure, COLUMNS

    def rag_counts(self, by: str) -> pd.DataFrame:
        """RAG counts by "theme" or "service" (the golden thread)."""
        counts = pd.crosstab(self.frame[by], self.frame["rag"])
        return counts.reindex(columns=RAG_ORDER, fill_value=0)

    def completeness(self) -> pd.DataFrame:
        """Per service: expected, returned, % returned, % on time."""
        grouped = self.frame.groupby("service")
        table = pd.DataFrame({
            "expected": grouped.size(),
            "returned": grouped["returned"].sum(),
            "on_time": grouped["on_time"].sum(),
        })  # fmt: skip
        table["pct_returned"] = (100 * table["returned"] / table["expected"]).round(1)
        table["pct_on_time"] = (100 * table["on_time"] / table["expected"]).round(1)
        return table

    def exceptions(self) -> pd.DataFrame:
        return self.frame[self.frame["exceptions"].map(bool)]

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts (the `analyse --format json` contract)."""
        frame = self.frame.astype(object).where(self.frame.notna(), None)
        return frame.to_dict(orient="records")


def analyse(store: Store, config: Config, period: Period) -> Analysis:
    """Analyse one quarter from the store."""
    periods = sorted({*period.back(HISTORY_QUARTERS + 1), period.same_quarter_last_year()})
    history = History.load(store, periods)
    overrides = store.register.target_overrides()
    found = store.rounds.get(period)
    deadline = found.deadline if found else None
    rows = [
        _row(m, period, history, overrides, config, deadline)
        for m in store.register.measures()
        if expected(m, period)
    ]
    return Analysis(period, pd.DataFrame(rows, columns=COLUMNS))


def _row(measure, period, history, overrides, config, deadline) -> dict[str, Any]:  # noqa: ANN001
    mid = measure.measure_id
    item = history.get(mid, period)
    value = item.value if item else None
    earlier = history.numbers(mid, period.back(HISTORY_QUARTERS + 1)[:-1])
    override_for = lambda p: overrides.get((mid, p))  # noqa: E731
    target = period_target(measure, period, override_for)
    last_year = history.value(mid, period.same_quarter_last_year())
    previous = history.value(mid, period.previous())
    result = _rate(measure, period, value, history, override_for, config)
    previous_rag = _rate(measure, period.previous(), previous, history, override_for, config).rag
    previous_rag = previous_rag if previous is not None else None
    late = bool(item and deadline and item.submitted_at and item.submitted_at > deadline)
    flags = list(result.flags) or exceptions.data_quality_flags(measure, value, earlier)
    return {
        "measure_id": mid, "title": measure.title, "theme": measure.theme,
        "service": measure.service, "owner": measure.owner_email, "unit": measure.unit.value,
        "polarity": measure.polarity.value, "period": str(period), "value": value,
        "target": target, "rag": result.rag.value, "rag_reason": result.reason,
        "previous_value": previous, "dot_previous": direction(measure, value, previous).value,
        "last_year_value": last_year,
        "dot_last_year": direction(measure, value, last_year).value,
        "ytd": _year_to_date(measure, period, history),
        "commentary": item.commentary if item else "", "action": item.action if item else "",
        "submitted_by": item.submitted_by if item else None,
        "submitted_at": item.submitted_at.isoformat() if item and item.submitted_at else None,
        "returned": item is not None, "on_time": item is not None and not late,
        "exceptions": exceptions.reasons(
            rag=result.rag, rag_reason=result.reason, flags=list(dict.fromkeys(flags)),
            has_return=item is not None, late=late,
            commentary=item.commentary if item else "", previous_rag=previous_rag,
        ),
    }  # fmt: skip


def _rate(measure, period, value, history, override_for, config):  # noqa: ANN001, ANN202
    return rate_return(
        measure, period, value, policy=config.rag, override_for=override_for,
        value_for=lambda p: history.value(measure.measure_id, p),
    )  # fmt: skip


def _year_to_date(measure: Measure, period: Period, history: History) -> float | None:
    """Cumulative measures: the year's total so far."""
    if measure.aggregation is not Aggregation.CUMULATIVE:
        return None
    value = history.value(measure.measure_id, period)
    return year_to_date(period, value, lambda p: history.value(measure.measure_id, p))
