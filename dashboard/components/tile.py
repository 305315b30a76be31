"""Scorecard tile: one indicator of one country with value, unit and year, level (icon + words), trend, a small
series, peer medians, provenance and caveat. Pure formatting functions first, so tests and the CSV share them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html
from typing_extensions import TypeIs

from dashboard.components.attrs import with_attrs
from dashboard.components.levels import level_badge, style_of
from dashboard.components.provenance import provenance, provenance_badge, provenance_text, value_flags
from dashboard.components.quick import quick
from dashboard.components.svg import SPARK_HEIGHT, SPARK_WIDTH, data_uri, spark_svg
from dashboard.i18n import category_text, group_text, href, ind_text, number, percent, t, unit_text
from dashboard.memo import memo
from indicators.flags import flag_value
from indicators.levels import find_category, format_code
from indicators.registry import load_registry
from indicators.trend import NOT_AVAILABLE, TREND_ICONS

# Event statuses in words (status.<code>), for event indicators whose registry has no category table.
STATUSES = (
    "in_force",
    "party",
    "not_in_force",
    "denounced",
    "not_ratified",
    "not_known",
    "signatory",
    "no_action",
    "not_applicable",
)
STALE, SUSPECT = "not_known_since=", "suspect="


def missing(value: Any) -> TypeIs[None]:
    """None or NaN (NaN is not None, but for display both are missing)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def status_words(code: str) -> str:
    """An event status in words ("Ratified, in force"); an unknown code as plain text."""
    return t(f"status.{code}") if code in STATUSES else code.replace("_", " ")


def format_number(value: float) -> str:
    """47.317 -> "47.3"; 4.39 -> "4.39"; 3.0 -> "3"; 287 -> "287"; 1197624 -> "1,197,624" (in the reader's
    language: "1.197.624", "1 197 624")."""
    size = abs(value)
    if size >= 100 or float(value).is_integer():
        return number(value, decimals=0)
    return number(value, decimals=1 if size >= 10 else 2)


def with_unit(value: float, unit: str | None) -> str:
    shown = format_number(value)
    if not unit:
        return shown
    if unit == "%":
        return f"{shown} %"
    if unit.startswith(("ratio", "score")):
        return f"{shown} ({unit_text(unit)})"
    return f"{shown} {unit_text(unit)}"


def category_words(row: Mapping[str, Any]) -> str:
    """The label of a categorical or event value in the reader's language (the table code when it has none)."""
    code = row.get("value_label") if row.get("type") == "event" or missing(row.get("value")) else None
    code = code if code is not None else format_code(row.get("value"))
    label = row.get("category_label")
    if row.get("type") == "event" and not (label and label != code):
        return status_words(str(code or ""))
    english = str(label or row.get("value_label"))
    return category_text(row.get("indicator_id"), str(code), english)


def table_label(indicator_id: str, code: str) -> str | None:
    """The label of a code in an indicator's category table, in the reader's language; None when the table has no
    such code (a loader's own labels, such as GLOBALCIT's "emigrants only", are not the table's)."""
    ind = load_registry().indicators.get(indicator_id)
    found = find_category(code, ind) if ind else None
    return category_text(indicator_id, found.code, found.label) if found else None


def is_context(row: Mapping[str, Any]) -> bool:
    return row.get("direction") == "context"


def status_key(row: Mapping[str, Any]) -> str | None:
    """What the level badge shows: a level, out_of_date, not_known; None for context indicators (no colour)."""
    if is_context(row):
        return None
    if row.get("type") == "event" and row.get("value_label") in ("not_known", "not_applicable"):
        return str(row["value_label"])
    if flag_value(row, SUSPECT) is not None:
        return "suspect"
    if row.get("out_of_date"):
        return "out_of_date"
    return row.get("level") or "no_data"


def has_value(row: Mapping[str, Any]) -> bool:
    return not (missing(row.get("value")) and missing(row.get("value_label")))


def value_text(row: Mapping[str, Any]) -> str:
    """The value in words: number + unit, the category label, or the event status; "No data" when missing."""
    if not has_value(row):
        return t("level.no_data")
    if row.get("type") == "event":
        since = flag_value(row, STALE)
        if since is not None:
            return t("tile.not_known_since", since=since)
        if row.get("value_label") in ("not_known", "not_applicable"):
            return t(f"level.{row['value_label']}")
        return category_words(row)
    if row.get("type") in ("categorical", "ordinal") or missing(row.get("value")):
        return category_words(row)
    return with_unit(float(row["value"]), row.get("unit"))


def year_text(row: Mapping[str, Any]) -> str:
    """ "2023", "value from 2016 (out of date)", "status as of 2021", "list as of 2023/24"; '' with no data."""
    year = row.get("year")
    if not has_value(row) or missing(year):
        return ""
    if row.get("type") == "event" and row.get("value_label") in ("not_known", "not_applicable"):
        return t("tile.list_as_of", when=flag_value(row, STALE) or row.get("list_as_of") or year)
    if row.get("out_of_date"):
        return t("tile.value_from", year=int(year))
    return t("tile.status_as_of", year=int(year)) if row.get("type") == "event" else str(int(year))


