"""`/embed/indicator/<id>`: an indicator's chart alone, for other sites' `<iframe>`s: the chart, its caption, the
release it is pinned to and its sources, without the site's header and footer (assets/embed.css). The only pages
that may be framed by another site (frame-ancestors *, dashboard/security.py); the indicator page offers the snippet.

URL state as the indicator page's chart: ?sex=female|male|total|both&countries=KEN,BGD&release=<id>&lang=es.
"""

from __future__ import annotations

import dash
from dash import html

from dashboard.i18n import t
from dashboard.pages import _indicator_sexes as by_sex
from dashboard.pages import _indicator_share as share
from dashboard.pages import _indicator_views as views
from dashboard.pages._indicator_chart import chart
from dashboard.pages._query import pinned_layout
from dashboard.queries import indicator as q

dash.register_page(
    __name__,
    path_template="/embed/indicator/<indicator_id>",
    title=lambda indicator_id=None, **_: views.page_title(indicator_id),
    description=lambda **_: t("indicator.description"),
)


@pinned_layout(16)  # ?release= resolved once; a layout per release, language and URL
def layout(
    indicator_id: str | None = None,
    sex: str | None = None,
    countries: str | list[str] | None = None,
    release: str | None = None,
    **_query: object,
) -> html.Div:
    ind = q.find_indicator(indicator_id or "")
    if ind is None:
        return html.Div(views.not_found(indicator_id or ""), className="embed-page")
    sex_options = by_sex.choices(ind, q.sexes(ind, release))
    chosen_sex = sex if sex in sex_options else sex_options[0]
    chosen = views.parse_countries(countries)
    return share.chart_alone(ind, chart(ind, chosen_sex, chosen, release), chosen_sex, chosen, embedded=True)
