"""Everything the annual report shows: year-end outturn against target, each measure's four
quarters, and the approved case studies grouped by theme."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from perfbot.config import Config
from perfbot.model import Aggregation, CaseStudy, CaseStudyStatus
from perfbot.periods import Period, quarters_of_year
from perfbot.store import Store
from reports.analysis import Analysis, analyse
from reports.charts import Sparklines, style
from reports.peers import PeerComparison, for_analysis
from reports.published import published_rows
from reports.quarterly import MeasureLine, ThemeSection, load_window, measure_line, theme_groups
from reports.trends import Point, by_measure, trend_points


class ReportInputError(ValueError):
    """There is nothing to report on (message is user-facing)."""


@dataclass(frozen=True)
class OutturnLine(MeasureLine):
    """A measure in the annual report: its row at the year's last quarter with returns."""

    @property
    def outturn(self) -> Any:
        """The year's result: the year's total for cumulative measures, else the last figure."""
        return self.row["ytd"] if self.measure.aggregation is Aggregation.CUMULATIVE else self.row["value"]


@dataclass(frozen=True)
class AnnualTheme(ThemeSection):
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
    missing_quarters: tuple[Period, ...] = ()  # quarters of the year with no returns at all
    peers: dict[str, PeerComparison] = field(default_factory=dict)  # each outturn beside its group

    @property
    def label(self) -> str:
        return Period(self.year, 1).financial_year

    @property
    def final(self) -> bool:
        return self.as_at.quarter == 4 and not self.missing_quarters

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
    _, history = load_window(store, as_at, as_at.quarter, loaded=analysis.history)
    quarters = quarters_of_year(year)[: as_at.quarter]
    points = trend_points(list(analysis.measures.values()), quarters, history=history,
                          overrides=store.register.target_overrides(), config=config,
                          book=store.register.terms_book(), published=published_rows(store, quarters))  # fmt: skip
    studies, withheld = case_studies_by_theme(store, year)
    return AnnualReport(
        missing_quarters=tuple(q for q in quarters_of_year(year) if not store.returns.for_period(q)),
        council=config.council_name, year=year, as_at=as_at, prepared=prepared, analysis=analysis,
        themes=_themes(analysis, by_measure(points), studies), points=points,
        withheld_case_studies=withheld, peers=for_analysis(store, config, analysis, outturn=True),
    )  # fmt: skip


def _themes(analysis: Analysis, points: dict[str, list[Point]],
            studies: dict[str, list[CaseStudy]]) -> list[AnnualTheme]:  # fmt: skip
    with style():
        sparklines, themes = Sparklines(), []
        for heading, records in theme_groups(analysis):
            section = AnnualTheme(**heading, case_studies=studies.get(heading["name"], []))
            for record in records:
                measure = analysis.measures[record["measure_id"]]
                line = measure_line(record, measure, points.get(measure.measure_id, []), sparklines,
                                    target=record["annual_target"], kind=OutturnLine)  # fmt: skip
                section.services.setdefault(record["service"], []).append(line)
            themes.append(section)
    known = {t.name for t in themes}
    for theme, items in sorted(studies.items()):  # case studies for a theme with no measures
        if theme not in known:
            themes.append(AnnualTheme(name=theme, counts={}, chart_uri="", chart_alt="", case_studies=items))
    return themes
