"""A small-multiples figure (dashboard/components/small_multiples.py: a plain plotly dict of line-and-marker traces
on subplots placed by their axes' domains) drawn on the server as SVG, for the page's first view
(dashboard/first_view.py): the same lines, points, colours, markers and dashes, subplot titles, green thresholds,
axes and legend as plotly.js draws moments later, laid out by the same margins and domains at a laptop's width.
Tick values follow plotly's rule (a step of 2, 5 or 10 times a power of ten, at most `nticks` of them, y from
zero); there is no hover: the live chart replaces this picture once Dash has drawn it.

Only the figures this project builds are drawn: traces of type scatter with x and y lists, on axes named
x/x2/...; anything else (a map, bars, an empty figure) gives None and the first view keeps an empty box."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH = 1184  # px: the chart's width in the page on a 1280 px window (a narrower screen scales the picture down)
FONT = '"Open Sans", verdana, arial, sans-serif'  # plotly.js's default font
CHAR_EM = 0.5  # average glyph width in em, for the legend's wrapping
DASH = {"solid": "", "dot": "3,3", "dash": "9,9", "dashdot": "9,3,3,3", "longdash": "15,15"}


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Axis:
    lo: float
    hi: float
    ticks: tuple[float, ...]
    step: float


def figure_svg(figure: Any, width: int = WIDTH) -> str | None:
    """The figure as an `<svg>` element, or None if it is not a small-multiples figure of line traces."""
    if not isinstance(figure, Mapping):
        return None
    data, layout = figure.get("data") or [], figure.get("layout") or {}
    if not data or not all(_drawable(trace) for trace in data) or not isinstance(layout.get("height"), int | float):
        return None
    height = float(layout["height"])
    plot = _plot_area(layout, width, height)
    separators = str(layout.get("separators") or ".,")
    parts = [_title(layout, width, height), _legend(data, plot)]
    for suffix in dict.fromkeys(_suffix(trace.get("xaxis")) for trace in data):
        parts.append(_subplot(data, layout, suffix, plot, separators))
    parts += [_annotation(a, plot) for a in layout.get("annotations") or []]
    label = escape(_title_text(layout), quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="first-view-chart" viewBox="0 0 {width} {height:g}"'
        f' preserveAspectRatio="xMidYMin meet" role="img" aria-label="{label}" font-family=\'{FONT}\''
        f' font-size="11" fill="#1A1A1A"><rect width="{width}" height="{height:g}" fill="#FFFFFF"/>'
        + "".join(parts)
        + "</svg>"
    )


def _drawable(trace: Any) -> bool:
    return (isinstance(trace, Mapping) and trace.get("type", "scatter") == "scatter"
            and isinstance(trace.get("x"), list) and isinstance(trace.get("y"), list))  # fmt: skip


def _suffix(axis: Any) -> str:
    return str(axis or "x")[1:]


def _plot_area(layout: Mapping[str, Any], width: float, height: float) -> Box:
    margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    return Box(margin["l"], margin["t"], width - margin["l"] - margin["r"], height - margin["t"] - margin["b"])


def _title_text(layout: Mapping[str, Any]) -> str:
    title = layout.get("title")
    return str(title.get("text") or "") if isinstance(title, Mapping) else str(title or "")


def _title(layout: Mapping[str, Any], width: float, height: float) -> str:
    title = layout.get("title")
    text = _title_text(layout)
    if not text:
        return ""
    spec = title if isinstance(title, Mapping) else {}
    size = (spec.get("font") or {}).get("size", 17)
    x = float(spec.get("x", 0.5)) * width
    top = (1 - float(spec.get("y", 1 - 10 / height))) * height
    anchor = {"left": "start", "right": "end"}.get(str(spec.get("xanchor", "left")), "middle")
    return f'<text x="{x:.1f}" y="{top + size:.1f}" font-size="{size}" text-anchor="{anchor}">{escape(text)}</text>'


def nice_axis(lo: float, hi: float, nticks: int, length: float, from_zero: bool = False, marker: float = 6) -> Axis:
    """An axis `length` px long over the values lo..hi as plotly.js sets it for lines with markers: room of 5% of
    its length plus the marker's pad (size / 1.6, at least 3 px) at each end (none at a zero start); ticks every 2,
    5 or 10 times a power of ten, at most `nticks` of them."""
    if from_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    room = 0.05 * length + max(marker / 1.6, 3)
    ends = (0 if from_zero and lo == 0 else 1) + (0 if from_zero and hi == 0 else 1)
    pad = (hi - lo) * room / max(length - ends * room, 1)
    lo = lo if (from_zero and lo == 0) else lo - pad
    hi = hi if (from_zero and hi == 0) else hi + pad
    rough = (hi - lo) / max(nticks, 1)
    base = 10 ** math.floor(math.log10(rough))
    step = base * next(m for m in (2, 5, 10) if m >= rough / base - 1e-9)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = tuple(round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1))
    return Axis(lo, hi, ticks, step)


def tick_text(value: float, step: float, separators: str = ".,") -> str:
    """A tick's label as plotly.js writes it by default: 20k and 1.5M past 10,000, else the digits the step needs
    (no trailing zeros), with the layout's decimal sign."""
    suffix, scale = "", 1.0
    size = abs(value) if value else 0.0
    for limit, letter in ((1e9, "B"), (1e6, "M"), (1e4, "k")):
        if size >= limit or (limit == 1e4 and abs(step) >= 1e4):
            suffix, scale = letter, (limit if limit != 1e4 else 1e3)
            break
    scaled, scaled_step = value / scale, step / scale
    decimals = max(0, -math.floor(math.log10(scaled_step) + 1e-9)) if scaled_step < 1 else 0
    text = f"{scaled:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text  # 0, 0.5, 1, 1.5 as plotly.js writes them
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", separators[0]) + suffix


