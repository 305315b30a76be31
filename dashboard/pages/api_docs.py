"""`/api-docs`: the public API in one page: endpoints (from the OpenAPI document) and copy-paste examples."""

from __future__ import annotations

import dash
import flask
from dash import html

from dashboard.api_common import MAX_LIMIT
from dashboard.api_spec import openapi_document
from warehouse.connection import NoReleaseError, cursor

dash.register_page(
    __name__, path="/api-docs", title="API and bulk downloads - Labour Migration Policy Monitor", description="API"
)

EXAMPLES = [
    ("A country's values of one indicator (JSON)", "curl '{base}/api/v1/observations?indicator=female_lfpr&country=MEX'"),
    ("Spreadsheet-safe CSV, one year range, women only",
     "curl -o mex.csv '{base}/api/v1/observations?indicator=female_lfpr&country=MEX&sex=female"
     "&year_from=2010&year_to=2023&format=csv'"),
    ("Cite a release: the same query on an earlier release", "curl '{base}/api/v1/scorecards/MEX?release={release}'"),
    ("Corridor: both ends, agreements and stocks", "curl '{base}/api/v1/corridors/MEX/USA'"),
    ("Revalidate cheaply (304 when unchanged)",
     "curl -s -o /dev/null -w '%{{http_code}}' -H 'If-None-Match: \"<ETag from a previous answer>\"' "
     "'{base}/api/v1/indicators'"),
    ("Everything in one zip (CSV, SDMX-CSV, datapackage.json)", "curl -OJ '{base}/api/v1/releases/{release}/bulk.zip'"),
    ("Country briefing pack", "curl -o MEX.pdf '{base}/api/v1/briefings/MEX.pdf'"),
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
    return html.Table([html.Tr([html.Th("Endpoint"), html.Th("What it returns")]), *rows], id="api-docs-endpoints")


def layout(**_query: str) -> html.Div:
    release = _release()
    base = _base_url()
    return html.Div(
        [
            html.H1("API and bulk downloads"),
            html.P(
                [
                    "Read-only HTTP API over the published releases. Every answer names its release (field ",
                    html.Code("release"),
                    ", header ",
                    html.Code("X-LMM-Release"),
                    "); add ",
                    html.Code("?release=<id>"),
                    " to read an earlier release, so a cited figure stays the same. Current release: ",
                    html.Code(release, id="api-docs-release"),
                    ". Machine-readable contract: ",
                    html.A("OpenAPI 3 document", href="/api/v1/openapi.json"),
                    "; releases: ",
                    html.A("/api/v1/releases", href="/api/v1/releases"),
                    ".",
                ]
            ),  # fmt: skip
            html.H2("Endpoints"),
            _endpoints(),
            html.H2("Examples with curl"),
            html.Div(
                [
                    html.Div([html.H3(title), html.Pre(html.Code(cmd.format(base=base, release=release)))])
                    for title, cmd in EXAMPLES
                ],
                id="api-docs-curl",
            ),  # fmt: skip
            html.H2("Examples with pandas"),
            html.Pre(html.Code(PANDAS.format(base=base, limit=MAX_LIMIT)), id="api-docs-pandas"),
            html.H2("Errors, limits and caching"),
            html.Ul(
                [
                    html.Li("Unknown indicator, country or release: 404 with the closest valid ids ('alternatives')."),
                    html.Li("Malformed parameter (a year that is not a number, an unknown sex): 400 naming it."),
                    html.Li(f"limit above {MAX_LIMIT:,} rows: 413 stating the limit; page with offset/next instead."),
                    html.Li("ETag per release and query, Cache-Control; send If-None-Match to get 304 Not Modified."),
                    html.Li(
                        "CSV cells that start with = + - @ get a leading apostrophe so spreadsheets do not run "
                        "them as formulas."
                    ),  # fmt: skip
                    html.Li(
                        "Bulk zip: tidy CSVs of every table, observations in SDMX-CSV, methodology.json and a "
                        "Frictionless datapackage.json describing every file and field with source licences."
                    ),  # fmt: skip
                ]
            ),
        ],
        className="api-docs",
    )
