"""What /corridor/<ORIGIN>/<DEST> shows for a pair: the controls and the sections (the 2021 stock and remittances,
the stock over time with its series break, agreements and recruitment costs, each side's rules with the asymmetry
note, each side's scorecard), in the reader's words. Builders over the data of dashboard.queries.corridor; the page
module holds the layout, the answers to a wrong URL, the callbacks and the CSV; _corridor_sections.py the 2021
figures, scorecards and historical note."""

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
from dashboard.pages import _corridor_sections as sections
from dashboard.pages._corridor_common import flag_words, persons
from dashboard.queries.corridor import IAB_SOURCE, Corridor, counted, stock_table
from dashboard.queries.country import Record, ReleaseTables

SEX_STYLE = {  # names: sex.*
    "total": ("#0B4F8A", "solid"),
    "female": ("#B3480B", "dash"),
    "male": ("#00785A", "dot"),
}
KNOMAD_COLOUR = "#5B2A86"
BREAK_X = 2015.5  # the series break is drawn between IAB's last year (2010) and KNOMAD's (2021)
YEAR_TICKS = [1980, 1985, 1990, 1995, 2000, 2005, 2010, 2021]
SOURCE_NAMES = {IAB_SOURCE: "IAB"}  # the table's source column; anything else is KNOMAD
GOOD, BAD = {"green", "yellow"}, {"orange", "red"}  # asymmetry: one side in GOOD, the other in BAD


def dropdown_options(tables: ReleaseTables, release: str | None) -> list[dict[str, str]]:
    """The release's countries (never aggregates) for both dropdowns, "Name (ISO3)" named and sorted in the
    reader's language (English: the release's own order)."""
    local = names(release)
    options = [{"label": f"{local.get(c.iso3, c.name)} ({c.iso3})", "value": c.iso3}
               for c in tables.countries.values() if not c.is_aggregate]  # fmt: skip
    return sorted(options, key=lambda o: sort_key(o["label"])) if local else options


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
                f"{group_text(found.origin.income_group) or t('corridor.no_income')}. "
                f"{found.dest.name}: {group_text(found.dest.un_subregion or found.dest.un_region)}, "
                f"{group_text(found.dest.income_group) or t('corridor.no_income')}. ",
                *parts(
                    "corridor.release",
                    release=html.Code(found.release_id, id="corridor-release"),
                    year=found.tables.status_year,
                ),
                " ",
                dcc.Link(
                    t("corridor.explore", name=found.origin.name), href=href(f"/corridors?origin={found.origin.iso3}")
                ),
            ],
            className="corridor-note",
        ),  # fmt: skip
        *sections.historical_note(found),
        sections.latest_section(found),
        stock_section(found),
        pair_section(found),
        rules_section(found),
        sections.scorecard_section(found),
    ]


def stock_figure(found: Corridor, title: str) -> dict[str, Any]:
    """IAB's series by sex (1980-2010), KNOMAD's 2021 point (both sexes) apart, and the break drawn between them."""
    iab = found.iab
    traces = []
    for sex, (colour, dash_style) in SEX_STYLE.items():
        name = t("corridor.trace_iab", sex=t(f"sex.{sex}"))
        rows = [r for r in iab if r["sex"] == sex and counted(r) is not None]
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
    latest = found.latest
    if latest is not None:
        name = t("corridor.trace_knomad")
        traces.append({"type": "scatter", "mode": "markers", "name": name, "x": [latest["year"]],
                       "y": [latest["value"]], "marker": {"color": KNOMAD_COLOUR, "size": 13, "symbol": "diamond"},
                       "hovertemplate": f"{name}: %{{y:,.0f}} {unit_text('persons')}<extra></extra>"})  # fmt: skip
    return {"data": traces, "layout": _stock_layout(title, _gaps(found))}