def _subplot(data: Sequence[Mapping[str, Any]], layout: Mapping[str, Any], suffix: str, plot: Box,
             separators: str) -> str:  # fmt: skip
    x_spec, y_spec = layout.get(f"xaxis{suffix}") or {}, layout.get(f"yaxis{suffix}") or {}
    traces = [t for t in data if _suffix(t.get("xaxis")) == suffix]
    xs = [float(v) for t in traces for v in t["x"] if v is not None]
    ys = [float(v) for t in traces for v in t["y"] if v is not None]
    ys += [float(s["y0"]) for s in layout.get("shapes") or [] if s.get("yref") == f"y{suffix}"]
    if not xs or not ys:
        return ""
    box = _box(plot, x_spec.get("domain", [0, 1]), y_spec.get("domain", [0, 1]))
    size = max([float((t.get("marker") or {}).get("size", 6)) for t in traces])
    x_axis = nice_axis(min(xs), max(xs), int(x_spec.get("nticks") or 6), box.width, marker=size)
    y_axis = nice_axis(min(ys), max(ys), int(y_spec.get("nticks") or 5), box.height,
                       y_spec.get("rangemode") == "tozero", marker=size)  # fmt: skip
    at_x = _scale(x_axis, box.left, box.left + box.width)
    at_y = _scale(y_axis, box.top + box.height, box.top)
    parts = [_grid(x_axis, y_axis, box, at_x, at_y, separators)]
    parts += [_threshold(s, box, at_y) for s in layout.get("shapes") or [] if s.get("yref") == f"y{suffix}"]
    parts += [_trace(t, at_x, at_y) for t in traces]
    return f'<g class="subplot" data-axes="x{suffix}y{suffix}">' + "".join(parts) + "</g>"


def _box(plot: Box, x_domain: Sequence[float], y_domain: Sequence[float]) -> Box:
    left = plot.left + x_domain[0] * plot.width
    top = plot.top + (1 - y_domain[1]) * plot.height
    return Box(left, top, (x_domain[1] - x_domain[0]) * plot.width, (y_domain[1] - y_domain[0]) * plot.height)


def _scale(axis: Axis, start: float, end: float) -> Any:
    return lambda v: start + (float(v) - axis.lo) * (end - start) / (axis.hi - axis.lo)


def _grid(x_axis: Axis, y_axis: Axis, box: Box, at_x: Any, at_y: Any, separators: str) -> str:
    right, bottom = box.left + box.width, box.top + box.height
    out = []
    for tick in x_axis.ticks:
        x = at_x(tick)
        out.append(f'<path d="M{x:.1f} {box.top:.1f}V{bottom:.1f}" stroke="#E5E5E5"/>'
                   f'<text x="{x:.1f}" y="{bottom + 15:.1f}" text-anchor="middle">{int(round(tick))}</text>')  # fmt: skip
    for tick in y_axis.ticks:
        y = at_y(tick)
        out.append(f'<path d="M{box.left:.1f} {y:.1f}H{right:.1f}" stroke="#E5E5E5"/>'
                   f'<text x="{box.left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end">'
                   f"{escape(tick_text(tick, y_axis.step, separators))}</text>")  # fmt: skip
    out.append(f'<path d="M{box.left:.1f} {box.top:.1f}V{bottom:.1f}H{right:.1f}" fill="none" stroke="#767676"/>')
    return "".join(out)


def _threshold(shape: Mapping[str, Any], box: Box, at_y: Any) -> str:
    line = shape.get("line") or {}
    y = at_y(shape["y0"])
    return (f'<path d="M{box.left:.1f} {y:.1f}H{box.left + box.width:.1f}" stroke="{line.get("color", "#555555")}"'
            f' stroke-width="{line.get("width", 1)}" stroke-dasharray="{DASH.get(line.get("dash", "dot"), "3,3")}"/>')  # fmt: skip


