"""The report's charts again as PNG, for Word: the same data and drawing as the HTML's SVGs,
at twice the resolution so they stay sharp when printed."""

from __future__ import annotations

from reports.analysis import Analysis
from reports.charts import Sparklines, rag_bars, style
from reports.quarterly import MeasureLine

PNG_DPI = 200


def theme_bars(analysis: Analysis, theme: str) -> bytes:
    """The theme's RAG status by service (as `quarterly.theme_groups` draws it)."""
    rows = analysis.frame[analysis.frame["theme"] == theme]
    by_service = {str(service): {r: int(c) for r, c in group["rag"].value_counts().items()}
                  for service, group in rows.groupby("service", sort=True)}  # fmt: skip
    with style():
        return rag_bars(by_service, fmt="png", dpi=PNG_DPI)


class TrendPngs:
    """Each measure's trend line (as `quarterly.measure_line` draws it), or None without one."""

    def __init__(self) -> None:
        with style():
            self._sparklines = Sparklines()

    def draw(self, line: MeasureLine, *, target: float | None) -> bytes | None:
        if line.trend_uri is None:
            return None
        with style():
            return self._sparklines.draw([p.rated_figure for p in line.points], target=target,
                                         fmt="png", dpi=PNG_DPI)  # fmt: skip
