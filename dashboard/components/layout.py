"""The frame around every page: skip link, header with navigation and the language switcher, footer."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import href, t
from dashboard.i18n.web import switcher_links

NAV = [
    ("nav.overview", "/"),
    ("nav.compare", "/compare"),
    ("nav.framework", "/framework"),
    ("nav.practices", "/practices"),
    ("nav.sources", "/sources"),
    ("nav.stewards", "/steward"),
]


def language_switcher() -> html.Nav:
    """EN / ES / FR links to the same page in each language; the current one is marked, not a link."""
    items = []
    for link in switcher_links():
        short = link["code"].upper()
        item: html.Span | html.A
        if link["current"]:
            current: dict[str, Any] = {"aria-current": "true"}
            item = html.Span(short, className="lang-current", title=link["name"], **current)
        else:
            item = html.A(short, href=link["href"], lang=link["code"], hrefLang=link["code"], title=link["name"],
                          className="lang-link",
                          **{"data-lang-switch": link["code"], "aria-label": f"{short} {link['name']}"})  # fmt: skip
        items.append(html.Li(item))
    label: dict[str, Any] = {"aria-label": t("nav.language")}
    return html.Nav(html.Ul(items), className="lang-switcher", **label)


def page_shell(content) -> html.Div:
    main_label: dict[str, Any] = {"aria-label": t("nav.main")}
    return html.Div(
        [
            html.A(t("nav.skip"), href="#main", className="skip-link"),
            dcc.Location(id="url", refresh="callback-nav"),
            html.Header(
                [
                    html.A(t("app.title"), href=href("/"), className="brand"),
                    html.Nav([html.A(t(key), href=href(path)) for key, path in NAV], **main_label),
                    language_switcher(),
                ],
                className="site-header",
            ),
            html.Main(content, id="main", tabIndex="-1"),
            html.Footer(t("footer.text"), className="site-footer"),
        ]
    )
