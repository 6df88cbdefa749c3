"""Each measure's figure beside its comparison group: the group's median and quartiles, the
council's rank (1st is best, by the measure's polarity) and whether the peers' data is older."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from perfbot.benchmarks import PeerPeriod, PeerValue
from perfbot.config import Config, PeersConfig
from perfbot.formatting import format_value
from perfbot.model import Frequency, Measure, Polarity
from perfbot.periods import Period
from perfbot.store import Store
from reports.analysis import Analysis

MIN_PEERS = 3  # fewer areas than this give no meaningful median or quartiles


@dataclass(frozen=True, slots=True)
class PeerComparison:
    metric: str
    group_name: str
    period: PeerPeriod  # the peer data's period
    figure_period: Period
    value: float  # the council's figure
    median: float
    lower_quartile: float
    upper_quartile: float
    peers: int  # areas in the group, the council not counted
    rank: int | None  # 1 is best; None when the measure has no polarity
    polarity: Polarity

    @property
    def out_of(self) -> int:
        return self.peers + 1

    @property
    def stale(self) -> bool:
        """Whether the peers' period ends before the figure's quarter."""
        return self.period.last_quarter < self.figure_period

    def rank_text(self) -> str:
        """"4th of 16" (the council among its group), or "" without a polarity."""
        return "" if self.rank is None else f"{ordinal(self.rank)} of {self.out_of}"

    def quartile_text(self) -> str:
        """Where the figure falls: "best quarter", "worst quarter" or "middle half" of the group."""
        if self.polarity is Polarity.NONE:
            return ""
        best, worst = self.upper_quartile, self.lower_quartile
        if self.polarity is Polarity.LOWER:
            best, worst = worst, best
        if better(self.value, best, self.polarity) or self.value == best:
            return "best quarter of the group"
        if better(worst, self.value, self.polarity) or self.value == worst:
            return "worst quarter of the group"
        return "middle half of the group"

    def staleness_text(self) -> str:
        """"peers: 2024/25, figure: 2025/26 Q2" when the peers' data is older, else ""."""
        return f"peers: {self.period}, figure: {self.figure_period}" if self.stale else ""

    def spread_text(self, unit: str) -> str:
        """"median 72%, quartiles 65%–80%"."""
        return (f"median {format_value(self.median, unit)}, quartiles "
                f"{format_value(self.lower_quartile, unit)}–{format_value(self.upper_quartile, unit)}")  # fmt: skip

    def sentence(self, unit: str) -> str:
        """Everything in one line, for Word, the workbook and chat."""
        parts = [f"{self.group_name} ({self.period}): {self.spread_text(unit)}"]
        if self.rank is not None:
            parts.append(f"{self.rank_text()}, {self.quartile_text()}")
        if self.stale:
            parts.append(f"older data ({self.staleness_text()})")
        return "; ".join(parts)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def better(a: float, b: float, polarity: Polarity) -> bool:
    """Whether `a` is strictly better than `b` for a measure of this polarity."""
    return a > b if polarity is Polarity.HIGHER else a < b if polarity is Polarity.LOWER else False


def rank(value: float, group: list[float], polarity: Polarity) -> int | None:
    """The figure's place among the group and itself (ties share the better place)."""
    if polarity is Polarity.NONE:
        return None
    return 1 + sum(1 for other in group if better(other, value, polarity))


def choose_period(periods: set[PeerPeriod], figure: Period, frequency: Frequency) -> PeerPeriod | None:
    """The newest peer period that does not end after the figure's quarter; between a year and its
    Q4, the one that matches how often the measure is reported."""
    usable = [p for p in periods if p.last_quarter <= figure]
    if not usable:
        return None
    annual = frequency is Frequency.ANNUAL
    return max(usable, key=lambda p: (p.last_quarter, (p.quarter is None) == annual))


def compare(measure: Measure, figure_period: Period, value: Any, values: list[PeerValue], *,  # noqa: ANN401
            peers: PeersConfig, whole_year: bool = False) -> PeerComparison | None:  # fmt: skip
    """The measure's figure against its group, or None when there is nothing fair to show (no
    metric, no figure, no peer data old enough, or too few areas). `whole_year`: the figure is
    the year's (the annual report), so a year's peer values are preferred to its Q4's."""
    if not measure.benchmark_metric or not isinstance(value, int | float) or isinstance(value, bool):
        return None
    frequency = Frequency.ANNUAL if whole_year else measure.frequency
    chosen = choose_period({v.period for v in values}, figure_period, frequency)
    group = [v.value for v in values if v.period == chosen and v.area_code != peers.area_code]
    if chosen is None or len(group) < MIN_PEERS:
        return None
    quartiles = pd.Series(group, dtype=float).quantile([0.25, 0.5, 0.75])
    return PeerComparison(
        metric=measure.benchmark_metric, group_name=peers.group_name, period=chosen,
        figure_period=figure_period, value=float(value), median=float(quartiles[0.5]),
        lower_quartile=float(quartiles[0.25]), upper_quartile=float(quartiles[0.75]),
        peers=len(group), rank=rank(float(value), group, measure.polarity), polarity=measure.polarity,
    )  # fmt: skip


def comparisons(rows: list[dict[str, Any]], measures: dict[str, Measure], period: Period, *,
                values_of: Callable[[str], list[PeerValue]], peers: PeersConfig,
                whole_year: bool = False) -> dict[str, PeerComparison]:  # fmt: skip
    """Each analysed measure's comparison, by measure id (measures with none are left out).
    `values_of(metric)` reads a metric's stored peer values (once per metric)."""
    cache: dict[str, list[PeerValue]] = {}
    found = {}
    for row in rows:
        measure = measures.get(row["measure_id"])
        if measure is None or not measure.benchmark_metric:
            continue
        metric = measure.benchmark_metric
        if metric not in cache:
            cache[metric] = values_of(metric)
        comparison = compare(measure, period, row.get("value"), cache[metric], peers=peers, whole_year=whole_year)
        if comparison is not None:
            found[measure.measure_id] = comparison
    return found


def league(comparison: PeerComparison, values: list[PeerValue], *, own_area: str,
           own_name: str) -> list[tuple[str, float, bool]]:  # fmt: skip
    """The group's figures for the comparison's period, best first, with the council's own
    figure among them: (name, value, is the council)."""
    rows = [(v.area_name, v.value, False) for v in values
            if v.period == comparison.period and v.area_code != own_area]  # fmt: skip
    rows.append((own_name, comparison.value, True))
    descending = comparison.polarity is not Polarity.LOWER
    return sorted(rows, key=lambda r: (-r[1] if descending else r[1], not r[2]))


def for_analysis(store: Store, config: Config, analysis: Analysis, *,
                 outturn: bool = False) -> dict[str, PeerComparison]:  # fmt: skip
    """The comparisons for every measure of an analysed quarter, from the store's peer values;
    with `outturn`, of each measure's result for the year (the year to date when cumulative)."""
    rows = analysis.records()
    if outturn:
        rows = [r | {"value": r["ytd"] if r["ytd"] is not None else r["value"]} for r in rows]
    return comparisons(rows, analysis.measures, analysis.period, values_of=store.peers.for_metric,
                       peers=config.peers, whole_year=outturn)  # fmt: skip
