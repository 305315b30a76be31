"""The small multiples drawn on the server as SVG for the compare's first view (dashboard/components/chart_svg.py):
plotly.js's axis rule (ranges, ticks and their labels, given/expect as plotly.js drew them in the page), every line
and point of the figure, the legend and titles, and None for what it does not draw."""

from __future__ import annotations

import re

import pytest

from dashboard.components.chart_svg import figure_svg, marker_path, nice_axis, tick_text
from dashboard.components.small_multiples import SYMBOLS, empty_figure, small_multiples


@pytest.mark.parametrize(
    ("lo", "hi", "nticks", "length", "from_zero", "ticks"),
    [
        (1990, 2023, 6, 360, False, (1990, 2000, 2010, 2020)),  # as plotly.js drew them on /compare (1280 px)
        (0, 80.5, 5, 207, True, (0, 20, 40, 60, 80)),
        (3.1, 95.0, 5, 207, True, (0, 50, 100)),  # 95 and its pad pass 100: a step of 20 would need 6 ticks
        (0.2, 5.1, 5, 207, True, (0, 2, 4)),
        (2016, 2021, 6, 360, False, (2016, 2017, 2018, 2019, 2020, 2021)),
    ],
)
def test_axes_take_plotly_s_ranges_and_ticks(lo, hi, nticks, length, from_zero, ticks) -> None:
    axis = nice_axis(lo, hi, nticks, length, from_zero)
    assert axis.ticks == ticks
    assert axis.lo <= lo and axis.hi >= hi and (axis.lo == 0) == from_zero


def test_tick_labels_as_plotly_writes_them() -> None:
    assert [tick_text(v, 20) for v in (0, 20, 40)] == ["0", "20", "40"]
    assert [tick_text(v, 0.5) for v in (0, 0.5, 1.5)] == ["0", "0.5", "1.5"]
    assert tick_text(1.5, 0.5, ", ") == "1,5"  # French: the layout's decimal comma
    assert [tick_text(v, 20_000) for v in (20_000, 40_000)] == ["20k", "40k"]
    assert tick_text(2_500_000, 500_000) == "2.5M"


SERIES = [
    {"indicator_id": "a", "title": "Women <in> work", "unit": "%", "country": c, "year": y, "value": v,
     "green": 50.0, "direction": "higher"}
    for c, points in (("MEX", [(2010, 40.0), (2015, 45.5), (2020, 48.0)]), ("PHL", [(2012, 52.0), (2020, 55.0)]))
    for y, v in points
] + [{"indicator_id": "b", "title": "Pensions", "unit": "%", "country": "MEX", "year": 2019, "value": 30.0,
      "green": None, "direction": None}]  # fmt: skip


def test_every_line_and_point_of_the_figure_is_drawn_with_its_legend_and_titles() -> None:
    figure = small_multiples(SERIES, [("MEX", "Mexico"), ("PHL", "Philippines")], "Over time: Mexico, Philippines")
    svg = figure_svg(figure)
    assert svg is not None and svg.startswith("<svg") and svg.endswith("</svg>")
    traces = re.findall(r'<g class="trace" data-name="([^"]+)">(.*?)</g>', svg)
    assert [name for name, _ in traces] == ["Mexico (MEX)", "Philippines (PHL)", "Mexico (MEX)"]
    assert [body.count("L") >= 0 and len(re.findall(r"M[\d.]+ [\d.]+", body.split('class="points"')[0]))
            for _, body in traces] == [1, 1, 1]  # one line each  # fmt: skip
    lines = [re.search(r'class="line" d="([^"]+)"', body).group(1) for _, body in traces]  # type: ignore[union-attr]
    assert [line.count("L") + 1 for line in lines] == [3, 2, 1]  # every point of every series
    assert svg.count('class="legend-entry"') == 2  # a country once in the legend
    assert "Women &lt;in&gt; work (%)" in svg and "Over time: Mexico, Philippines" in svg  # titles, escaped
    assert svg.count('stroke-dasharray="3,3"') == 1  # the green threshold of the scored indicator only
    assert '<g class="subplot" data-axes="xy">' in svg and 'data-axes="x2y2"' in svg


def test_what_it_does_not_draw_gives_none() -> None:
    assert figure_svg(empty_figure("Pick countries")) is None
    assert figure_svg({"data": [{"type": "choropleth", "locations": ["MEX"]}], "layout": {"height": 300}}) is None
    assert figure_svg(None) is None


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_every_marker_the_charts_use_is_a_closed_shape(symbol: str) -> None:
    path = marker_path(symbol, 10, 10, 6)
    assert path.startswith("M") and path.endswith("Z")
