"""The briefing's three charts as SVG drawn here (no plotly, no kaleido, no browser): the country's indicator scores
as bars, an indicator's series against its region's median, and the region's map of one indicator's levels.

Drawn in microseconds rather than ~0.5-2 s of kaleido per chart, printed by Chromium as vectors (sharp at any zoom,
~10x smaller than the PNGs they replace), and with every word in the reader's language passed in by the caller.
Each chart is `<svg role="img">` with its words as <title> and aria-label, colours always beside an icon and a
label. The map uses the app's own outlines (dashboard/assets/topojson/world_110m.json, as the pages' maps do) in
the Natural Earth projection, framed on the region's countries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from indicators.levels import LEVELS, TEXT_COLOUR, LevelStyle

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 900
TOPOJSON = Path(__file__).resolve().parents[1] / "assets" / "topojson" / "world_110m.json"
COUNTRY_BLUE, MEDIAN_GREY, AXIS = "#0072B2", "#555555", "#888888"


@dataclass(frozen=True)
class Bar:
    label: str
    score: float
    style: LevelStyle


def svg(width: int, height: int, label: str, body: str, view_box: str | None = None) -> str:
    box = view_box or f"0 0 {width} {height}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" viewBox="{box}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="12"><title>{escape(label)}</title>'
        f"{body}</svg>"
    )


def text(x: float, y: float, words: str, anchor: str = "start", size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
        f'fill="{TEXT_COLOUR}">{escape(words)}</text>'
    )


def legend(items: Sequence[tuple[str, str, str]], y: float, x: float = 10) -> str:
    """Swatch + words per item (colour, outline colour, words), in a row that wraps at the chart's width."""
    out, left, top = [], x, y
    for colour, outline, words in items:
        width = 22 + 7 * len(words)
        if left + width > WIDTH - 10:
            left, top = x, top + 18
        out.append(f'<rect x="{left:.0f}" y="{top - 10:.0f}" width="14" height="12" fill="{colour}" '
                   f'stroke="{outline}" stroke-width="1"/>' + text(left + 19, top, words))  # fmt: skip
        left += width + 14
    return "".join(out)


def legend_height(items: Sequence[tuple[str, str, str]]) -> int:
    rows, left = 1, 10.0
    for *_, words in items:
        width = 22 + 7 * len(words)
        if left + width > WIDTH - 10:
            rows, left = rows + 1, 10
        left += width + 14
    return 18 * rows


# --- scores as bars ---------------------------------------------------------------------------------------------


def score_chart(bars: Sequence[Bar], title: str, axis: str, alt: str) -> str:
    """Horizontal bars 0-100, one per indicator (label on the left), coloured by level with icon and score."""
    label_width, top, row = 330, 46, 22
    plot = WIDTH - label_width - 70
    items = [(s.colour, "#333", f"{s.icon} {s.label}") for s in _unique_styles(bars)]
    height = top + row * len(bars) + 40 + legend_height(items)
    parts = [text(10, 22, title, size=14, weight="bold")]
    for tick in range(0, 101, 20):
        x = label_width + plot * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + row * len(bars)}" stroke="#e5e5e5"/>')
        parts.append(text(x, top + row * len(bars) + 14, str(tick), "middle", 11))
    for n, bar in enumerate(bars):
        y = top + row * n
        length = plot * max(0.0, min(bar.score, 100.0)) / 100
        parts.append(text(label_width - 8, y + 15, bar.label, "end", 11))
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" '
                     f'fill="{bar.style.colour}" stroke="#333" stroke-width="0.5"/>')  # fmt: skip
        parts.append(text(label_width + length + 5, y + 15, f"{bar.style.icon} {bar.score:.0f}", size=11))
    axis_y = top + row * len(bars) + 30
    parts.append(text(label_width + plot / 2, axis_y, axis, "middle", 11))
    parts.append(legend(items, axis_y + 20))
    return svg(WIDTH, height, alt, "".join(parts))


def _unique_styles(bars: Sequence[Bar]) -> list[LevelStyle]:
    seen: dict[str, LevelStyle] = {}
    for bar in bars:
        seen.setdefault(bar.style.colour, bar.style)
    order = [LEVELS[level].colour for level in ("green", "yellow", "orange", "red")]
    return sorted(seen.values(), key=lambda s: order.index(s.colour) if s.colour in order else len(order))


# --- a series against the region's median ------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    years: list[int]
    country: list[float | None]  # the country's value per year (None: none that year)
    median: list[float | None]  # the region's median per year


