"""Small charts drawn on the server as SVG and shown as `<img src="data:image/svg+xml,...">`: no plotly.js in the
page, nothing to run in the browser (the Content-Security-Policy allows `img-src data:`). The words live in the
image's alt text and beside it; the SVG is only the picture."""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import quote

SPARK_WIDTH, SPARK_HEIGHT = 160, 48
SPARK_PAD = (3, 6, 6, 6)  # left, right, top, bottom: room for the line's width and the last point
SPARK_COLOUR = "#0B4F8A"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"


def data_uri(svg: str) -> str:
    """An SVG document as a data: URI: percent-encoded, but spaces, quotes and punctuation kept (readable, short)."""
    return "data:image/svg+xml," + quote(svg, safe=" '=:;,./-()")


def scale(value: float, lo: float, hi: float, start: float, end: float) -> float:
    """`value` in [lo, hi] mapped linearly onto [start, end] (the middle when lo == hi)."""
    if hi == lo:
        return (start + end) / 2
    return start + (value - lo) * (end - start) / (hi - lo)


def year_ticks(lo: float, hi: float) -> list[int]:
    """Round years between lo and hi, at most 8 of them (every 1, 2, 5, 10, 20, 50 or 100 years)."""
    step = next((s for s in (1, 2, 5, 10, 20, 50) if (hi - lo) / s <= 8), 100)
    return list(range(math.ceil(lo / step) * step, math.floor(hi) + 1, step))


def spark_coords(points: Sequence[tuple[int, float]]) -> list[tuple[float, float]]:
    """(year, value) pairs as (x, y) in the sparkline's box: years left to right, the larger value higher up."""
    left, right, top, bottom = SPARK_PAD
    years, values = [p[0] for p in points], [p[1] for p in points]
    return [
        (
            round(scale(year, min(years), max(years), left, SPARK_WIDTH - right), 2),
            round(scale(value, min(values), max(values), SPARK_HEIGHT - bottom, top), 2),
        )
        for year, value in points
    ]


def spark_svg(points: Sequence[tuple[int, float]]) -> str:
    """The series as a line with a dot on its last point. The box stretches to the tile's width
    (preserveAspectRatio none); line and dot keep their size on screen (non-scaling stroke)."""
    coords = spark_coords(points)
    line = " ".join(f"{x:g},{y:g}" for x, y in coords)
    last_x, last_y = coords[-1]
    stroke = f"fill='none' stroke='{SPARK_COLOUR}' vector-effect='non-scaling-stroke' stroke-linecap='round'"
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {SPARK_WIDTH} {SPARK_HEIGHT}'"
        f" width='{SPARK_WIDTH}' height='{SPARK_HEIGHT}' preserveAspectRatio='none'>"
        f"<polyline points='{line}' {stroke} stroke-width='2' stroke-linejoin='round'/>"
        f"<path d='M{last_x:g} {last_y:g}h0' {stroke} stroke-width='6'/></svg>"
    )
