"""`/api-docs`: the public API in one page: endpoints (from the OpenAPI document) and copy-paste examples."""

from __future__ import annotations

import dash
import flask
from dash import html

from dashboard.api.common import MAX_LIMIT
from dashboard.api.spec import openapi_document
from dashboard.i18n import number, parts, t
from warehouse.connection import NoReleaseError, cursor

dash.register_page(
    __name__,
    path="/api-docs",
    title=lambda **_: t("app.page_title", page=t("api.title")),
    description=lambda **_: t("api.description"),
)

EXAMPLES = [  # (api.example.<key>, command)
    ("json", "curl '{base}/api/v1/observations?indicator=female_lfpr&country=MEX'"),
    ("csv",
     "curl -o mex.csv '{base}/api/v1/observations?indicator=female_lfpr&country=MEX&sex=female"
     "&year_from=2010&year_to=2023&format=csv'"),
    ("cite", "curl '{base}/api/v1/scorecards/MEX?release={release}'"),
    ("corridor", "curl '{base}/api/v1/corridors/MEX/USA'"),
    ("etag",
     "curl -s -o /dev/null -w '%{{http_code}}' -H 'If-None-Match: \"<ETag from a previous answer>\"' "
     "'{base}/api/v1/indicators'"),
    ("bulk", "curl -OJ '{base}/api/v1/releases/{release}/bulk.zip'"),
    ("briefing", "curl -o MEX.pdf '{base}/api/v1/briefings/MEX.pdf'"),
]  # fmt: skip

PANDAS = """import pandas as pd, requests

base = "{base}/api/v1"
# One page as a frame (CSV is exactly what `lmm export` prints); follow `next` for more pages.
frame = pd.read_csv(f"{{base}}/observations?indicator=female_lfpr&country=MEX&format=csv")

# All rows of a large indicator, page by page ({limit:,} rows per page at most).
rows, url = [], f"{{base}}/observations?indicator=migrant_stock_corridor&limit={limit}"
while url:
    page = requests.get(url, timeout=60).json()
    rows += page["rows"]
    url = page["next"]
corridors = pd.DataFrame(rows)
print(page["release"], len(corridors))  # cite the release with the figures

# Scorecard with peer medians
card = requests.get(f"{{base}}/scorecards/MEX", timeout=30).json()
scores = pd.json_normalize(card["indicator_scores"])
"""


def _release() -> str:
    try:
        return cursor()[0]
    except NoReleaseError:
        return "<release id>"


def _base_url() -> str:
    """The address the reader used to reach this page, so the examples can be pasted as they are."""
    try:
        return flask.request.host_url.rstrip("/")
    except RuntimeError:  # outside a request (tests calling layout() directly)
        return "http://127.0.0.1:8050"


def _endpoints() -> html.Table:
    rows = []
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            rows.append(html.Tr([html.Td(html.Code(f"{method.upper()} /api/v1{path}")), html.Td(operation["summary"])]))
    head = html.Thead(html.Tr([html.Th(t("api.endpoint"), scope="col"), html.Th(t("api.returns"), scope="col")]))
    return html.Table([head, html.Tbody(rows)], id="api-docs-endpoints")


def layout(**_query: str) -> html.Div:
    release = _release()
    base = _base_url()
    return html.Div(
        [
            html.H1(t("api.title")),
            html.P(
                parts(
                    "api.lede",
                    field=html.Code("release"),
                    header=html.Code("X-LMM-Release"),
                    param=html.Code("?release=<id>"),
                    current=html.Code(release, id="api-docs-release"),
                    openapi=html.A(t("api.openapi"), href="/api/v1/openapi.json"),
                    releases=html.A("/api/v1/releases", href="/api/v1/releases"),
                )
            ),  # fmt: skip
            html.H2(t("api.endpoints")),
            _endpoints(),
            html.H2(t("api.curl")),
            html.Div(
                [
                    html.Div(
                        [html.H3(t(f"api.example.{key}")), html.Pre(html.Code(cmd.format(base=base, release=release)))]
                    )
                    for key, cmd in EXAMPLES
                ],
                id="api-docs-curl",
            ),  # fmt: skip
            html.H2(t("api.pandas")),
            html.Pre(html.Code(PANDAS.format(base=base, limit=MAX_LIMIT)), id="api-docs-pandas"),
            html.H2(t("api.errors")),
            html.Ul(
                [
                    html.Li(t("api.error.404")),
                    html.Li(t("api.error.400")),
                    html.Li(t("api.error.413", limit=number(MAX_LIMIT))),
                    html.Li(t("api.error.etag")),
                    html.Li(t("api.error.csv")),
                    html.Li(t("api.error.bulk")),
                ]
            ),
        ],
        className="api-docs",
    )