def trend_text(row: Mapping[str, Any]) -> str:
    """Arrow + words for continuous indicators; "changed in YEAR" for categories and events."""
    if not has_value(row):
        return ""
    if row.get("type") != "continuous":
        changed = row.get("changed_year")
        return t("tile.changed_in", year=int(changed)) if not missing(changed) else ""
    code = row.get("trend") or NOT_AVAILABLE
    if is_context(row) or row.get("out_of_date"):
        return ""  # context indicators are not scored; an out-of-date value has no current trend
    return f"{TREND_ICONS.get(code, '·')} {t(f'trend.{code}') if code in TREND_ICONS else code}"


def not_known_text(row: Mapping[str, Any]) -> str:
    """Why a status is not known (a partial list, or a complete list past its tolerance) or not applicable (outside
    the list's universe), rather than "not ratified"."""
    if row.get("value_label") == "not_applicable":
        return t("tile.not_applicable")
    since = flag_value(row, STALE)
    if since is not None:
        last = flag_value(row, "last_stated=") or ""
        return t("tile.stale_list", since=since, last=status_words(last).lower())
    stated, rows = row.get("list_stated_total"), row.get("list_rows")
    size = (
        t("tile.partial_size", rows=int(rows), stated=int(stated)) if not missing(stated) and not missing(rows) else ""
    )
    return t("tile.partial_list", size=size)


def peer_text(row: Mapping[str, Any], prefix: str) -> str | None:
    """ "Americas (region) median 52.5% (IQR 46.6-59.0, n=33)"; None for non-continuous or no group."""
    group = row.get(f"{prefix}_group")
    if row.get("type") != "continuous" or missing(group):
        return None
    n, median = row.get(f"{prefix}_n"), row.get(f"{prefix}_median")
    name = t(f"tile.peer_{prefix}", group=group_text(group))
    if missing(median):
        count = 0 if missing(n) else int(n)
        return t("tile.peer_too_few", name=name, n=count) if count else None
    q1, q3 = format_number(row[f"{prefix}_q1"]), format_number(row[f"{prefix}_q3"])
    shown = with_unit(median, "%") if row.get("unit") == "%" else format_number(median)
    return t("tile.peer_median", name=name, median=shown, q1=q1, q3=q3, n=0 if missing(n) else int(n))


def sparkline(points: Sequence[tuple[int, float]], unit: str | None, label: str) -> html.Div | None:
    """The series as a small SVG image drawn on the server (no plotly), its first and last values in the alt text."""
    points = [p for p in points if math.isfinite(p[1])]
    if len(points) < 2:
        return None
    (first_year, first), (last_year, last) = points[0], points[-1]
    words = t("tile.spark", label=label, first_year=first_year, first=with_unit(first, unit), last_year=last_year,
              last=with_unit(last, unit))  # fmt: skip
    image = quick(html.Img, src=data_uri(spark_svg(points)), alt=words, className="spark-graph", width=SPARK_WIDTH,
                     height=SPARK_HEIGHT)  # fmt: skip
    span = with_attrs(quick(html.Span, f"{first_year}-{last_year}", className="spark-span"), {"aria-hidden": "true"})
    return quick(html.Div, [image, span], className="sparkline")


def status_badge(row: Mapping[str, Any]) -> html.Span:
    return _status_badge(status_key(row))


@memo(64, by_language=True)
def _status_badge(key: str | None) -> html.Span:
    """A status's badge, kept per status and language (shared, never changed)."""
    if key is None:
        return html.Span(t("tile.context"), className="context-badge")
    return level_badge(key)


@memo(1024, by_language=True)
def _title_heading(indicator_id: str, english: str) -> html.H4:
    """A tile's title linked to its indicator's page, kept per indicator and language: the same in every profile
    (shared, never changed)."""
    return html.H4(dcc.Link(ind_text(indicator_id, "title", english), href=href(f"/indicator/{indicator_id}")),
                   className="tile-title")  # fmt: skip


@memo(1024, by_language=True)
def _caveat(indicator_id: str, english: str) -> html.Details:
    """A tile's caveat, kept per indicator and language (shared, never changed)."""
    caveat = ind_text(indicator_id, "caveat", english)
    return html.Details([html.Summary(t("tile.caveat")), html.P(caveat)], className="tile-caveat")


def level_words(row: Mapping[str, Any]) -> str:
    """The badge's words for tables and CSV ("Context: not scored" for context indicators)."""
    key = status_key(row)
    return t("tile.context") if key is None else style_of(key).label


def tile(
    row: Mapping[str, Any], points: Sequence[tuple[int, float]] = (), body: list[Any] | None = None, suffix: str = ""
) -> html.Article:
    """One indicator of one country; `points` = its (year, value) series for the sparkline. A `body` from
    `tile_body` can be shared by tiles of the same indicator in several sections (their ids differ by `suffix`)."""
    ind = row["indicator_id"]
    content = tile_body(row, points) if body is None else body
    article = quick(
        html.Article, content, id=f"tile-{ind}{suffix}", className=f"tile tile-{status_key(row) or 'context'}"
    )
    return with_attrs(article, {"data-indicator": ind, "aria-label": ind_text(ind, "title", row["title"])})


