"""The country profile's corridor sections: its main corridors both ways by the 2021 migrant stock (KNOMAD) with
remittances, linked to their pages and to the explorer; migrants' contributions (remittance sums beside the
remittances-to-GDP indicator), context and never a score; and "qualified women": tertiary emigration rates of women
and men over time (IAB, 20 OECD destinations) with the gap, drawn as a small server-side SVG, and the women's share
of emigrants. One query per section (dashboard/queries/corridors.py), no plotly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from dash import dcc, html

from dashboard.components.provenance import provenance_badge
from dashboard.components.svg import FONT, data_uri, scale
from dashboard.components.tile import value_text, year_text
from dashboard.i18n import href, number, percent, t
from dashboard.i18n.names import country_name
from dashboard.pages._corridor_common import (
    corridor_link,
    joined,
    millions,
    money_cell,
    persons,
    third_party_mark,
    third_party_note,
)
from dashboard.queries.corridors import main_corridors, qualified_women
from dashboard.queries.country import Profile

WOMEN, MEN = "#B3480B", "#00785A"
LEGEND_H = 22  # the legend's band under the axis
CHART_W, CHART_H = 480, 212
PAD = (40, 12, 12, 24 + LEGEND_H)  # left, right, top, bottom


def corridor_sections(prof: Profile) -> list[html.Section]:
    return [main_section(prof), women_section(prof)]


def main_section(prof: Profile) -> html.Section:
    """Top destinations and origins by the 2021 stock with remittances, and the remittance sums as context."""
    iso3, name = prof.country.iso3, country_name(prof.country.iso3, prof.country.name)
    found = main_corridors(iso3, prof.release_id)
    tables = [_top_table(prof, found["destination"], "destination"), _top_table(prof, found["origin"], "origin")]
    links = [dcc.Link(t("country_corridors.all_from", name=name), href=href(f"/corridors?origin={iso3}")),
             dcc.Link(t("country_corridors.all_to", name=name), href=href(f"/corridors?destination={iso3}"))]  # fmt: skip
    return html.Section(
        [
            html.H2(t("country_corridors.title")),
            html.P(t("country_corridors.note"), className="note"),
            html.Div(tables, className="country-corridor-tables"),
            *third_party_note(found["destination"] + found["origin"], "money_flags"),
            html.P(joined(links, " · "), id="country-corridors-links"),
            *contributions(prof, found),
        ],
        id="country-corridors",
        className="country-section",
    )


def _top_table(prof: Profile, rows: Sequence[Mapping[str, Any]], role: str) -> html.Table | html.P:
    iso3, name = prof.country.iso3, country_name(prof.country.iso3, prof.country.name)
    if not rows:
        return html.P(t(f"country_corridors.none.{role}", name=name), id=f"country-corridors-{role}")
    head = html.Tr([html.Th(t(f"corridor.label.{role}"), scope="col"),
                    html.Th(t("corridors.stock_col"), className="num", scope="col"),
                    html.Th(t(f"country_corridors.money.{role}"), className="num", scope="col")])  # fmt: skip
    body = []
    for r in rows:
        ref = prof.tables.countries.get(r["partner"])
        label = f"{country_name(r['partner'], ref.name if ref else r['partner'])} ({r['partner']})"
        pair = (iso3, r["partner"]) if role == "destination" else (r["partner"], iso3)
        body.append(html.Tr([html.Td(corridor_link(pair[0], pair[1], label)), html.Td(persons(r["stock"]), className="num"),
                             money_cell(r, "money", "money_flags")]))  # fmt: skip
    year = rows[0]["year"]
    return html.Table([html.Caption(t(f"country_corridors.caption.{role}", name=name, n=len(rows), year=year)),
                       html.Thead(head), html.Tbody(body)], id=f"country-corridors-{role}",
                      className="data-table compact corridor-table")  # fmt: skip


def contributions(prof: Profile, found: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Any]:
    """Remittances received and sent (sums of the corridor estimates) beside the remittances-to-GDP indicator."""
    items = []
    for way in ("received", "sent"):
        row = found[way][0] if found[way] else None
        if row is None or row["money"] is None:
            items.append(html.Li(t(f"country_corridors.{way}_none"), id=f"country-remittances-{way}"))
            continue
        figure = [
            html.Strong(t("country_corridors.usd", value=millions(row["money"]))),
            *third_party_mark(row["money_flags"]),
        ]
        words = t(f"country_corridors.{way}", year=row["year"], n=row["n"])
        items.append(html.Li([*figure, " ", words], id=f"country-remittances-{way}"))  # fmt: skip
    gdp = next((r for r in prof.tiles if r["indicator_id"] == "remittances_gdp"), None)
    if gdp is not None:
        when = year_text(gdp)
        items.append(html.Li([html.Strong(value_text(gdp)), " ", t("country_corridors.gdp", year=when or "-"), " ",
                              provenance_badge(gdp["source_id"], gdp["flags"], gdp.get("out_of_date"),
                                               gdp.get("source_title"))], id="country-remittances-gdp"))  # fmt: skip
    return [html.H3(t("country_corridors.contributions")), html.Ul(items, id="country-contributions"),
            html.P(t("country_corridors.context"), className="note")]  # fmt: skip


def women_section(prof: Profile) -> html.Section:
    """Tertiary emigration rates of women and men (IAB, 1980-2010) with the gap, and the women's share of
    emigrants, with the caveat that IAB counts only 20 OECD destinations."""
    name = country_name(prof.country.iso3, prof.country.name)
    rows = qualified_women(prof.country.iso3, prof.release_id)
    rated = [r for r in rows if r["female"] is not None and r["male"] is not None]
    body: list[Any] = [html.H2(t("qualified_women.title"))]
    if not rows:
        body.append(html.P(t("qualified_women.none", name=name), id="qualified-women-none"))
    else:
        if rated:
            last = rated[-1]
            body.append(html.P(t("qualified_women.summary", name=name, year=last["year"], women=_pct(last["female"]),
                                 men=_pct(last["male"]), gap=_points(last["gap"])), id="qualified-women-summary"))  # fmt: skip
        body.append(html.Div([*([gap_chart(rated, name)] if len(rated) > 1 else []), women_table(rows, name)],
                             className="qualified-women-body"))  # fmt: skip
        source = next((r["source_id"] for r in rows if r["source_id"]), None)
        if source:
            body.append(provenance_badge(source, "", True, prof.tables.sources.get(source)))
    desa = next((r for r in prof.tiles if r["indicator_id"] == "women_share_emigrants"), None)
    desa_words = (t("qualified_women.desa", value=value_text(desa), year=year_text(desa) or "-")
                  if desa is not None and desa.get("value") is not None else "")  # fmt: skip
    body.append(html.P([html.Strong(t("qualified_women.caveat_label")), " ", t("qualified_women.caveat"), " ", desa_words],
                       className="theme-caveat", id="qualified-women-caveat"))  # fmt: skip
    body.append(html.P(dcc.Link(t("qualified_women.indicator"), href=href("/indicator/emigration_rate_tertiary"))))
    return html.Section(body, id="country-qualified-women", className="country-section")


def _pct(value: float | None) -> str:
    return t("corridor.no_data") if value is None else f"{number(value, decimals=1)}\u00a0%"


def _points(value: float | None) -> str:
    return t("corridor.no_data") if value is None else t("qualified_women.points", n=number(value, decimals=1))


def women_table(rows: Sequence[Mapping[str, Any]], name: str) -> html.Table:
    cols = ["col.year", "qualified_women.women", "qualified_women.men", "qualified_women.gap", "qualified_women.share"]
    head = html.Tr([html.Th(t(c), scope="col", className="num" if n else None) for n, c in enumerate(cols)])
    body = [html.Tr([html.Td(r["year"]), html.Td(_pct(r["female"]), className="num"),
                     html.Td(_pct(r["male"]), className="num"), html.Td(_points(r["gap"]), className="num"),
                     html.Td(t("corridor.no_data") if r["women_share"] is None else percent(r["women_share"] / 100, decimals=1),
                             className="num")]) for r in rows]  # fmt: skip
    return html.Table([html.Caption(t("qualified_women.caption", name=name)), html.Thead(head), html.Tbody(body)],
                      id="qualified-women-table", className="data-table compact corridor-table")  # fmt: skip


def gap_svg(rows: Sequence[Mapping[str, Any]], legend: Sequence[str] = ("Women", "Men", "The gap")) -> str:
    """Women's and men's rates as two lines over the years, the gap between them shaded, y from 0; the legend
    (women, men, gap) drawn under the axis (the words are also in the image's alt text)."""
    left, right, top, bottom = PAD
    years = [r["year"] for r in rows]
    high = max(max(r["female"], r["male"]) for r in rows) or 1.0

    def xy(year: float, value: float) -> str:
        x = scale(year, years[0], years[-1], left, CHART_W - right)
        y = scale(value, 0, high, CHART_H - bottom, top)
        return f"{x:.1f},{y:.1f}"

    women = " ".join(xy(r["year"], r["female"]) for r in rows)
    men = " ".join(xy(r["year"], r["male"]) for r in rows)
    band = women + " " + " ".join(xy(r["year"], r["male"]) for r in reversed(rows))
    text = f"font-family='{FONT}' font-size='11' fill='#444'"
    axis = (f"<line x1='{left}' y1='{CHART_H - bottom}' x2='{CHART_W - right}' y2='{CHART_H - bottom}' stroke='#999'/>"
            f"<line x1='{left}' y1='{top}' x2='{CHART_W - right}' y2='{top}' stroke='#ddd'/>"
            f"<text x='{left - 4}' y='{CHART_H - bottom + 4}' text-anchor='end' {text}>0</text>"
            f"<text x='{left - 4}' y='{top + 4}' text-anchor='end' {text}>{high:.1f}%</text>")  # fmt: skip
    ticks = "".join(f"<text x='{xy(y, 0).split(',')[0]}' y='{CHART_H - LEGEND_H - 6}' text-anchor='middle' {text}>{y}</text>"
                    for y in (years[0], years[len(years) // 2], years[-1]))  # fmt: skip
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {CHART_W} {CHART_H}' width='{CHART_W}'"
            f" height='{CHART_H}'>{axis}{ticks}{_legend(legend, text)}"
            f"<polygon points='{band}' fill='{WOMEN}' fill-opacity='0.12'/>"
            f"<polyline points='{men}' fill='none' stroke='{MEN}' stroke-width='2.5' stroke-dasharray='6 4'/>"
            f"<polyline points='{women}' fill='none' stroke='{WOMEN}' stroke-width='2.5'/></svg>")  # fmt: skip


def _legend(words: Sequence[str], text: str) -> str:
    y, x = CHART_H - LEGEND_H + 14, PAD[0]
    out = []
    for word, mark in zip(words, (f"<line x1='0' y1='-4' x2='22' y2='-4' stroke='{WOMEN}' stroke-width='2.5'/>",
                                  f"<line x1='0' y1='-4' x2='22' y2='-4' stroke='{MEN}' stroke-width='2.5' stroke-dasharray='6 4'/>",
                                  f"<rect x='0' y='-10' width='22' height='11' fill='{WOMEN}' fill-opacity='0.12' stroke='{WOMEN}' stroke-opacity='0.3'/>"),
                          strict=True):  # fmt: skip
        out.append(f"<g transform='translate({x},{y})'>{mark}<text x='28' y='0' {text}>{escape(word)}</text></g>")
        x += 28 + 7 * len(word) + 18
    return "".join(out)


def gap_chart(rows: Sequence[Mapping[str, Any]], name: str) -> html.Figure:
    first, last = rows[0], rows[-1]
    alt = t("qualified_women.alt", name=name, first_year=first["year"], last_year=last["year"],
            women_first=_pct(first["female"]), men_first=_pct(first["male"]), women_last=_pct(last["female"]),
            men_last=_pct(last["male"]))  # fmt: skip
    legend = (t("qualified_women.women"), t("qualified_women.men"), t("qualified_women.gap_band"))
    image = html.Img(src=data_uri(gap_svg(rows, legend)), alt=alt, width=CHART_W, height=CHART_H, className="gap-chart")
    return html.Figure(image, className="qualified-women-chart", id="qualified-women-chart")
