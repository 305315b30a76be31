"""`/practices?q=...&theme=...&principle=...&country=...&region=...`: the good-practice library, searchable and
filterable, every filter in the URL (rewritten in place, so a copied link gives the same list). Each card links to
`/practices/<id>` (dashboard/pages/practice.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.attrs import with_attrs
from dashboard.i18n import (
    DEFAULT,
    PARAM,
    current_lang,
    dropdown_labels,
    group_text,
    href,
    principle_text,
    t,
    theme_text,
)
from dashboard.i18n.names import names, sort_key
from dashboard.pages import _practice_view as view
from dashboard.pages._query import one, pinned_layout, view_release
from warehouse import practices as q
from warehouse.connection import NoReleaseError
from warehouse.releases import ReleaseError

dash.register_page(
    __name__,
    path="/practices",
    title=lambda **_: t("app.page_title", page=t("practices.title")),
    description=lambda **_: t("practices.description"),
)

FILTERS = ("q", "theme", "principle", "country", "region")


def query_string(values: dict[str, str | None]) -> str:
    params = {k: v for k, v in values.items() if v} | ({PARAM: current_lang()} if current_lang() != DEFAULT else {})
    return "?" + urlencode(params, quote_via=quote) if params else ""


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(release: object = None, **query: object) -> html.Div:
    release_id = one(release)
    try:
        opts = q.options(release_id)
        found, frame = q.practices(release_id)
    except (NoReleaseError, ReleaseError) as error:
        return html.Div([html.H1(t("practices.title")), html.P(str(error), role="alert", className="notice-error")])
    chosen = {k: one(query.get(k)) for k in FILTERS}
    chosen = _known(chosen, opts)
    cards, count, _ = shown(
        chosen["q"], chosen["theme"], chosen["principle"], chosen["country"], chosen["region"], release_id
    )
    return html.Div(
        [
            html.H1(t("practices.title")),
            html.P(t("practices.lede"), className="lede"),
            _controls(opts, chosen),
            with_attrs(html.P(count, id="practices-count", className="note"), {"aria-live": "polite"}),
            html.Div(cards, id="practices-list", className="practice-list"),
            html.P(
                [
                    f"{t('home.tile.release')} ",
                    html.Code(found, id="practices-release"),
                    t("practices.as_data"),
                    html.A(
                        "/api/v1/practices", href="/api/v1/practices" + (f"?release={release_id}" if release_id else "")
                    ),
                    ".",
                ],
                className="note",
            ),
            dcc.Store(id="practices-release-store", data=view_release(release_id)),
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
                labels=dropdown_labels(),
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
    principles = [{"value": o["value"], "label": f"{o['value']}. {principle_text(o['value'], 'title', o['label'])}"}
                  for o in opts["principles"]]  # fmt: skip
    themes = [{"value": o["value"], "label": theme_text(o["value"], "title", o["label"])} for o in opts["themes"]]
    regions = [{"value": o["value"], "label": group_text(o["label"])} for o in opts["regions"]]
    local = names()
    countries = sorted(({"value": o["value"], "label": local.get(str(o["value"]), o["label"])} for o in opts["countries"]),
                       key=lambda o: sort_key(o["label"])) if local else opts["countries"]  # fmt: skip
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("dropdown.search"), htmlFor="practices-q"),
                    dcc.Input(
                        id="practices-q",
                        type="search",
                        value=chosen["q"] or "",
                        debounce=0.3,
                        placeholder=t("practices.search_placeholder"),
                        maxLength=100,
                    ),
                ],
                className="control control-search",
            ),
            _dropdown("theme", t("col.theme"), themes, chosen["theme"], t("compare.all_themes")),
            _dropdown(
                "principle", t("practices.principle"), principles, chosen["principle"], t("practices.all_principles")
            ),
            _dropdown("country", t("col.country"), countries, chosen["country"], t("practices.all_countries")),
            _dropdown("region", t("col.un_region"), regions, chosen["region"], t("framework.all_regions")),
            html.Div(
                dcc.Link(t("practices.clear"), href=href("/practices"), id="practices-clear"), className="control"
            ),
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
    titles = {str(o["value"]): str(theme_text(o["value"], "title", o["label"])) for o in q.options(release)["themes"]}
    cards: list[Any] = [view.card(r, titles) for r in rows.to_dict("records")]
    if frame.empty:
        count = t("practices.no_library")
    elif len(rows) == len(frame):
        count = t("practices.count", n=len(frame))
    else:
        count = t("practices.count_match", n=len(rows), total=len(frame))
    if not cards and not frame.empty:  # a sentence instead of an empty list
        cards = [
            html.P(
                t("practices.none_match"),
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
        const here = new URLSearchParams(window.location.search);
        for (const key of ["release", "lang"]) { if (here.get(key) && !params.get(key)) { params.set(key, here.get(key)); } }
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
