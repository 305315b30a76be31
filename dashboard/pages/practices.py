"""`/practices?q=...&theme=...&principle=...&country=...&region=...`: the good-practice library, searchable and
filterable, every filter in the URL (rewritten in place, so a copied link gives the same list). Each card links to
`/practices/<id>` (dashboard/pages/practice.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.attrs import with_attrs
from dashboard.pages import _practice_view as view
from dashboard.queries import practices as q
from warehouse.connection import NoReleaseError
from warehouse.releases import ReleaseError

dash.register_page(
    __name__,
    path="/practices",
    title="Good practices · Labour Migration Policy Monitor",
    description="Programmes presented as successful, described from public sources, linked to the MFLM principles.",
)

FILTERS = ("q", "theme", "principle", "country", "region")


def _one(value: object) -> str | None:
    """A query value as one text (a repeated key gives a list: the last one wins)."""
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip()[:100] if value not in (None, "") else None


def query_string(values: dict[str, str | None]) -> str:
    params = {k: v for k, v in values.items() if v}
    return "?" + urlencode(params, quote_via=quote) if params else ""


def layout(release: object = None, **query: object) -> html.Div:
    release_id = _one(release)
    try:
        opts = q.options(release_id)
        found, frame = q.practices(release_id)
    except (NoReleaseError, ReleaseError) as error:
        return html.Div([html.H1("Good practices"), html.P(str(error), role="alert", className="notice-error")])
    chosen = {k: _one(query.get(k)) for k in FILTERS}
    chosen = _known(chosen, opts)
    cards, count, _ = shown(
        chosen["q"], chosen["theme"], chosen["principle"], chosen["country"], chosen["region"], release_id
    )
    return html.Div(
        [
            html.H1("Good practices"),
            html.P(
                "Programmes that countries presented as successful experiences at the 2009 Mexico City meeting on "
                "diasporas, and others added by data stewards: what each does, the evidence of results that exists, "
                "what made it work and what may not transfer, every fact with its public source. Themes, principles "
                "and indicator links are the editors' reading.",
                className="lede",
            ),
            _controls(opts, chosen),
            with_attrs(html.P(count, id="practices-count", className="note"), {"aria-live": "polite"}),
            html.Div(cards, id="practices-list", className="practice-list"),
            html.P(
                [
                    "Release ",
                    html.Code(found, id="practices-release"),
                    ". Also as data: ",
                    html.A(
                        "/api/v1/practices", href="/api/v1/practices" + (f"?release={release_id}" if release_id else "")
                    ),
                    ".",
                ],
                className="note",
            ),
            dcc.Store(id="practices-release-store", data=release_id),
            dcc.Store(id="practices-query", data=query_string(chosen)),
            html.Span(id="practices-url-sync", hidden=True),
        ],
        className="practices-page",
    )


def _known(chosen: dict[str, str | None], opts: dict[str, list[dict[str, Any]]]) -> dict[str, str | None]:
    """Unknown filter values from a hand-edited URL are dropped (the list then shows what is left)."""
    allowed = {"theme": "themes", "principle": "principles", "country": "countries", "region": "regions"}
    out = dict(chosen)
    for key, option_key in allowed.items():
        values = {str(o["value"]) for o in opts[option_key]}
        given = out[key]
        if given is not None and given not in values:
            out[key] = given.upper() if key == "country" and given.upper() in values else None
    return out


def _dropdown(key: str, label: str, options: list[dict[str, Any]], value: str | None, placeholder: str) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=f"practices-{key}"),
            dcc.Dropdown(
                id=f"practices-{key}",
                value=value,
                placeholder=placeholder,
                clearable=True,
                options=[{"label": str(o["label"]), "value": str(o["value"])} for o in options],
            ),
        ],
        className="control",
    )


def _controls(opts: dict[str, list[dict[str, Any]]], chosen: dict[str, str | None]) -> html.Div:
    principles = [{"value": o["value"], "label": f"{o['value']}. {o['label']}"} for o in opts["principles"]]
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Search", htmlFor="practices-q"),
                    dcc.Input(
                        id="practices-q",
                        type="search",
                        value=chosen["q"] or "",
                        debounce=0.3,
                        placeholder="name, institution, country, words",
                        maxLength=100,
                    ),
                ],
                className="control control-search",
            ),
            _dropdown("theme", "Theme", opts["themes"], chosen["theme"], "All themes"),
            _dropdown("principle", "MFLM principle", principles, chosen["principle"], "All principles"),
            _dropdown("country", "Country", opts["countries"], chosen["country"], "All countries"),
            _dropdown("region", "UN region", opts["regions"], chosen["region"], "All regions"),
            html.Div(dcc.Link("Clear filters", href="/practices", id="practices-clear"), className="control"),
        ],
        className="controls practices-controls",
    )


def shown(
    search: str | None,
    theme: str | None,
    principle: str | None,
    country: str | None,
    region: str | None,
    release: str | None,
) -> tuple[list[Any], str, str]:
    """The main callback's work: (cards, count sentence, query string) for the filters."""
    values = {
        "q": (search or "").strip()[:100] or None,
        "theme": theme,
        "principle": principle,
        "country": country,
        "region": region,
    }
    _, frame = q.practices(release)
    rows = q.filter_practices(frame, values["q"], theme, principle, country, region)
    titles = {str(o["value"]): str(o["label"]) for o in q.options(release)["themes"]}
    cards: list[Any] = [view.card(r, titles) for r in rows.to_dict("records")]
    if frame.empty:
        count = "This release has no practice library (it was built before the library existed)."
    elif len(rows) == len(frame):
        count = f"{len(frame)} practices."
    else:
        count = f"{len(rows)} of {len(frame)} practices match."
    if not cards and not frame.empty:  # a sentence instead of an empty list
        cards = [
            html.P(
                "No practice matches these filters. Clear a filter or change the search.",
                className="notice",
                id="practices-none",
            )
        ]
    return cards, count, query_string(values)


@callback(
    Output("practices-list", "children"),
    Output("practices-count", "children"),
    Output("practices-query", "data"),
    Input("practices-q", "value"),
    Input("practices-theme", "value"),
    Input("practices-principle", "value"),
    Input("practices-country", "value"),
    Input("practices-region", "value"),
    State("practices-release-store", "data"),
    prevent_initial_call=True,
)
def update_list(
    search: str | None,
    theme: str | None,
    principle: str | None,
    country: str | None,
    region: str | None,
    release: str | None,
) -> tuple[list[Any], str, str]:
    return shown(search, theme, principle, country, region, release)


clientside_callback(
    """function (query) {
        const params = new URLSearchParams(query || "");
        const release = new URLSearchParams(window.location.search).get("release");
        if (release) { params.set("release", release); }
        const text = params.toString();
        const url = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            window.history.replaceState(window.history.state, "", url);
        }
        return window.dash_clientside.no_update;
    }""",
    Output("practices-url-sync", "children"),
    Input("practices-query", "data"),
)
