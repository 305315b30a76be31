"""The chart tab of `/indicator/<id>`: values over time (region medians or chosen countries), categories and
statuses over time (countries per category, or the chosen countries' steps). Each returns the figure (plain
plotly data), a caption that says what it shows (its alt text), and the plotted data with its table columns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.components.datatable import Column
from dashboard.components.levels import style_of
from dashboard.i18n import category_text, ind_text, number, t, unit_text
from dashboard.pages import _indicator_sexes as sexes
from dashboard.pages import _indicator_words as words
from dashboard.pages._status_words import format_number
from dashboard.queries import indicator as q
from indicators.aggregate import MIN_PEERS
from indicators.levels import LEVEL_RANK
from indicators.model import Indicator

# Paul Tol's "muted" scheme (colour-blind safe); lines also differ by marker and dash, never by colour alone.
PALETTE = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#CC6677", "#DDCC77")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down", "pentagon")
DASHES = ("solid", "dash", "dot", "dashdot")
PATTERNS = ("", "/", ".", "x", "\\", "+", "-", "|")  # bars of the same level differ by pattern too
EVENT_YEARS = 30  # the event chart derives statuses for this many years up to the status year
FONT = {"family": "Liberation Sans, Arial, sans-serif", "color": "#1A1A1A"}

Figure = dict[str, Any]
Chart = tuple[Figure, str, pd.DataFrame, list[Column]]


def chart(ind: Indicator, sex: str, countries: list[str], release: str | None) -> Chart:
    """(figure, caption, plotted data, its columns) of the chart tab."""
    if ind.type == "event":
        return event_chart(ind, countries, release)
    if sex == sexes.BOTH and ind.type == "continuous":
        traces, title, caption, rows, columns = sexes.parts(ind, countries, release)
        return _figure(traces, title, unit_text(ind.unit)), caption, rows, columns
    if ind.type != "continuous":
        if countries:
            return status_lines(ind, words.country_series(ind, countries, sex, release), "category")
        return count_bars(ind, words.category_counts(ind, sex, release), "category")
    rows = words.country_series(ind, countries, sex, release) if countries else words.region_medians(ind, sex, release)
    return value_lines(ind, rows, bool(countries))


def _title(ind: Indicator) -> str:
    return ind_text(ind.id, "title", ind.title)


def _figure(traces: list[dict[str, Any]], title: str, y_title: str, **layout: Any) -> Figure:
    axis = {"showline": True, "linecolor": "#444444", "ticks": "outside", "zeroline": False}
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}}, "height": 440, "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40}, "hovermode": "closest",
        "plot_bgcolor": "#FFFFFF", "paper_bgcolor": "#FFFFFF",
        "legend": {"orientation": "h", "y": -0.15, "x": 0}, "separators": t("format.plot_separators"),
        "xaxis": {**axis, "title": {"text": t("col.year")}, "dtick": 5},
        "yaxis": {**axis, "title": {"text": y_title}, "showgrid": True, "gridcolor": "#E5E5E5"},
    }  # fmt: skip
    for key, value in layout.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    if not any(len(trace.get("x") or []) for trace in traces):  # nothing to draw: say so, no empty axes (years 0-5)
        base["xaxis"], base["yaxis"] = {**base["xaxis"], "visible": False}, {**base["yaxis"], "visible": False}
        base["shapes"] = []
        base["annotations"] = [{"text": t("chart.no_values"), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                                "showarrow": False, "font": {"size": 15}}]  # fmt: skip
    return {"data": traces, "layout": base}


def _line(i: int, name: str, x: pd.Series, y: pd.Series, hover: str, shape: str = "linear") -> dict[str, Any]:
    return {
        "type": "scatter", "mode": "lines+markers", "name": name, "x": x.tolist(), "y": y.tolist(),
        "line": {"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % len(DASHES)], "shape": shape},
        "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 6}, "hovertemplate": hover,
    }  # fmt: skip


def value_lines(ind: Indicator, rows: pd.DataFrame, by_country: bool) -> Chart:
    unit = unit_text(ind.unit)
    traces = [
        _line(i, str(name), s["year"], s["value"], f"<b>{name}</b><br>%{{x}}: %{{y}} {unit}<extra></extra>")
        for i, (name, s) in enumerate(rows.groupby("name", sort=True))
    ]
    shapes, notes = [], []
    th = ind.thresholds
    if th is not None and ind.direction != "context":
        for value, level in ((th.green, "green"), (th.red, "red")):
            style = style_of(level)
            shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value,
                           "line": {"dash": "dot", "color": "#555555", "width": 1}})  # fmt: skip
            notes.append({"xref": "paper", "x": 0.005, "y": value, "xanchor": "left", "yanchor": "bottom",
                          "showarrow": False, "text": t("chart.threshold", icon=style.icon, label=style.label,
                                                        value=number(value))})  # fmt: skip
    what = t("chart.selected") if by_country else t("chart.regions", n=MIN_PEERS)
    figure = _figure(traces, f"{_title(ind)}: {what}", unit, shapes=shapes, annotations=notes)
    table = rows.rename(columns={"name": "series"}).assign(unit=unit)
    columns = [Column("series", t("col.country") if by_country else t("col.un_region")),
               Column("year", t("col.year"), numeric=True), Column("value", t("col.value"), numeric=True),
               Column("unit", t("col.unit"))]  # fmt: skip
    if not by_country:
        columns.append(Column("n", t("col.countries"), numeric=True))
    return figure, line_caption(ind, rows, what), table, columns


def line_caption(ind: Indicator, rows: pd.DataFrame, what: str) -> str:
    if rows.empty:
        return t("chart.line_empty", title=_title(ind))
    parts = []
    for name, s in rows.groupby("name", sort=True):
        first, last = s.iloc[0], s.iloc[-1]
        parts.append(t("chart.line_part", name=name, first=format_number(first["value"]), first_year=first["year"],
                       last=format_number(last["value"]), last_year=last["year"]))  # fmt: skip
    return t("chart.line_caption", title=_title(ind), unit=unit_text(ind.unit), what=what, parts="; ".join(parts))


def status_lines(ind: Indicator, rows: pd.DataFrame, word: str) -> Chart:
    """Per-country category or status over time, on an axis of the indicator's categories (best at the top).
    `word` is category or status (chart.word.*)."""
    order = [category_text(ind.id, c.code, c.label)
             for c in sorted(ind.categories, key=lambda c: LEVEL_RANK.get(c.level, 9))][::-1]  # fmt: skip
    noun = t(f"chart.word.{word}")
    traces = [
        _line(i, str(name), s["year"], s["label"], f"<b>{name}</b><br>%{{x}}: %{{y}}<extra></extra>", "hv")
        for i, (name, s) in enumerate(rows.groupby("name", sort=True))
    ]
    yaxis = {"type": "category", "categoryorder": "array", "categoryarray": order}
    figure = _figure(traces, t("chart.steps_title", title=_title(ind), word=noun), noun.capitalize(), yaxis=yaxis,
                     margin={"l": 260})  # fmt: skip
    latest = "; ".join(
        t("chart.latest_part", name=n, label=s["label"].iloc[-1], year=s["year"].iloc[-1])
        for n, s in rows.groupby("name", sort=True)
    )
    caption = t("chart.steps_caption", word=noun, title=_title(ind), latest=latest)
    columns = [Column("name", t("col.country")), Column("year", t("col.year"), numeric=True),
               Column("label", noun.capitalize())]  # fmt: skip
    return figure, caption, rows[["name", "year", "label"]], columns


def count_bars(ind: Indicator, counts: pd.DataFrame, word: str) -> Chart:
    """Stacked bars: countries per category or status in each year; colour by level, plus a pattern and a name."""
    known = [category_text(ind.id, c.code, c.label) for c in ind.categories]
    noun, countries_word = t(f"chart.word.{word}"), t("chart.countries_word")
    bars: dict[str, tuple[list[Any], list[Any], str]] = {}  # label -> (years, counts, level), in one pass
    for year, label, level, n in zip(*(counts[c].tolist() for c in ("year", "label", "level", "n")), strict=True):
        years, ns, _ = bars.setdefault(label, ([], [], str(level)))
        years.append(year)
        ns.append(n)
    traces: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    for label in known + [x for x in bars if x not in known]:
        if label not in bars:
            continue
        years, ns, level = bars[label]
        used[level] = used.get(level, -1) + 1
        marker = {"color": style_of(level).colour, "line": {"color": "#333333", "width": 0.5},
                  "pattern": {"shape": PATTERNS[used[level] % len(PATTERNS)], "fgcolor": "#333333"}}  # fmt: skip
        traces.append({"type": "bar", "x": years, "y": ns, "marker": marker, "name": f"{style_of(level).icon} {label}",
                       "hovertemplate": f"{label}<br>%{{x}}: %{{y}} {countries_word}<extra></extra>"})  # fmt: skip
    figure = _figure(traces, t("chart.bars_title", title=_title(ind), word=noun), t("col.countries"),
                     barmode="stack", bargap=0.1)  # fmt: skip
    if counts.empty:
        caption = t("chart.bars_caption_empty", word=noun, title=_title(ind))
    else:
        last = counts[counts["year"] == counts["year"].max()]
        latest = "; ".join(f"{int(n)} {lab}" for lab, n in zip(last["label"], last["n"], strict=True))
        caption = t("chart.bars_caption", word=noun, title=_title(ind), year=int(counts["year"].max()), latest=latest)
    columns = [Column("year", t("col.year"), numeric=True), Column("label", noun.capitalize()),
               Column("n", t("col.countries"), numeric=True)]  # fmt: skip
    return figure, caption, counts[["year", "label", "n"]], columns


def event_chart(ind: Indicator, countries: list[str], release: str | None) -> Chart:
    status = q.status_year(release)
    years = range(status - EVENT_YEARS, status + 1)
    if countries:
        return status_lines(ind, words.event_series(ind, years, countries, release), "status")
    return count_bars(ind, words.event_counts(ind, years, release), "status")