def _trace(trace: Mapping[str, Any], at_x: Any, at_y: Any) -> str:
    points = [
        (at_x(x), at_y(y)) for x, y in zip(trace["x"], trace["y"], strict=False) if x is not None and y is not None
    ]
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    colour = escape(str(line.get("color", "#1f77b4")), quote=True)
    path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)
    dash = DASH.get(str(line.get("dash", "solid")), "")
    stroke = f' stroke-dasharray="{dash}"' if dash else ""
    marks = "".join(
        marker_path(str(marker.get("symbol", "circle")), x, y, float(marker.get("size", 6))) for x, y in points
    )
    name = escape(str(trace.get("name", "")), quote=True)
    return (f'<g class="trace" data-name="{name}"><path class="line" d="{path}" fill="none" stroke="{colour}"'
            f' stroke-width="{line.get("width", 2)}"{stroke}/><path class="points" d="{marks}" fill="{colour}"/></g>')  # fmt: skip


def marker_path(symbol: str, x: float, y: float, size: float) -> str:
    """One marker's outline at (x, y), `size` px across, in the shapes plotly.js names."""
    r = size / 2
    if symbol == "square":
        return f"M{x - r:.1f} {y - r:.1f}h{size:.1f}v{size:.1f}h{-size:.1f}Z"
    if symbol == "diamond":
        d = r * 1.3
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}Z"
    if symbol in ("triangle-up", "triangle-down"):
        s = -1 if symbol == "triangle-up" else 1
        return f"M{x:.1f} {y + s * r * 1.2:.1f}L{x + r * 1.2:.1f} {y - s * r * 0.7:.1f}L{x - r * 1.2:.1f} {y - s * r * 0.7:.1f}Z"
    if symbol in ("x", "cross"):
        w, k = r * 0.45, r
        arms = [(-w, -k), (w, -k), (w, -w), (k, -w), (k, w), (w, w), (w, k), (-w, k), (-w, w), (-k, w), (-k, -w), (-w, -w)]  # fmt: skip
        if symbol == "x":
            c = math.sqrt(0.5)
            arms = [((a - b) * c, (a + b) * c) for a, b in arms]
        return "M" + "L".join(f"{x + a:.1f} {y + b:.1f}" for a, b in arms) + "Z"
    corners = {"star": 10, "pentagon": 5, "hexagon": 6}.get(symbol)
    if corners:
        radii = [r * 1.2, r * 0.5] * 5 if symbol == "star" else [r * 1.1] * corners
        n = len(radii)
        return "M" + "L".join(
            f"{x + radii[i] * math.sin(2 * math.pi * i / n):.1f} {y - radii[i] * math.cos(2 * math.pi * i / n):.1f}"
            for i in range(n)
        ) + "Z"  # fmt: skip
    return f"M{x - r:.1f} {y:.1f}a{r:.1f} {r:.1f} 0 1 0 {size:.1f} 0a{r:.1f} {r:.1f} 0 1 0 {-size:.1f} 0Z"


def _legend(data: Sequence[Mapping[str, Any]], plot: Box) -> str:
    """The horizontal legend at the top: a line sample with its marker, then the name; entries wrap to new rows."""
    shown = [t for t in data if t.get("showlegend", True)]
    x, y, out = plot.left, 44.0 + 16, []
    for trace in shown:
        name = str(trace.get("name", ""))
        width = 40 + len(name) * 11 * CHAR_EM + 10
        if x + width > plot.left + plot.width and x > plot.left:
            x, y = plot.left, y + 29  # a row of 19 px and the gap between legend groups
        line, marker = trace.get("line") or {}, trace.get("marker") or {}
        colour = escape(str(line.get("color", "#1f77b4")), quote=True)
        dash = DASH.get(str(line.get("dash", "solid")), "")
        out.append(f'<g class="legend-entry"><path d="M{x + 5:.1f} {y:.1f}h30" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "")
                   + f'/><path d="{marker_path(str(marker.get("symbol", "circle")), x + 20, y, 6)}" fill="{colour}"/>'
                   f'<text x="{x + 40:.1f}" y="{y + 4:.1f}">{escape(name)}</text></g>')  # fmt: skip
        x += width
    return "".join(out)


def _annotation(note: Mapping[str, Any], plot: Box) -> str:
    """A subplot's title (paper coordinates, centred above its subplot)."""
    if note.get("xref") != "paper" or note.get("yref") != "paper":
        return ""
    x = plot.left + float(note["x"]) * plot.width
    y = plot.top + (1 - float(note["y"])) * plot.height
    size = (note.get("font") or {}).get("size", 12)
    anchor = {"left": "start", "right": "end"}.get(str(note.get("xanchor", "center")), "middle")
    baseline = y - 4 if note.get("yanchor") == "bottom" else y + size
    return f'<text x="{x:.1f}" y="{baseline:.1f}" font-size="{size}" text-anchor="{anchor}">{escape(str(note["text"]))}</text>'
