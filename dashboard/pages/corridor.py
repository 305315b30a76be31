"""`/corridor/<ORIGIN>/<DEST>`: both ends of a migration corridor: migrant stocks by sex over time (chart + table),
agreements and recruitment costs between the two, each side's dual-nationality rules, and an asymmetry note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash
from dash import Input, Output, State, dcc, html, no_update

from dashboard.components.downloads import csv_download, graph_config
from dashboard.components.levels import style_of
from dashboard.components.provenance import provenance_badge
from dashboard.components.tile import format_number, status_badge, status_key, value_text, with_attrs, year_text
from dashboard.queries.corridor import Corridor, asymmetries, corridor, corridor_frame, country_options, stock_table
from dashboard.queries.country import ReleaseTables, find, release_tables
from warehouse.releases import ReleaseError

SEX_STYLE = {
    "total": ("Total", "#0B4F8A", "solid"),
    "female": ("Women", "#B3480B", "dash"),
    "male": ("Men", "#00785A", "dot"),
}


def _title(origin: str | None = None, dest: str | None = None, **_: object) -> str:
    return f"{(origin or '')[:3].upper()} to {(dest or '')[:3].upper()} corridor · Labour Migration Policy Monitor"


dash.register_page(
    __name__,
    path="/corridor/MEX/USA",
    path_template="/corridor/<origin>/<dest>",
    redirect_from=["/corridor"],
    title=_title,
    description="Both ends of a migration corridor: migrant stocks by sex, agreements, dual-nationality rules",
)


def _one(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()[:40]


def layout(origin: object = None, dest: object = None, release: object = None, **_query: object) -> html.Div:
    release_id = _one(release) or None
    try:
        return render(_one(origin).upper(), _one(dest).upper(), release_id)
    except ReleaseError as error:
        return html.Div([html.H1("Release not available"), html.P(str(error))], className="corridor-page")


def render(origin: str, dest: str, release: str | None) -> html.Div:
    """The main callback of the page: both ends, one query per section."""
    tables, _ = release_tables(release)
    options = country_options(tables)
    problems = [p for p in (_problem(tables, origin, "origin"), _problem(tables, dest, "destination")) if p]
    if not problems and origin == dest:
        problems = [html.P("Choose two different countries: origin and destination are the same.")]
    found = None if problems else corridor(origin, dest, tables.release_id)
    state = {"origin": origin, "dest": dest, "release": found.release_id} if found else None
    head = [
        html.H1(_heading(found, origin, dest)),
        controls(origin, dest, options, release),
        dcc.Store(id="corridor-state", data=state),
    ]
    if found is None:
        return html.Div(head + [html.Div(problems, id="corridor-problem")], className="corridor-page")
    return html.Div(head + corridor_body(found), className="corridor-page")


def _problem(tables: ReleaseTables, code: str, role: str) -> Any:
    """A sentence (with close matches) when a code is not a country of the release; None when it is."""
    if code in ("", "NONE"):
        return html.P(f"Choose the {role}.")
    ref, matches = find(tables, code)
    if ref is not None and ref.is_aggregate:
        return html.P(f"{ref.name} ({ref.iso3}) is an aggregate, not a country: choose a country as {role}.")
    if ref is None:
        close = ", ".join(f"{c.name} ({c.iso3})" for c in matches) or "none"
        return html.P(f"There is no country with the code “{code}” ({role}). Close matches: {close}.")
    return None


def _heading(found: Corridor | None, origin: str, dest: str) -> str:
    if found is None:
        return "Migration corridor"
    return f"{found.origin.name} ({origin}) to {found.dest.name} ({dest})"


def controls(origin: str, dest: str, options: list[dict[str, str]], release: str | None) -> html.Div:
    query = f"?release={release}" if release else ""
    known = {o["value"] for o in options}
    return html.Div(
        [
            _dropdown("corridor-origin", "Origin", origin if origin in known else None, options),
            _dropdown("corridor-dest", "Destination", dest if dest in known else None, options),
            dcc.Link(
                "⇄ Swap origin and destination",
                href=f"/corridor/{dest}/{origin}{query}",
                id="corridor-swap",
                className="button corridor-swap",
            ),
            html.Button("Download CSV", id="corridor-csv", className="button", type="button"),
            dcc.Download(id="corridor-download"),
        ],
        className="controls corridor-controls",
    )


def _dropdown(ident: str, label: str, value: str | None, options: list[dict[str, str]]) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=ident),
            dcc.Dropdown(
                id=ident, options=options, value=value, clearable=False, placeholder=f"Choose the {label.lower()}"
            ),
        ],
        className="control",
    )


def corridor_body(found: Corridor) -> list[Any]:
    return [
        html.P(
            [
                f"{found.origin.name}: {found.origin.un_subregion or found.origin.un_region}, {found.origin.income_group}. "
                f"{found.dest.name}: {found.dest.un_subregion or found.dest.un_region}, {found.dest.income_group}. Release ",
                html.Code(found.release_id, id="corridor-release"),
                f", status year {found.tables.status_year}.",
            ],
            className="corridor-note",
        ),
        stock_section(found),
        pair_section(found),
        rules_section(found),
    ]


def stock_figure(stock: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    traces = []
    for sex, (name, colour, dash_style) in SEX_STYLE.items():
        rows = [r for r in stock if r["sex"] == sex]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [r["year"] for r in rows],
                "y": [r["value"] for r in rows],
                "line": {"color": colour, "dash": dash_style, "width": 3},
                "hovertemplate": f"{name} %{{x}}: %{{y:,.0f}} persons<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "height": 360,
            "margin": {"l": 70, "r": 10, "t": 50, "b": 40},
            "yaxis": {"title": {"text": "persons"}, "rangemode": "tozero", "separatethousands": True},
            "xaxis": {"dtick": 5},
            "legend": {"orientation": "h", "y": -0.15},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


def stock_section(found: Corridor) -> html.Section:
    o, d = found.origin, found.dest
    if not found.stock:
        return html.Section([html.H2("Migrant stock by sex"), html.P(_no_stock(found), id="corridor-no-stock")])
    rows = stock_table(found.stock)
    title = f"Migrants born in {o.name} living in {d.name}"
    span = f"{rows[0]['year']}-{rows[-1]['year']}"
    graph = dcc.Graph(
        id="corridor-stock-graph",
        figure=stock_figure(found.stock, title),
        config=graph_config(filename=f"corridor_{o.iso3}_{d.iso3}_stock"),  # type: ignore[arg-type]
    )
    last = found.stock[-1]
    note = (
        f"IAB brain-drain data: migrants of all ages born in {o.name} living in {d.name}, {span} in five-year steps, "
        f"for {len(found.covered)} OECD destinations only. Every value is older than the recency window (out of "
        "date): the historical shape of the corridor, not its current size."
    )
    chart = with_attrs(
        html.Div(graph, role="img"), {"aria-label": f"{title}, by sex, {span}; the same figures are in the table."}
    )
    return html.Section(
        [
            html.H2("Migrant stock by sex"),
            html.P(note, className="corridor-note"),
            html.Div([chart, stock_html_table(rows, title)], className="corridor-stock"),
            provenance_badge(last["source_id"], last["flags"], True, found.tables.sources.get(last["source_id"])),
        ],
        id="corridor-stock",
    )


def stock_html_table(rows: Sequence[Mapping[str, Any]], title: str) -> html.Table:
    head = [html.Th("Year")] + [html.Th(v[0], className="num") for v in SEX_STYLE.values()]
    body = [
        html.Tr(
            [html.Td(r["year"])]
            + [html.Td(_persons(r[sex]), className="num") for sex in SEX_STYLE]
            + [html.Td("" if r["women_share"] is None else f"{r['women_share']:.1f}%", className="num")]
        )
        for r in rows
    ]
    return html.Table(
        [
            html.Caption(title),
            html.Thead(html.Tr(head + [html.Th("Women's share", className="num")])),
            html.Tbody(body),
        ],
        id="corridor-stock-table",
        className="data-table compact corridor-table",
    )


def _persons(value: float | None) -> str:
    return "" if value is None else format_number(float(value))


def _no_stock(found: Corridor) -> str:
    names = ", ".join(found.tables.countries[c].name for c in found.covered if c in found.tables.countries)
    if found.dest.iso3 not in found.covered:
        return (
            f"No figures: the bilateral stock source (IAB, 1980-2010) covers only {len(found.covered)} OECD "
            f"destinations, and {found.dest.name} is not one of them: {names}."
        )
    return f"No IAB figures for migrants born in {found.origin.name} living in {found.dest.name}."


def pair_section(found: Corridor) -> html.Section:
    """Social-security agreements and recruitment costs recorded between the two countries (either direction)."""
    names = f"{found.origin.name} and {found.dest.name}"

    def item(r: Mapping[str, Any]) -> html.Li:
        what = r.get("status") or r.get("value_label") or _value(r)
        return html.Li(f"{r['country']} with {r['partner_country']}, {r.get('event_date') or r['year']}: {what}")

    agreements = [item(r) for r in found.agreements] or [
        html.Li(
            f"No social-security agreement between {names} is recorded in this release (these come from "
            "data-steward uploads)."
        )
    ]
    recruitment = [item(r) for r in found.recruitment] or [
        html.Li("No recruitment-cost figure for this corridor in this release (steward uploads only).")
    ]
    return html.Section(
        [
            html.H2("Agreements and recruitment costs"),
            html.H3("Bilateral social-security agreement"),
            html.Ul(agreements, id="corridor-agreements"),
            html.H3("Recruitment cost borne by the worker"),
            html.Ul(recruitment, id="corridor-recruitment"),
        ],
        id="corridor-pair",
    )


def _value(r: Mapping[str, Any]) -> str:
    return "" if r.get("value") is None else f"{format_number(float(r['value']))} {r.get('unit') or ''}".strip()


def rules_section(found: Corridor) -> html.Section:
    o, d = found.origin, found.dest
    rows_o, rows_d = found.rules[o.iso3], found.rules[d.iso3]
    by_d = {r["indicator_id"]: r for r in rows_d}

    def cell(r: Mapping[str, Any] | None) -> html.Td:
        if r is None:
            return html.Td("No data")
        return html.Td(
            [html.Div(f"{value_text(r)} ({year_text(r)})" if year_text(r) else value_text(r)), status_badge(r)]
        )

    rows = [html.Tr([html.Th(r["title"], scope="row"), cell(r), cell(by_d.get(r["indicator_id"]))]) for r in rows_o]
    table = html.Table(
        [html.Thead(html.Tr([html.Th("Rule"), html.Th(o.name), html.Th(d.name)])), html.Tbody(rows)],
        id="corridor-rules",
        className="data-table corridor-table",
    )
    notes = [
        html.Li(f"{od[0]['title']}: {o.name} {_words(od[0])}; {d.name} {_words(od[1])}.")
        for od in asymmetries(rows_o, rows_d)
    ]
    asym = (
        html.Div(
            [html.Strong("Asymmetry: "), "one side scores well and the other does not.", html.Ul(notes)],
            className="asymmetry",
            id="corridor-asymmetry",
        )
        if notes
        else html.P(
            "No asymmetry: on these rules neither side scores well while the other does not.", id="corridor-asymmetry"
        )
    )
    return html.Section([html.H2("Each side's rules"), _both(found), asym, table], id="corridor-rules-section")


def _words(r: Mapping[str, Any]) -> str:
    badge = status_key(r)
    return f"“{value_text(r)}” ({style_of(badge).label.lower()})" if badge else value_text(r)


def _both(found: Corridor) -> html.P:
    """Can someone born in the origin who naturalises in the destination keep both nationalities?"""
    origin_rule = next(
        (r for r in found.rules[found.origin.iso3] if r["indicator_id"] == "dual_citizenship_emigrants"), None
    )
    dest_rule = next(
        (r for r in found.rules[found.dest.iso3] if r["indicator_id"] == "naturalisation_renunciation"), None
    )
    o, d = found.origin.name, found.dest.name
    return html.P(
        [
            html.Strong(f"Can a citizen of {o} who naturalises in {d} keep both nationalities? "),
            f"{d}, on the previous nationality of people it naturalises: "
            f"{value_text(dest_rule) if dest_rule else 'no data'}. {o}, on its citizens who naturalise abroad: "
            f"{value_text(origin_rule) if origin_rule else 'no data'}.",
        ],
        id="corridor-both",
    )


@dash.callback(
    Output("url", "pathname", allow_duplicate=True),
    Input("corridor-origin", "value"),
    Input("corridor-dest", "value"),
    State("url", "pathname"),
    prevent_initial_call=True,
)
def choose(origin: str | None, dest: str | None, pathname: str | None) -> object:
    """A new origin or destination goes into the URL (the page redraws from it; the query string is kept)."""
    if not origin or not dest:
        return no_update
    target = f"/corridor/{origin}/{dest}"
    return no_update if target == pathname else target


@dash.callback(
    Output("corridor-download", "data"),
    Input("corridor-csv", "n_clicks"),
    State("corridor-state", "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, state: dict[str, str] | None) -> object:
    if not state:
        return no_update
    found = corridor(state["origin"], state["dest"], state["release"])
    if found is None:
        return no_update
    note = f"Corridor {found.origin.name} to {found.dest.name}: stocks by sex, agreements, recruitment, rules"
    filename = f"corridor_{found.origin.iso3}_{found.dest.iso3}_{found.release_id}.csv"
    return csv_download(corridor_frame(found), filename, found.release_id, note)