def series_chart(series: Series, threshold: tuple[float, str] | None, names: tuple[str, str], title: str,
                 alt: str) -> str:  # fmt: skip
    """Lines by year: the country (blue, with points) and the region's median (grey, dotted); the green threshold
    as a dashed line with its words. `names`: the country's and the median's names in the legend."""
    left, right, top, bottom, height = 60, 20, 44, 60, 360
    values = [v for v in [*series.country, *series.median] if v is not None]
    if threshold is not None:
        values.append(threshold[0])
    low, high = _nice_range(min(values), max(values))
    first, last = series.years[0], series.years[-1]

    def x(year: float) -> float:
        return left + (WIDTH - left - right) * ((year - first) / (last - first) if last > first else 0.5)

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - (value - low) / (high - low))

    parts = [text(10, 22, title, size=14, weight="bold")]
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - right}" y2="{y(tick):.1f}" stroke="#e5e5e5"/>')
        parts.append(text(left - 6, y(tick) + 4, _tick_text(tick), "end", 11))
    for year in _year_ticks(first, last):
        parts.append(text(x(year), height - bottom + 16, str(year), "middle", 11))
    if threshold is not None:
        value, words = threshold
        parts.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{WIDTH - right}" y2="{y(value):.1f}" '
                     f'stroke="{LEVELS["green"].colour}" stroke-width="1.5" stroke-dasharray="6 4"/>')  # fmt: skip
        parts.append(text(WIDTH - right - 4, y(value) - 5, words, "end", 11))
    parts.append(_polyline(series.years, series.median, x, y, MEDIAN_GREY, 2, "2 4"))
    parts.append(_polyline(series.years, series.country, x, y, COUNTRY_BLUE, 3, None))
    parts += [f'<circle cx="{x(year):.1f}" cy="{y(v):.1f}" r="3.5" fill="{COUNTRY_BLUE}"/>'
              for year, v in zip(series.years, series.country, strict=True) if v is not None]  # fmt: skip
    items = [(COUNTRY_BLUE, COUNTRY_BLUE, names[0]), (MEDIAN_GREY, MEDIAN_GREY, names[1])]
    parts.append(legend(items, height - 14))
    return svg(WIDTH, height, alt, "".join(parts))


def _polyline(years, values, x, y, colour: str, width: float, dash: str | None) -> str:
    """A line through the years that have a value (a gap where a year has none)."""
    runs: list[list[str]] = [[]]
    for year, value in zip(years, values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x(year):.1f},{y(value):.1f}")
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return "".join(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="{width}"'
                   f' stroke-linejoin="round"{dashes}/>' for run in runs if len(run) > 1)  # fmt: skip


def _nice_range(low: float, high: float) -> tuple[float, float]:
    if high == low:
        return low - 1, high + 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    first = math.ceil(low / step) * step
    return [first + step * n for n in range(count + 2) if first + step * n <= high]


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:g}"


def _year_ticks(first: int, last: int) -> list[int]:
    step = max(1, math.ceil((last - first) / 10))
    return list(range(first, last + 1, step))


# --- the region's map ---------------------------------------------------------------------------------------------


def region_map(states: dict[str, LevelStyle], outlined: str, title: str, outline_words: str, alt: str) -> str:
    """The countries of `states` filled with their level's colour (the view framed on them, centred on their
    longitudes), every other country in light grey, `outlined` drawn with a thick outline; a legend of the states."""
    shapes = country_paths(central_longitude([c for c in states if c in centroids()]))
    inside = [shapes[c] for c in states if c in shapes]
    if not inside:
        return ""
    x0, y0, x1, y1 = _frame([s.box for s in inside])
    scale = (WIDTH - 20) / (x1 - x0)
    map_height = max(200, min(560, round((y1 - y0) * scale)))
    scale = min(scale, (map_height - 10) / (y1 - y0))
    shift_x = (WIDTH - (x1 - x0) * scale) / 2 - x0 * scale
    shift_y = 40 + (map_height - (y1 - y0) * scale) / 2 - y0 * scale
    transform = f'transform="translate({shift_x:.1f} {shift_y:.1f}) scale({scale:.5f})"'
    stroke = 'vector-effect="non-scaling-stroke"'
    body = []
    for code, shape in shapes.items():
        if code in states or not _overlaps(shape.box, (x0, y0, x1, y1)):
            continue
        body.append(f'<path d="{shape.d}" fill="#f4f4f4" stroke="#bbbbbb" stroke-width="0.5" {stroke}/>')
    for code, style in states.items():
        if code in shapes:
            body.append(f'<path d="{shapes[code].d}" fill="{style.colour}" stroke="#444444" stroke-width="0.5" '
                        f"{stroke}/>")  # fmt: skip
    if outlined in shapes:
        body.append(f'<path d="{shapes[outlined].d}" fill="none" stroke="#000000" stroke-width="2.5" {stroke}/>')
    items = [(s.colour, "#444", f"{s.icon} {s.label}") for s in _legend_states(states)]
    items.append(("#ffffff", "#000000", outline_words))
    height = 40 + map_height + 16 + legend_height(items)
    clip = f'<clipPath id="map-clip"><rect x="0" y="34" width="{WIDTH}" height="{map_height + 12}"/></clipPath>'
    parts = [text(10, 22, title, size=14, weight="bold"), f"<defs>{clip}</defs>",
             f'<g clip-path="url(#map-clip)"><g {transform}>{"".join(body)}</g></g>',
             legend(items, 40 + map_height + 24)]  # fmt: skip
    return svg(WIDTH, height, alt, "".join(parts))


