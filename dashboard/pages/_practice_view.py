"""Builders shared by the practice pages, the country profile and the framework page: the list filter, cards,
years, texts whose [ref] markers become numbered links to the sources, and the indicator context chart."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.components.levels import level_badge
from dashboard.i18n import href, parts, percent, t
from dashboard.i18n.names import country_name
from indicators.levels import COLOURED
from loaders.practices import EDITORIAL, MARKER

GCM_OBJECTIVES = {
    1: "Accurate and disaggregated data",
    2: "Minimise adverse drivers",
    3: "Accurate and timely information",
    4: "Legal identity and documentation",
    5: "Pathways for regular migration",
    6: "Fair and ethical recruitment",
    7: "Reduce vulnerabilities",
    8: "Save lives; missing migrants",
    9: "Counter smuggling of migrants",
    10: "Eradicate trafficking in persons",
    11: "Integrated border management",
    12: "Predictable procedures",
    13: "Detention only as a last resort",
    14: "Consular protection and assistance",
    15: "Access to basic services",
    16: "Inclusion and social cohesion",
    17: "Eliminate discrimination",
    18: "Skills and their recognition",
    19: "Migrants and diasporas contribute to development",
    20: "Cheaper, safer remittances",
    21: "Dignified return and reintegration",
    22: "Portability of social security",
    23: "International cooperation",
}
ACTIVITY_WORDS = {"ongoing": "ongoing", "ended": "ended", "unknown": "status unknown"}  # practices.activity.*
ROLE_WORDS = {"lead": "", "partner": "partner", "host": "host country"}  # practices.role.*
NOT_PROOF = (  # English; pages show practices.not_proof
    "Context, not proof of effect: each chart shows the indicator for the practice's country with a line at the year "
    "the practice started. Many other things move these figures; a change after the line does not show that the "
    "practice caused it."
)


def gcm_objective(number: int) -> str:
    """A Global Compact for Migration objective's short name in the reader's language."""
    return t(f"practices.gcm.{number}") if number in GCM_OBJECTIVES else ""


def role_words(role: object) -> str:
    """'' for the lead country; 'partner', 'host country' in the reader's language."""
    return t(f"practices.role.{role}") if ROLE_WORDS.get(str(role)) else ""


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == ""


def years_text(row: Mapping[str, Any]) -> str:
    """E.g. '2003 – ongoing (as of 2025)', '2006 – 2009', '2004 – status unknown'."""
    start = t("practices.start_unknown") if _missing(row.get("start_year")) else str(int(row["start_year"]))
    if not _missing(row.get("end_year")):
        return f"{start} – {int(row['end_year'])}"
    activity = str(row.get("activity")) if str(row.get("activity")) in ACTIVITY_WORDS else "unknown"
    as_of = row.get("status_as_of")
    ongoing = activity == "ongoing" and not _missing(as_of)
    return f"{start} – {t(f'practices.activity.{activity}')}" + (
        t("practices.as_of", year=int(str(as_of))) if ongoing else ""
    )


def plain(text: object) -> str:
    """A text without its citation markers (list snippets, CSV)."""
    return "" if _missing(text) else re.sub(r"\s*" + MARKER.pattern, "", str(text)).strip()


def snippet(text: object, limit: int = 260) -> str:
    words = plain(text)
    return words if len(words) <= limit else words[: words.rfind(" ", 0, limit)] + " …"


def cited(text: object, numbers: Mapping[str, int]) -> list[Any]:
    """The text with each [a, b] marker as superscript links [1, 2] to the sources list; [editorial] as words."""
    if _missing(text):
        return []
    out: list[Any] = []
    position = 0
    for match in MARKER.finditer(str(text)):
        out.append(str(text)[position : match.start()].rstrip())
        refs = [r.strip() for r in match.group(1).split(",")]
        links: list[Any] = []
        for ref in refs:
            if ref == EDITORIAL:
                links.append(html.Em(t("practices.editorial"), className="practice-editorial"))
                continue
            number = numbers.get(ref)
            label = str(number) if number else ref
            links += [
                ", " if len(links) else "",
                html.A(label, href=f"#source-{ref}", title=t("practices.source_n", n=label)),
            ]
        has_source = any(isinstance(item, html.A) for item in links)
        out.append(html.Sup(["[", *links, "]"], className="cite") if has_source else html.Span(links))
        position = match.end()
    out.append(str(text)[position:])
    return out


def tag_list(items: Sequence[tuple[str, str]], class_name: str) -> html.Ul:
    return html.Ul([html.Li(dcc.Link(label, href=href(link))) for label, link in items], className=f"tags {class_name}")


def card(row: Mapping[str, Any], theme_titles: Mapping[str, str]) -> html.Article:
    """One practice in the list: name, countries, institution, years, themes, principles, what it does."""
    pid = row["practice_id"]
    places = ", ".join(str(n) for n in row["country_names"] if isinstance(n, str)) or ", ".join(row["countries"])
    themes = [t for t in str(row.get("themes") or "").split(",") if t]
    principles = [p for p in str(row.get("principles") or "").split(",") if p]
    return html.Article(
        [
            html.H2(dcc.Link(str(row["name"]), href=href(f"/practices/{pid}"), id=f"practices-link-{pid}")),
            html.P(
                [html.Strong(places), " · ", plain(row["institution"]), " · ", years_text(row)],
                className="practice-meta",
            ),
            html.P(snippet(row["summary"]), className="practice-snippet"),
            html.Div(
                [
                    tag_list([(theme_titles.get(t, t), f"/practices?theme={t}") for t in themes], "tags-theme"),
                    tag_list(
                        [(t("practices.principle_tag", n=p), f"/practices?principle={p}") for p in principles],
                        "tags-principle",
                    ),
                ],
                className="practice-tags",
            ),
        ],
        className="practice-card",
        id=f"practice-card-{pid}",
    )


