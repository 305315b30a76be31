"""Sections of /corridor/<ORIGIN>/<DEST> beyond the stock chart: the 2021 stock (KNOMAD, both sexes) and the
remittances in both directions with their flags, each side's scorecard on the corridor's MFLM principles (the
read model of warehouse/scorecard.py: status, score, what is missing and why), and the note on a historical end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from dashboard.components.levels import level_badge
from dashboard.components.provenance import provenance_badge
from dashboard.i18n import href, ind_text, missing_text, percent, principle_text, t
from dashboard.i18n.names import country_name
from dashboard.pages._corridor_common import flag_words, joined, millions, persons, successor_links
from dashboard.queries.corridor import KNOMAD_SOURCE, PRINCIPLES, Corridor, principles

REMITTANCE_SOURCE = "knomad_remittances"
MODELLED = "estimate=modelled"  # the badge of the remittance matrix: a model estimate (its values say so, in words)


def historical_note(found: Corridor) -> list[html.P]:
    """For each end that is a historical area: what it is, that its figures are historical, and links to the
    same corridor from each of its successors."""
    out = []
    for ref, other, as_origin in ((found.origin, found.dest, True), (found.dest, found.origin, False)):
        if ref.area_kind != "historical":
            continue
        row = found.cards.get(ref.iso3, {}).get("country") or {}
        names = {c.iso3: c.name for c in found.tables.countries.values()}
        words = t("corridor.historical", name=ref.name, code=ref.iso3, years=row.get("years") or "")
        links = successor_links(ref.successors, names, partner=other.iso3, as_origin=as_origin)
        out.append(html.P([html.Strong(t("corridor.historical_label")), " ", words, " ", *links, "."],
                          id=f"corridor-historical-{ref.iso3}", className="corridor-historical"))  # fmt: skip
    return out


def latest_section(found: Corridor) -> html.Section:
    """The 2021 stock of the pair and the remittances each way, with every flag in words."""
    return html.Section(
        [
            html.H2(t("corridor.latest_title")),
            _latest(found),
            html.H3(t("corridor.remittances")),
            html.Div(remittance_table(found), className="table-scroll"),
            html.P(t("corridor.remittance_note"), className="corridor-note"),
            provenance_badge(REMITTANCE_SOURCE, MODELLED, False, found.tables.sources.get(REMITTANCE_SOURCE)),
        ],
        id="corridor-latest-section",
    )


def _latest(found: Corridor) -> html.Div:
    o, d, row = found.origin, found.dest, found.latest
    if row is None:
        historical = next((r for r in (o, d) if r.area_kind == "historical"), None)
        words = (t("corridor.latest_historical", name=historical.name) if historical
                 else t("corridor.latest_none", origin=o.name, dest=d.name))  # fmt: skip
        return html.Div(html.P(words, id="corridor-latest"), className="corridor-latest")
    flags = flag_words(row["flags"], skip=("break",))  # the break is drawn and said under the chart
    body: list[Any] = [
        html.P(
            [
                html.Strong(persons(row["value"]), id="corridor-latest-value", className="corridor-figure"),
                " ",
                t("corridor.latest", origin=o.name, dest=d.name, year=row["year"]),
            ],
            id="corridor-latest",
        ),  # fmt: skip
    ]
    if flags:
        body.append(html.Ul([html.Li(f) for f in flags], className="flag-list"))
    body.append(provenance_badge(row["source_id"], row["flags"], False, found.tables.sources.get(KNOMAD_SOURCE)))
    return html.Div(body, className="corridor-latest")


def remittance_table(found: Corridor) -> html.Table:
    """Received by the origin from the destination, and by the destination from the origin (US$ million)."""
    o, d = found.origin, found.dest
    rows = []
    for receiver, sender in ((o, d), (d, o)):
        row = found.received(receiver.iso3)
        label = t("corridor.received_by", receiver=receiver.name, sender=sender.name)
        value = html.Td(t("corridor.no_data"), className="num no-data")
        flags: list[Any] = []
        if row is not None:
            value = html.Td(
                [millions(row["value"]), " ", html.Span(str(row["year"]), className="year")], className="num"
            )
            flags = [html.Ul([html.Li(f) for f in flag_words(row["flags"])], className="flag-list")]
        rows.append(html.Tr([html.Th(label, scope="row"), value, html.Td(flags, className="flags")],
                            id=f"corridor-remittance-{receiver.iso3}"))  # fmt: skip
    head = html.Tr([html.Th(t("corridor.direction"), scope="col"),
                    html.Th(t("corridor.remittance_unit"), className="num", scope="col"),
                    html.Th(t("corridor.flags"), scope="col")])  # fmt: skip
    return html.Table([html.Thead(head), html.Tbody(rows)], id="corridor-remittances",
                      className="data-table corridor-table")  # fmt: skip


def scorecard_section(found: Corridor) -> html.Section:
    """Both sides' scorecards on PRINCIPLES: a score with its level, or why there is none and what is missing."""
    o, d = found.origin, found.dest
    head = html.Tr([html.Th(t("corridor.principle"), scope="col"), html.Th(o.name, scope="col"),
                    html.Th(d.name, scope="col")])  # fmt: skip
    first = {iso3: True for iso3 in (o.iso3, d.iso3)}
    body = []
    for number in PRINCIPLES:
        cells = []
        for iso3 in (o.iso3, d.iso3):
            card = found.cards[iso3]
            if "no_scorecard" in card:
                if first[iso3]:
                    cells.append(_no_card(card))
                first[iso3] = False
                continue
            cells.append(_principle_cell(card, number))
        title = _principle_title(found, number)
        body.append(html.Tr([html.Th(t("country.principle", n=number, title=title), scope="row"), *cells]))
    links = [dcc.Link(country_name(r.iso3, r.name), href=href(f"/country/{r.iso3}?group=principle"))
             for r in (o, d) if "no_scorecard" not in found.cards[r.iso3]]  # fmt: skip
    return html.Section(
        [
            html.H2(t("corridor.scorecards")),
            html.P(t("corridor.scorecards_note"), className="corridor-note"),
            html.Div(
                html.Table(
                    [html.Thead(head), html.Tbody(body)],
                    id="corridor-scorecards",
                    className="data-table corridor-table corridor-scorecards",
                ),
                className="table-scroll",
            ),  # fmt: skip
            html.P([t("corridor.full_scorecards"), " ", *joined(links, " · ")]) if links else None,
        ],
        id="corridor-scorecard-section",
    )


