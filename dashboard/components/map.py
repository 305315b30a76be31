"""World choropleths of levels (or of plain values) for any page, drawn from the app's own outlines (offline).

The frame a map takes has one row per country:
- iso3, name: the country;
- level: green / yellow / orange / red / no_data, or a status shown instead of a colour (out_of_date, not_known);
- value_text: what the hover says about the value, unit included ("47.3 %", "Ratified, in force");
- year (optional): the year of the value.
Colour is never alone: the hover names the level with its icon, the legend under the map names every level, and
pages put a table beside the map.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from dashboard.components.downloads import graph_config
from dashboard.components.levels import legend, style_of
from dashboard.i18n import number, t, unit_text
from indicators.levels import COLOURED, STATUS_LABELS

MAP_COLUMNS = ("iso3", "name", "level", "value_text")
LEVEL_ORDER = (*COLOURED, "no_data", *STATUS_LABELS)
LAND = "#FFFFFF"  # countries the frame does not list (no outline is left blank by the map)
BORDER = "#6B6B6B"
VALUE_SCALE = "Cividis"  # colour-blind safe, monotone in lightness
CURRENT = "current"  # level of a current value of a context series (value maps: no colour level, a value)
# The gap map (women minus men): ColorBrewer's PuOr, diverging and colour-blind safe; orange where men's value is
# higher, purple where women's is, pale near equal (the legend says so in words; greys stay no data / out of date).
GAP_SCALE = [[0.0, "#B35806"], [0.25, "#F1A340"], [0.5, "#F7F7F7"], [0.75, "#998EC3"], [1.0, "#542788"]]
Figure = dict[str, Any]  # a plotly figure as plain data: dcc.Graph takes it as is (no per-request validation)


def aria(**attrs: str) -> dict[str, Any]:
    """ARIA attributes for html components: aria(labelledby="x") -> {"aria-labelledby": "x"} (to unpack with **)."""
    return {f"aria-{name}": value for name, value in attrs.items()}


def level_map(frame: pd.DataFrame, title: str, id: str, filename: str = "map", height: int = 440) -> html.Figure:
    """A figure with the map, a caption that describes it in words (its alt text) and the legend naming the levels.

    Update it from a callback with `Output(id, "figure")` and `Output(f"{id}-caption", "children")`:
    `map_outputs(frame, title, height)` returns both. `height` in pixels (the map keeps its proportions).
    """
    figure, caption = map_outputs(frame, title, height)
    return map_container(figure, caption, id, filename, legend(id=f"{id}-legend"))


def value_map(frame: pd.DataFrame, title: str, unit: str, id: str, filename: str = "map") -> html.Figure:
    """Like `level_map` for context series without levels: a continuous colour scale of `value` (numbers), with
    countries whose value is out of date or missing drawn in the legend's greys."""
    figure, caption = value_outputs(frame, title, unit)
    return map_container(figure, caption, id, filename, legend(coloured=False, id=f"{id}-legend"))


def map_container(figure: Figure, caption: str, id: str, filename: str, legend_list: html.Ul) -> html.Figure:
    config: Any = {**graph_config(dash.get_asset_url("topojson/"), filename), "scrollZoom": False}
    return html.Figure(
        [
            dcc.Graph(id=id, figure=figure, config=config, className="map-graph"),
            html.Figcaption(caption, id=f"{id}-caption", className="map-caption"),
            legend_list,
        ],
        className="map-figure",
    )


def map_outputs(frame: pd.DataFrame, title: str, height: int = 440) -> tuple[Figure, str]:
    return level_figure(frame, title, height), describe(frame, title)


def value_outputs(frame: pd.DataFrame, title: str, unit: str) -> tuple[Figure, str]:
    return value_figure(frame, title, unit), describe(frame, title)


def level_figure(frame: pd.DataFrame, title: str, height: int = 440) -> Figure:
    """One trace per level, each in its fixed colour, so the colours are discrete and every hover names its level."""
    _check(frame)
    return _figure(_level_traces(frame, frame["level"].fillna("no_data").tolist(), LEVEL_ORDER), title, height)


