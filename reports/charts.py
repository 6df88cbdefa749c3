"""Charts for the reports: matplotlib on the Agg canvas, byte-for-byte deterministic.

No pyplot (no global state): each chart draws on its own `Figure`. Output is fixed by a fixed DPI
and size, a fixed SVG hash salt, text drawn as paths (no font files needed to view it) and no
date or software version written into the file, so the same data always gives the same bytes.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from perfbot.digest import RAG_ORDER
from perfbot.formatting import rag_label

DPI = 100
RC = {
    "svg.hashsalt": "perfbot",
    "svg.fonttype": "path",
    "font.family": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": "#505a5f",
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
}
METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}
# Colour plus a hatch pattern per status, so the chart reads in greyscale and for colour-blind readers.
RAG_FILL = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", "n/a": "#b1b4b6", "missing": "#6f72af"}
RAG_HATCH = {"green": "", "amber": "//", "red": "xx", "n/a": "..", "missing": "\\\\"}
LINE = "#1d70b8"
TARGET = "#0b0c0c"


def style() -> contextlib.AbstractContextManager[object]:
    """Our settings for drawing and saving (a no-op when already in force: rc_context is slow)."""
    if all(matplotlib.rcParams[key] == value for key, value in RC.items()):
        return contextlib.nullcontext()
    return matplotlib.rc_context(RC)


def save(figure: Figure, fmt: str = "svg", *, dpi: int = DPI) -> bytes:
    """The figure's bytes, the same every time for the same drawing (`dpi` sharpens a PNG)."""
    buffer = io.BytesIO()
    with style():
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return buffer.getvalue()


def data_uri(content: bytes, fmt: str = "svg") -> str:
    """For an <img src>: the chart embedded in the page, so the HTML file stands alone."""
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _new_figure(width: float, height: float) -> Figure:
    with style():
        figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(figure)
    return figure


def rag_bars(counts_by_row: dict[str, dict[str, int]], *, fmt: str = "svg", dpi: int = DPI) -> bytes:
    """Horizontal stacked bars: one bar per service (or theme), one segment per RAG status,
    each segment hatched and labelled with its count, and a legend in words."""
    names = list(counts_by_row)
    with style():
        bars_height = 0.42 * max(1, len(names))
        height = bars_height + 1.0  # 0.35 in above for the legend, 0.65 in below for the axis
        figure = _new_figure(7.0, height)
        axes = figure.add_axes((0.34, 0.65 / height, 0.63, bars_height / height))
        left = [0] * len(names)
        for rag in RAG_ORDER:
            widths = [counts_by_row[name].get(rag, 0) for name in names]
            bars = axes.barh(range(len(names)), widths, left=left, color=RAG_FILL[rag],
                             hatch=RAG_HATCH[rag], edgecolor="#0b0c0c", linewidth=0.6,
                             label=rag_label(rag))  # fmt: skip
            for bar, width in zip(bars, widths, strict=True):
                if width:
                    axes.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2, str(width),
                              ha="center", va="center", fontsize=8, color="#0b0c0c",
                              bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})  # fmt: skip
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.set_yticks(range(len(names)), [_short(n, 40) for n in names])
        axes.invert_yaxis()
        axes.set_xlabel("Number of measures")
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(loc="upper center", ncols=len(RAG_ORDER), frameon=False, fontsize=8,
                      bbox_to_anchor=(0.5, 1.0))  # fmt: skip
    return save(figure, fmt, dpi=dpi)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


SPARK_AXES = (0.03, 0.12, 0.94, 0.76)  # left, bottom, width, height: fractions of the figure
POINTS_PER_INCH = 72  # SVG user units (pt), as matplotlib's SVG backend writes them


