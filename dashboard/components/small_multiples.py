"""Small multiples: one small line chart per indicator, one line per country. Countries differ by colour AND by
marker shape and dash (never colour alone); the green threshold of scored indicators is a dotted line.

The figure is built as a plain plotly dict (dcc.Graph takes it as is): plotly's object model took 0.2-0.3 s for
18 subplots, the dict a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.i18n import number, t

# Paul Tol's "muted" scheme: colour-blind safe, and apart from the level colours (Okabe-Ito) of the scorecards.
PALETTE = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#CC6677", "#DDCC77")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "pentagon", "hexagon")
DASHES = ("solid", "dash", "dot", "dashdot")
COLUMNS = 3
ROW_HEIGHT = 210  # px per row of charts
GAP_PX = 75  # px between rows (room for the subplot titles)
H_SPACING = 0.07
AXIS = {"gridcolor": "#E5E5E5", "zeroline": False, "showline": True, "linecolor": "#767676", "automargin": True}
Figure = dict[str, object]


def short(title: str, unit: str, limit: int = 54) -> str:
    text = title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
    return f"{text} ({unit})"


def threshold(direction: str | None, green: float | None) -> tuple[float, str] | None:
    """(y, label) of the green threshold of a scored indicator; None for context indicators."""
    if green is None or (isinstance(green, float) and math.isnan(green)) or direction not in ("higher", "lower"):
        return None
    return float(green), t("chart.green_threshold", op="≥" if direction == "higher" else "≤", value=number(green))


def domains(n: int, rows: int, height: int) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of each of the n subplots, row by row from the top."""
    v = min(GAP_PX / height, 0.3) if rows > 1 else 0.0
    w, h = (1 - (COLUMNS - 1) * H_SPACING) / COLUMNS, (1 - (rows - 1) * v) / rows
    out = []
    for pos in range(n):
        row, col = divmod(pos, COLUMNS)
        x0, top = col * (w + H_SPACING), 1 - row * (h + v)
        out.append(([x0, x0 + w], [top - h, top]))
    return out


def small_multiples(series: Sequence[Mapping[str, Any]], countries: Sequence[tuple[str, str]], title: str) -> Figure:
    """series: rows of indicator_id, title, unit, country, year, value, green, direction. countries: (iso3, name)
    in legend order. One subplot per indicator that has data, in the order of first appearance."""
    first: dict[str, Mapping[str, Any]] = {}
    for r in series:
        first.setdefault(r["indicator_id"], r)
    indicators = list(first.values())
    rows = max(math.ceil(len(indicators) / COLUMNS), 1)
    height = ROW_HEIGHT * rows + 150
    layout = _layout(title, height)
    data: list[dict[str, object]] = []
    shown: set[str] = set()
    groups = _points(series)
    for k, (ind, (xd, yd)) in enumerate(zip(indicators, domains(len(indicators), rows, height), strict=True), 1):
        suffix = "" if k == 1 else str(k)
        layout[f"xaxis{suffix}"] = {**AXIS, "domain": xd, "anchor": f"y{suffix}", "tickformat": "d", "nticks": 6}
        layout[f"yaxis{suffix}"] = {**AXIS, "domain": yd, "anchor": f"x{suffix}", "nticks": 5, "rangemode": "tozero"}
        layout["annotations"].append(_subplot_title(short(ind["title"], ind["unit"]), xd, yd))
        for index, (code, name) in enumerate(countries):
            points = groups.get((ind["indicator_id"], code))
            if points is not None:
                data.append(_line(points, code, name, index, suffix, code not in shown))
                shown.add(code)
        line = threshold(ind["direction"], ind["green"])
        if line is not None:
            layout["shapes"].append(_hline(suffix, line[0]))
    return {"data": data, "layout": layout}


def _points(series: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[list[int], list[float]]]:
    """(indicator, country) -> (years, values), in one pass (a pandas groupby costs more here)."""
    out: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
    for r in series:
        xs, ys = out.setdefault((r["indicator_id"], r["country"]), ([], []))
        xs.append(int(r["year"]))
        ys.append(round(float(r["value"]), 4))
    return out


def _line(points: tuple[list[int], list[float]], code: str, name: str, index: int, axis: str, legend: bool) -> dict:
    return {
        "type": "scatter",
        "x": points[0],
        "y": points[1],
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "name": f"{name} ({code})",
        "legendgroup": code,
        "showlegend": legend,
        "mode": "lines+markers",
        "line": {"color": PALETTE[index % len(PALETTE)], "dash": DASHES[(index // len(PALETTE)) % len(DASHES)]},
        "marker": {"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 6},
        "hovertemplate": "%{fullData.name}<br>%{x}: %{y:,.4~g}<extra></extra>",
    }


def _hline(axis: str, y: float) -> dict[str, object]:
    return {"type": "line", "xref": f"x{axis} domain", "yref": f"y{axis}", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"dash": "dot", "color": "#555555", "width": 1}}  # fmt: skip


def _subplot_title(text: str, xd: list[float], yd: list[float]) -> dict[str, object]:
    return {"text": text, "x": (xd[0] + xd[1]) / 2, "y": yd[1], "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}}  # fmt: skip


def _layout(title: str, height: int) -> dict:
    return {
        "title": {
            "text": title,
            "font": {"size": 15},
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - 10 / height,
            "yanchor": "top",
        },  # fmt: skip
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 120, "b": 40},
        "legend": {"orientation": "h", "x": 0, "yref": "container", "y": 1 - 44 / height, "yanchor": "top"},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "font": {"size": 11, "color": "#1A1A1A"},
        "separators": t("format.plot_separators"),
        "hovermode": "closest",
        "annotations": [],
        "shapes": [],
    }


def empty_figure(message: str) -> Figure:
    return {
        "data": [],
        "layout": {
            "height": 140,
            "paper_bgcolor": "#FFFFFF",
            "plot_bgcolor": "#FFFFFF",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}
            ],
        },
    }
