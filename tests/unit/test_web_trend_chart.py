"""The inline SVG trend chart: scale, gaps, shapes for RAG, escaping, an accessible name."""

from __future__ import annotations

from bot.web.trend_chart import ChartPoint, _path, _scale, trend_svg


def test_the_axis_runs_in_round_steps_around_figures_and_target() -> None:
    low, high, step = _scale([ChartPoint("a", 76.1, 90.0, "red"), ChartPoint("b", 94.5, 90.0, "green")])
    assert low <= 76.1 and high >= 94.5 and step in (1, 2, 5, 10, 20)
    assert low % step == 0 and high % step == 0 and (high - low) / step <= 6
    assert _scale([ChartPoint("a", 3.0, None, "n/a")])[2] > 0  # one value: still a usable axis


def test_gaps_lift_the_pen() -> None:
    assert _path([(0, 0), None, (2, 2), (3, 3)]) == "M0.0,0.0 M2.0,2.0 L3.0,3.0"


def test_each_rag_has_its_own_shape_and_text_is_escaped() -> None:
    points = [ChartPoint("2025/26 Q1", 1.0, 2.0, "green"), ChartPoint("2025/26 Q2", 2.0, 2.0, "amber"),
              ChartPoint("2025/26 Q3", None, 2.0, "missing"), ChartPoint("2025/26 Q4", 3.0, 2.0, "red")]  # fmt: skip
    svg = str(trend_svg(points, unit="number", title="<b>T</b>", description="D & more", chart_id="c"))
    assert svg.count("<circle") == 1 and svg.count("<polygon") == 1 and svg.count("<rect") == 1
    assert 'role="img" aria-labelledby="c-t c-d"' in svg
    assert "&lt;b&gt;T&lt;/b&gt;" in svg and "D &amp; more" in svg and "<b>" not in svg
