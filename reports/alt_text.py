"""Alt text that says what a chart shows, in words a screen reader can read out."""

from __future__ import annotations

from perfbot.digest import RAG_ORDER
from perfbot.formatting import RAG_WORDS, format_value
from reports.trends import Point


def rag_bars_alt(theme: str, counts_by_service: dict[str, dict[str, int]]) -> str:
    """'Bar chart of RAG status by service for Theme: Service A 3 Green, 1 Red; …'."""
    parts = []
    for service, counts in counts_by_service.items():
        shown = [f"{counts[r]} {RAG_WORDS[r]}" for r in RAG_ORDER if counts.get(r)]
        parts.append(f"{service}: {', '.join(shown) or 'no measures'}")
    return f"Bar chart of RAG status by service for {theme}. " + "; ".join(parts) + "."


def trend_alt(points: list[Point]) -> str:
    """'Trend of CS01 over 8 quarters, 2023/24 Q4 to 2025/26 Q3: 85%, no return, …
    Target for 2025/26 Q3: 90%.'"""
    if not points:
        return "No trend: no quarters to show."
    measure = points[0].measure
    unit = measure.unit.value
    cumulative = points[0].ytd is not None or any(p.ytd is not None for p in points)
    figures = [format_value(p.rated_figure if cumulative else p.value, unit) if p.value is not None
               else "no return" for p in points]  # fmt: skip
    what = "year to date " if cumulative else ""
    text = (f"Trend of {measure.measure_id} {what}over {len(points)} quarters, {points[0].period} to "
            f"{points[-1].period}: " + ", ".join(figures) + ".")  # fmt: skip
    target = points[-1].target
    if target is not None:
        text += f" Target for {points[-1].period}: {format_value(target, unit)}{' year to date' if cumulative else ''}."
    return text


def no_trend_text(points: list[Point]) -> str:
    """Shown instead of a chart when fewer than two quarters have a figure."""
    reported = sum(1 for p in points if p.value is not None)
    return f"No trend yet: {reported} of {len(points)} quarters reported."
