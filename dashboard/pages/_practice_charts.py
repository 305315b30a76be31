"""The "Linked indicators" section of `/practices/<id>`: for each indicator linked to the practice and each of its
countries, the national series with lines at the years the practice started (and ended), its values as a table, or
the legal events of an event indicator: context, not proof of effect."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components.downloads import graph_config
from dashboard.components.tile import status_words
from dashboard.i18n import href, ind_text, number, t, unit_text
from dashboard.i18n.names import country_name
from dashboard.pages import _practice_view as view
from warehouse import practices as q


def indicators_section(rec: dict[str, Any], release: str | None) -> html.Section:
    links = rec["indicator_list"]
    head: list[Any] = [
        html.H2(t("practices.linked")),
        html.P(t("practices.not_proof"), className="practice-not-proof", id="practice-not-proof"),
    ]
    if not links:
        head.append(html.P(t("practices.no_indicator"), className="note"))
    blocks = [indicator_block(link, place, rec, release) for link in links for place in rec["country_list"]]
    return html.Section(
        [*head, html.Div(blocks, className="practice-charts")], id="practice-indicators", className="practice-section"
    )


def indicator_block(link: dict[str, Any], place: dict[str, Any], rec: dict[str, Any], release: str | None):
    ind, iso3 = str(link["indicator_id"]), str(place["country"])
    name = country_name(iso3, str(place["name"] or iso3))
    title = str(ind_text(ind, "title", link["title"]) or ind)
    relation = t("practices.aims") if link["relation"] == "aims_to_move" else t("practices.context")
    parts: list[Any] = [
        html.H3([dcc.Link(title, href=href(f"/indicator/{ind}?countries={iso3}")), f" · {name}"]),
        html.P(
            [
                html.Span(relation, className="badge practice-relation"),
                " ",
                view.plain(link["why"]) if not view._missing(link.get("why")) else "",
            ],
            className="note",
        ),
    ]
    if link["type"] == "event":
        rows = q.events(ind, iso3, release)
        parts.append(_events_list(rows, rec.get("start_year")))
    else:
        sex = link["headline_sex"] if not view._missing(link.get("headline_sex")) else "total"
        rows = q.series(ind, iso3, str(sex), release)
        parts += _chart(rows, title, str(unit_text(link["unit"]) or ""), rec, name, f"{ind}-{iso3}")
    return html.Article(parts, className="practice-chart", id=f"practice-chart-{ind}-{iso3}")


def _chart(rows: pd.DataFrame, title: str, unit: str, rec: dict[str, Any], place: str, key: str) -> list[Any]:
    start = rec.get("start_year")
    if rows.empty:
        return [html.P(t("practices.no_values", place=place), className="note")]
    figure = view.context_figure(title, unit, rows, start, place, rec.get("end_year"))
    before = _no_before(int(rows["year"].min()), start)
    table = html.Details(
        [
            html.Summary(t("practices.values_table")),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [html.Th(t("col.year"), scope="col"), html.Th(f"{t('col.value')} ({unit})", scope="col")]
                        )
                    ),  # fmt: skip
                    html.Tbody(
                        [
                            html.Tr([html.Td(int(y)), html.Td(_value(v, lab))])
                            for y, v, lab in zip(rows["year"], rows["value"], rows["value_label"], strict=True)
                        ]
                    ),
                ],
                className="data-table",
            ),
        ],
    )
    config = graph_config(filename=f"practice-{key}")
    words = t("practices.chart_label", title=title, place=place, first=int(rows["year"].min()),
              last=int(rows["year"].max()))  # fmt: skip
    graph = dcc.Graph(figure=figure, config=config, id=f"practice-graph-{key}")  # type: ignore[arg-type]
    return [
        html.Figure([graph, html.Figcaption(words, className="visually-hidden")], className="practice-figure"),
        *before,
        table,
    ]


def _no_before(first: int, start: object) -> list[html.P]:
    """Say so when the series has no value from before the practice started (nothing to compare with)."""
    if view._missing(start) or first < int(start):  # type: ignore[call-overload]
        return []
    began = int(start)  # type: ignore[call-overload]
    return [
        html.P(
            t("practices.no_before", first=first, began=began),
            className="note practice-no-before",
        )
    ]


def _value(value: object, label: object) -> str:
    if not view._missing(label):
        return str(label)
    return "" if view._missing(value) else number(float(f"{float(value):.6g}"))  # type: ignore[arg-type]


def _events_list(rows: pd.DataFrame, start: object) -> html.Div:
    if rows.empty:
        return html.Div(html.P(t("practices.no_events"), className="note"))
    items = [html.Li(f"{e.event_date or e.year}: {status_words(str(e.status))}") for e in rows.itertuples()]
    note = "" if view._missing(start) else t("practices.started", year=int(start))  # type: ignore[call-overload]
    return html.Div([html.Ul(items), html.P(note, className="note")])
