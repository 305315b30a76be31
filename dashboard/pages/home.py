"""`/`: a world map of an indicator, principle or theme (?view=...), a country search, headline coverage, the release.

Every state is in the URL: `?view=indicator:female_lfpr` (or principle:13, theme:women) and `?release=` for an
earlier release; the layout is a function of them, and the selector writes the query back without a reload.
"""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from dashboard.components.datatable import Column, data_table, records, shown_frame
from dashboard.components.downloads import csv_download
from dashboard.components.map import (
    NOTE_WIDTH,
    aria,
    level_cell_styles,
    level_map,
    map_outputs,
    unit_in_header,
    whole_years,
    with_level_labels,
)
from dashboard.i18n import date, dropdown_labels, href, number, t
from dashboard.pages import _home_view as words
from dashboard.pages._query import pinned_layout, view_release
from dashboard.queries import home as q
from warehouse.connection import cursor

dash.register_page(
    __name__,
    path="/",
    title=lambda **_: t("app.title"),
    description=lambda **_: t("home.description"),
)

MAP_HEIGHT = 360  # the map shares the width with its table


def columns() -> list[Column]:
    """The table's columns, headed in the reader's language."""
    return [
        Column("name", t("col.country")),
        Column("iso3", t("col.iso3")),
        Column("value", t("col.value"), numeric=True, description=t("home.col.value_help")),
        Column("unit", t("col.unit")),
        Column("label", t("col.category_or_status")),
        Column("year", t("col.year"), numeric=True, description=t("home.col.year_help")),
        Column("coverage", t("home.col.coverage"), description=t("home.col.coverage_help")),
        Column("level_label", t("col.level")),
        Column("note", t("col.note"), description=t("home.col.note_help")),
    ]


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(view: str | None = None, release: str | None = None, **_query: object) -> html.Div:
    default = q.View("indicator", q.DEFAULT_VIEW.partition(":")[2])
    chosen = q.parse_view(view) or default
    notice = "" if view in (None, chosen.text) else t("home.notice.no_view", view=repr(view))
    try:
        frame, title = words.view_frame(chosen, release)
    except KeyError:
        chosen = default
        frame, title = words.view_frame(chosen, release)
        notice = t("home.notice.not_in_release", view=repr(view))
    return html.Div(
        [
            html.H1(t("app.title")),
            html.P(t("home.lede"), className="lede"),
            headline(release),
            controls(chosen.text, release),
            html.P(notice, id="home-notice", className="notice", role="status", hidden=not notice),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2(t("home.map"), id="home-map-title"),
                            level_map(_map_frame(frame), title, "home-map", "map", MAP_HEIGHT),
                            html.P(t("home.map_door"), className="note"),
                        ],
                        className="map-column",
                        **aria(labelledby="home-map-title"),
                    ),
                    table_section(frame, title),
                ],
                className="map-and-table",
            ),
            dcc.Store(id="home-release", data=view_release(release)),
            dcc.Store(id="home-query"),
        ]
    )


def headline(release: str | None) -> html.Section:
    """Tiles: the release and its date, countries with data, sources; then coverage per theme."""
    facts: dict[str, Any] = words.headline(release)
    summary, n_sources, coverage = facts["summary"], facts["sources"], facts["coverage"]
    tiles = [
        _tile(t("home.tile.as_of"), date(str(summary["created_at"])[:10]),
              [t("home.tile.scores_show", year=summary["status_year"]), html.Br(),
               html.Small([t("home.tile.release_small") + " ", html.Code(str(summary["release_id"]), id="home-release-id")],
                          className="small-print")]),  # the release id is small print, not a headline figure
        _tile(t("home.tile.countries"), number(summary["countries"]),
              t("home.tile.with_figures", n=number(summary["countries_with_data"]))),
        _tile(t("home.tile.sources"), html.A(t("home.tile.n_sources", n=n_sources), href=href("/sources"),
                                            id="home-sources-link"), t("home.tile.sources_detail")),
    ]  # fmt: skip
    rows = [
        html.Tr(
            [
                html.Th(r.title, scope="row"),
                html.Td(int(r.indicators)),
                html.Td(int(r.countries_with_any_data)),
                html.Td(t("format.pct", n=number(r.pct_cells_with_current_data, decimals=0))),
            ]
        )
        for r in coverage.itertuples()
    ]
    head = html.Tr(
        [html.Th(t("col.theme"), scope="col"), html.Th(t("home.coverage.scored"), scope="col"),
         html.Th(t("home.coverage.countries"), scope="col"), html.Th(t("home.coverage.cells"), scope="col")]
    )  # fmt: skip
    return html.Section(
        [
            html.H2(t("home.headline"), className="visually-hidden", id="home-headline-title"),
            html.Div(tiles, className="tiles"),
            html.Table(
                [
                    html.Caption(t("home.coverage.caption")),
                    html.Thead(head),
                    html.Tbody(rows),
                ],
                id="home-coverage",
                className="data-table compact",
            ),  # fmt: skip
        ],
        className="headline",
        **aria(labelledby="home-headline-title"),
    )