def value_figure(frame: pd.DataFrame, title: str, unit: str) -> Figure:
    """Current values (level "current") on a continuous scale; out-of-date and missing values in their greys."""
    _check(frame)
    is_current = (frame["level"] == CURRENT) & frame["value"].notna()
    current = frame[is_current]
    traces = []
    if not current.empty:
        traces.append(
            {
                "type": "choropleth", "locations": current["iso3"].tolist(), "locationmode": "ISO-3",
                "z": current["value"].astype(float).tolist(), "colorscale": VALUE_SCALE,
                "text": hover_texts(current), "hovertemplate": "%{text}<extra></extra>",
                "marker": {"line": {"color": BORDER, "width": 0.4}}, "name": t("map.current_value"),
                "colorbar": {"title": {"text": unit}, "thickness": 12, "len": 0.6},
            }
        )  # fmt: skip
    rest = frame[~is_current]
    levels = rest["level"].fillna("no_data").replace({CURRENT: "no_data"}).tolist()
    return _figure(traces + _level_traces(rest, levels, ("no_data", *STATUS_LABELS)), title)


def gap_map(frame: pd.DataFrame, title: str, unit: str, id: str, filename: str = "map") -> html.Figure:
    """Like `value_map` for the gap between women and men (`value`: women minus men, level CURRENT where both
    values are current): a diverging scale centred on equal, with its ends and the greys named in words."""
    figure, caption = gap_outputs(frame, title, unit)
    return map_container(figure, caption, id, filename, legend(coloured=False, id=f"{id}-legend"))


def gap_outputs(frame: pd.DataFrame, title: str, unit: str) -> tuple[Figure, str]:
    return gap_figure(frame, title, unit), describe_gap(frame, title)


def gap_figure(frame: pd.DataFrame, title: str, unit: str) -> Figure:
    """Current gaps on the diverging scale (symmetric around 0, so the colour's side is the sign); the rest grey."""
    figure = value_figure(frame, title, unit)
    current = frame[(frame["level"] == CURRENT) & frame["value"].notna()]
    if not current.empty:
        reach = float(current["value"].abs().max()) or 1.0
        far = number(round(reach, 1))
        ends = [
            f"{t('map.gap_men_higher')} (−{far})",
            f"{t('map.gap_equal')} (0)",
            f"{t('map.gap_women_higher')} (+{far})",
        ]
        figure["data"][0].update(
            colorscale=GAP_SCALE, zmid=0, zmin=-reach, zmax=reach, name=t("map.gap_name"),
            colorbar={"title": {"text": t("map.gap_unit", unit=unit)}, "thickness": 12, "len": 0.6,
                      "tickvals": [-reach, 0, reach], "ticktext": ends},
        )  # fmt: skip
    return figure


def describe_gap(frame: pd.DataFrame, title: str) -> str:
    """The gap map in words (its alt text): how many countries have women's value higher, men's, equal, and why the
    others are grey."""
    gaps = frame.loc[(frame["level"] == CURRENT) & frame["value"].notna(), "value"].astype(float)
    rest = frame.loc[~frame.index.isin(gaps.index), "level"].fillna("no_data").value_counts()
    others = [f"{int(rest[lv])} {style_of(lv).label.lower()}" for lv in ("no_data", *STATUS_LABELS) if lv in rest]
    return t("map.gap_describe", title=title, women=int((gaps > 0).sum()), men=int((gaps < 0).sum()),
             equal=int((gaps == 0).sum()), others=", ".join(others) or "0")  # fmt: skip


def _check(frame: pd.DataFrame) -> None:
    missing = [c for c in MAP_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"map frame lacks columns {missing}; it needs {list(MAP_COLUMNS)}")


def _level_traces(frame: pd.DataFrame, levels: list[str], order: tuple[str, ...]) -> list[dict[str, Any]]:
    """A trace per level in `order` that some row has (rows in the frame's order), split in one pass."""
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for code, text, level in zip(frame["iso3"].tolist(), hover_texts(frame), levels, strict=True):
        locations, texts = groups.setdefault(level, ([], []))
        locations.append(code)
        texts.append(text)
    return [_level_trace(*groups[level], level) for level in order if level in groups]


def _level_trace(locations: list[str], texts: list[str], level: str) -> dict[str, Any]:
    style = style_of(level)
    return {
        "type": "choropleth", "locations": locations, "locationmode": "ISO-3", "z": [1] * len(locations),
        "colorscale": [[0, style.colour], [1, style.colour]], "showscale": False, "zmin": 0, "zmax": 1,
        "text": texts, "hovertemplate": "%{text}<extra></extra>",
        "marker": {"line": {"color": BORDER, "width": 0.4}}, "name": f"{style.icon} {style.label}",
    }  # fmt: skip


