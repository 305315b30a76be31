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
from dashboard.i18n import current_lang, dropdown_labels, t, use_lang
from dashboard.pages import _compare_selection as chosen
from dashboard.pages import _compare_view as view
from dashboard.pages._home_view import country_search_options
from dashboard.pages._query import one, pinned_layout, view_release
from dashboard.queries import compare as q
from dashboard.queries.search import pasted_countries
from warehouse.connection import NoReleaseError

dash.register_page(
    __name__,
    path="/compare",
    title=lambda **_: t("app.page_title", page=t("compare.title")),
    description=lambda **_: t("compare.description"),
)


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(countries: str | None = None, group: str | None = None, theme: str | None = None,
           release: str | None = None, **_other: str) -> html.Div:  # fmt: skip
    countries = ",".join(countries) if isinstance(countries, list) else countries  # ?countries=A&countries=B
    countries, group, theme, release = one(countries), one(group), one(theme), one(release)
    try:
        ref, themes = chosen.reference(release), q.themes(release)
    except NoReleaseError as exc:
        return html.Div([html.H1(t("compare.title")), html.P(str(exc), role="alert", className="notice-error")])
    selection = chosen.resolve(countries, group, theme, ref, themes["theme_id"])
    with use_lang(current_lang()):  # the request's language looked up once, not once per text
        return _page(selection, ref, themes, release)


def _page(selection: chosen.Selection, ref: q.Reference, themes, release: str | None) -> html.Div:
    content = view.build(selection, ref, release)
    return html.Div(
        [
            html.H1(t("compare.title")),
            html.P(t("compare.lede")),
            _controls(selection, ref, themes, release),
            html.Div(content.messages, id="compare-messages", role="status", **aria(live="polite")),
            html.H2(t("compare.scorecard")),
            legend(),
            html.P(t("compare.context_note"), className="note"),
            dcc.Loading(html.Div(content.heatmap, id="compare-heatmap"), type="dot"),
            html.H2(t("compare.over_time")),
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
                html.Button(t("compare.chart_csv"), id="compare-chart-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="compare-chart-csv"),
            html.H2(t("home.table")),
            html.P(t("compare.rank_caveat"), className="note"),
            search_box("compare-search", t("compare.search")),
            data_table("compare-table", content.table, view.table_columns()),
            html.Div(
                html.Button(t("compare.table_csv"), id="compare-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="compare-csv"),
            dcc.Store(id="compare-release", data=view_release(release)),
            dcc.Store(id="compare-query", data=chosen.query_string(selection)),
        ],
        className="compare-page",
    )


def _controls(selection: chosen.Selection, ref: q.Reference, themes, release: str | None) -> html.Section:
    link = "/compare" + chosen.query_string(selection)
    theme_options = [{"label": t("compare.all_themes"), "value": "all"}] + [
        {"label": view.theme_title(r.theme_id, r.title), "value": r.theme_id}
        for r in view.ordered_themes(themes).itertuples()
    ]
    return html.Section(
        [
            html.Div(
                [
                    html.Label(t("col.countries"), htmlFor="compare-countries"),
                    dcc.Dropdown(
                        labels=dropdown_labels(),
                        id="compare-countries",
                        options=chosen.country_options(release),
                        multi=True,
                        value=list(selection.countries),
                        placeholder=t("compare.countries_placeholder"),
                        search_order="original",  # best match first (search_countries)
                    ),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Label(t("compare.paste"), htmlFor="compare-paste"),
                    html.Div(
                        [
                            dcc.Textarea(  # a list copied from a spreadsheet column keeps its lines
                                id="compare-paste",
                                rows=2,
                                maxLength=2000,
                                placeholder=t("compare.paste_placeholder"),
                            ),
                            html.Button(t("compare.paste_add"), id="compare-paste-add", className="button"),
                        ],
                        className="inline-input",
                    ),
                    html.P(id="compare-paste-status", role="status", className="note"),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Label(t("compare.group"), htmlFor="compare-group"),
                    dcc.Dropdown(
                        labels=dropdown_labels(),
                        id="compare-group",
                        options=view.group_options(ref, selection.group),
                        value=selection.group.value if selection.group else None,
                        placeholder=t("compare.group_placeholder"),
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label(t("compare.name_group"), htmlFor="compare-group-name"),
                    html.Div(
                        [
                            dcc.Input(
                                id="compare-group-name",
                                type="text",
                                maxLength=40,
                                placeholder=t("compare.name_placeholder"),
                            ),
                            html.Button(t("compare.make_group"), id="compare-make-group", className="button"),
                        ],
                        className="inline-input",
                    ),
                ],
                className="control",
            ),
            html.Fieldset(
                [
                    html.Legend(t("col.theme"), id="compare-theme-legend"),
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
                [t("compare.share"), html.A(link, id="compare-share", href=link)],
                className="share-line",
            ),  # fmt: skip
        ],
        className="controls compare-controls",
        **aria(label=t("compare.controls")),
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
    ref, themes = chosen.reference(release), q.themes(release)
    selection = chosen.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    with use_lang(current_lang()):  # the request's language looked up once, not once per text
        content = view.build(selection, ref, release, with_table=False)
    return content.messages, content.heatmap, content.figure, content.charts_note, chosen.query_string(selection)


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
    ref, themes = chosen.reference(release), q.themes(release)
    selection = chosen.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    rows = view.table_rows(selection, release)
    return view.table_records(search_rows(rows, search, view.table_columns()))


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
    note = t("compare.csv_note", query=query or "", caveat=t("compare.rank_caveat"))
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
    ref, themes = chosen.reference(release), q.themes(release)
    selection = chosen.resolve(countries, group, theme, ref, themes["theme_id"], allow_default=False)
    frame = view.chart_frame(selection, release)
    note = t("compare.chart_csv_note")
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
    ref = chosen.reference(release)
    group, *_ = chosen.parse_group(f"{name or t('compare.my_group')}:{','.join(countries or [])}", ref)
    if group is None:
        return dash.no_update, dash.no_update, dash.no_update
    return view.group_options(ref, group), group.value, []


@callback(
    Output("compare-countries", "options"),
    Input("compare-countries", "search_value"),
    State("compare-countries", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def search_countries(text: str | None, chosen_codes: list[str] | None, release: str | None) -> object:
    """The countries a typed text names (any name or code), best first; the chosen ones stay listed."""
    if not (text and text.strip()):
        return chosen.country_options(release)
    return country_search_options(text, release, keep=list(chosen_codes or []))


@callback(
    Output("compare-countries", "value", allow_duplicate=True),
    Output("compare-paste-status", "children"),
    Output("compare-paste", "value"),
    Input("compare-paste-add", "n_clicks"),
    State("compare-paste", "value"),
    State("compare-countries", "value"),
    State("compare-release", "data"),
    prevent_initial_call=True,
)
def add_pasted(_clicks: int | None, text: str | None, chosen_codes: list[str] | None,
               release: str | None):  # fmt: skip
    """A pasted list of codes or names (commas, semicolons, tabs or lines between them) joins the selection; what
    names no country, or several, is said and left in the box."""
    found, unknown = pasted_countries(text or "", release)
    ref = chosen.reference(release)
    added = [c for c in found if c not in (chosen_codes or [])]
    words = [t("compare.paste_added", names=", ".join(ref.names[c] for c in added))] if added else []
    words += [t("compare.paste_unknown", pieces=", ".join(unknown))] if unknown else []
    return list(dict.fromkeys([*(chosen_codes or []), *found])), " ".join(words), ", ".join(unknown)


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
