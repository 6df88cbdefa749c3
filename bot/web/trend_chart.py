"""A measure's trend as an inline SVG line chart: the figure, the target (dashed) and each
quarter's RAG as a shape as well as a colour, so it reads without colour. Pure: data in, markup out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from perfbot.formatting import format_value, rag_label

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 50, 44, 64
FILL = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c"}
LINE, TARGET, GRID, INK = "#1d70b8", "#0b0c0c", "#b1b4b6", "#0b0c0c"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    label: str  # "2025/26 Q3"
    value: float | None
    target: float | None
    rag: str


def _scale(points: list[ChartPoint]) -> tuple[float, float, float]:
    """The axis from `low` to `high` in round steps of `step` (1, 2 or 5 times a power of ten)."""
    numbers = [n for p in points for n in (p.value, p.target) if n is not None]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1.0), high + (abs(high) * 0.1 or 1.0)
    low, high = low - (high - low) * 0.05, high + (high - low) * 0.05
    rough = (high - low) / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _marker(x: float, y: float, rag: str) -> str:
    fill = FILL.get(rag, "#ffffff")
    if rag == "amber":
        return f'<polygon points="{x:.1f},{y - 8:.1f} {x - 8:.1f},{y + 6:.1f} {x + 8:.1f},{y + 6:.1f}" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
    if rag == "red":
        return f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'


def _path(coords: list[tuple[float, float] | None]) -> str:
    """An SVG path through the points, lifting the pen over gaps."""
    parts, pen_down = [], False
    for coord in coords:
        if coord is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{coord[0]:.1f},{coord[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def trend_svg(points: list[ChartPoint], *, unit: str, title: str, description: str, chart_id: str) -> Markup:
    """The chart, with a title and a description for screen readers (role img)."""
    low, high, tick_step = _scale(points)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(points) - 1, 1)

    def x_at(i: int) -> float:
        return LEFT + i * step

    def y_at(v: float) -> float:
        return TOP + inner_h * (high - v) / (high - low)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="perfbot-chart" '
           f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
           f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>']  # fmt: skip
    for k in range(round((high - low) / tick_step) + 1):
        tick = low + k * tick_step
        y = y_at(tick)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">{escape(format_value(round(tick, 6), unit))}</text>')
    for i, p in enumerate(points):
        quarter, year = (p.label.split(" ")[-1], p.label.split(" ")[0]) if " " in p.label else (p.label, "")
        out.append(f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 28}" text-anchor="middle">{escape(quarter)}</text>')
        out.append(f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 46}" text-anchor="middle">{escape(year)}</text>')
    targets = [(x_at(i), y_at(p.target)) if p.target is not None else None for i, p in enumerate(points)]
    out.append(f'<path d="{_path(targets)}" fill="none" stroke="{TARGET}" stroke-width="2" stroke-dasharray="8 5"/>')
    values = [(x_at(i), y_at(p.value)) if p.value is not None else None for i, p in enumerate(points)]
    out.append(f'<path d="{_path(values)}" fill="none" stroke="{LINE}" stroke-width="3"/>')
    for i, p in enumerate(points):
        if p.value is not None:
            out.append(f'<g>{_marker(x_at(i), y_at(p.value), p.rag)}<title>{escape(p.label)}: '
                       f'{escape(format_value(p.value, unit))}, {escape(rag_label(p.rag))}</title></g>')  # fmt: skip
    out.append(f'<text x="{LEFT}" y="20">━ Figure   ╍ Target   ● Green   ▲ Amber   ■ Red</text>')
    out.append("</svg>")
    return Markup("".join(out))
