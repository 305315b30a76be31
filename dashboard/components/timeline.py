"""Legal events timeline: dated ratifications and dual-citizenship reforms of one country, as a chart (an SVG image
drawn on the server: no plotly.js) with the same events listed beside it in words (the list is the accessible,
printable form)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from dash import html

from dashboard.components.svg import FONT, data_uri, scale, year_ticks
from dashboard.components.tile import status_words, table_label, with_attrs
from dashboard.i18n import DEFAULT, catalogue, date, ind_text, t
from loaders.globalcit import read_reform_note

REFORM = "reform"  # the status of a dual-citizenship reform; every other status is a step of a ratification
LANES = ("ratifications", "reforms")  # lane names: timeline.lane.*
LANE_COLOURS = {"ratifications": "#0B4F8A", "reforms": "#B3480B"}
WIDTH, LANE_HEIGHT = 700, 60  # the SVG's box; it scales with the column's width
GRID, MUTED, INK = "#e5e5e5", "#444444", "#1a1a1a"
# An event's label: its baseline's offset from the lane (first above, first below, second above, second below), the
# width of a character at 11 px (a little over Liberation Sans's widest capitals) and the room kept between labels.
LABEL_ROWS = (-11, 20, -23, 32)
LABEL_CHAR_WIDTH, LABEL_GAP = 7.0, 4.0
DIAMOND_WIDTH, MAX_NAMED = 14.0, 3  # more events than MAX_NAMED whose diamonds overlap get one label for all


def short_name(event: Mapping[str, Any]) -> str:
    """ilo_c100 -> "C100"; un_cedaw -> "CEDAW"; a reform (of either GLOBALCIT indicator) -> "Dual citizenship"."""
    indicator_id = str(event["indicator_id"])
    if event["status"] == REFORM:
        return t("timeline.dual_short")
    if f"timeline.short.{indicator_id}" in catalogue(DEFAULT):  # ICCPR is PIDCP in Spanish and French
        return t(f"timeline.short.{indicator_id}")
    if indicator_id.startswith("ilo_"):
        return indicator_id[4:].upper()
    return indicator_id[3:].upper() if indicator_id.startswith("un_") else indicator_id


def lane(event: Mapping[str, Any]) -> str:
    return LANES[1] if event["status"] == REFORM else LANES[0]


def event_words(event: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """ "ILO Equal Remuneration Convention, 1951 (No. 100): ratified, in force"; reforms say what changed."""
    title = ind_text(event["indicator_id"], "title", titles.get(event["indicator_id"], event["indicator_id"]))
    if event["status"] == REFORM:
        return t("timeline.reform", note=reform_words(str(event["indicator_id"]), event.get("note")))
    status = status_words(str(event["status"]))
    return f"{title}: {status[0].lower()}{status[1:]}"


def reform_words(indicator_id: str, note: Any) -> str:
    """What a reform changed, in the reader's language when the note is one GLOBALCIT's loader wrote (its codes
    before and after, named by the indicator's categories); any other note as it was given."""
    if not note:
        return t("timeline.rules_changed")
    parts = read_reform_note(str(note))
    if parts is None:
        return str(note)
    before, after = (table_label(indicator_id, parts[side]) or parts[side] for side in ("before", "after"))
    if "law" not in parts:
        return t("timeline.reform_change", before=before, after=after)
    return t("timeline.later_reform", law=parts["law"], date=date(parts["date"]), before=before, after=after)


def when(event: Mapping[str, Any]) -> str:
    """The date as published (YYYY-MM-DD, written as the language writes dates) or the year alone when the source
    gives no date."""
    return date(str(event["event_date"])) if event.get("event_date") else str(int(event["year"]))


def _machine_date(event: Mapping[str, Any]) -> str:
    return str(event["event_date"]) if event.get("event_date") else str(int(event["year"]))


def event_year(event: Mapping[str, Any]) -> float:
    """The event's place on the time axis: its date as a fraction of its year, mid-year when the source gives no
    date."""
    if event.get("event_date"):
        day = dt.date.fromisoformat(str(event["event_date"])[:10])
        return day.year + (day.timetuple().tm_yday - 1) / 366
    return int(event["year"]) + 0.5


def _text(x: float, y: float, words: str, size: int, extra: str = "") -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' {extra}>{escape(words)}</text>"


def _lanes(events: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    return [(name, rows) for name in LANES if (rows := [e for e in events if lane(e) == name])]


def timeline_svg(events: Sequence[Mapping[str, Any]]) -> tuple[str, int, int]:
    """(SVG, width, height): one lane per kind of event (the first at the bottom), a year axis with grid lines, a
    diamond and a short label per event, labels alternately above and below."""
    lanes = _lanes(events)
    names = [t(f"timeline.lane.{name}") for name, _ in lanes]
    left, right, top, bottom = round(max(90, 6.5 * max(map(len, names)) + 20)), 20, 28, 30
    height = 70 + LANE_HEIGHT * len(lanes)
    years = [event_year(e) for e in events]
    pad = max(1.0, 0.05 * (max(years) - min(years)))
    lo, hi = min(years) - pad, max(years) + pad
    x_of = functools.partial(scale, lo=lo, hi=hi, start=left, end=WIDTH - right)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='{WIDTH}'"
             f" height='{height}' font-family='{FONT}' text-anchor='middle'>"]  # fmt: skip
    for year in year_ticks(lo, hi):
        x = x_of(year)
        parts.append(f"<path d='M{x:.1f} {top}V{height - bottom}' stroke='{GRID}'/>")
        parts.append(_text(x, height - bottom + 18, str(year), 12, f"fill='{MUTED}'"))
    for i, ((name, rows), words) in enumerate(zip(lanes, names, strict=True)):
        y = scale(i, -0.7, len(lanes) - 0.3, height - bottom, top)
        parts.append(f"<path d='M{left} {y:.1f}H{WIDTH - right}' stroke='{GRID}'/>")
        parts.append(_text(left - 10, y + 4, words, 12, f"fill='{MUTED}' text-anchor='end'"))
        xs = [x_of(event_year(e)) for e in rows]
        parts += [f"<path d='M{x:.1f} {y - 7:.1f}l7 7-7 7-7-7z' fill='{LANE_COLOURS[name]}'/>" for x in xs]
        named = [(x, short_name(e)) for x, e in zip(xs, rows, strict=True)]
        shown = within(clustered(named, functools.partial(_count_words, name)), left, WIDTH)
        for x, words, row in label_rows(shown):
            parts.append(_text(x, y + LABEL_ROWS[row], words, 11, f"fill='{INK}'"))
    return "".join([*parts, "</svg>"]), WIDTH, height


def _count_words(lane_name: str, n: int) -> str:
    return t(f"timeline.cluster.{lane_name}", n=n)


def clustered(labels: Sequence[tuple[float, str]], count_words: Callable[[int], str]) -> list[tuple[float, str]]:
    """The labels, but where more than MAX_NAMED events are drawn at one spot (diamonds overlapping: a successor
    state's nine ratifications on one day) one label `count_words(n)` at their middle instead of their names, which
    no row rule can keep apart; the list beside the chart names each."""
    out: list[tuple[float, str]] = []
    group: list[tuple[float, str]] = []
    for label in [*sorted(labels, key=lambda label: label[0]), (math.inf, "")]:
        if group and label[0] - group[-1][0] >= DIAMOND_WIDTH:
            middle = (group[0][0] + group[-1][0]) / 2
            out += group if len(group) <= MAX_NAMED else [(middle, count_words(len(group)))]
            group = []
        group.append(label)
    return out


def within(labels: Sequence[tuple[float, str]], start: float, end: float) -> list[tuple[float, str]]:
    """The labels, each moved in as far as it would run past `start` or `end` centred on its event (a reform of this
    year, at the right edge, had its name cut off)."""
    out = []
    for x, words in labels:
        half = LABEL_CHAR_WIDTH * len(words) / 2
        out.append((min(max(x, start + half), end - half), words))
    return out


def label_rows(labels: Sequence[tuple[float, str]]) -> list[tuple[float, str, int]]:
    """(x, words, row in LABEL_ROWS) for each label centred at x, in the order given: from left to right,
    alternately above and below the lane, but a label that would overlap the last one in its row takes the next
    free row (events of one year, such as two covenants ratified together, had their names printed on top of each
    other); when every row is taken, the row whose last label ends first."""
    ends = [-math.inf] * len(LABEL_ROWS)
    rows = [0] * len(labels)
    for k, i in enumerate(sorted(range(len(labels)), key=lambda i: labels[i][0])):
        x, words = labels[i]
        half = LABEL_CHAR_WIDTH * len(words) / 2
        order = (0, 1, 2, 3) if k % 2 == 0 else (1, 0, 3, 2)
        rows[i] = next((r for r in order if ends[r] + LABEL_GAP <= x - half), min(order, key=lambda r: ends[r]))
        ends[rows[i]] = x + half
    return [(x, words, row) for (x, words), row in zip(labels, rows, strict=True)]


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
    svg, width, height = timeline_svg(events)
    chart = html.Img(id=f"{id_prefix}-timeline-graph", src=data_uri(svg), alt=t("timeline.chart_label", n=len(events)),
                     className="timeline-svg", width=width, height=height)  # fmt: skip
    return html.Div(
        [
            html.Div(chart, className="timeline-chart"),
            with_attrs(html.Ol(items, className="timeline-list"), {"aria-label": t("timeline.list_label")}),
        ],
        className="timeline",
    )