def central_longitude(codes: list[str]) -> int:
    """The middle of the shortest arc of longitudes holding the countries' centres (Oceania: ~160 E, across the
    antimeridian), so the map is centred on them as plotly's fitbounds does."""
    longitudes = sorted(centroids()[c][0] % 360 for c in codes)
    if not longitudes:
        return 0
    gaps = [((longitudes[(i + 1) % len(longitudes)] - lon) % 360, i) for i, lon in enumerate(longitudes)]
    gap, i = max(gaps) if len(longitudes) > 1 else (360.0, 0)
    start = longitudes[(i + 1) % len(longitudes)]
    return round((start + (360 - gap) / 2 + 180) % 360 - 180)


def _legend_states(states: dict[str, LevelStyle]) -> list[LevelStyle]:
    seen: dict[str, LevelStyle] = {}
    for style in states.values():
        seen.setdefault(style.colour + style.label, style)
    return list(seen.values())


def _frame(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = 0.04 * max(x1 - x0, y1 - y0, 1)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass(frozen=True)
class Shape:
    d: str  # SVG path in projected units (x right, y down; the world ~5,400 units wide)
    box: tuple[float, float, float, float]


@lru_cache(maxsize=1)
def _topology() -> tuple[dict[str, list[list[tuple[float, float]]]], dict[str, tuple[float, float]]]:
    """ISO3 -> the country's rings in longitude/latitude, and ISO3 -> its centre (Natural Earth 1:110m: 177)."""
    data = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = data["transform"]["scale"], data["transform"]["translate"]
    arcs = []
    for arc in data["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    rings, centres = {}, {}
    for geometry in data["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        found = [r for r in (_ring(arcs, ring) for polygon in polygons for ring in polygon if ring) if len(r) > 2]
        if found and geometry.get("id"):
            code = str(geometry["id"])
            rings[code] = found
            centre = (geometry.get("properties") or {}).get("ct")
            centres[code] = tuple(centre) if centre else found[0][0]
    return rings, centres  # type: ignore[return-value]


def centroids() -> dict[str, tuple[float, float]]:
    return _topology()[1]


@lru_cache(maxsize=8)
def country_paths(central: int = 0) -> dict[str, Shape]:
    """ISO3 -> the country's outline projected with `central` longitude in the middle (kept per process)."""
    rings, centres = _topology()
    return {code: _shape([_unwrapped(ring, centres[code][0], central) for ring in parts])
            for code, parts in rings.items()}  # fmt: skip


def _unwrapped(ring: list[tuple[float, float]], centre: float, central: int) -> list[tuple[float, float]]:
    """A ring projected without a jump across the map's edge: each point within 180 degrees of the one before,
    the first within 180 degrees of the country's centre (so Fiji or Russia stay whole, past the edge if need be)."""
    middle = (centre - central + 180) % 360 - 180
    out, previous = [], None
    for lon, lat in ring:
        x = lon - central
        reference = middle if previous is None else previous
        x += 360 * round((reference - x) / 360)
        out.append(_project(x, lat))
        previous = x
    return out


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _shape(rings: list[list[tuple[float, float]]]) -> Shape:
    parts = []
    for ring in rings:
        kept = [ring[0]]
        for x, y in ring[1:]:
            if (round(x), round(y)) != (round(kept[-1][0]), round(kept[-1][1])):
                kept.append((x, y))
        parts.append("M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in kept) + "Z")
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return Shape("".join(parts), (min(xs), min(ys), max(xs), max(ys)))


def _project(longitude: float, latitude: float) -> tuple[float, float]:
    """Natural Earth (Šavrič, Jenny, Patterson, Jenny 2011; as d3-geo's geoNaturalEarth1 and plotly's "natural
    earth"), 1,000 units per radian, y pointing down."""
    lam, phi = math.radians(longitude), math.radians(max(-89.9, min(89.9, latitude)))  # longitude may pass 180
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return 1000 * x, -1000 * y
