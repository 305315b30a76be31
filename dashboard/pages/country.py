"""`/country/<ISO3>`: the scorecard of one country, by theme or by MFLM principle (?group=theme|principle), with
theme aggregates, legal events timeline, print layout and a CSV of exactly what is shown (?release= for a citation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard.components.downloads import csv_download
from dashboard.components.levels import legend, level_badge
from dashboard.components.tile import aggregate_words, csv_row, tile, tile_body, with_attrs
from dashboard.components.timeline import timeline
from dashboard.queries.country import CountryRef, Profile, lookup, profile
from warehouse.releases import ReleaseError

GROUPS = {"theme": "By theme", "principle": "By MFLM principle"}


def _title(iso3: str | None = None, **_: object) -> str:
    return f"{(iso3 or '').upper()[:12]} country profile · Labour Migration Policy Monitor"


dash.register_page(
    __name__,
    path_template="/country/<iso3>",
    title=_title,
    description="Country scorecard against the ILO Multilateral Framework on Labour Migration",
)


def _one(value: object) -> str | None:
    """A query value as one string (a repeated key gives a list: keep the first)."""
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def layout(iso3: str | None = None, group: object = None, release: object = None, **_query: object) -> html.Div:
    grouping = _one(group) or "theme"
    grouping = grouping if grouping in GROUPS else "theme"
    code = (_one(iso3) or "")[:40]
    try:
        return render(code, grouping, _one(release))
    except ReleaseError as error:
        return html.Div([html.H1("Release not available"), html.P(str(error))], className="country-page")


def render(code: str, group: str, release: str | None) -> html.Div:
    """The main callback of the page: lookup, one query per section, tiles."""
    ref, matches = lookup(code, release)
    if ref is None:
        return unknown_page(code, matches)
    if ref.is_aggregate:
        return aggregate_page(ref)
    prof = profile(ref.iso3, release)
    return unknown_page(code, []) if prof is None else profile_page(prof, group, release)


def unknown_page(code: str, matches: list[CountryRef]) -> html.Div:
    suggestions: Any = (
        html.Ul([html.Li(dcc.Link(f"{c.name} ({c.iso3})", href=f"/country/{c.iso3}")) for c in matches])
        if matches
        else html.P(["No close match. Find a country on the ", dcc.Link("overview", href="/"), "."])
    )
    return html.Div(
        [
            html.H1("Country not found"),
            html.P(
                f"There is no country with the code “{code}”. Profiles use ISO 3166 alpha-3 codes, e.g. MEX.",
                id="country-unknown",
            ),
            html.H2("Did you mean"),
            suggestions,
        ],
        className="country-page country-missing",
    )


def aggregate_page(ref: CountryRef) -> html.Div:
    kind = f" ({ref.aggregate_kind})" if ref.aggregate_kind else ""
    return html.Div(
        [
            html.H1(f"{ref.name} ({ref.iso3})"),
            html.P(
                f"{ref.name} is an aggregate{kind}, not a country: scorecards are for countries. "
                "Group figures appear on the indicator and comparison pages.",
                id="country-aggregate",
            ),
            html.P(dcc.Link("Back to the overview", href="/")),
        ],
        className="country-page country-missing",
    )


def _href(iso3: str, group: str, release: str | None) -> str:
    query = {"group": group, **({"release": release} if release else {})}
    return f"/country/{iso3}?{urlencode(query)}"


def profile_page(prof: Profile, group: str, release: str | None) -> html.Div:
    body = sections(prof, group)
    titles = {ind["indicator_id"]: ind["title"] for ind in prof.tables.indicators}
    page = html.Div(
        [
            dcc.Store(id="country-state", data={"iso3": prof.country.iso3, "group": group, "release": prof.release_id}),
            header(prof, group, release),
            toolbar(prof.country.iso3, group, release),
            html.Div(legend(), className="country-legend"),
            html.Div(body, id="country-scorecard", className=f"country-scorecard group-{group}"),
            html.Section(
                [html.H2("Legal events"), timeline(prof.events, titles, "country")],
                id="country-events",
                className="country-section",
            ),
        ],
        className="country-page",
    )
    return with_attrs(page, {"data-iso3": prof.country.iso3, "data-group": group})


def header(prof: Profile, group: str, release: str | None) -> html.Header:
    ref, tables = prof.country, prof.tables
    theme_view = "" if group == "theme" else _href(ref.iso3, "theme", release)  # the sections are in that view
    where = " · ".join(x for x in (ref.un_region, ref.un_subregion) if x) or "UN region not given"
    themes = [
        html.Li(
            [
                html.A(t["title"], href=f"{theme_view}#theme-{t['theme']}", className="agg-name"),
                " ",
                aggregate_view(prof.aggregates.get(("theme", t["theme"])), tables.coverage_threshold),
            ],
            className="agg-item",
        )
        for t in tables.themes
    ]
    return html.Header(
        [
            html.H1([ref.name, " ", html.Span(f"({ref.iso3})", className="country-code")], id="country-name"),
            html.P([f"{where} · ", html.Span(ref.income_group or "income group not given", className="income")]),
            html.P(
                [
                    "Release ",
                    html.Code(tables.release_id, id="country-release"),
                    f" · status year {tables.status_year} · methodology {tables.methodology_version}",
                ],
                className="country-release",
            ),
            html.H2("Themes", className="visually-hidden"),
            html.Ul(themes, id="country-themes", className="agg-list"),
        ],
        className="country-header",
    )


def aggregate_view(agg: Mapping[str, Any] | None, threshold: float) -> html.Span:
    """Level badge with the score, or the coverage in words when it is below the threshold."""
    words = aggregate_words(agg, threshold)
    if agg is None or agg.get("score") is None:
        return html.Span(words, className="agg-coverage")
    return html.Span([level_badge(agg["level"], f"score {agg['score']:.0f}"), " ", words.split("; ", 1)[-1]])


def toolbar(iso3: str, group: str, release: str | None) -> html.Div:
    switch = [
        with_attrs(html.Span(label, className="toggle toggle-active"), {"aria-current": "true"})
        if key == group
        else dcc.Link(label, href=_href(iso3, key, release), className="toggle", id=f"country-group-{key}")
        for key, label in GROUPS.items()
    ]
    return html.Div(
        [
            with_attrs(html.Div(switch, className="toggle-group", role="group"), {"aria-label": "Group the scorecard"}),
            html.Button("Print", id="country-print", className="button", type="button"),
            html.Button("Download CSV", id="country-csv", className="button", type="button"),
            dcc.Download(id="country-download"),
            html.Span(id="country-print-status", className="visually-hidden"),
        ],
        className="country-toolbar no-print",
    )


def _tiles(prof: Profile, rows: list[Mapping[str, Any]], suffix: str, bodies: dict[str, list]) -> list[html.Article]:
    """Tiles of one section; an indicator shown in several sections is built once (`bodies`), ids stay unique."""
    out = []
    for row in rows:
        ind = row["indicator_id"]
        if ind not in bodies:
            bodies[ind] = tile_body(row, prof.series.get(ind, ()))
        out.append(tile(row, body=bodies[ind], suffix=suffix))
    return out


def _grids(prof: Profile, rows: list[Mapping[str, Any]], suffix: str, bodies: dict[str, list]) -> list[Any]:
    scored = [r for r in rows if r["scored"]]
    context = [r for r in rows if not r["scored"]]
    out: list[Any] = [html.Div(_tiles(prof, scored, suffix, bodies), className="tile-grid")] if scored else []
    if context:
        out += [
            html.H4("Context (not scored)", className="context-heading"),
            html.Div(_tiles(prof, context, suffix, bodies), className="tile-grid"),
        ]
    return out


class Group(NamedTuple):
    """One section of the scorecard as shown: a theme or a principle, its aggregate and its tiles."""

    key: str  # section id: theme-recruitment, principle-13
    title: str
    aggregate: Mapping[str, Any] | None
    rows: list[Mapping[str, Any]]
    source: Mapping[str, Any]  # the theme or principle record


def view_groups(prof: Profile, group: str) -> list[Group]:
    """The sections of the view in the order shown; the page and its CSV both come from here."""
    if group == "theme":
        return [
            Group(
                f"theme-{t['theme']}",
                t["title"],
                prof.aggregates.get(("theme", t["theme"])),
                [r for r in prof.tiles if r["theme"] == t["theme"]],
                t,
            )
            for t in prof.tables.themes
        ]
    by_id = {r["indicator_id"]: r for r in prof.tiles}
    return [
        Group(
            f"principle-{p['principle']}",
            f"Principle {p['principle']}. {p['title']}",
            prof.aggregates.get(("principle", str(p["principle"]))),
            [by_id[i] for i in (p["indicators"] or []) if i in by_id],
            p,
        )
        for p in prof.tables.principles
    ]


def sections(prof: Profile, group: str) -> list[Any]:
    out: list[Any] = []
    area = None
    bodies: dict[str, list] = {}
    for g in view_groups(prof, group):
        head: list[Any] = []
        if group == "principle" and g.source["area"] != area:
            area = g.source["area"]
            head.append(html.H2(f"Area {area}: {g.source['area_title']}", className="area-heading"))
        head.append(html.H2(g.title) if group == "theme" else html.H3(g.title))
        if g.source.get("gist"):
            head.append(html.P(g.source["gist"], className="principle-gist"))
        if g.rows:
            head.append(
                html.P(aggregate_view(g.aggregate, prof.tables.coverage_threshold), className="section-aggregate")
            )
        if g.source.get("caveat"):
            head.append(html.P([html.Strong("Normative reading: "), g.source["caveat"]], className="theme-caveat"))
        suffix = "" if group == "theme" else f"-p{g.source['principle']}"  # an indicator sits under several principles
        body = _grids(prof, g.rows, suffix, bodies) or [
            html.P("No indicator in this release is mapped to this principle.")
        ]
        out.append(html.Section(head + body, id=g.key, className=f"country-section section-{group}"))
    return out


def scorecard_frame(prof: Profile, group: str) -> pd.DataFrame:
    """Every tile of the view as a CSV row, with its section, the section's aggregate and the release."""
    threshold = prof.tables.coverage_threshold
    rows = [
        {"section": g.title, "section_aggregate": aggregate_words(g.aggregate, threshold), **csv_row(r)}
        for g in view_groups(prof, group)
        for r in g.rows
    ]
    return pd.DataFrame(rows).assign(release=prof.release_id, status_year=prof.tables.status_year)


def scorecard_download(iso3: str, group: str, release_id: str) -> dict[str, object]:
    """The CSV of the scorecard as shown (one row per tile, in the order shown)."""
    prof = profile(iso3, release_id)
    if prof is None:
        raise ValueError(f"no country {iso3!r} in release {release_id}")
    frame = scorecard_frame(prof, group)
    note = f"Scorecard of {prof.country.name} ({iso3}), {GROUPS[group].lower()}, status year {prof.tables.status_year}"
    return csv_download(frame, f"scorecard_{iso3}_{group}_{release_id}.csv", release_id, note)


@dash.callback(
    Output("country-download", "data"),
    Input("country-csv", "n_clicks"),
    State("country-state", "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, state: dict[str, str]) -> dict[str, object]:
    return scorecard_download(state["iso3"], state.get("group", "theme"), state["release"])


dash.clientside_callback(
    "function (n) { if (n) { window.print(); } return n ? 'Print dialog opened' : ''; }",
    Output("country-print-status", "children"),
    Input("country-print", "n_clicks"),
    prevent_initial_call=True,
)
