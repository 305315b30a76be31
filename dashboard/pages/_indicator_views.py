"""Parts of the `/indicator/<id>` page: heading, controls, the definition box, the not-found page.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components.levels import level_badge
from dashboard.components.map import aria
from dashboard.components.svg import year_ticks
from dashboard.i18n import (
    category_text,
    dropdown_labels,
    href,
    ind_text,
    number,
    parts,
    principle_text,
    t,
    theme_text,
    unit_text,
)
from dashboard.pages import _indicator_updates as updates
from dashboard.pages._home_view import country_options
from dashboard.queries import indicator as q
from dashboard.queries.updates import indicator_updates
from indicators.model import Indicator
from indicators.registry import load_registry

MAX_COUNTRIES = 9  # lines on one chart stay readable (and each keeps its own colour, marker and dash)
DIRECTIONS = ("higher", "lower", "context")  # words: indicator.direction.*
TYPES = ("continuous", "ordinal", "categorical", "event")  # words: indicator.type.*
BASES = {"SDSN": "sdsn", "SDG target": "sdg_target", "project": "project", "published categories": "published",
         "none": "none"}  # fmt: skip


def title(ind: Indicator) -> str:
    """The indicator's title in the reader's language."""
    return ind_text(ind.id, "title", ind.title)


def direction_text(ind: Indicator) -> str:
    return t(f"indicator.direction.{ind.direction}")


def basis_text(ind: Indicator) -> str:
    key = BASES.get(ind.threshold_basis)
    return t(f"indicator.basis.{key}") if key else ind.threshold_basis


def type_text(ind: Indicator) -> str:
    return t(f"indicator.type.{ind.type}") if ind.type in TYPES else ind.type


def page_title(indicator_id: str | None) -> str:
    ind = q.find_indicator(indicator_id or "")
    return t("app.page_title", page=title(ind) if ind else t("indicator.no_such"))


def to_int(value: object) -> int | None:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def parse_countries(value: str | list[str] | None) -> list[str]:
    """'MEX,PHL' (or repeated ?countries=) -> ['MEX', 'PHL']: upper-cased ISO3 codes, at most 9."""
    parts = value if isinstance(value, list) else (value or "").split(",")
    codes = [p.strip().upper() for part in parts for p in str(part).split(",")]
    return list(dict.fromkeys(c for c in codes if len(c) == 3 and c.isalpha()))[:MAX_COUNTRIES]


def not_found(indicator_id: str) -> html.Div:
    matches = q.close_matches(indicator_id)
    items = [html.Li(html.A(f"{title(ind)} ({ind.id})", href=href(f"/indicator/{ind.id}"))) for ind in matches]
    return html.Div(
        [
            html.H1(t("indicator.no_such")),
            html.P(parts("indicator.no_id", code=html.Code(indicator_id)), id="indicator-not-found"),
            html.Div([html.P(t("indicator.did_you_mean")), html.Ul(items)] if items else [], id="indicator-matches"),
            html.Details([html.Summary(t("indicator.all")), all_indicators()]),
            html.P(parts("indicator.listed_on", link=html.A(t("indicator.framework_page"), href=href("/framework")))),
        ],
        className="not-found",
    )


def all_indicators() -> html.Div:
    """Every registered indicator, grouped by theme, as links."""
    registry = load_registry()
    groups = []
    for theme in registry.themes.values():
        inds = sorted((i for i in registry.indicators.values() if i.theme == theme.id), key=title)
        links = [html.Li(html.A(title(i), href=href(f"/indicator/{i.id}"))) for i in inds]
        groups += [html.H2(theme_text(theme.id, "title", theme.title)), html.Ul(links)]
    return html.Div(groups)


def heading(ind: Indicator, release: str | None = None) -> html.Div:
    theme = load_registry().themes.get(ind.theme)
    found = indicator_updates(ind, release)
    facts = [(t("col.unit"), unit_text(ind.unit)), (t("indicator.direction_label"), direction_text(ind)),
             (t("indicator.basis_label"), basis_text(ind))]  # fmt: skip
    when: list[Any] = [html.Strong(t("indicator.update.last_label") + " "), updates.last_updated(found), html.Br(),
            html.Strong(t("indicator.update.next_label") + " "), updates.next_update(found)]  # fmt: skip
    caveat = ind_text(ind.id, "caveat", ind.caveat)
    return html.Div(
        [
            html.P(
                [t("indicator.kicker"), theme_text(ind.theme, "title", theme.title) if theme else ind.theme],
                className="kicker",
            ),  # fmt: skip
            html.H1(title(ind)),
            html.P(ind_text(ind.id, "description", ind.description), className="lede"),
            html.Dl([x for label, value in facts for x in (html.Dt(label), html.Dd(value))], className="facts"),
            html.P(when, id="indicator-updates", className="note"),
            html.Aside([html.Strong(t("indicator.caveat_label")), caveat], className="caveat") if caveat else None,
        ]
    )


def year_marks(first: int, last: int) -> list[int]:
    """The years labelled under the year slider: the first, the last and round years between (at most 8, the
    timeline's rule), none closer to either end than 8% of the span. Every 5 years over 1890-2025 printed 28
    labels over each other on a 380 px slider."""
    room = 0.08 * (last - first)
    between = [y for y in year_ticks(first, last) if min(y - first, last - y) >= max(room, 1)]
    return sorted({first, *between, last})


def controls(ind: Indicator, years: q.YearRange, year: int, sexes: list[str], sex: str, countries: list[str],
             release: str | None) -> html.Div:  # fmt: skip
    marks = {y: str(y) for y in year_marks(years.first, years.last)}
    sex_note = "" if len(sexes) > 1 else t("indicator.only_series")
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("col.year"), htmlFor="indicator-year-input", id="indicator-year-label"),
                    html.Div(
                        [
                            dcc.Slider(
                                id="indicator-year-slider",
                                min=years.first,
                                max=years.last,
                                step=1,
                                value=year,
                                marks=marks,
                                allow_direct_input=False,
                                updatemode="mouseup",
                                className="year-slider",
                            ),
                            dcc.Input(
                                id="indicator-year-input",
                                type="number",
                                min=years.first,
                                max=years.last,
                                step=1,
                                value=year,
                                debounce=True,
                                inputMode="numeric",
                                className="year-input",
                            ),
                        ],  # fmt: skip
                        className="year-row",
                    ),
                    html.Small(t("indicator.year_help", first=years.first, last=years.last), id="indicator-year-help"),
                    html.P(id="indicator-year-message", className="message", role="status"),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Span(t("indicator.sex") + sex_note, className="label", id="indicator-sex-label"),
                    html.Div(
                        dcc.RadioItems(
                            id="indicator-sex",
                            value=sex,
                            inline=True,
                            options=[{"label": t(f"sex.{s}"), "value": s} for s in sexes],
                        ),
                        role="group",
                        **aria(labelledby="indicator-sex-label"),
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label(t("indicator.countries_label"), htmlFor="indicator-countries"),
                    dcc.Dropdown(
                        labels=dropdown_labels(),
                        id="indicator-countries",
                        options=country_options(release),
                        value=countries,
                        multi=True,
                        placeholder=t("indicator.countries_placeholder"),
                    ),  # fmt: skip
                ],
                className="control",
            ),
        ],
        className="controls",
    )


def about(ind: Indicator) -> html.Section:
    registry = load_registry()
    principles = [
        html.Li(html.A(t("home.option.principle", n=n, title=principle_text(n, "title", registry.principles[n].title)),
                       href=href(f"/framework#principle-{n}")))
        for n in ind.principles
        if n in registry.principles
    ]  # fmt: skip
    sources = [
        html.Li([html.A(registry.sources[s].title, href=href(f"/sources#{s}")), f" ({registry.sources[s].publisher})"])
        for s in ind.source_ids
        if s in registry.sources
    ]
    rows = [
        (t("indicator.definition"), ind_text(ind.id, "description", ind.description)),
        (t("col.unit"), unit_text(ind.unit)), (t("indicator.type_label"), type_text(ind)),
        (t("indicator.direction_label"), direction_text(ind)), (t("indicator.basis_label"), basis_text(ind)),
        (t("indicator.recency_label"), t("indicator.recency", n=ind.recency_window)),
        (t("indicator.caveat_title"), ind_text(ind.id, "caveat", ind.caveat) or t("indicator.none")),
        (t("indicator.principles_label"), html.Ul(principles) if principles else t("indicator.none")),
        (t("indicator.sources_label"), html.Ul(sources)),
    ]  # fmt: skip
    if ind.sdg:
        rows.append((t("indicator.sdg"), ind.sdg))
    return html.Section(
        [
            html.H2(t("indicator.about"), id="indicator-about-title"),
            html.Dl([x for label, value in rows for x in (html.Dt(label), html.Dd(value))], className="about"),
            scale(ind),
        ],
        className="about-indicator", **aria(labelledby="indicator-about-title"),
    )  # fmt: skip


def scale(ind: Indicator) -> html.Table | html.P:
    """The thresholds (continuous) or the category table (categorical, ordinal, events) with their levels."""
    th = ind.thresholds
    if ind.categories:
        head = html.Tr([html.Th(t("indicator.scale.code"), scope="col"), html.Th(t("indicator.scale.category"), scope="col"),
                        html.Th(t("indicator.scale.score"), scope="col"), html.Th(t("col.level"), scope="col")])  # fmt: skip
        body = [
            html.Tr(
                [
                    html.Td(c.code),
                    html.Td(category_text(ind.id, c.code, c.label)),
                    html.Td(t("indicator.scale.not_scored") if c.score is None else number(c.score)),
                    html.Td(level_badge("not_known" if c.code == "not_known" else c.level)),
                ]
            )  # fmt: skip
            for c in ind.categories
        ]
        return html.Table([html.Caption(t("indicator.scale.caption")), html.Thead(head), html.Tbody(body)],
                          className="data-table compact", id="indicator-scale")  # fmt: skip
    if th is None:
        return html.P(t("indicator.scale.context"), id="indicator-scale")
    better = "≥" if th.optimum > th.lower_bound else "≤"
    worse = "<" if th.optimum > th.lower_bound else ">"
    unit = unit_text(ind.unit)
    rows: list[tuple[Any, str]] = [
        (level_badge("green"), f"{better} {number(th.green)} {unit}"),
        (level_badge("yellow"), t("indicator.scale.yellow", green=number(th.green), mid=number((th.green + th.red) / 2))),
        (level_badge("orange"), t("indicator.scale.orange", red=number(th.red))),
        (level_badge("red"), f"{worse} {number(th.red)} {unit}"),
        (t("indicator.scale.score_ends"), t("indicator.scale.ends", optimum=number(th.optimum), lower=number(th.lower_bound))),
    ]  # fmt: skip
    return html.Table(
        [
            html.Caption(t("indicator.scale.thresholds")),
            html.Tbody([html.Tr([html.Th(a, scope="row"), html.Td(b)]) for a, b in rows]),
        ],
        className="data-table compact",
        id="indicator-scale",
    )


def map_title(ind: Indicator, year: int) -> str:
    return f"{title(ind)}, {year}"


def map_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["iso3", "name", "level", "value_text", "year", "value"]]


def recency_note(ind: Indicator) -> str:
    return t("indicator.recency_note", n=ind.recency_window)


def table_caption(ind: Indicator, year: int) -> str:
    return t("indicator.table_caption", title=title(ind), year=year, unit=unit_text(ind.unit))
