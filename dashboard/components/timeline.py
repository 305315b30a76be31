"""Legal events timeline: dated ratifications and dual-citizenship reforms of one country, as a chart with the same
events listed beside it in words (the list is the accessible, printable form)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from dashboard.components.tile import status_words, with_attrs
from dashboard.i18n import date, ind_text, t

REFORM_INDICATORS = {"dual_citizenship_acceptance"}
LANES = ("ratifications", "reforms")  # lane names: timeline.lane.*
LANE_COLOURS = {"ratifications": "#0B4F8A", "reforms": "#B3480B"}
CONFIG = {"displayModeBar": False, "responsive": True}


def short_name(indicator_id: str) -> str:
    """ilo_c100 -> "C100"; un_cedaw -> "CEDAW"; dual_citizenship_acceptance -> "Dual citizenship"."""
    if indicator_id.startswith("ilo_"):
        return indicator_id[4:].upper()
    if indicator_id.startswith("un_"):
        return indicator_id[3:].upper()
    return t("timeline.dual_short") if indicator_id in REFORM_INDICATORS else indicator_id


def lane(event: Mapping[str, Any]) -> str:
    return LANES[1] if event["indicator_id"] in REFORM_INDICATORS else LANES[0]


def event_words(event: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """ "ILO Equal Remuneration Convention, 1951 (No. 100): ratified, in force"; reforms say what changed."""
    title = ind_text(event["indicator_id"], "title", titles.get(event["indicator_id"], event["indicator_id"]))
    if event["indicator_id"] in REFORM_INDICATORS:
        return t("timeline.reform", note=event.get("note") or t("timeline.rules_changed"))
    status = status_words(str(event["status"]))
    return f"{title}: {status[0].lower()}{status[1:]}"


def when(event: Mapping[str, Any]) -> str:
    """The date as published (YYYY-MM-DD, written as the language writes dates) or the year alone when the source
    gives no date."""
    return date(str(event["event_date"])) if event.get("event_date") else str(int(event["year"]))


def _machine_date(event: Mapping[str, Any]) -> str:
    return str(event["event_date"]) if event.get("event_date") else str(int(event["year"]))


def timeline_figure(events: Sequence[Mapping[str, Any]], titles: Mapping[str, str]) -> dict[str, Any]:
    """A plain-dict plotly figure: one lane per kind of event, a marker and short label per event."""
    traces = []
    for name in LANES:
        rows = [e for e in events if lane(e) == name]
        if not rows:
            continue
        traces.append(
            {
                "type": "scatter",
                "name": t(f"timeline.lane.{name}"),
                "x": [e["event_date"] or f"{int(e['year'])}-07-01" for e in rows],
                "y": [t(f"timeline.lane.{name}")] * len(rows),
                "mode": "markers+text",
                "text": [short_name(e["indicator_id"]) for e in rows],
                "textposition": ["top center" if i % 2 == 0 else "bottom center" for i in range(len(rows))],
                "hovertext": [f"{when(e)}: {event_words(e, titles)}" for e in rows],
                "hoverinfo": "text",
                "marker": {"size": 11, "color": LANE_COLOURS[name], "symbol": "diamond"},
                "textfont": {"size": 11, "color": "#1a1a1a"},
                "cliponaxis": False,
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 70 + 60 * len(traces),
            "margin": {"l": 170, "r": 20, "t": 28, "b": 30},
            "xaxis": {"type": "date", "showgrid": True, "gridcolor": "#e5e5e5"},
            "yaxis": {
                "type": "category",
                "fixedrange": True,
                "automargin": True,
                "range": [-0.7, len(traces) - 0.3],
            },
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        },
    }


def timeline(events: Sequence[Mapping[str, Any]], titles: Mapping[str, str], id_prefix: str) -> html.Div:
    """Chart + list of the events; a sentence when there are none."""
    if not events:
        return html.Div(html.P(t("timeline.none")), className="timeline")
    items = [
        html.Li(
            [html.Time(when(e), className="timeline-date", dateTime=_machine_date(e)), " ", event_words(e, titles)],
            className="timeline-item",
        )  # fmt: skip
        for e in events
    ]
    chart = dcc.Graph(id=f"{id_prefix}-timeline-graph", figure=timeline_figure(events, titles), config=CONFIG)  # type: ignore[arg-type]
    return html.Div(
        [
            with_attrs(
                html.Div(chart, className="timeline-chart", role="img"),
                {"aria-label": t("timeline.chart_label", n=len(events))},
            ),
            with_attrs(html.Ol(items, className="timeline-list"), {"aria-label": t("timeline.list_label")}),
        ],
        className="timeline",
    )