class Sparklines:
    """Small trend lines for thousands of measures: SVG written directly (a path, a dot and a
    dashed target, where matplotlib's whole drawing pipeline cost ~7 ms a chart and most of a
    3,000-measure report), PNG drawn on one reused matplotlib figure. Both have the same geometry."""

    def __init__(self, *, width: float = 1.8, height: float = 0.5) -> None:
        self.size = (width * POINTS_PER_INCH, height * POINTS_PER_INCH)
        self.figure = _new_figure(width, height)
        with style():
            self.axes = self.figure.add_axes(SPARK_AXES)
            self.axes.set_axis_off()
            (self.line,) = self.axes.plot([], [], color=LINE, linewidth=1.4)
            (self.last,) = self.axes.plot([], [], "o", color=LINE, markersize=3.5)
            self.target = self.axes.axhline(0, color=TARGET, linewidth=0.8, linestyle=(0, (3, 2)))

    def draw(self, values: Sequence[float | None], *, target: float | None = None,
             fmt: str = "svg", dpi: int = DPI) -> bytes | None:  # fmt: skip
        """The trend of `values` (oldest first; gaps allowed), with the target dashed, or None
        when there are fewer than two numbers to draw."""
        points = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
        if len(points) < 2:
            return None
        if fmt == "svg":
            return sparkline_svg(values, points, target=target, size=self.size)
        xs = [float(i) for i in range(len(values))]
        ys = [v if v is not None else math.nan for v in values]
        self.line.set_data(xs, ys)
        self.last.set_data([points[-1][0]], [points[-1][1]])
        self.target.set_visible(target is not None)
        low = min([v for _, v in points] + ([target] if target is not None else []))
        high = max([v for _, v in points] + ([target] if target is not None else []))
        if target is not None:
            self.target.set_ydata([target, target])
        self.axes.set_xlim(*_x_limits(values))
        self.axes.set_ylim(*_y_limits(low, high))
        return save(self.figure, fmt, dpi=dpi)


def _x_limits(values: Sequence[float | None]) -> tuple[float, float]:
    return -0.3, len(values) - 0.7


def _y_limits(low: float, high: float) -> tuple[float, float]:
    pad = (high - low) * 0.12 or abs(high) * 0.05 or 1.0
    return low - pad, high + pad


def sparkline_svg(values: Sequence[float | None], points: list[tuple[int, float]], *,
                  target: float | None, size: tuple[float, float]) -> bytes:  # fmt: skip
    """The sparkline as SVG: the trend (broken at gaps, as matplotlib draws it), its last figure as
    a dot and the target dashed across, on a white ground; the same bytes for the same figures."""
    width, height = size
    left, bottom, across, up = SPARK_AXES
    x0, y0, plot_w, plot_h = left * width, (1 - bottom - up) * height, across * width, up * height
    numbers = [v for _, v in points] + ([target] if target is not None else [])
    (x_min, x_max), (y_min, y_max) = _x_limits(values), _y_limits(min(numbers), max(numbers))

    def at(i: float, v: float) -> str:
        x = x0 + (i - x_min) / (x_max - x_min) * plot_w
        y = y0 + (y_max - v) / (y_max - y_min) * plot_h
        return f"{_num(x)} {_num(y)}"

    steps, previous = [], None
    for i, v in points:
        steps.append(("L " if previous == i - 1 else "M ") + at(i, v))
        previous = i
    last_x, last_y = at(*points[-1]).split()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}pt" height="{_num(height)}pt" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" version="1.1">',
        f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
        f'<path d="{" ".join(steps)}" fill="none" stroke="{LINE}" stroke-width="1.4" '
        'stroke-linecap="square" stroke-linejoin="round"/>',
        f'<circle cx="{last_x}" cy="{last_y}" r="1.75" fill="{LINE}" stroke="{LINE}"/>',
    ]  # fmt: skip
    if target is not None:
        y = at(0, target).split()[1]
        parts.append(f'<path d="M {_num(x0)} {y} L {_num(x0 + plot_w)} {y}" fill="none" stroke="{TARGET}" '
                     'stroke-width="0.8" stroke-dasharray="2.4,1.6"/>')  # fmt: skip
    parts.append("</svg>\n")
    return "\n".join(parts).encode("utf-8")


def _num(value: float) -> str:
    """A coordinate to 1/1000 pt (finer than any screen or printer), without trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
