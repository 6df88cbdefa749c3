"""Everything the annual report shows: year-end outturn against target, each measure's four
quarters, and the approved case studies grouped by theme."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from perfbot.config import Config
from perfbot.model import Aggregation, CaseStudy, CaseStudyStatus, Measure
from perfbot.periods import Period, quarters_of_year
from perfbot.store import Store
from reports.alt_text import no_trend_text, rag_bars_alt, trend_alt
from reports.analysis import Analysis, analyse
from reports.charts import Sparklines, data_uri, rag_bars, style
from reports.quarterly import load_window
from reports.trends import Point, by_measure, trend_points


class ReportInputError(ValueError):
    """There is nothing to report on (message is user-facing)."""


@dataclass(frozen=True)
class OutturnLine:
    row: dict[str, Any]  # the analysis row at the year's last quarter with returns
    measure: Measure
    points: list[Point]
    trend_uri: str | None
    trend_alt: str

    @property
    def outturn(self) -> Any:
        """The year's result: the year's total for cumulative measures, else the last figure."""
        return self.row["ytd"] if self.measure.aggregation is Aggregation.CUMULATIVE else self.row["value"]


@dataclass(frozen=True)
class AnnualTheme:
    name: str
    counts: dict[str, int]
    chart_uri: str
    chart_alt: str
    services: dict[str, list[OutturnLine]] = field(default_factory=dict)
    case_studies: list[CaseStudy] = field(default_factory=list)


@dataclass(frozen=True)
class AnnualReport:
    council: str
    year: int
    as_at: Period  # Q4, or the latest quarter with returns while the year is incomplete
    prepared: date
    analysis: Analysis
    themes: list[AnnualTheme]
    points: list[Point]
    withheld_case_studies: int  # approved, but without consent to publish

    @property
    def label(self) -> str:
        return Period(self.year, 1).financial_year

    @property
    def final(self) -> bool:
        return self.as_at.quarter == 4

    @property
    def slug(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-annual"


def latest_quarter(store: Store, year: int) -> Period:
    """Q4, or the year's latest quarter that has any returns."""
    for period in reversed(quarters_of_year(year)):
        if store.returns.for_period(period):
            return period
    raise ReportInputError(f"there are no returns for {Period(year, 1).financial_year} yet")


def case_studies_by_theme(store: Store, year: int) -> tuple[dict[str, list[CaseStudy]], int]:
    """Approved case studies from the year that may be published, by theme (those chosen for the
    annual report first), and how many approved ones lack consent to publish."""
    approved = [s for s in store.case_studies.list(status=CaseStudyStatus.APPROVED) if s.period.year == year]
    grouped: dict[str, list[CaseStudy]] = {}
    for study in sorted(approved, key=lambda s: (not s.for_annual_report, s.submitted_at)):
        if study.consent_to_publish:
            grouped.setdefault(study.theme, []).append(study)
    return grouped, sum(1 for s in approved if not s.consent_to_publish)


def build_annual(store: Store, config: Config, year: int, *, prepared: date) -> AnnualReport:
    as_at = latest_quarter(store, year)
    analysis = analyse(store, config, as_at)
    _, history = load_window(store, as_at, as_at.quarter)
    quarters = quarters_of_year(year)[: as_at.quarter]
    points = trend_points(list(analysis.measures.values()), quarters, history=history,
                          overrides=store.register.target_overrides(), config=config)  # fmt: skip
    studies, withheld = case_studies_by_theme(store, year)
    return AnnualReport(
        council=config.council_name, year=year, as_at=as_at, prepared=prepared, analysis=analysis,
        themes=_themes(analysis, by_measure(points), studies), points=points,
        withheld_case_studies=withheld,
    )  # fmt: skip


def _themes(analysis: Analysis, points: dict[str, list[Point]],
            studies: dict[str, list[CaseStudy]]) -> list[AnnualTheme]:  # fmt: skip
    with style():
        return _draw_themes(analysis, points, studies, Sparklines())


def _draw_themes(analysis: Analysis, points: dict[str, list[Point]],
                 studies: dict[str, list[CaseStudy]], sparklines: Sparklines) -> list[AnnualTheme]:  # fmt: skip
    themes = []
    frame = analysis.frame
    for theme, rows in frame.groupby("theme", sort=True):
        by_service = {service: {r: int(c) for r, c in group["rag"].value_counts().items()}
                      for service, group in rows.groupby("service", sort=True)}  # fmt: skip
        section = AnnualTheme(
            name=str(theme), counts={r: int(c) for r, c in rows["rag"].value_counts().items()},
            chart_uri=data_uri(rag_bars(by_service)), chart_alt=rag_bars_alt(str(theme), by_service),
            case_studies=studies.get(str(theme), []),
        )  # fmt: skip
        for record in rows.astype(object).where(rows.notna(), None).to_dict(orient="records"):
            measure = analysis.measures[record["measure_id"]]
            mine = points.get(measure.measure_id, [])
            target = record["annual_target"] if measure.aggregation is not Aggregation.CUMULATIVE else None
            chart = sparklines.draw([p.rated_figure for p in mine], target=target) if measure.is_numeric else None
            section.services.setdefault(record["service"], []).append(OutturnLine(
                row=record, measure=measure, points=mine,
                trend_uri=data_uri(chart) if chart else None,
                trend_alt=trend_alt(mine) if chart else no_trend_text(mine),
            ))  # fmt: skip
        themes.append(section)
    known = {t.name for t in themes}
    for theme, items in sorted(studies.items()):  # case studies for a theme with no measures
        if theme not in known:
            themes.append(AnnualTheme(name=theme, counts={}, chart_uri="", chart_alt="", case_studies=items))
    return themes
