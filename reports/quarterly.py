"""Everything the quarterly report shows, gathered once; the HTML, XLSX and CSV writers read it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from perfbot.actions import ActionLine, for_report
from perfbot.config import Config
from perfbot.digest import Digest
from perfbot.model import Aggregation, Measure
from perfbot.periods import Period
from perfbot.rating import quarters_read_to_rate
from perfbot.services.sign_off import provisional_services
from perfbot.store import Store
from reports.alt_text import no_trend_text, rag_bars_alt, trend_alt
from reports.analysis import TIMELINESS_QUARTERS, Analysis, analyse
from reports.charts import Sparklines, data_uri, rag_bars, style
from reports.digest import build_digest
from reports.history import History
from reports.peers import PeerComparison, for_analysis
from reports.published import published_rows
from reports.trends import Point, by_measure, trend_points

TREND_QUARTERS = 8


@dataclass(frozen=True)
class MeasureLine:
    """One measure in the report: this quarter's row of the analysis and its trend."""

    row: dict[str, Any]
    measure: Measure
    points: list[Point]
    trend_uri: str | None
    trend_alt: str


@dataclass(frozen=True)
class ThemeSection:
    name: str
    counts: dict[str, int]
    chart_uri: str
    chart_alt: str
    services: dict[str, list[MeasureLine]] = field(default_factory=dict)


@dataclass(frozen=True)
class QuarterlyReport:
    council: str
    period: Period
    prepared: date
    analysis: Analysis
    digest: Digest
    themes: list[ThemeSection]
    points: list[Point]  # every measure in every quarter of the window: the open data
    window: list[Period]
    peers: dict[str, PeerComparison] = field(default_factory=dict)  # by measure id, where shown
    actions: list[ActionLine] = field(default_factory=list)  # remedial actions (perfbot.actions)

    @property
    def slug(self) -> str:
        return self.period.key

    def direction_counts(self, column: str) -> dict[str, int]:
        """How many measures improved, worsened or held (`dot_previous` or `dot_last_year`)."""
        counts = self.analysis.frame[column].value_counts()
        return {k: int(counts.get(k, 0)) for k in ("improving", "same", "worsening", "n/a")}

    def off_track_projections(self) -> list[dict[str, Any]]:
        """Cumulative measures projected to miss their annual target (red or amber)."""
        frame = self.analysis.records()
        return [r for r in frame if r.get("projected_rag") in ("red", "amber")]

    def timeliness_rows(self) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
        table = self.analysis.timeliness()
        periods = [str(p) for p in self.period.back(TIMELINESS_QUARTERS)]
        rows = [(service, [None if v is None or v != v else float(v) for v in row.reindex(periods)])
                for service, row in table.iterrows()]  # fmt: skip
        return periods, rows


def load_window(store: Store, period: Period, quarters: int, *,
                loaded: History | None = None) -> tuple[list[Period], History]:  # fmt: skip
    """The report's quarters and their returns, with every quarter a rating of each reads (those
    `loaded` already holds are not read again)."""
    window = period.back(quarters)
    reads = sorted({read for shown in window for read in quarters_read_to_rate(shown)})
    return window, History.load(store, reads, loaded=loaded)


def build_quarterly(store: Store, config: Config, period: Period, *, prepared: date,
                    charts: bool = True) -> QuarterlyReport:  # fmt: skip
    """Analyse the quarter and draw every chart (`charts=False`: not yet, see `with_charts`)."""
    analysis = analyse(store, config, period)
    digest = build_digest(analysis, council=config.council_name, now=store.clock.now(),
                          provisional=provisional_services(store, config, period))
    window, history = load_window(store, period, TREND_QUARTERS, loaded=analysis.history)
    measures = list(analysis.measures.values())
    points = trend_points(measures, window, history=history,
                          overrides=store.register.target_overrides(), config=config,
                          book=store.register.terms_book(), published=published_rows(store, window))  # fmt: skip
    report = QuarterlyReport(
        council=config.council_name, period=period, prepared=prepared, analysis=analysis,
        digest=digest, themes=[], points=points, window=window, peers=for_analysis(store, config, analysis),
        actions=for_report(store.actions.all(), period, today=store.clock.now().date()),
    )  # fmt: skip
    return with_charts(report) if charts else report


def with_charts(report: QuarterlyReport) -> QuarterlyReport:
    """`report` with its theme sections and their charts (a third of building it: matplotlib)."""
    return replace(report, themes=theme_sections(report.analysis, by_measure(report.points)))


def theme_sections(analysis: Analysis, points: dict[str, list[Point]]) -> list[ThemeSection]:
    """Themes in name order; in each, its services and their measures with trend charts."""
    with style():
        sparklines, sections = Sparklines(), []
        for heading, records in theme_groups(analysis):
            section = ThemeSection(**heading)
            for record in records:
                measure = analysis.measures[record["measure_id"]]
                mine = points.get(measure.measure_id, [])
                target = mine[-1].target if mine else None
                line = measure_line(record, measure, mine, sparklines, target=target)
                section.services.setdefault(record["service"], []).append(line)
            sections.append(section)
    return sections


def theme_groups(analysis: Analysis) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Per theme, in name order: its section heading (name, RAG counts and the chart of them by
    service) and its rows of the analysis (missing values as None). Draw inside `style()`."""
    for theme, rows in analysis.frame.groupby("theme", sort=True):
        by_service = {service: {r: int(c) for r, c in group["rag"].value_counts().items()}
                      for service, group in rows.groupby("service", sort=True)}  # fmt: skip
        heading = {
            "name": str(theme), "counts": {r: int(c) for r, c in rows["rag"].value_counts().items()},
            "chart_uri": data_uri(rag_bars(by_service)), "chart_alt": rag_bars_alt(str(theme), by_service),
        }  # fmt: skip
        yield heading, rows.astype(object).where(rows.notna(), None).to_dict(orient="records")


def measure_line(row: dict[str, Any], measure: Measure, points: list[Point], sparklines: Sparklines,
                 *, target: float | None, kind: type[MeasureLine] = MeasureLine) -> MeasureLine:  # fmt: skip
    """A measure's row with its trend chart (the target line only for a measure that is not
    cumulative: a year's running total is not comparable with it quarter by quarter)."""
    drawn = None if measure.aggregation is Aggregation.CUMULATIVE else target
    chart = sparklines.draw([p.rated_figure for p in points], target=drawn) if measure.is_numeric else None
    return kind(row=row, measure=measure, points=points, trend_uri=data_uri(chart) if chart else None,
                trend_alt=trend_alt(points) if chart else no_trend_text(points))  # fmt: skip
