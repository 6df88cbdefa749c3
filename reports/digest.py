"""The CMT digest: one object, rendered by each channel and format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from perfbot.config import Config
from perfbot.periods import Period
from perfbot.store import Store
from reports.analysis import RAG_ORDER, Analysis, analyse


@dataclass(frozen=True, slots=True)
class ExceptionItem:
    measure_id: str
    title: str
    theme: str
    service: str
    owner: str
    rag: str
    value: float | str | None
    target: float | None
    reasons: tuple[str, ...]
    commentary: str = ""
    action: str = ""
    unit: str = "number"
    ytd: float | None = None  # cumulative measures are rated on the year to date


@dataclass(frozen=True, slots=True)
class Digest:
    council: str
    period: str
    generated_at: datetime
    expected: int
    returned: int
    on_time: int
    rag_by_theme: dict[str, dict[str, int]]
    exceptions: tuple[ExceptionItem, ...]
    completeness_by_service: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def rag_totals(self) -> dict[str, int]:
        return {rag: sum(t.get(rag, 0) for t in self.rag_by_theme.values()) for rag in RAG_ORDER}


def build_digest(analysis: Analysis, *, council: str, now: datetime) -> Digest:
    """Summarise an analysis for CMT."""
    frame = analysis.frame.astype(object).where(analysis.frame.notna(), None)
    by_theme = analysis.rag_counts("theme")
    completeness = analysis.completeness()
    items = tuple(
        ExceptionItem(
            measure_id=row.measure_id, title=row.title, theme=row.theme, service=row.service,
            owner=row.owner, rag=row.rag, value=row.value, target=row.target,
            reasons=tuple(row.exceptions), commentary=row.commentary, action=row.action,
            unit=row.unit, ytd=row.ytd,
        )  # fmt: skip
        for row in frame[frame["exceptions"].map(bool)].itertuples()
    )
    return Digest(
        council=council,
        period=str(analysis.period),
        generated_at=now,
        expected=len(frame),
        returned=int(analysis.frame["returned"].sum()),
        on_time=int(analysis.frame["on_time"].sum()),
        rag_by_theme={theme: {k: int(v) for k, v in row.items()} for theme, row in by_theme.iterrows()},
        exceptions=_ordered(items),
        completeness_by_service={
            service: (int(row["returned"]), int(row["expected"]))
            for service, row in completeness.iterrows()
        },
    )


def _ordered(items: tuple[ExceptionItem, ...]) -> tuple[ExceptionItem, ...]:
    severity = {"red": 0, "missing": 1, "amber": 2, "n/a": 3, "green": 4}
    return tuple(sorted(items, key=lambda i: (severity.get(i.rag, 5), i.theme, i.measure_id)))


def digest_for(store: Store, config: Config, period: Period) -> Digest:
    """Analyse a quarter and summarise it for CMT."""
    analysis = analyse(store, config, period)
    return build_digest(analysis, council=config.council_name, now=store.clock.now())
