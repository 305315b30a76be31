"""`/framework?region=...&sort=...`: the ILO Multilateral Framework's 9 areas and 15 principles with the indicators
mapped to each, a coverage matrix (countries x principles) that makes gaps visible, and the methodology readable
and downloadable (JSON exactly as the release stores it, and CSV)."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.datatable import data_table, records, shown_frame
from dashboard.components.downloads import csv_download
from dashboard.components.heatmap import aria
from dashboard.i18n import (
    current_lang,
    dropdown_labels,
    framework_text,
    group_text,
    note_text,
    parts,
    percent,
    t,
    use_lang,
)
from dashboard.pages import _framework_view as view
from dashboard.pages._query import one, pinned_layout, view_release
from dashboard.queries import framework as q
from warehouse.connection import NoReleaseError

dash.register_page(
    __name__,
    path="/framework",
    title=lambda **_: t("app.page_title", page=t("framework.tab_title")),
    description=lambda **_: t("framework.description"),
)

ALL = "all"


@pinned_layout(8)  # ?release= resolved once; a layout per release, language and URL
def layout(region: str | None = None, sort: str | None = None, release: str | None = None, **_other: str) -> html.Div:
    region, sort, release = one(region), one(sort), one(release)
    try:
        principles, method = q.principles(release), q.methodology(release)
        regions = q.regions(release)
    except NoReleaseError as exc:
        return html.Div([html.H1(t("framework.tab_title")), html.P(str(exc), role="alert", className="notice-error")])
    region = region if region in regions else None
    with use_lang(current_lang()):  # the request's language looked up once, not once per text
        return _page(principles, method, regions, region, sort, release)


def _page(principles, method: dict, regions: list[str], region: str | None, sort: str | None,
          release: str | None) -> html.Div:  # fmt: skip
    framework = dict(method.get("framework") or {})  # type: ignore[call-overload]
    return html.Div(
        [
            html.H1(t("framework.title")),
            html.P(
                [
                    *parts(
                        "framework.lede",
                        work=html.Cite(
                            framework_text(
                                "title", str(framework.get("title", "ILO Multilateral Framework on Labour Migration"))
                            )
                        ),
                        publisher=str(framework.get("publisher", "ILO")),
                    ),
                    f" {framework_text('note', str(framework.get('note', '')))}",
                ],
                className="lede",
            ),  # fmt: skip
            html.Nav(
                html.Ul(
                    [
                        html.Li(html.A(t("framework.principles"), href="#principles")),
                        html.Li(html.A(t("framework.matrix"), href="#coverage")),
                        html.Li(html.A(t("framework.methodology"), href="#methodology")),
                    ]
                ),
                **aria(label=t("framework.on_this_page")),
            ),
            html.H2(t("framework.principles"), id="principles"),
            html.P(t("framework.citation", citation=framework.get("citation", "")), className="note"),
            *view.principle_sections(
                principles,
                q.guidelines(release),
                q.mapped_indicators(release),
                q.themes(release),
                q.practices(release),
            ),
            _matrix_section(principles, regions, region, sort, release),
            _methodology_section(method),
            dcc.Store(id="framework-release", data=view_release(release)),
            dcc.Store(id="framework-query", data=query_string(region, sort)),
            html.Span(id="framework-url-sync", hidden=True),
        ],
        className="framework-page",
    )


def query_string(region: str | None, sort: str | None) -> str:
    params = {k: v for k, v in {"region": region, "sort": sort}.items() if v}
    return "?" + urlencode(params, safe=",", quote_via=quote) if params else ""


def _matrix_section(principles, regions: list[str], region: str | None, sort: str | None, release: str | None):
    columns = view.matrix_columns(principles)
    region_options = [{"label": t("framework.all_regions"), "value": ALL}] + [
        {"label": group_text(r), "value": r} for r in regions
    ]
    rows = view.matrix(region, release)
    return html.Section(
        [
            html.H2(t("framework.matrix_title"), id="coverage"),
            html.P(t("framework.matrix_note", none=view.no_indicator(), gap=view.no_aggregate()), className="note"),
            html.Div(
                html.Div(
                    [
                        html.Label(t("col.un_region"), htmlFor="framework-region"),
                        dcc.Dropdown(
                            labels=dropdown_labels(),
                            id="framework-region",
                            options=region_options,
                            value=region or ALL,
                            clearable=False,
                        ),
                    ],
                    className="control",
                ),
                className="controls",
            ),
            html.P(id="framework-matrix-count", children=_count(len(rows)), className="note"),
            data_table(
                "framework-matrix",
                rows,
                columns,
                page_size=50,
                sort_by=view.sort_by(sort, columns),
                style_data_conditional=view.matrix_styles(principles),
                fill_width=False,
            ),  # fmt: skip
            html.Div(
                html.Button(t("framework.matrix_csv"), id="framework-matrix-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="framework-matrix-csv"),
        ]
    )


def _count(n: int) -> str:
    return t("framework.count", n=n)


def _methodology_section(method: dict) -> html.Section:
    return html.Section(
        [
            html.H2(t("framework.methodology"), id="methodology"),
            html.P(
                t(
                    "framework.method_text",
                    version=method.get("methodology_version"),
                    pct=percent(float(method.get("coverage_threshold") or 0.8)),
                )
            ),  # type: ignore[arg-type]  # fmt: skip
            html.Div(
                [
                    html.Button(t("framework.json"), id="framework-json-button", className="button"),
                    html.Button(t("framework.csv"), id="framework-csv-button", className="button"),
                ],
                className="button-row",
            ),
            dcc.Download(id="framework-json"),
            dcc.Download(id="framework-csv"),
            html.H3(t("framework.levels")),
            view.levels_table(),
            html.H3(t("framework.notes")),
            html.Dl(
                [
                    item
                    for key, text in dict(method.get("notes") or {}).items()  # type: ignore[call-overload]
                    for item in (html.Dt(view.note_title(key)), html.Dd(note_text(key, text)))
                ],
                className="about",
            ),  # fmt: skip
            html.H3(t("framework.trend")),
            view.trend_labels(),
            html.Details(
                [html.Summary(t("framework.trend_rule")), html.Pre(view.trend_rule(), className="trend-rule")],
                className="method",
            ),  # fmt: skip
            html.H3(t("framework.method_table")),
            data_table("framework-method-table", view.method_frame(method), view.method_columns(), page_size=15),
        ]
    )


@callback(
    Output("framework-matrix", "data"),
    Output("framework-matrix", "page_current"),
    Output("framework-matrix-count", "children"),
    Input("framework-region", "value"),
    State("framework-release", "data"),
    prevent_initial_call=True,
)
def update_matrix(region: str | None, release: str | None):
    """Main callback: the region filter -> the matrix rows (sorting and column filters run in the browser)."""
    region = None if region in (None, ALL) else region
    principles = q.principles(release)
    rows = view.matrix(region, release)
    return records(rows, view.matrix_columns(principles)), 0, _count(len(rows))


@callback(
    Output("framework-query", "data"),
    Input("framework-region", "value"),
    Input("framework-matrix", "sort_by"),
    prevent_initial_call=True,
)
def update_query(region: str | None, sort_by: list[dict[str, str]] | None) -> str:
    """The URL follows the region and the first sort column."""
    return query_string(None if region in (None, ALL) else region, view.sort_param(sort_by))


@callback(
    Output("framework-matrix-csv", "data"),
    Input("framework-matrix-csv-button", "n_clicks"),
    State("framework-matrix", "derived_virtual_data"),
    State("framework-matrix", "columns"),
    State("framework-query", "data"),
    State("framework-release", "data"),
    prevent_initial_call=True,
)
def download_matrix(_clicks: int | None, rows: list[dict] | None, columns: list[dict], query: str | None,
                    release: str | None) -> dict:  # fmt: skip
    """The matrix exactly as shown: region, column filters and sort applied."""
    frame = view.matrix_csv_frame(shown_frame(rows, columns))
    note = t("framework.matrix_csv_note", query=query or "")
    return csv_download(frame, "coverage-matrix.csv", q.methodology_text(release)[0], note)


@callback(
    Output("framework-json", "data"),
    Input("framework-json-button", "n_clicks"),
    State("framework-release", "data"),
    prevent_initial_call=True,
)
def download_json(_clicks: int | None, release: str | None) -> dict:
    """The release's methodology value exactly as stored (thresholds, tables, weights, windows, framework)."""
    release_id, text = q.methodology_text(release)
    version = json.loads(text).get("methodology_version", "unknown")
    return {"content": text, "filename": f"methodology-{version}-{release_id}.json", "type": "application/json"}


@callback(
    Output("framework-csv", "data"),
    Input("framework-csv-button", "n_clicks"),
    State("framework-release", "data"),
    prevent_initial_call=True,
)
def download_csv(_clicks: int | None, release: str | None) -> dict:
    release_id, text = q.methodology_text(release)
    method = json.loads(text)
    note = t("framework.method_csv_note", version=method.get("methodology_version"))
    return csv_download(
        view.method_csv_frame(method), f"methodology-{method.get('methodology_version')}.csv", release_id, note
    )


clientside_callback(
    """function (query) {
        const url = window.location.pathname + (query || "") + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            window.history.replaceState(window.history.state, "", url);
        }
        return window.dash_clientside.no_update;
    }""",
    Output("framework-url-sync", "children"),
    Input("framework-query", "data"),
    prevent_initial_call=True,
)