def _tile(label: str, value: Any, detail: Any) -> html.Div:
    return html.Div([html.Span(label, className="tile-label"), html.Strong(value), html.Span(detail)], className="tile")


def controls(view: str, release: str | None) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("home.show_on_map"), htmlFor="home-view"),
                    dcc.Dropdown(
                        id="home-view",
                        options=words.view_options(release),
                        value=view,
                        clearable=False,
                        labels=dropdown_labels(),
                    ),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Label(t("home.go_to_country"), htmlFor="home-country"),
                    dcc.Dropdown(
                        labels=dropdown_labels(),
                        id="home-country",
                        options=words.country_options(release),
                        placeholder=t("home.type_country"),
                        searchable=True,
                        search_order="original",  # best match first (search_countries)
                        clearable=True,
                    ),
                ],
                className="control",
            ),
        ],
        className="controls",
    )


def table_section(frame: pd.DataFrame, title: str) -> html.Section:
    columns = shown_columns(frame)
    table = data_table("home-table", with_level_labels(frame), columns, page_size=15)
    table.style_data_conditional = level_cell_styles()
    table.style_cell_conditional = NOTE_WIDTH
    return html.Section(
        [
            html.H2(t("home.table"), id="home-table-title"),
            html.P(t("home.table_caption", title=title), id="home-table-caption", className="caption"),
            table,
            html.Button(t("home.download"), id="home-download-button", className="button"),
            dcc.Download(id="home-download"),
        ],
        className="table-column",
        **aria(labelledby="home-table-title"),
    )


def shown_columns(frame: pd.DataFrame) -> list[Column]:
    """The table's columns minus those empty for this view (e.g. Coverage for an indicator)."""
    kept = [c for c in columns() if c.id in ("name", "iso3", "level_label", "note") or frame[c.id].notna().any()]
    return unit_in_header(frame, kept)


def _map_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["iso3", "name", "level", "value_text", "year"]]


@callback(
    Output("home-map", "figure"),
    Output("home-map-caption", "children"),
    Output("home-table", "data"),
    Output("home-table", "columns"),
    Output("home-table-caption", "children"),
    Input("home-view", "value"),
    State("home-release", "data"),
    prevent_initial_call=True,
)
def show_view(view: str | None, release: str | None):
    """The map, its caption and the table for the chosen view."""
    chosen = q.parse_view(view)
    if chosen is None:
        return (no_update,) * 5
    frame, title = words.view_frame(chosen, release)
    figure, caption = map_outputs(_map_frame(frame), title, MAP_HEIGHT)
    columns = shown_columns(frame)
    table_columns = [c.spec() for c in columns]  # numbers with the language's decimal sign
    text = t("home.table_caption", title=title)
    return figure, caption, records(with_level_labels(frame), columns), table_columns, text


@callback(
    Output("home-country", "options"),
    Input("home-country", "search_value"),
    State("home-release", "data"),
    prevent_initial_call=True,
)
def search_countries(text: str | None, release: str | None) -> object:
    """The countries a typed text names (any common, official, local or former name, or a code), best first, so
    "India" + Enter opens India; every country again once the text is cleared."""
    return words.country_search_options(text, release) if text and text.strip() else words.country_options(release)


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("home-country", "value"),
    prevent_initial_call=True,
)
def go_to_country(iso3: str | None) -> object:
    """Choosing a country in the search opens its profile."""
    return href(f"/country/{iso3}") if iso3 else no_update


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("home-map", "clickData"),
    prevent_initial_call=True,
)
def open_clicked_country(click: dict | None) -> object:
    """The map is a door: clicking a country opens its profile (in the page's language)."""
    points = (click or {}).get("points") or [{}]
    code = points[0].get("location")
    return href(f"/country/{code}") if isinstance(code, str) and code else no_update


@callback(
    Output("home-download", "data"),
    Input("home-download-button", "n_clicks"),
    State("home-table", "derived_virtual_data"),
    State("home-table", "columns"),
    State("home-view", "value"),
    State("home-release", "data"),
    prevent_initial_call=True,
)
def download_table(n_clicks: int | None, rows: list[dict] | None, columns: list[dict], view: str, release: str | None):
    """The table exactly as shown (filtered and sorted), with the release and the view in the header lines."""
    if not n_clicks:
        return no_update
    release_id, _ = cursor(release)
    name = (view or q.DEFAULT_VIEW).replace(":", "-")
    note = t("home.csv_note", view=view)
    return csv_download(whole_years(shown_frame(rows, columns)), f"lmm-{name}-{release_id}.csv", release_id, note)


# The selector writes the URL's query (replaceState: shareable, no page reload, other parameters kept).
clientside_callback(
    """
    function(view) {
        const params = new URLSearchParams(window.location.search);
        if (view) { params.set("view", view); }
        const query = "?" + params.toString().replace(/%3A/gi, ":");
        if (query !== window.location.search) {
            window.history.replaceState(window.history.state, "", window.location.pathname + query);
        }
        return query;
    }
    """,
    Output("home-query", "data"),
    Input("home-view", "value"),
)