def hover_texts(rows: pd.DataFrame) -> list[str]:
    """'<b>Mexico</b><br>47.3 %<br>Year: 2023<br>!! Significant challenges' per row (the words of each level and
    year looked up once per call: a map has 250 rows and a handful of levels)."""
    years = rows["year"].tolist() if "year" in rows.columns else [None] * len(rows)
    no_value, year_words, level_words = t("map.no_value"), {}, {}
    texts = []
    for name, value_text, year, level in zip(rows["name"].tolist(), rows["value_text"].tolist(), years,
                                             rows["level"].tolist(), strict=True):  # fmt: skip
        parts = [f"<b>{name}</b>", str(value_text) if isinstance(value_text, str) and value_text else no_value]
        if year is not None and not pd.isna(year):
            if year not in year_words:
                year_words[year] = t("map.year", year=int(year))
            parts.append(year_words[year])
        if level != CURRENT:
            key = None if pd.isna(level) else str(level)
            if key not in level_words:
                level_words[key] = _level_words(key)
            parts.append(level_words[key])
        texts.append("<br>".join(parts))
    return texts


def _level_words(level: str | None) -> str:
    style = style_of(level)
    return f"{style.icon} {style.label}"


def _figure(traces: list[dict[str, Any]], title: str, height: int = 440) -> Figure:
    geo = {
        "projection": {"type": "natural earth"}, "center": {"lon": 0}, "showframe": False, "showcoastlines": False,
        "showcountries": True, "countrycolor": BORDER, "showland": True, "landcolor": LAND, "showocean": False,
        "lataxis": {"range": [-58, 85]}, "lonaxis": {"range": [-180, 180]},
    }  # fmt: skip
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}}, "height": height, "showlegend": False, "geo": geo,
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0}, "paper_bgcolor": "#FFFFFF", "dragmode": False,
        "font": {"family": "Liberation Sans, Arial, sans-serif", "color": "#1A1A1A"},
        "separators": t("format.plot_separators"),
    }  # fmt: skip
    return {"data": traces, "layout": layout}


def describe(frame: pd.DataFrame, title: str) -> str:
    """The map in words (its alt text): how many countries are at each level."""
    counts = frame["level"].fillna("no_data").value_counts()
    parts = [f"{int(counts[level])} {style_of(level).label.lower()}" for level in LEVEL_ORDER if level in counts]
    extra = [t("map.with_current", n=int(counts[CURRENT]))] if CURRENT in counts else []
    return t("map.describe", title=title, counts=", ".join(parts + extra))


def with_level_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame plus `level_label` ('!! Significant challenges'): the table beside a map says the level in words."""
    words = {lv: _level_words(lv) for lv in frame["level"].unique()}
    return frame.assign(level_label=frame["level"].map(words))


NOTE_WIDTH = [{"if": {"column_id": "note"}, "minWidth": "11rem"}]  # DataTable style_cell_conditional


def level_cell_styles(column_id: str = "level_label") -> list[dict[str, object]]:
    """DataTable `style_data_conditional` that fills the level cell with its colour (its words are already there)."""
    styles: list[dict[str, object]] = []
    for level in LEVEL_ORDER:
        style = style_of(level)
        query = f'{{{column_id}}} = "{style.icon} {style.label}"'
        styles.append({"if": {"filter_query": query, "column_id": column_id}, "backgroundColor": style.colour})
    return styles


def unit_in_header(frame: pd.DataFrame, columns: list, value_id: str = "value", unit_id: str = "unit") -> list:
    """Columns (datatable.Column) with the unit moved into the value header ("Value (%)") when it is the same on
    every row, so the table does not repeat it; otherwise unchanged."""
    units = frame[unit_id].dropna().unique() if unit_id in frame.columns else []
    if len(units) != 1:
        return columns
    unit = unit_text(str(units[0]))
    return [replace(c, name=f"{c.name} ({unit})") if c.id == value_id else c for c in columns if c.id != unit_id]


def whole_years(frame: pd.DataFrame, names: tuple[str, ...] = ()) -> pd.DataFrame:
    """A shown table as a frame (from the browser's JSON: years arrive as floats) with year columns as integers
    (by default the columns headed Year, Since and Countries in the reader's language). A column of words is left
    alone: in French "Pays" heads both a count of countries and the country names, which must not become blanks."""
    out = frame.copy()
    for name in names or (t("col.year"), t("col.since"), t("col.countries")):
        if name in out.columns:
            values = pd.to_numeric(out[name], errors="coerce")
            if values.notna().sum() == out[name].notna().sum():
                out[name] = values.round().astype("Int64")
    return out
