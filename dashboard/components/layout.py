"""The frame around every page: skip link, header with navigation, footer with release and licence."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.attrs import with_attrs

NAV = [
    ("Overview", "/"),
    ("Compare", "/compare"),
    ("Framework", "/framework"),
    ("Sources", "/sources"),
    ("Stewards", "/steward"),
]


def page_shell(content) -> html.Div:
    return html.Div(
        [
            html.A("Skip to main content", href="#main", className="skip-link"),
            dcc.Location(id="url", refresh="callback-nav"),
            html.Header(
                [
                    html.A("Labour Migration Policy Monitor", href="/", className="brand"),
                    with_attrs(html.Nav([html.A(label, href=href) for label, href in NAV]), {"aria-label": "Main"}),
                ],
                className="site-header",
            ),
            html.Main(content, id="main", tabIndex="-1"),
            html.Footer(
                "Figures are published values with their source, year and licence; missing is shown as no data. "
                "Scores follow the ILO Multilateral Framework on Labour Migration (methodology on the Framework page).",
                className="site-footer",
            ),
        ]
    )
