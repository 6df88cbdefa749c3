"""Build the CMT digest (`perfbot.digest.Digest`) from a quarter's analysis."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from perfbot.config import Config
from perfbot.digest import Digest, ExceptionItem
from perfbot.periods import Period
from perfbot.services.sign_off import provisional_services
from perfbot.store import Store
from reports.analysis import Analysis, analyse


def build_digest(
    analysis: Analysis, *, council: str, now: datetime, provisional: frozenset[str] = frozenset()
) -> Digest:
    """Summarise an analysis for CMT (`provisional`: services whose figures are not signed off)."""
    frame = analysis.frame.astype(object).where(analysis.frame.notna(), None)
    by_theme = analysis.rag_counts("theme")
    by_service = analysis.rag_counts("service")
    completeness = analysis.completeness()
    items = tuple(
        ExceptionItem(
            measure_id=row.measure_id, title=row.title, theme=row.theme, service=row.service,
            owner=row.owner, rag=row.rag, value=row.value, target=row.target,
            reasons=tuple(row.exceptions), commentary=row.commentary, action=row.action,
            unit=row.unit, ytd=row.ytd, dot_previous=row.dot_previous,
            dot_last_year=row.dot_last_year,
        )  # fmt: skip
        for row in frame[frame["exceptions"].map(bool)].itertuples()
    )
    return Digest(
        council=council,
        period=str(analysis.period),
        generated_at=now,
        expected=len(frame),
        returned=int(analysis.frame["returned"].sum()),
        on_time=int(analysis.frame["on_time"].map(lambda v: v is True).sum()),
        rag_by_theme=_counts(by_theme),
        exceptions=_ordered(items),
        completeness_by_service={
            service: (int(row["returned"]), int(row["expected"]))
            for service, row in completeness.iterrows()
        },
        rag_by_service=_counts(by_service),
        on_time_by_service={service: int(row["on_time"]) for service, row in completeness.iterrows()},
        timeliness=_timeliness(analysis),
        provisional=tuple(sorted(provisional)),
    )


def _counts(table) -> dict[str, dict[str, int]]:  # noqa: ANN001 - a crosstab
    return {name: {k: int(v) for k, v in row.items()} for name, row in table.iterrows()}


def _timeliness(analysis: Analysis) -> dict[str, dict[str, float | None]]:
    table = analysis.timeliness()
    return {
        service: {period: (None if pd.isna(pct) else float(pct)) for period, pct in row.items()}
        for service, row in table.iterrows()
    }


def _ordered(items: tuple[ExceptionItem, ...]) -> tuple[ExceptionItem, ...]:
    severity = {"red": 0, "missing": 1, "amber": 2, "n/a": 3, "green": 4}
    return tuple(sorted(items, key=lambda i: (severity.get(i.rag, 5), i.theme, i.measure_id)))


def digest_for(store: Store, config: Config, period: Period) -> Digest:
    """Analyse a quarter and summarise it for CMT."""
    analysis = analyse(store, config, period)
    return build_digest(analysis, council=config.council_name, now=store.clock.now(),
                        provisional=provisional_services(store, config, period))