def _gaps(found: Corridor) -> list[dict[str, Any]]:
    """The break's label, and words where a side of the break has no figure (no data, never 0)."""
    notes = [{"x": BREAK_X, "y": 1.0, "yref": "paper", "yanchor": "bottom", "xanchor": "right", "showarrow": False,
              "text": t("corridor.break_short"), "font": {"size": 12, "color": "#333"}, "bgcolor": "#ffffff"}]  # fmt: skip
    if not found.iab:
        notes.append({"x": 1995, "y": 0.5, "yref": "paper", "showarrow": False, "text": t("corridor.no_iab_short"),
                      "font": {"size": 12, "color": "#555"}})  # fmt: skip
    if found.latest is None:
        notes.append({"x": 2020, "y": 0.5, "yref": "paper", "showarrow": False,
                      "text": t("corridor.no_knomad_short").replace(" ", "<br>"), "font": {"size": 11, "color": "#555"}})  # fmt: skip
    return notes


def _stock_layout(title: str, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    line = {"type": "line", "x0": BREAK_X, "x1": BREAK_X, "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": "#444444", "dash": "dash", "width": 2}}  # fmt: skip
    return {
        "title": {"text": title, "font": {"size": 15}},
        "height": 400,
        "margin": {"l": 70, "r": 10, "t": 70, "b": 40},
        "yaxis": {"title": {"text": unit_text("persons")}, "rangemode": "tozero", "separatethousands": True},
        "separators": t("format.plot_separators"),
        "xaxis": {"tickvals": YEAR_TICKS, "range": [1977, 2024]},
        "shapes": [line],
        "annotations": annotations,
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def stock_section(found: Corridor) -> html.Section:
    o, d = found.origin, found.dest
    if not found.stock:
        return html.Section([html.H2(t("corridor.stock")), html.P(_no_stock(found), id="corridor-no-stock")])
    rows = stock_table(found.stock)
    title = t("corridor.born_in", origin=o.name, dest=d.name)
    span = str(rows[0]["year"]) if len(rows) == 1 else f"{rows[0]['year']}-{rows[-1]['year']}"
    graph = dcc.Graph(
        id="corridor-stock-graph",
        figure=stock_figure(found, title),
        config=graph_config(filename=f"corridor_{o.iso3}_{d.iso3}_stock"),  # type: ignore[arg-type]
    )
    chart = html.Figure(  # the chart's words: its caption (the break), and the table beside it
        [graph, html.Figcaption(t("corridor.break_note"), id="corridor-break", className="corridor-break")],
        className="corridor-chart",
    )
    iab = found.iab
    note = (t("corridor.stock_note", origin=o.name, dest=d.name, n=len(found.covered)) if iab
            else _no_stock(found))  # fmt: skip
    badges = [html.Span([f"{label}: ", provenance_badge(r["source_id"], r["flags"], r["source_id"] == IAB_SOURCE,
                                                         found.tables.sources.get(r["source_id"])),
                         *_source_flags(found.stock, r["source_id"])],
                        className="corridor-badge") for label, r in _one_per_source(found.stock)]  # fmt: skip
    return html.Section(
        [
            html.H2(t("corridor.stock")),
            html.P(note, className="corridor-note", id="corridor-stock-note" if iab else "corridor-no-stock"),
            html.Div(
                [
                    chart,
                    html.Div(
                        stock_html_table(rows, t("corridor.table_title", title=title, span=span)),
                        className="table-scroll",
                    ),
                ],
                className="corridor-stock",
            ),  # fmt: skip
            html.Div(badges, className="corridor-badges"),
        ],
        id="corridor-stock",
    )


def _source_flags(stock: Sequence[Mapping[str, Any]], source: str) -> list[str]:
    """The flags every value of a source carries, in words (e.g. IAB's Germany: origin by citizenship); the break
    is said under the chart, a suspect value in its cell."""
    flags = ";".join(sorted({r["flags"] or "" for r in stock if r["source_id"] == source}))
    words = flag_words(flags, skip=("break", "suspect"))
    return [" ".join(dict.fromkeys(words))] if words else []


def _one_per_source(stock: Sequence[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """("IAB 1980-2010", its latest row), ("KNOMAD 2021", its row): a badge per source, named with its years."""
    out = []
    for source in dict.fromkeys(r["source_id"] for r in stock):
        years = [r["year"] for r in stock if r["source_id"] == source]
        span = str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
        out.append((f"{SOURCE_NAMES.get(source, 'KNOMAD')} {span}", [r for r in stock if r["source_id"] == source][-1]))
    return out


def stock_html_table(rows: Sequence[Mapping[str, Any]], title: str) -> html.Table:
    head = [html.Th(t("col.year"), scope="col")] + [html.Th(t(f"sex.{sex}"), className="num", scope="col")
                                                     for sex in SEX_STYLE]  # fmt: skip
    head += [
        html.Th(t("corridor.women_share"), className="num", scope="col"),
        html.Th(t("corridor.source"), scope="col"),
    ]
    body: list[html.Tr] = []
    for n, r in enumerate(rows):
        if n and r["source_id"] != rows[n - 1]["source_id"]:
            body.append(html.Tr(html.Td(t("corridor.break_row"), colSpan=6), className="break-row"))
        source = html.Td(SOURCE_NAMES.get(r["source_id"], "KNOMAD"))
        total = html.Td(_stock_cell(r, "total"), className="num" + (" no-data" if r["total"] is None else ""))
        if r["source_id"] != IAB_SOURCE and r["female"] is None and r["male"] is None:  # KNOMAD: both sexes only
            body.append(html.Tr([html.Td(r["year"]), total, html.Td(t("corridor.no_sex_split"), colSpan=3,
                                                                    className="no-data"), source]))  # fmt: skip
            continue
        share = t("corridor.no_data") if r["women_share"] is None else percent(r["women_share"] / 100, decimals=1)
        cells = [html.Td(_stock_cell(r, sex), className="num" + (" no-data" if r[sex] is None else ""))
                 for sex in ("female", "male")]  # fmt: skip
        body.append(html.Tr([html.Td(r["year"]), total, *cells, html.Td(share, className="num"), source]))
    return html.Table(
        [html.Caption(title), html.Thead(html.Tr(head)), html.Tbody(body)],
        id="corridor-stock-table",
        className="data-table compact corridor-table",
    )


def _stock_cell(row: Mapping[str, Any], sex: str) -> str:
    """The stock of one sex; a missing one says why (not counted by the publisher, not split by sex)."""
    if row[sex] is not None:
        return persons(row[sex])
    flags = row["flags"].get(sex)
    if flags is not None and "suspect=" in flags:
        return t("corridor.not_counted")
    return t("corridor.no_data")


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
    by_o, by_d = {r["indicator_id"]: r for r in rows_o}, {r["indicator_id"]: r for r in rows_d}

    def cell(r: Mapping[str, Any] | None) -> html.Td:
        if r is None:
            return html.Td(t("level.no_data"))
        return html.Td(
            [html.Div(f"{value_text(r)} ({year_text(r)})" if year_text(r) else value_text(r)), status_badge(r)]
        )

    shown = [*rows_o, *[r for r in rows_d if r["indicator_id"] not in by_o]]
    rows = [html.Tr([html.Th(ind_text(r["indicator_id"], "title", r["title"]), scope="row"),
                     cell(by_o.get(r["indicator_id"])), cell(by_d.get(r["indicator_id"]))]) for r in shown]  # fmt: skip
    head = html.Tr(
        [html.Th(t("corridor.rule"), scope="col"), html.Th(o.name, scope="col"), html.Th(d.name, scope="col")]
    )
    table = html.Table([html.Thead(head), html.Tbody(rows)], id="corridor-rules", className="data-table corridor-table")
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
    return html.Section([html.H2(t("corridor.rules")), _both(found), asym, html.Div(table, className="table-scroll")],
                        id="corridor-rules-section")  # fmt: skip


def asymmetries(origin_rows: Sequence[Record], dest_rows: Sequence[Record]) -> list[tuple[Record, Record]]:
    """(origin row, destination row) of each indicator where one side is green/yellow and the other orange/red."""
    dest_by_id = {r["indicator_id"]: r for r in dest_rows}
    pairs = [(o, dest_by_id[o["indicator_id"]]) for o in origin_rows if o["indicator_id"] in dest_by_id]
    return [(o, d) for o, d in pairs if {status_key(o), status_key(d)} & GOOD and {status_key(o), status_key(d)} & BAD]


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
