"""The frame around every page: skip link, header with navigation and the language switcher, footer."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.attrs import with_attrs
from dashboard.i18n import href, t
from dashboard.i18n.web import switcher_links

NAV = [
    ("nav.overview", "/"),
    ("nav.compare", "/compare"),
    ("nav.framework", "/framework"),
    ("nav.corridors", "/corridors"),
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
            item = with_attrs(html.Span(short, className="lang-current", title=link["name"]), {"aria-current": "true"})
        else:
            item = html.A(short, href=link["href"], lang=link["code"], hrefLang=link["code"], title=link["name"],
                          className="lang-link")  # fmt: skip
            with_attrs(item, {"data-lang-switch": link["code"], "aria-label": f"{short} {link['name']}"})
        items.append(html.Li(item))
    return with_attrs(html.Nav(html.Ul(items), className="lang-switcher"), {"aria-label": t("nav.language")})


def page_shell(content) -> html.Div:
    return html.Div(
        [
            html.A(t("nav.skip"), href="#main", className="skip-link"),
            dcc.Location(id="url", refresh="callback-nav"),
            html.Header(
                [
                    html.A(t("app.title"), href=href("/"), className="brand"),
                    with_attrs(
                        html.Nav([html.A(t(key), href=href(path)) for key, path in NAV]), {"aria-label": t("nav.main")}
                    ),
                    language_switcher(),
                ],
                className="site-header",
            ),
            html.Main(content, id="main", tabIndex="-1"),
            html.Footer(t("footer.text"), className="site-footer"),
        ]
    )
