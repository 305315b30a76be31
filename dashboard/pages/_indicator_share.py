"""The share link of `/indicator/<id>`'s chart: `?view=chart` opens the chart alone (title, figure, caption, the
release it reads and a way back to the full page), pinned to a release with `?release=`; sex and countries as chosen.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.components.downloads import graph_config
from dashboard.i18n import href, ind_text, t
from dashboard.pages._query import view_release
from indicators.model import Indicator
from indicators.registry import load_registry


def share_href(ind: Indicator, sex: str, countries: list[str]) -> str:
    """/indicator/<id>?sex=..&countries=..&release=<the release shown>&view=chart (in the page's language)."""
    query = {"sex": sex, "countries": ",".join(countries), "release": view_release() or "", "view": "chart"}
    kept = {k: v for k, v in query.items() if v}
    return href(f"/indicator/{ind.id}?{urlencode(kept, safe=',')}")


def share_link(ind: Indicator, sex: str, countries: list[str]) -> html.P:
    return html.P(
        [html.A(t("indicator.share.link"), id="indicator-share", href=share_href(ind, sex, countries)), " ",
         html.Small(t("indicator.share.note", release=view_release() or ""))],
        className="note share",
    )  # fmt: skip


def chart_alone(ind: Indicator, drawn: tuple, sex: str, countries: list[str]) -> html.Div:
    """The chart by itself: what a shared link opens."""
    figure, caption, _, _ = drawn
    sources = [load_registry().sources[s].publisher for s in ind.source_ids if s in load_registry().sources]
    config: Any = graph_config(filename=f"{ind.id}-chart")
    full = href(f"/indicator/{ind.id}?{urlencode({'sex': sex, 'countries': ','.join(countries)}, safe=',')}")
    return html.Div(
        [
            html.H1(ind_text(ind.id, "title", ind.title)),
            html.Figure(
                [
                    dcc.Graph(id="indicator-chart-alone", figure=figure, config=config),
                    html.Figcaption(caption, id="indicator-chart-caption", className="caption"),
                ]
            ),
            html.P(
                [
                    t("indicator.share.pinned", release=view_release() or ""),
                    " ",
                    t("indicator.share.sources", sources="; ".join(sources)),
                    " ",
                    html.A(t("indicator.share.full"), href=full, id="indicator-full-page"),
                ],
                className="note",
            ),  # fmt: skip
        ],
        className="indicator-page chart-alone",
        id="indicator-chart-alone-page",
    )
