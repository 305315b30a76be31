"""What /corridor/<ORIGIN>/<DEST> shows for a pair: the controls and the sections (migrant stock chart and table,
agreements and recruitment costs, each side's rules with the asymmetry note). Builders over
dashboard.queries.corridor; the page module holds the layout, the answers to a wrong URL and the callbacks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from dashboard.components.downloads import graph_config
from dashboard.components.levels import style_of
from dashboard.components.provenance import provenance_badge
from dashboard.components.tile import format_number, status_badge, status_key, value_text, year_text
from dashboard.i18n import dropdown_labels, group_text, href, ind_text, parts, percent, t, unit_text
from dashboard.i18n.names import names, sort_key
from dashboard.queries.corridor import Corridor, asymmetries, country_options, stock_table
from dashboard.queries.country import ReleaseTables

SEX_STYLE = {  # names: sex.*
    "total": ("#0B4F8A", "solid"),
    "female": ("#B3480B", "dash"),
    "male": ("#00785A", "dot"),
}


def dropdown_options(tables: ReleaseTables, release: str | None) -> list[dict[str, str]]:
    """The release's countries for both dropdowns, named and sorted in the reader's language."""
    local = names(release)
    return sorted(({"label": f"{local.get(o['value'], o['label'].rsplit(' (', 1)[0])} ({o['value']})", "value": o["value"]}
                   for o in country_options(tables)), key=lambda o: sort_key(o["label"])) if local else country_options(tables)  # fmt: skip


def controls(origin: str, dest: str, options: list[dict[str, str]], release: str | None) -> html.Div:
    query = f"?release={release}" if release else ""
    known = {o["value"] for o in options}
    return html.Div(
        [
            _dropdown("corridor-origin", "origin", origin if origin in known else None, options),
            _dropdown("corridor-dest", "destination", dest if dest in known else None, options),
            dcc.Link(
                t("corridor.swap"),
                href=href(f"/corridor/{dest}/{origin}{query}"),
                id="corridor-swap",
                className="button corridor-swap",
            ),
            html.Button(t("country.download"), id="corridor-csv", className="button", type="button"),
            dcc.Download(id="corridor-download"),
        ],
        className="controls corridor-controls",
    )


def _dropdown(ident: str, role: str, value: str | None, options: list[dict[str, str]]) -> html.Div:
    return html.Div(
        [
            html.Label(t(f"corridor.label.{role}"), htmlFor=ident),
            dcc.Dropdown(
                id=ident,
                options=options,
                value=value,
                clearable=False,
                placeholder=t(f"corridor.choose_{role}"),
                labels=dropdown_labels(),
            ),
        ],
        className="control",
    )


def corridor_body(found: Corridor) -> list[Any]:
    return [
        html.P(
            [
                f"{found.origin.name}: {group_text(found.origin.un_subregion or found.origin.un_region)}, "
                f"{group_text(found.origin.income_group)}. "
                f"{found.dest.name}: {group_text(found.dest.un_subregion or found.dest.un_region)}, "
                f"{group_text(found.dest.income_group)}. ",
                *parts(
                    "corridor.release",
                    release=html.Code(found.release_id, id="corridor-release"),
                    year=found.tables.status_year,
                ),
            ],
            className="corridor-note",
        ),  # fmt: skip
        stock_section(found),
        pair_section(found),
        rules_section(found),
    ]


def stock_figure(stock: Sequence[Mapping[str, Any]], title: str) -> dict[str, Any]:
    traces = []
    for sex, (colour, dash_style) in SEX_STYLE.items():
        name = t(f"sex.{sex}")
        rows = [r for r in stock if r["sex"] == sex]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [r["year"] for r in rows],
                "y": [r["value"] for r in rows],
                "line": {"color": colour, "dash": dash_style, "width": 3},
                "hovertemplate": f"{name} %{{x}}: %{{y:,.0f}} {unit_text('persons')}<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "font": {"size": 15}},
            "height": 360,
            "margin": {"l": 70, "r": 10, "t": 50, "b": 40},
            "yaxis": {"title": {"text": unit_text("persons")}, "rangemode": "tozero", "separatethousands": True},
            "separators": t("format.plot_separators"),
            "xaxis": {"dtick": 5},
            "legend": {"orientation": "h", "y": -0.15},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


def stock_section(found: Corridor) -> html.Section:
    o, d = found.origin, found.dest
    if not found.stock:
        return html.Section([html.H2(t("corridor.stock")), html.P(_no_stock(found), id="corridor-no-stock")])
    rows = stock_table(found.stock)
    title = t("corridor.born_in", origin=o.name, dest=d.name)
    span = f"{rows[0]['year']}-{rows[-1]['year']}"
    graph = dcc.Graph(
        id="corridor-stock-graph",
        figure=stock_figure(found.stock, title),
        config=graph_config(filename=f"corridor_{o.iso3}_{d.iso3}_stock"),  # type: ignore[arg-type]
    )
    last = found.stock[-1]
    note = t("corridor.stock_note", origin=o.name, dest=d.name, span=span, n=len(found.covered))
    chart = html.Figure(  # the chart's words: its caption, and the table beside it
        [graph, html.Figcaption(t("corridor.chart_label", title=title, span=span), className="visually-hidden")],
        className="corridor-chart",
    )
    return html.Section(
        [
            html.H2(t("corridor.stock")),
            html.P(note, className="corridor-note"),
            html.Div([chart, stock_html_table(rows, title)], className="corridor-stock"),
            provenance_badge(last["source_id"], last["flags"], True, found.tables.sources.get(last["source_id"])),
        ],
        id="corridor-stock",
    )


def stock_html_table(rows: Sequence[Mapping[str, Any]], title: str) -> html.Table:
    head = [html.Th(t("col.year"), scope="col")] + [html.Th(t(f"sex.{sex}"), className="num", scope="col")
                                                     for sex in SEX_STYLE]  # fmt: skip
    body = [
        html.Tr(
            [html.Td(r["year"])]
            + [html.Td(_persons(r[sex]), className="num") for sex in SEX_STYLE]
            + [
                html.Td(
                    "" if r["women_share"] is None else percent(r["women_share"] / 100, decimals=1), className="num"
                )
            ]
        )
        for r in rows
    ]
    return html.Table(
        [
            html.Caption(title),
            html.Thead(html.Tr(head + [html.Th(t("corridor.women_share"), className="num", scope="col")])),
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
        return t("corridor.not_covered", n=len(found.covered), dest=found.dest.name, names=names)
    return t("corridor.no_figures", origin=found.origin.name, dest=found.dest.name)


def pair_section(found: Corridor) -> html.Section:
    """Social-security agreements and recruitment costs recorded between the two countries (either direction)."""

    def item(r: Mapping[str, Any]) -> html.Li:
        what = r.get("status") or r.get("value_label") or _value(r)
        when = r.get("event_date") or r["year"]
        return html.Li(
            t("corridor.pair_item", country=r["country"], partner=r["partner_country"], when=when, what=what)
        )

    agreements = [item(r) for r in found.agreements] or [
        html.Li(t("corridor.no_agreement", origin=found.origin.name, dest=found.dest.name))
    ]
    recruitment = [item(r) for r in found.recruitment] or [html.Li(t("corridor.no_recruitment"))]
    return html.Section(
        [
            html.H2(t("corridor.pair")),
            html.H3(t("corridor.agreement")),
            html.Ul(agreements, id="corridor-agreements"),
            html.H3(t("corridor.recruitment")),
            html.Ul(recruitment, id="corridor-recruitment"),
        ],
        id="corridor-pair",
    )


def _value(r: Mapping[str, Any]) -> str:
    return (
        "" if r.get("value") is None else f"{format_number(float(r['value']))} {unit_text(r.get('unit') or '')}".strip()
    )


def rules_section(found: Corridor) -> html.Section:
    o, d = found.origin, found.dest
    rows_o, rows_d = found.rules[o.iso3], found.rules[d.iso3]
    by_d = {r["indicator_id"]: r for r in rows_d}

    def cell(r: Mapping[str, Any] | None) -> html.Td:
        if r is None:
            return html.Td(t("level.no_data"))
        return html.Td(
            [html.Div(f"{value_text(r)} ({year_text(r)})" if year_text(r) else value_text(r)), status_badge(r)]
        )

    rows = [html.Tr([html.Th(ind_text(r["indicator_id"], "title", r["title"]), scope="row"), cell(r),
                     cell(by_d.get(r["indicator_id"]))]) for r in rows_o]  # fmt: skip
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("corridor.rule"), scope="col"),
                        html.Th(o.name, scope="col"),
                        html.Th(d.name, scope="col"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],  # fmt: skip
        id="corridor-rules",
        className="data-table corridor-table",
    )
    notes = [
        html.Li(t("corridor.asym_item", title=ind_text(od[0]["indicator_id"], "title", od[0]["title"]), origin=o.name,
                  o=_words(od[0]), dest=d.name, d=_words(od[1])))
        for od in asymmetries(rows_o, rows_d)
    ]  # fmt: skip
    asym = (
        html.Div(
            [html.Strong(t("corridor.asymmetry")), t("corridor.asymmetry_text"), html.Ul(notes)],
            className="asymmetry",
            id="corridor-asymmetry",
        )
        if notes
        else html.P(t("corridor.no_asymmetry"), id="corridor-asymmetry")
    )
    return html.Section([html.H2(t("corridor.rules")), _both(found), asym, table], id="corridor-rules-section")


def _words(r: Mapping[str, Any]) -> str:
    badge = status_key(r)
    return t("corridor.quoted", value=value_text(r), level=style_of(badge).label.lower()) if badge else value_text(r)


def _both(found: Corridor) -> html.P:
    """Can someone born in the origin who naturalises in the destination keep both nationalities?"""
    origin_rule = next(
        (r for r in found.rules[found.origin.iso3] if r["indicator_id"] == "dual_citizenship_emigrants"), None
    )
    dest_rule = next(
        (r for r in found.rules[found.dest.iso3] if r["indicator_id"] == "naturalisation_renunciation"), None
    )
    o, d = found.origin.name, found.dest.name
    none = t("corridor.no_data")
    return html.P(
        [
            html.Strong(t("corridor.both_q", origin=o, dest=d)),
            t("corridor.both_a", dest=d, d=value_text(dest_rule) if dest_rule else none, origin=o,
              o=value_text(origin_rule) if origin_rule else none),
        ],
        id="corridor-both",
    )  # fmt: skip
