"""Charts are drawn with matplotlib's Agg canvas and come out byte-for-byte the same every time."""

from __future__ import annotations

import pytest

from reports.charts import Sparklines, data_uri, rag_bars

COUNTS = {"Waste & recycling": {"green": 3, "amber": 1, "red": 2}, "Planning": {"missing": 1, "n/a": 2}}


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_rag_bars_are_deterministic(fmt):
    first, second = rag_bars(COUNTS, fmt=fmt), rag_bars(dict(COUNTS), fmt=fmt)
    assert first == second and len(first) > 1000


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_sparklines_are_deterministic_across_instances_and_reuse(fmt):
    values = [85.0, 86.5, None, 88.0, 84.0, 90.0, 91.5, 82.0]
    one, other = Sparklines(), Sparklines()
    first = one.draw(values, target=90.0, fmt=fmt)
    one.draw([1.0, 2.0, 3.0], fmt=fmt)  # drawing something else in between changes nothing
    assert first == one.draw(values, target=90.0, fmt=fmt) == other.draw(values, target=90.0, fmt=fmt)


def test_no_dates_or_versions_are_written_into_the_files():
    svg = rag_bars(COUNTS).decode("utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg and "<text" not in svg  # text as paths
    png = rag_bars(COUNTS, fmt="png")
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"matplotlib" not in png.lower()


def test_a_sparkline_needs_two_figures():
    assert Sparklines().draw([None, 5.0]) is None
    assert Sparklines().draw([4.0, 5.0]) is not None


def test_data_uri_embeds_the_chart():
    assert data_uri(b"<svg/>").startswith("data:image/svg+xml;base64,")
    assert data_uri(b"\x89PNG", "png").startswith("data:image/png;base64,")


def test_a_sparkline_in_svg_has_the_geometry_matplotlib_draws():
    import re
    from xml.etree import ElementTree

    from reports.charts import save

    values = [85.0, None, 86.5, 88.0, None, 84.0, 90.0, 91.5, 82.0]
    sparklines = Sparklines()
    ours = sparklines.draw(values, target=90.0)
    sparklines.draw(values, target=90.0, fmt="png")  # the same chart on matplotlib's figure
    drawn = save(sparklines.figure, "svg").decode()

    def numbers(text: str) -> list[float]:
        return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]

    trend, target = re.findall(r'<path d="([^"]*)"[^>]*clip-path', drawn)  # the line, the target
    svg = ElementTree.fromstring(ours)
    paths = svg.findall("{http://www.w3.org/2000/svg}path")
    assert paths[0].get("d").split()[::3] == re.findall(r"[ML]", trend)  # breaks at the same gaps
    assert numbers(paths[0].get("d")) == pytest.approx(numbers(trend), abs=0.001)
    assert numbers(paths[1].get("d")) == pytest.approx(numbers(target), abs=0.001)
    dot = svg.find("{http://www.w3.org/2000/svg}circle")
    assert [float(dot.get("cx")), float(dot.get("cy"))] == pytest.approx(numbers(trend)[-2:], abs=0.001)