def score_words(score: object, level: object, coverage: object) -> html.Span:
    """A country's principle aggregate: badge and score, or its coverage when too few indicators have data."""
    if not _missing(score) and level in COLOURED:
        return html.Span([level_badge(str(level), t("country.score", score=f"{float(score):.0f}"))])  # type: ignore[arg-type]
    if _missing(coverage):
        return html.Span(t("practices.no_scored"), className="practice-coverage")
    share = float(coverage)  # type: ignore[arg-type]
    return html.Span(t("practices.no_aggregate", pct=percent(share)), className="practice-coverage")


def principle_block(number: int, frame: pd.DataFrame) -> html.Div | None:
    """Under a principle on /framework: the practices that illustrate it, each beside its country's score."""
    rows = frame[frame["principle"] == number] if len(frame) else frame
    if rows.empty:
        return None
    items = [
        html.Li(
            [
                dcc.Link(str(r.name), href=href(f"/practices/{r.practice_id}")),
                " — ",
                dcc.Link(
                    country_name(str(r.country), str(r.country_name or r.country)), href=href(f"/country/{r.country}")
                ),
                t("practices.on_principle", n=number),
                score_words(r.score, r.level, r.coverage),
            ]
        )
        for r in rows.itertuples()
    ]
    return html.Div(
        [
            html.P(t("practices.illustrate", n=rows["practice_id"].nunique())),
            html.Ul(items, className="practice-principle-list"),
        ],
        className="framework-practices",
        id=f"framework-practices-{number}",
    )


def country_section(iso3: str, frame: pd.DataFrame) -> html.Section:
    """The practices of one country on its profile (a short list linking to each record)."""
    if frame.empty:
        body: Any = html.P(parts("practices.none_here", link=dcc.Link(t("practices.all"), href=href("/practices"))))
    else:
        body = html.Ul(
            [
                html.Li(
                    [
                        dcc.Link(str(r.name), href=href(f"/practices/{r.practice_id}")),
                        f" · {years_text(r._asdict())}" + (f" · {role_words(r.role)}" if role_words(r.role) else ""),
                    ]
                )
                for r in frame.itertuples()
            ],
            className="country-practice-list",
        )
    return html.Section(
        [
            html.H2(t("nav.practices")),
            html.P(t("practices.country_note"), className="note"),
            body,
        ],
        id="country-practices",
        className="country-section",
    )


def context_figure(
    title: str, unit: str, rows: pd.DataFrame, start_year: object, place: str, end_year: object = None
) -> dict[str, Any]:
    """A small line chart of one national series with dashed vertical lines at the practice's start (and end) year."""
    categorical = rows["value"].isna().all() and rows["value_label"].notna().any()
    y = rows["value_label"] if categorical else rows["value"]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": rows["year"].tolist(),
        "y": y.tolist(),
        "name": place,
        "line": {"color": "#332288", "shape": "hv" if categorical else "linear"},
        "marker": {"size": 5},
        "hovertemplate": f"{place} %{{x}}: %{{y}} {unit}<extra></extra>",
    }
    shapes, notes = [], []
    years = [int(y) for y in rows["year"]]
    span = [min(years), max(years)] if years else [2000, 2020]
    ended = not _missing(end_year)  # with two lines the labels go outwards: "practice starts X" left, "ends Y" right
    for when, words, anchor, line in (
        (start_year, t("practices.starts"), "right" if ended else "left", "dash"),
        (end_year, t("practices.ends"), "left", "dot"),
    ):
        if _missing(when):
            continue
        year = int(when)  # type: ignore[call-overload]
        span = [min(span[0], year), max(span[1], year)]  # the line stays inside the chart even before the data
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": year,
                "x1": year,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#D55E00", "dash": line, "width": 2},
            }
        )
        notes.append(
            {
                "xref": "x",
                "yref": "paper",
                "x": year,
                "y": 1,
                "xanchor": anchor,
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"{words} {year}",
                "font": {"size": 11},
            }
        )
    axis = {"showline": True, "linecolor": "#444444", "ticks": "outside", "zeroline": False}
    return {
        "data": [trace],
        "layout": {
            "title": {"text": f"{title}: {place}", "x": 0.01, "font": {"size": 13}},
            "height": 260,
            "margin": {"l": 60, "r": 16, "t": 46, "b": 36},
            "showlegend": False,
            "shapes": shapes,
            "annotations": notes,
            "plot_bgcolor": "#FFFFFF",
            "paper_bgcolor": "#FFFFFF",
            "font": {"family": "Liberation Sans, Arial, sans-serif", "color": "#1A1A1A", "size": 11},
            "separators": t("format.plot_separators"),
            "xaxis": {**axis, "title": {"text": t("col.year")}, "range": [span[0] - 1, span[1] + 1]},
            "yaxis": {**axis, "title": {"text": unit}, "gridcolor": "#E5E5E5"},
        },
    }
