"""`/compare?countries=MEX,PHL,GHA&group=...&theme=...`: countries or a group side by side: a heat-map scorecard,
small multiples over time, and a sortable, searchable table whose CSV is exactly what it shows. Ranks only as
bands. Everything is in the URL: the controls rewrite it in place (history.replaceState) so a copied link gives the
same view, without re-rendering the page while someone picks countries."""

from __future__ import annotations

from typing import Any, cast

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.datatable import data_table, search_box, search_rows, shown_frame
from dashboard.components.downloads import csv_download, graph_config
from dashboard.components.heatmap import aria
from dashboard.components.levels import legend
from dashboard.pages import _compare_view as view
from dashboard.queries import compare as q
from indicators.aggregate import RANK_CAVEAT
from warehouse.connection import NoReleaseError

dash.register_page(
    __name__,
    path="/compare",
    title="Compare countries · Labour Migration Policy Monitor",
    description="Countries or a group side by side: scorecard heat map, charts over time and a table.",
)


def _one(value: object) -> str | None:
    """A query value as one text (a repeated key gives a list: the last one wins)."""
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip() if value else None


def layout(countries: str | None = None, group: str | None = None, theme: str | None = None,
           release: str | None = None, **_other: str) -> html.Div:  # fmt: skip
    countries = ",".join(countries) if isinstance(countries, list) else countries  # ?countries=A&countries=B
    countries, group, theme, release = _one(countries), _one(group), _one(theme), _one(release)
    try:
        ref, themes = q.reference(release), q.themes(release)
    except NoReleaseError as exc:
        return html.Div([html.H1("Compare countries"), html.P(str(exc), role="alert", className="notice-error")])
    selection = q.resolve(countries, group, theme, ref, themes["theme_id"])
    content = view.build(selection, ref, release)
    return html.Div(
        [
            html.H1("Compare countries"),
            html.P(
                "Put countries, a region, an income group or a group of your own side by side. Colours always "
                "come with an icon and a label; ranks are shown only as bands (top 20%, 20-40%, ...)."
            ),
            _controls(selection, ref, themes),
            html.Div(content.messages, id="compare-messages", role="status", **aria(live="polite")),
            html.H2("Scorecard"),
            legend(),
            html.P(
                "◇ Context, not scored: a white cell with a dashed border shows a context indicator's value "
                "(migrant stocks, remittances); it never gets a colour. Each cell: value or category, then its "
                "year and level. Hover a cell for the full wording.",
                className="note",
            ),
            dcc.Loading(html.Div(content.heatmap, id="compare-heatmap"), type="dot"),
            html.H2("Over time"),
            html.Figure(
                [
                    dcc.Graph(
                        id="compare-charts",
                        figure=content.figure,
                        config=cast(Any, graph_config(filename="compare-over-time")),
                    ),
                    html.Figcaption(content.charts_note, id="compare-charts-note", className="note"),
                ],
                className="compare-charts",
            ),
            html.Div(
                html.Button("Download the chart data (CSV)", id="compare-chart-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="compare-chart-csv"),
            html.H2("Table"),
            html.P(RANK_CAVEAT, className="note"),
            search_box("compare-search", "Search the table"),
            data_table("compare-table", content.table, view.TABLE_COLUMNS),
            html.Div(
                html.Button("Download what the table shows (CSV)", id="compare-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="compare-csv"),
            dcc.Store(id="compare-release", data=release),
            dcc.Store(id="compare-query", data=q.query_string(selection)),
        ],
        className="compare-page",
    )


def _controls(selection: q.Selection, ref: q.Reference, themes) -> html.Section:
    link = "/compare" + q.query_string(selection)
    theme_options = [{"label": "All themes", "value": "all"}] + [
        {"label": r.title, "value": r.theme_id} for r in view.ordered_themes(themes).itertuples()
    ]
    return html.Section(
        [
            html.Div(
                [
                    html.Label("Countries", htmlFor="compare-countries"),
                    dcc.Dropdown(
                        id="compare-countries",
                        options=view.country_options(ref),
                        multi=True,
                        value=list(selection.countries),
                        placeholder="Type a country name or ISO3 code",
                    ),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Label("Group", htmlFor="compare-group"),
                    dcc.Dropdown(
                        id="compare-group",
                        options=view.group_options(ref, selection.group),
                        value=selection.group.value if selection.group else None,
                        placeholder="A UN region, sub-region or income group",
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Name the countries above as your own group", htmlFor="compare-group-name"),
                    html.Div(
                        [
                            dcc.Input(
                                id="compare-group-name", type="text", maxLength=40, placeholder="e.g. Andean partners"
                            ),
                            html.Button("Make a group link", id="compare-make-group", className="button"),
                        ],
                        className="inline-input",
                    ),
                ],
                className="control",
            ),
            html.Fieldset(
                [
                    html.Legend("Theme"),
                    dcc.RadioItems(
                        id="compare-theme",
                        options=theme_options,
                        value=selection.theme or "all",
                        inline=True,
                        className="radio-row",
                    ),
                ],
            ),
            html.P(
                ["Link to this view (copy it to share): ", html.A(link, id="compare-share", href=link)],
                className="share-line",
            ),  # fmt: skip
        ],
        className="controls compare-controls",
        **aria(label="What to compare"),
    )


@callback(
    Output("compare-messages", "children"),
    Output("compare-heatmap", "children"),
    Output("compare-charts", "figure"),
    Output("compare-charts-note", "children"),
    Output("compare-query", "data"),
    Input("compare-countries", "value"),
    Input("compare-group", "value"),
    Input("compare-theme", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def update_view(countries: list[str] | None, group: str | None, theme: str | None, release: str | None):
    """Main callback: the selection from the controls -> messages, heat map, charts, and the URL query."""
    ref, themes = q.reference(release), q.themes(release)
    selection = q.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    content = view.build(selection, ref, release, with_table=False)
    return content.messages, content.heatmap, content.figure, content.charts_note, q.query_string(selection)


@callback(
    Output("compare-table", "data"),
    Input("compare-countries", "value"),
    Input("compare-group", "value"),
    Input("compare-theme", "value"),
    Input("compare-search", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def update_table(countries: list[str] | None, group: str | None, theme: str | None, search: str | None,
                 release: str | None) -> list[dict[str, object]]:  # fmt: skip
    """The table's rows for the selection, narrowed by the search words."""
    ref, themes = q.reference(release), q.themes(release)
    selection = q.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    frame = view.table_frame(selection, release)
    return view.table_records(search_rows(frame, search, view.TABLE_COLUMNS))


@callback(
    Output("compare-csv", "data"),
    Input("compare-csv-button", "n_clicks"),
    State("compare-table", "derived_virtual_data"),
    State("compare-table", "columns"),
    State("compare-query", "data"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def download_table(_clicks: int | None, rows: list[dict] | None, columns: list[dict], query: str | None,
                   release: str | None) -> dict[str, object]:  # fmt: skip
    """Exactly the rows the table shows (search, column filters and sort applied), with its headers."""
    note = f"Compare {query or ''}: rows as shown (search, filters, sort). {RANK_CAVEAT}"
    return csv_download(shown_frame(rows, columns), "compare.csv", q.release_id(release), note)


@callback(
    Output("compare-chart-csv", "data"),
    Input("compare-chart-csv-button", "n_clicks"),
    State("compare-countries", "value"),
    State("compare-group", "value"),
    State("compare-theme", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def download_chart_data(_clicks: int | None, countries: list[str] | None, group: str | None, theme: str | None,
                        release: str | None) -> dict[str, object]:  # fmt: skip
    """The yearly values the charts draw (the countries charted, headline sex, the latest value's source)."""
    ref, themes = q.reference(release), q.themes(release)
    selection = q.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    frame = view.chart_frame(selection, release)
    note = "Values drawn in the charts over time (headline sex, country level, one source per series)"
    return csv_download(frame, "compare-over-time.csv", q.release_id(release), note)


@callback(
    Output("compare-group", "options"),
    Output("compare-group", "value"),
    Output("compare-countries", "value"),
    Input("compare-make-group", "n_clicks"),
    Input("compare-group-name", "n_submit"),
    State("compare-group-name", "value"),
    State("compare-countries", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def make_group(_clicks: int | None, _submit: int | None, name: str | None, countries: list[str] | None,
               release: str | None):  # fmt: skip
    """The countries picked become a named group of the reader's own (in the URL, so it can be shared)."""
    ref = q.reference(release)
    group, *_ = q.parse_group(f"{name or 'My group'}:{','.join(countries or [])}", ref)
    if group is None:
        return dash.no_update, dash.no_update, dash.no_update
    return view.group_options(ref, group), group.value, []


# The URL follows the controls without a page re-render; the share link shows the same address.
clientside_callback(
    """function (query) {
        const url = window.location.pathname + (query || "");
        if (url !== window.location.pathname + window.location.search) {
            window.history.replaceState(window.history.state, "", url);
        }
        return [url, url];
    }""",
    Output("compare-share", "href"),
    Output("compare-share", "children"),
    Input("compare-query", "data"),
)