def tile_body(row: Mapping[str, Any], points: Sequence[tuple[int, float]] = ()) -> list[Any]:
    """The tile's contents: title, value and year, badge and trend, note, sparkline, peers, provenance, caveat."""
    key = status_key(row)
    text = value_text(row)
    title = ind_text(row["indicator_id"], "title", row["title"])
    value_class = (
        "tile-value" + (" tile-missing" if not has_value(row) else "") + (" tile-long" if len(text) > 28 else "")
    )
    body: list[Any] = [
        _title_heading(row["indicator_id"], row["title"]),
        quick(
            html.P,
            [
                quick(html.Span, text, className=value_class),
                " ",
                quick(html.Span, year_text(row), className="tile-year"),
            ],
            className="tile-reading",
        ),
        quick(
            html.P,
            [status_badge(row), quick(html.Span, trend_text(row), className="tile-trend")],
            className="tile-status",
        ),
    ]
    if row.get("type") == "event" and row.get("value_label") in ("not_known", "not_applicable"):
        body.append(quick(html.P, not_known_text(row), className="tile-note"))
    if key == "suspect":
        body.append(quick(html.P, t("tile.suspect", reason=flag_value(row, SUSPECT) or ""), className="tile-note"))
    if row.get("index") is False and key in ("green", "yellow", "orange", "red"):
        body.append(quick(html.P, t("tile.supplementary"), className="tile-note tile-supplementary"))
    spark = sparkline(points, row.get("unit"), title) if row.get("type") == "continuous" else None
    if spark is not None:
        body.append(spark)
    peers = [words for words in (peer_text(row, "region"), peer_text(row, "income")) if words]
    if peers:
        body.append(quick(html.Ul, [quick(html.Li, words) for words in peers], className="tile-peers"))
    if has_value(row):
        not_known = key in ("not_known", "not_applicable")  # a list's status: its age is the list's, not a value's
        old = bool(row.get("out_of_date")) and not not_known
        partial = key == "not_known" and flag_value(row, STALE) is None
        label = t("tile.partial_label") if partial else None
        body.append(provenance_badge(row.get("source_id"), row.get("flags"), old, row.get("source_title"), label))
    if row.get("caveat"):
        body.append(_caveat(row["indicator_id"], row["caveat"]))
    return body


def history_link(iso3: str, row: Mapping[str, Any]) -> html.A | None:
    """'History of this value': the API's /history of the series (every value in each kept release, with its source
    and, for a steward's value, the submission and institution); None for an event or a missing value."""
    if not has_value(row) or row.get("type") == "event" or missing(row.get("year")):
        return None
    query = f"indicator={row['indicator_id']}&country={iso3}&year={int(row['year'])}"
    return quick(html.A, t("tile.history"), href=f"/api/v1/history?{query}", className="tile-history")


def aggregate_words(agg: Mapping[str, Any] | None, threshold: float) -> str:
    """A theme or principle aggregate in words: "Significant challenges, score 44; coverage 80% (4 of 5
    indicators)", or "coverage 33% (4 of 12 indicators): no aggregate below 80%"."""
    if agg is None or missing(agg.get("n_mapped")):
        return t("aggregate.none_mapped")
    coverage = t("aggregate.coverage", pct=percent(agg["coverage"]), n=int(agg["n_with_data"]), of=int(agg["n_mapped"]))
    if missing(agg.get("score")):
        return t("aggregate.below", coverage=coverage, threshold=percent(threshold))
    return t("aggregate.scored", level=style_of(agg["level"]).label, score=f"{agg['score']:.0f}", coverage=coverage)


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One tile as a CSV row: the words shown plus the raw value, peers, source and flags."""
    prov = provenance(row.get("source_id"), row.get("flags"), row.get("out_of_date"))
    out: dict[str, Any] = {
        "indicator_id": row["indicator_id"],
        "indicator": ind_text(row["indicator_id"], "title", row["title"]),
        "value": None if missing(row.get("value")) else row["value"],
        "value_shown": value_text(row),
        "unit": row.get("unit"),
        "year": None if missing(row.get("year")) else int(row["year"]),
        "year_shown": year_text(row),
        "level": level_words(row),
        "trend": trend_text(row).lstrip("↑↗→↓· ") if row.get("type") == "continuous" else trend_text(row),
    }
    for prefix in ("region", "income"):
        out[f"{prefix}_group"] = row.get(f"{prefix}_group") if row.get("type") == "continuous" else None
        for stat in ("median", "q1", "q3", "n"):
            value = row.get(f"{prefix}_{stat}") if row.get("type") == "continuous" else None
            out[f"{prefix}_{stat}"] = None if missing(value) else value
    out.update(
        provenance=provenance_text(prov) if row.get("source_id") else "",
        source_id=row.get("source_id") or "",
        source=row.get("source_title") or "",
        flags=row.get("flags") or "",
        flags_in_words=value_flags(row.get("source_id"), row.get("flags")),  # break in series, third-party copy, ...
    )
    return out
