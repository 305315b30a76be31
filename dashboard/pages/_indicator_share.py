"""The share and embed links of `/indicator/<id>`'s chart, both pinned to the release shown (`?release=`), sex and
countries as chosen: `?view=chart` opens the chart alone (title, figure, caption, release, sources, a way back to the
full page); `/embed/indicator/<id>` (dashboard/pages/embed.py) is the same chart without the site's header, the one
kind of page other sites may put in an `<iframe>` (dashboard/security.py), offered as a snippet to copy.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

import html as html_text
from typing import Any
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.components.downloads import graph_config
from dashboard.i18n import href, ind_text, t
from dashboard.pages._query import view_release
from indicators.model import Indicator
from indicators.registry import load_registry

EMBED_HEIGHT = 640  # pixels: the chart, its caption and the sources line fit from about 600 px wide


def pinned_query(sex: str, countries: list[str], **extra: str) -> str:
    query = {"sex": sex, "countries": ",".join(countries), "release": view_release() or "", **extra}
    return urlencode({k: v for k, v in query.items() if v}, safe=",")


def share_href(ind: Indicator, sex: str, countries: list[str]) -> str:
    """/indicator/<id>?sex=..&countries=..&release=<the release shown>&view=chart (in the page's language)."""
    return href(f"/indicator/{ind.id}?{pinned_query(sex, countries, view='chart')}")


def embed_src(ind: Indicator, sex: str, countries: list[str]) -> str:
    """/embed/indicator/<id>?sex=..&countries=..&release=<the release shown> (in the page's language)."""
    return href(f"/embed/indicator/{ind.id}?{pinned_query(sex, countries)}")


def embed_snippet(ind: Indicator, src: str) -> str:
    """The <iframe> another site pastes (the page's script puts this site's address before `src`)."""
    title = html_text.escape(t("indicator.embed.frame_title", title=ind_text(ind.id, "title", ind.title)))
    return (f'<iframe src="{html_text.escape(src)}" title="{title}" width="100%" height="{EMBED_HEIGHT}" '
            'style="border:0" loading="lazy"></iframe>')  # fmt: skip


def share_link(ind: Indicator, sex: str, countries: list[str]) -> html.Div:
    """The share link and, beside it, the embed snippet (both follow the chart's choices: clientside callbacks)."""
    snippet = embed_snippet(ind, embed_src(ind, sex, countries))
    return html.Div(
        [
            html.P(
                [
                    html.A(t("indicator.share.link"), id="indicator-share", href=share_href(ind, sex, countries)),
                    " ",
                    html.Small(t("indicator.share.note", release=view_release() or "")),
                ]
            ),  # fmt: skip
            html.Label(t("indicator.embed.label"), htmlFor="indicator-embed"),
            dcc.Textarea(id="indicator-embed", value=snippet, readOnly=True, rows=3, className="embed-snippet"),
            html.Small(t("indicator.embed.note"), id="indicator-embed-note"),
        ],
        className="note share",
    )


def chart_alone(ind: Indicator, drawn: tuple, sex: str, countries: list[str], embedded: bool = False) -> html.Div:
    """The chart by itself: what a shared link opens; `embedded`, what an <iframe> shows (its link back opens the
    full page in a new tab, outside the frame)."""
    figure, caption, _, _ = drawn
    sources = [load_registry().sources[s].publisher for s in ind.source_ids if s in load_registry().sources]
    config: Any = graph_config(filename=f"{ind.id}-chart")
    full = href(f"/indicator/{ind.id}?{urlencode({'sex': sex, 'countries': ','.join(countries)}, safe=',')}")
    target, rel = ("_blank", "noopener") if embedded else (None, None)
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
                    html.A(
                        t("indicator.embed.full" if embedded else "indicator.share.full"),
                        href=full,
                        id="indicator-full-page",
                        target=target,
                        rel=rel,
                    ),
                ],
                className="note",
                id="indicator-chart-alone-source",
            ),  # fmt: skip
        ],
        className="indicator-page chart-alone" + (" embed-page" if embedded else ""),
        id="indicator-chart-alone-page",
    )
