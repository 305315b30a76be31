"""`/`: what the published release holds: countries, indicators per theme, release, sources with licences."""

from __future__ import annotations

import dash
from dash import html

from dashboard import queries

dash.register_page(__name__, path="/", title="Labour Migration Policy Monitor", description="Overview")


def layout(**_query: str) -> html.Div:
    summary = queries.release_summary()
    themes = queries.indicators_per_theme()
    sources = queries.sources()
    return html.Div(
        [
            html.H1("Labour Migration Policy Monitor"),
            html.P(
                "Country scorecards against the ILO Multilateral Framework on Labour Migration: recruitment "
                "practices, dual nationality, portability of social-security benefits and women's participation."
            ),
            html.P(
                [
                    html.Strong(f"{summary['countries']} countries"),
                    f" ({summary['countries_with_data']} with published figures). Release ",
                    html.Code(summary["release_id"], id="home-release"),
                    f" of {summary['created_at'][:10]}, status year {summary['status_year']}.",
                ]
            ),
            html.H2("Indicators per theme"),
            html.Table(
                [html.Tr([html.Th("Theme"), html.Th("Indicators"), html.Th("Scored")])]
                + [html.Tr([html.Td(r.theme), html.Td(r.indicators), html.Td(r.scored)]) for r in themes.itertuples()],
                id="home-themes",
            ),
            html.H2("Sources"),
            html.Ul(
                [
                    html.Li([html.A(r.title, href=r.url), f" ({r.publisher}); licence: {r.licence}"])
                    for r in sources.itertuples()
                ],
                id="home-sources",
            ),
        ]
    )