def _principle_title(found: Corridor, number: int) -> str:
    english = next((p["title"] for p in found.tables.principles if p["principle"] == number), "")
    return str(principle_text(number, "title", english))


def _no_card(card: Mapping[str, Any]) -> html.Td:
    kind = (card.get("country") or {}).get("area_kind")
    words = t(f"corridor.no_card.{kind}") if kind in ("historical", "uninhabited") else card["no_scorecard"]
    return html.Td(words, rowSpan=len(PRINCIPLES), className="no-card")


def _principle_cell(card: Mapping[str, Any], number: int) -> html.Td:
    group = principles(dict(card)).get(number)
    if group is None:
        return html.Td(t("corridor.no_data"), className="no-data")
    if group["status"] == "scored" and group.get("score") is not None:
        return html.Td(level_badge(group["level"], t("country.score", score=f"{group['score']:.0f}")))
    words = t(f"scorecard.status.{group['status']}", n=group.get("n_with_data") or 0, of=group.get("n_mapped") or 0,
              needed=percent(card["coverage_threshold"]), minimum=card["min_indicators"])  # fmt: skip
    items = [html.Li(f"{ind_text(m['indicator_id'], 'title', m['title'])}: {missing_text(m)}")
             for m in group["missing"]]  # fmt: skip
    return html.Td([html.P(words, className="missing-status"), *([html.Ul(items)] if items else [])])
