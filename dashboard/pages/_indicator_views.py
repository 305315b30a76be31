"""Parts of the `/indicator/<id>` page: heading, controls, the definition box, the not-found page.

(A leading underscore keeps Dash Pages from taking this module for a page.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components.levels import level_badge
from dashboard.components.map import aria
from dashboard.queries import home as home_queries
from dashboard.queries import indicator as q
from indicators.model import Indicator
from indicators.registry import load_registry

MAX_COUNTRIES = 9  # lines on one chart stay readable (and each keeps its own colour, marker and dash)
DIRECTIONS = {"higher": "Higher is better", "lower": "Lower is better", "context": "Context: not scored"}


def page_title(indicator_id: str | None) -> str:
    ind = q.find_indicator(indicator_id or "")
    return (
        f"{ind.title} - Labour Migration Policy Monitor"
        if ind
        else "No such indicator - Labour Migration Policy Monitor"
    )


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
    items = [html.Li(html.A(f"{ind.title} ({ind.id})", href=f"/indicator/{ind.id}")) for ind in matches]
    return html.Div(
        [
            html.H1("No such indicator"),
            html.P(
                ["There is no indicator with the id ", html.Code(indicator_id), " in this dashboard."],
                id="indicator-not-found",
            ),  # fmt: skip
            html.Div([html.P("Did you mean:"), html.Ul(items)] if items else [], id="indicator-matches"),
            html.Details([html.Summary("All indicators"), all_indicators()]),
            html.P(["Every indicator is listed on the ", html.A("Framework page", href="/framework"), "."]),
        ],
        className="not-found",
    )


def all_indicators() -> html.Div:
    """Every registered indicator, grouped by theme, as links."""
    registry = load_registry()
    groups = []
    for theme in registry.themes.values():
        inds = sorted((i for i in registry.indicators.values() if i.theme == theme.id), key=lambda i: i.title)
        links = [html.Li(html.A(i.title, href=f"/indicator/{i.id}")) for i in inds]
        groups += [html.H2(theme.title), html.Ul(links)]
    return html.Div(groups)


def heading(ind: Indicator) -> html.Div:
    theme = load_registry().themes.get(ind.theme)
    facts = [("Unit", ind.unit), ("Direction", DIRECTIONS[ind.direction]), ("Threshold basis", ind.threshold_basis)]
    return html.Div(
        [
            html.P(["Indicator · ", theme.title if theme else ind.theme], className="kicker"),
            html.H1(ind.title),
            html.P(ind.description, className="lede"),
            html.Dl([x for label, value in facts for x in (html.Dt(label), html.Dd(value))], className="facts"),
            html.Aside([html.Strong("Caveat: "), ind.caveat], className="caveat") if ind.caveat else None,
        ]
    )


def controls(ind: Indicator, years: q.YearRange, year: int, sexes: list[str], sex: str, countries: list[str],
             release: str | None) -> html.Div:  # fmt: skip
    step = 5 if years.last - years.first > 20 else 1
    ticks = [years.first, *range(-(-years.first // step) * step, years.last + 1, step), years.last]
    marks = {
        y: str(y) for y in ticks if y == years.first or y == years.last or min(y - years.first, years.last - y) >= 2
    }
    sex_note = "" if len(sexes) > 1 else " (the only series published)"
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Year", htmlFor="indicator-year-input", id="indicator-year-label"),
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
                    html.Small(
                        f"Drag the slider or type a year from {years.first} to {years.last} and press Enter.",
                        id="indicator-year-help",
                    ),  # fmt: skip
                    html.P(id="indicator-year-message", className="message", role="status"),
                ],
                className="control wide",
            ),
            html.Div(
                [
                    html.Span("Sex" + sex_note, className="label", id="indicator-sex-label"),
                    html.Div(
                        dcc.RadioItems(
                            id="indicator-sex",
                            value=sex,
                            inline=True,
                            options=[{"label": q.SEX_LABELS[s], "value": s} for s in sexes],
                        ),
                        role="group",
                        **aria(labelledby="indicator-sex-label"),
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Countries on the chart (none: region medians)", htmlFor="indicator-countries"),
                    dcc.Dropdown(
                        id="indicator-countries",
                        options=home_queries.country_options(release),
                        value=countries,
                        multi=True,
                        placeholder="Type country names",
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
        html.Li(html.A(f"Principle {n}: {registry.principles[n].title}", href=f"/framework#principle-{n}"))
        for n in ind.principles
        if n in registry.principles
    ]
    sources = [
        html.Li([html.A(registry.sources[s].title, href=f"/sources#{s}"), f" ({registry.sources[s].publisher})"])
        for s in ind.source_ids
        if s in registry.sources
    ]
    rows = [
        ("Definition", ind.description), ("Unit", ind.unit), ("Type", ind.type),
        ("Direction", DIRECTIONS[ind.direction]), ("Threshold basis", ind.threshold_basis),
        ("Recency window", f"{ind.recency_window} years: older values are shown as out of date and not scored"),
        ("Caveat", ind.caveat or "None"), ("MFLM principles", html.Ul(principles) if principles else "None"),
        ("Sources", html.Ul(sources)),
    ]  # fmt: skip
    if ind.sdg:
        rows.append(("SDG", ind.sdg))
    return html.Section(
        [
            html.H2("About this indicator", id="indicator-about-title"),
            html.Dl([x for label, value in rows for x in (html.Dt(label), html.Dd(value))], className="about"),
            scale(ind),
        ],
        className="about-indicator", **aria(labelledby="indicator-about-title"),
    )  # fmt: skip


def scale(ind: Indicator) -> html.Table | html.P:
    """The thresholds (continuous) or the category table (categorical, ordinal, events) with their levels."""
    th = ind.thresholds
    if ind.categories:
        head = html.Tr([html.Th("Code", scope="col"), html.Th("Category", scope="col"), html.Th("Score", scope="col"),
                        html.Th("Level", scope="col")])  # fmt: skip
        body = [
            html.Tr(
                [
                    html.Td(c.code),
                    html.Td(c.label),
                    html.Td("not scored" if c.score is None else f"{c.score:g}"),
                    html.Td(level_badge("not_known" if c.code == "not_known" else c.level)),
                ]
            )  # fmt: skip
            for c in ind.categories
        ]
        return html.Table([html.Caption("Categories and their levels"), html.Thead(head), html.Tbody(body)],
                          className="data-table compact", id="indicator-scale")  # fmt: skip
    if th is None:
        return html.P("Context series: shown with its values, not scored.", id="indicator-scale")
    better = "≥" if th.optimum > th.lower_bound else "≤"
    worse = "<" if th.optimum > th.lower_bound else ">"
    rows: list[tuple[Any, str]] = [
        (level_badge("green"), f"{better} {th.green:g} {ind.unit}"),
        (level_badge("yellow"), f"between {th.green:g} and the midpoint {(th.green + th.red) / 2:g}"),
        (level_badge("orange"), f"between the midpoint and {th.red:g}"),
        (level_badge("red"), f"{worse} {th.red:g} {ind.unit}"),
        ("Score 100 / 0", f"at the optimum {th.optimum:g} / the lower bound {th.lower_bound:g}"),
    ]
    return html.Table(
        [html.Caption("Thresholds"), html.Tbody([html.Tr([html.Th(a, scope="row"), html.Td(b)]) for a, b in rows])],
        className="data-table compact",
        id="indicator-scale",
    )


def map_title(ind: Indicator, year: int) -> str:
    return f"{ind.title}, {year}"


def map_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["iso3", "name", "level", "value_text", "year", "value"]]


def recency_note(ind: Indicator) -> str:
    return (
        f"Each country's latest value at or before the chosen year. Values more than {ind.recency_window} years older "
        "than that year are shown as out of date, with their year, and are not scored."
    )


def table_caption(ind: Indicator, year: int) -> str:
    return f"{ind.title}: every country's latest value at or before {year} ({ind.unit}), its level, and why any is missing."
