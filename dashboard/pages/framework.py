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
from dashboard.pages import _framework_view as view
from dashboard.queries import framework as q
from warehouse.connection import NoReleaseError

dash.register_page(
    __name__,
    path="/framework",
    title="Framework and methodology · Labour Migration Policy Monitor",
    description="The MFLM's areas and principles, the indicators mapped to them, coverage, and the methodology.",
)

ALL = "all"


def _one(value: object) -> str | None:
    """A query value as one text (a repeated key gives a list: the last one wins)."""
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip() if value else None


def layout(region: str | None = None, sort: str | None = None, release: str | None = None, **_other: str) -> html.Div:
    region, sort, release = _one(region), _one(sort), _one(release)
    try:
        principles, method = q.principles(release), q.methodology(release)
        regions = q.regions(release)
    except NoReleaseError as exc:
        return html.Div(
            [html.H1("Framework and methodology"), html.P(str(exc), role="alert", className="notice-error")]
        )
    region = region if region in regions else None
    framework = dict(method.get("framework") or {})  # type: ignore[call-overload]
    return html.Div(
        [
            html.H1("The framework and the methodology"),
            html.P(
                [
                    "Scores compare each country with the ",
                    html.Cite(str(framework.get("title", "ILO Multilateral Framework on Labour Migration"))),
                    f" ({framework.get('publisher', 'ILO')}). {framework.get('note', '')}",
                ],
                className="lede",
            ),
            html.Nav(
                html.Ul(
                    [
                        html.Li(html.A("Areas and principles", href="#principles")),
                        html.Li(html.A("Coverage matrix", href="#coverage")),
                        html.Li(html.A("Methodology", href="#methodology")),
                    ]
                ),
                **aria(label="On this page"),
            ),
            html.H2("Areas and principles", id="principles"),
            html.P(f"Citation: {framework.get('citation', '')}", className="note"),
            *view.principle_sections(
                principles, q.guidelines(release), q.mapped_indicators(release), q.themes(release)
            ),
            _matrix_section(principles, regions, region, sort, release),
            _methodology_section(method),
            dcc.Store(id="framework-release", data=release),
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
    region_options = [{"label": "All regions", "value": ALL}] + [{"label": r, "value": r} for r in regions]
    frame = view.matrix_frame(q.coverage(region, release), principles)
    return html.Section(
        [
            html.H2("Coverage matrix: countries x principles", id="coverage"),
            html.P(
                "Each cell: the share of the principle's scored indicators with a current value, then whether the "
                "principle gets an aggregate for the country (a score and a colour need 80% coverage). Hatched "
                "cells have no aggregate; “no scored indicator” marks principles nothing measures yet. Sort any "
                "column (a principle's column sorts by coverage), or type in the filter row, e.g. “no aggregate”.",
                className="note",
            ),
            html.Div(
                html.Div(
                    [
                        html.Label("UN region", htmlFor="framework-region"),
                        dcc.Dropdown(
                            id="framework-region", options=region_options, value=region or ALL, clearable=False
                        ),
                    ],
                    className="control",
                ),
                className="controls",
            ),
            html.P(id="framework-matrix-count", children=_count(len(frame)), className="note"),
            data_table(
                "framework-matrix",
                frame,
                columns,
                page_size=50,
                sort_by=view.sort_by(sort, columns),
                style_data_conditional=view.matrix_styles(principles),
                fill_width=False,
            ),  # fmt: skip
            html.Div(
                html.Button("Download the matrix as shown (CSV)", id="framework-matrix-csv-button", className="button"),
                className="button-row",
            ),
            dcc.Download(id="framework-matrix-csv"),
        ]
    )


def _count(n: int) -> str:
    return f"{n} countries (regions and income groups are never rows: they are not scored)."


def _methodology_section(method: dict) -> html.Section:
    return html.Section(
        [
            html.H2("Methodology", id="methodology"),
            html.P(
                [
                    f"Methodology version {method.get('methodology_version')}. Continuous values are scored "
                    "0-100 = 100 x (value - lower bound) / (optimum - lower bound), clipped; categories and "
                    "ratifications through each indicator's table. A principle or theme gets a score (the weighted "
                    "mean of its indicators' scores) and a colour (the better of its two worst indicators' levels) "
                    f"only when at least {float(method.get('coverage_threshold') or 0.8):.0%} of its mapped "  # type: ignore[arg-type]
                    "indicators have a score; otherwise its coverage is shown."
                ]
            ),
            html.Div(
                [
                    html.Button("Download the methodology (JSON)", id="framework-json-button", className="button"),
                    html.Button("Download the methodology (CSV)", id="framework-csv-button", className="button"),
                ],
                className="button-row",
            ),
            dcc.Download(id="framework-json"),
            dcc.Download(id="framework-csv"),
            html.H3("Levels"),
            view.levels_table(),
            html.H3("Recency, categories and events"),
            html.Dl(
                [
                    item
                    for key, text in dict(method.get("notes") or {}).items()  # type: ignore[call-overload]
                    for item in (html.Dt(key.replace("_", " ").capitalize()), html.Dd(text))
                ],
                className="about",
            ),  # fmt: skip
            html.H3("Trend"),
            view.trend_labels(),
            html.Details(
                [html.Summary("The trend rule in full"), html.Pre(view.trend_rule(), className="trend-rule")],
                className="method",
            ),  # fmt: skip
            html.H3("Indicators: thresholds, categories, weights and windows"),
            data_table("framework-method-table", view.method_frame(method), view.METHOD_COLUMNS, page_size=15),
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
    frame = view.matrix_frame(q.coverage(region, release), principles)
    return records(frame, view.matrix_columns(principles)), 0, _count(len(frame))


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
    note = f"Coverage matrix, countries x MFLM principles {query or ''}: rows as shown (filters, sort)"
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
    note = f"Methodology {method.get('methodology_version')}: one row per indicator (per category for category tables)"
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
