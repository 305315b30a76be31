"""`/indicator/<id>`: one indicator as a chart over time, a map and a table for a chosen year, with its definition.

URL state: ?year=2020&sex=female&countries=MEX,PHL&tab=map (and ?release= for an earlier release). The year has a
slider and a typed box kept in sync; the map and table show each country's latest value at or before that year,
marked out of date beyond the recency window (never carried forward as current).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard.components.datatable import Column, data_table, records, shown_frame
from dashboard.components.downloads import csv_download, graph_config
from dashboard.components.levels import legend_items
from dashboard.components.map import (
    NOTE_WIDTH,
    aria,
    gap_map,
    gap_outputs,
    level_cell_styles,
    level_map,
    map_outputs,
    unit_in_header,
    value_map,
    value_outputs,
    whole_years,
    with_level_labels,
)
from dashboard.i18n import href, t, unit_text
from dashboard.pages import _indicator_sexes as by_sex
from dashboard.pages import _indicator_share as share
from dashboard.pages import _indicator_views as views
from dashboard.pages import _indicator_words as words
from dashboard.pages._indicator_chart import chart
from dashboard.pages._query import pinned_layout, view_release
from dashboard.queries import indicator as q
from indicators.levels import scoreable
from indicators.model import Indicator
from warehouse.connection import cursor

dash.register_page(
    __name__,
    path_template="/indicator/<indicator_id>",
    title=lambda indicator_id=None, **_: views.page_title(indicator_id),
    description=lambda **_: t("indicator.description"),
)

TABS = ("chart", "map", "table")  # labels: indicator.tab.*


def columns() -> list[Column]:
    """The table's columns, headed in the reader's language."""
    return [
        Column("country_link", t("col.country"), markdown=True),  # the name, linked to the profile
        Column("iso3", t("col.iso3")),
        Column("value", t("col.value"), numeric=True),
        Column("unit", t("col.unit")),
        Column("label", t("col.category_or_status")),
        Column("since", t("col.since"), numeric=True, description=t("indicator.col.since_help")),
        Column("year", t("col.year"), numeric=True, description=t("indicator.col.year_help")),
        Column("level_label", t("col.level")),
        Column("note", t("col.note"), description=t("indicator.col.note_help")),
        Column("flags_text", t("valueflag.column"), description=t("valueflag.help")),
        Column("source_id", t("col.source")),
        Column("history_link", t("tile.history"), markdown=True),  # the API's /history of the value's series
    ]


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(
    indicator_id: str | None = None,
    year: str | None = None,
    sex: str | None = None,
    countries: str | list[str] | None = None,
    tab: str | None = None,
    release: str | None = None,
    view: str | None = None,
    **_query: object,
) -> html.Div:
    ind = q.find_indicator(indicator_id or "")
    if ind is None:
        return views.not_found(indicator_id or "")
    years = q.year_range(ind, release)
    chosen_year = years.clamp(views.to_int(year) or years.status_year)
    sex_options = by_sex.choices(ind, q.sexes(ind, release))
    chosen_sex = sex if sex in sex_options else sex_options[0]
    chosen_countries = views.parse_countries(countries)
    chosen_tab = tab if tab in TABS else "chart"
    if view == "chart":  # the shared link: the chart alone, pinned to its release
        return share.chart_alone(ind, chart(ind, chosen_sex, chosen_countries, release), chosen_sex, chosen_countries)
    frame = year_frame(ind, chosen_year, chosen_sex, release)
    return html.Div(
        [
            views.heading(ind, release),
            views.controls(ind, years, chosen_year, sex_options, chosen_sex, chosen_countries, release),
            html.Div(
                dcc.RadioItems(
                    id="indicator-tab",
                    options=[{"label": t(f"indicator.tab.{value}"), "value": value} for value in TABS],
                    value=chosen_tab,
                    className="tab-switch",
                    inline=True,
                ),
                role="group",
                **aria(label=t("indicator.view")),
            ),
            chart_panel(ind, chosen_sex, chosen_countries, release, chosen_tab != "chart"),
            map_panel(ind, frame, chosen_year, release, chosen_tab != "map", chosen_sex),
            table_panel(ind, frame, chosen_year, chosen_tab != "table"),
            views.about(ind),
            dcc.Store(id="indicator-id", data=ind.id),
            dcc.Store(id="indicator-release", data=view_release(release)),
            dcc.Store(id="indicator-bounds", data=[years.first, years.last]),
            dcc.Store(id="indicator-query"),
        ],
        className="indicator-page",
    )


def chart_panel(ind: Indicator, sex: str, countries: list[str], release: str | None, hidden: bool) -> html.Section:
    figure, caption, rows, columns = chart(ind, sex, countries, release)
    return html.Section(
        [
            html.H2(t("indicator.tab.chart"), id="indicator-chart-title"),
            html.Figure(
                [
                    dcc.Graph(id="indicator-chart", figure=figure, config=chart_config(ind.id)),
                    html.Figcaption(caption, id="indicator-chart-caption", className="caption"),
                ]
            ),
            html.Details(
                [
                    html.Summary(t("indicator.chart_data")),
                    data_table("indicator-chart-table", rows, columns, page_size=12),
                ],
                className="chart-data",
            ),
            share.share_link(ind, sex, countries),
        ],
        id="indicator-panel-chart", className="panel", hidden=hidden,
        **aria(labelledby="indicator-chart-title"),
    )  # fmt: skip


def map_panel(ind: Indicator, frame, year: int, release: str | None, hidden: bool, sex: str = "") -> html.Section:
    title = views.map_title(ind, year)
    if sex == by_sex.BOTH:  # women and men: coloured by the gap between them
        graph = gap_map(by_sex.gap_map_frame(frame, ind), t("map.gap_title", title=title), by_sex.gap_unit(ind),
                        "indicator-map", f"{ind.id}-map-gap-{year}")  # fmt: skip
    elif value_scale(ind):
        graph = value_map(views.map_frame(frame), title, unit_text(ind.unit), "indicator-map", f"{ind.id}-map-{year}")
    else:
        graph = level_map(views.map_frame(frame), title, "indicator-map", f"{ind.id}-map-{year}")
    note = words.completeness_note(ind, release) if ind.type == "event" else views.recency_note(ind)
    gap_legend = html.P(by_sex.gap_legend(sex == by_sex.BOTH), id="indicator-map-gap-legend", className="note")
    return html.Section(
        [html.H2(t("indicator.tab.map"), id="indicator-map-title"), html.P(note, className="note"), gap_legend, graph,
         html.P(t("home.map_door"), className="note")],
        id="indicator-panel-map", className="panel", hidden=hidden,
        **aria(labelledby="indicator-map-title"),
    )  # fmt: skip


def table_panel(ind: Indicator, frame, year: int, hidden: bool) -> html.Section:
    shown = table_frame(frame, ind)
    table = data_table("indicator-table", shown, table_columns(shown), page_size=20)
    table.style_data_conditional = level_cell_styles()
    table.style_cell_conditional = NOTE_WIDTH
    return html.Section(
        [
            html.H2(t("indicator.tab.table"), id="indicator-table-title"),
            html.P(views.table_caption(ind, year), id="indicator-table-caption", className="caption"),
            table,
            html.Button(t("home.download"), id="indicator-download-button", className="button"),
            dcc.Download(id="indicator-download"),
        ],
        id="indicator-panel-table", className="panel", hidden=hidden,
        **aria(labelledby="indicator-table-title"),
    )  # fmt: skip


def chart_config(indicator_id: str) -> Any:
    return graph_config(filename=f"{indicator_id}-chart")


def value_scale(ind: Indicator) -> bool:
    """Context series (no levels) are mapped on a continuous scale of their values."""
    return not scoreable(ind) and ind.type == "continuous"


def table_columns(frame) -> list[Column]:
    keep = {"country_link", "iso3", "level_label", "note"}
    shown = [c for c in columns() if c.id in keep or frame[c.id].notna().any()]
    if not frame["flags_text"].fillna("").astype(str).str.len().any():  # no value has a flag: no empty column
        shown = [c for c in shown if c.id != "flags_text"]
    if "gap" in frame.columns:  # women and men: their values and the gap after the value
        at = next((i + 1 for i, c in enumerate(shown) if c.id == "value"), 2)
        shown[at:at] = by_sex.sex_columns()
    return unit_in_header(frame, shown)


def table_frame(frame, ind: Indicator | None = None):
    """The year's frame as the table shows it: levels in words, each country's name a link to its profile (in the
    page's language), each value's link to its history."""
    links = [f"[{str(name).replace(']', '')}]({href('/country/' + str(iso3))})"
             for name, iso3 in zip(frame["name"], frame["iso3"], strict=True)]  # fmt: skip
    return with_level_labels(frame).assign(country_link=links, history_link=history_links(frame, ind))


def history_links(frame, ind: Indicator | None) -> list[str | None]:
    """'History of this value' per row: the API's /history of the series in the value's year (every value it had
    in each kept release, with its source and any steward's submission); blank for a missing value, no column for
    an event."""
    if ind is None or ind.type == "event":
        return [None] * len(frame)
    text = t("signoff.history_cell")
    known = (frame["value"].notna() | frame["label"].notna()) & frame["year"].notna()  # else "" (None reads 'null')
    return [f"[{text}](/api/v1/history?indicator={ind.id}&country={iso3}&year={int(year)})" if ok else ""
            for iso3, year, ok in zip(frame["iso3"], frame["year"], known, strict=True)]  # fmt: skip


def plain_names(frame):
    """A downloaded table's country links back to plain names ('[Kenya](/country/KEN)' -> 'Kenya')."""
    name = t("col.country")
    if name in frame.columns:
        frame[name] = frame[name].astype(str).str.replace(r"^\[(.*)\]\([^)]*\)$", r"\1", regex=True)
    return frame.drop(columns=[t("tile.history")], errors="ignore")  # a link to the API, not a figure


def year_frame(ind: Indicator, year: int, sex: str | None, release: str | None):
    """The year's status frame; with "women and men", the total's (or headline's) plus both sexes and the gap."""
    chosen = sex or ind.headline_sex
    if chosen != by_sex.BOTH:
        return words.status_frame(ind, year, chosen, release)
    base = by_sex.base_sex(ind, chosen, q.sexes(ind, release))
    return by_sex.with_sexes(words.status_frame(ind, year, base, release), ind, year, release)


def sync_year(trigger: str | None, slider: object, typed: object, bounds: list[int]) -> tuple[int, int, str]:
    """The slider and the typed year agree: whichever changed sets both; a typed year outside the data's range
    (or not a year) is refused with a message and the slider's year stays."""
    first, last = bounds
    current = views.to_int(slider) or last
    if trigger != "indicator-year-input":
        return current, current, ""
    wanted = views.to_int(typed)
    if wanted is None or not first <= wanted <= last:
        return current, current, t("indicator.year_refused", first=first, last=last, current=current)
    return wanted, wanted, ""


@callback(
    Output("indicator-year-slider", "value"),
    Output("indicator-year-input", "value"),
    Output("indicator-year-message", "children"),
    Input("indicator-year-slider", "value"),
    Input("indicator-year-input", "value"),
    State("indicator-bounds", "data"),
    prevent_initial_call=True,
)
def on_year(slider: object, typed: object, bounds: list[int]):
    return sync_year(ctx.triggered_id, slider, typed, bounds)


def year_outputs(indicator_id: str, year: int, sex: str | None, release: str | None):
    """Map figure and caption, map title, table rows, columns and caption for one year."""
    ind = q.find_indicator(indicator_id)
    assert ind is not None
    frame = year_frame(ind, year, sex, release)
    title = views.map_title(ind, year)
    if sex == by_sex.BOTH:
        figure, caption = gap_outputs(by_sex.gap_map_frame(frame, ind), t("map.gap_title", title=title),
                                      by_sex.gap_unit(ind))  # fmt: skip
    elif value_scale(ind):
        figure, caption = value_outputs(views.map_frame(frame), title, unit_text(ind.unit))
    else:
        figure, caption = map_outputs(views.map_frame(frame), title)
    shown = table_frame(frame, ind)
    columns = table_columns(shown)
    rows = records(shown, columns)
    return figure, caption, rows, [c.spec() for c in columns], views.table_caption(ind, year)


@callback(
    Output("indicator-map", "figure"),
    Output("indicator-map-caption", "children"),
    Output("indicator-table", "data"),
    Output("indicator-table", "columns"),
    Output("indicator-table-caption", "children"),
    Output("indicator-map-gap-legend", "children"),
    Output("indicator-map-legend", "children"),
    Input("indicator-year-slider", "value"),
    Input("indicator-sex", "value"),
    State("indicator-id", "data"),
    State("indicator-release", "data"),
    prevent_initial_call=True,
)
def on_year_or_sex(year: int | None, sex: str | None, indicator_id: str, release: str | None):
    if year is None:
        return (no_update,) * 7
    ind = q.find_indicator(indicator_id)
    by_levels = sex != by_sex.BOTH and ind is not None and not value_scale(ind)  # else coloured by a value scale
    return (*year_outputs(indicator_id, int(year), sex, release), by_sex.gap_legend(sex == by_sex.BOTH),
            legend_items(coloured=by_levels))  # fmt: skip


@callback(
    Output("indicator-chart", "figure"),
    Output("indicator-chart-caption", "children"),
    Output("indicator-chart-table", "data"),
    Output("indicator-chart-table", "columns"),
    Input("indicator-sex", "value"),
    Input("indicator-countries", "value"),
    State("indicator-id", "data"),
    State("indicator-release", "data"),
    prevent_initial_call=True,
)
def on_chart_choice(sex: str | None, countries: list[str] | None, indicator_id: str, release: str | None):
    ind = q.find_indicator(indicator_id)
    assert ind is not None
    figure, caption, rows, columns = chart(ind, sex or ind.headline_sex, countries or [], release)
    table_cols = [c.spec() for c in columns]  # numbers with the language's decimal sign
    return figure, caption, records(rows, columns), table_cols


@callback(
    Output("indicator-panel-chart", "hidden"),
    Output("indicator-panel-map", "hidden"),
    Output("indicator-panel-table", "hidden"),
    Input("indicator-tab", "value"),
    prevent_initial_call=True,
)
def on_tab(tab: str) -> tuple[bool, bool, bool]:
    return tab != "chart", tab != "map", tab != "table"


@callback(
    Output("indicator-download", "data"),
    Input("indicator-download-button", "n_clicks"),
    State("indicator-table", "derived_virtual_data"),
    State("indicator-table", "columns"),
    State("indicator-id", "data"),
    State("indicator-year-slider", "value"),
    State("indicator-sex", "value"),
    State("indicator-release", "data"),
    prevent_initial_call=True,
)
def download_table(n_clicks, rows, columns, indicator_id: str, year: int, sex: str | None, release: str | None):
    """The table as shown (filtered, sorted), with the indicator, year, sex and release in the header lines."""
    if not n_clicks:
        return no_update
    release_id, _ = cursor(release)
    note = t("indicator.csv_note", id=indicator_id, year=year, sex=sex or "total")
    filename = f"lmm-{indicator_id}-{year}-{sex or 'total'}-{release_id}.csv"
    return csv_download(plain_names(whole_years(shown_frame(rows, columns))), filename, release_id, note)


# Year, sex, countries and tab go into the URL's query (replaceState: shareable, no reload, other params kept).
clientside_callback(
    """
    function(year, sex, countries, tab) {
        const params = new URLSearchParams(window.location.search);
        const set = (key, value) => { if (value === null || value === undefined || value === "") { params.delete(key); } else { params.set(key, value); } };
        set("year", year);
        set("sex", sex);
        set("countries", (countries || []).join(","));
        set("tab", tab);
        const query = "?" + params.toString().replace(/%2C/g, ",");
        if (query !== window.location.search) {
            window.history.replaceState(window.history.state, "", window.location.pathname + query);
        }
        return query;
    }
    """,
    Output("indicator-query", "data"),
    Input("indicator-year-slider", "value"),
    Input("indicator-sex", "value"),
    Input("indicator-countries", "value"),
    Input("indicator-tab", "value"),
)


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("indicator-map", "clickData"),
    prevent_initial_call=True,
)
def open_clicked_country(click: dict | None) -> object:
    """The map leads back to the countries it shows: clicking one opens its profile (in the page's language)."""
    points = (click or {}).get("points") or [{}]
    code = points[0].get("location")
    return href(f"/country/{code}") if isinstance(code, str) and code else no_update


# The share link follows the chart's choices (sex, countries), pinned to the release the page shows.
clientside_callback(
    """
    function(query, release) {
        const params = new URLSearchParams(query || window.location.search);
        params.delete("tab");
        if (release) { params.set("release", release); }
        params.set("view", "chart");
        return window.location.pathname + "?" + params.toString().replace(/%2C/g, ",");
    }
    """,
    Output("indicator-share", "href"),
    Input("indicator-query", "data"),
    State("indicator-release", "data"),
)


# The embed snippet follows them too: the same choices on /embed/indicator/<id>, this site's address written in full.
clientside_callback(
    """
    function(query, release, snippet) {
        const params = new URLSearchParams(query || window.location.search);
        ["tab", "year", "view"].forEach(key => params.delete(key));
        if (release) { params.set("release", release); }
        const path = window.location.pathname.replace(/^\\/indicator\\//, "/embed/indicator/");
        const src = window.location.origin + path + "?" + params.toString().replace(/%2C/g, ",");
        return (snippet || "").replace(/src="[^"]*"/, 'src="' + src.replace(/&/g, "&amp;") + '"');
    }
    """,
    Output("indicator-embed", "value"),
    Input("indicator-query", "data"),
    State("indicator-release", "data"),
    State("indicator-embed", "value"),
)
