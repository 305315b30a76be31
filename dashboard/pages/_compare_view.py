"""What /compare shows for a selection, in the reader's words: messages, heat-map rows, the table frame and the
small multiples. Builders over the data of dashboard.queries.compare (the selection: _compare_selection.py); the
page module holds the layout and the callbacks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from dash import html

from dashboard.components.datatable import Column, records
from dashboard.components.heatmap import HeatCell, HeatRow, format_number, heatmap, style_for
from dashboard.components.provenance import value_flags
from dashboard.components.small_multiples import Figure, empty_figure, small_multiples
from dashboard.i18n import (
    category_text,
    current_lang,
    date,
    href,
    ind_text,
    percent,
    principle_text,
    t,
    theme_text,
    unit_text,
)
from dashboard.i18n.names import country_name, names
from dashboard.memo import memo
from dashboard.pages._compare_selection import Selection, group_label
from dashboard.queries import compare as q
from indicators.aggregate import QUINTILES, rank_band
from indicators.levels import format_code
from indicators.registry import load_registry
from indicators.trend import NOT_AVAILABLE, TREND_ICONS

HEATMAP_MAX = 40  # countries drawn as heat-map columns (the table holds every member)
CHART_MAX = 10  # lines per small chart
Row = dict[str, Any]  # a scorecard or series row (dashboard.queries.compare)


def table_columns() -> list[Column]:
    """The table's columns, headed in the reader's language."""
    return [
        Column("theme_title", t("col.theme"), width="8rem"),
        Column("title", t("col.indicator"), width="16rem"),
        Column("name", t("col.country")),
        Column("country", t("col.iso3")),
        Column("shown", t("compare.col.shown"), description=t("compare.col.shown_help"), width="9rem"),
        Column("number", t("compare.col.number"), numeric=True, description=t("compare.col.number_help")),
        Column("unit", t("col.unit")),
        Column("year", t("col.year"), numeric=True, description=t("compare.col.year_help")),
        Column("level_text", t("col.level"), description=t("compare.col.level_help"), width="9rem"),
        Column("trend_text", t("compare.col.trend"), width="9rem"),
        Column("band", t("compare.col.band"), description=t("compare.rank_caveat"), width="8rem"),
        Column("flags_text", t("valueflag.column"), description=t("valueflag.help"), width="12rem"),
        Column("source_id", t("col.source")),
        Column("flags", t("compare.col.flags"), description=t("compare.col.flags_help")),
        Column("indicator_id", t("compare.col.indicator_id")),
    ]


TABLE_COLUMNS = table_columns()  # English (import time); pages call table_columns() for the reader's language


def theme_title(theme_id: object, english: str) -> str:
    return theme_text(theme_id, "title", english)


@dataclass
class Content:
    messages: list[html.P] = field(default_factory=list)
    heatmap: Any = None
    figure: Figure = field(default_factory=dict)
    charts_note: str = ""
    table: list[Row] = field(default_factory=list)  # enriched scorecard rows in display order (every column)


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def ordered_themes(themes: pd.DataFrame) -> pd.DataFrame:
    """Themes in the framework's order (registry), unknown ones last."""
    order = {theme_id: i for i, theme_id in enumerate(load_registry().themes)}
    return themes.assign(_o=themes["theme_id"].map(order).fillna(len(order))).sort_values(["_o", "title"])


def group_options(ref: q.Reference, current: q.Group | None = None) -> list[dict[str, str]]:
    """Built-in groups by kind; a reader's own group (from the URL) first."""
    own = [current] if current is not None and current.kind == q.USER_KIND else []
    kinds = [*q.NAMED_KINDS, *q.GROUP_KINDS]  # the dialogues and blocs delegates work in first, in the file's order
    builtin = sorted(ref.groups.values(), key=lambda g: (kinds.index(g.kind), "" if g.named else g.name))
    return [{"label": group_label(g), "value": g.value} for g in own + builtin]


def level_key(row: Mapping[str, object]) -> str:
    """What a cell shows instead of or as its colour: not_known, out_of_date, context, or the level."""
    label = row.get("value_label")
    if label == "not_known":
        return "not_known"
    has_value = _present(row.get("value")) or _present(label)
    if not has_value:
        return "no_data"
    if row.get("out_of_date"):
        return "out_of_date"
    if not row.get("scored"):
        return "context"
    level = row.get("level")
    return level if isinstance(level, str) else "no_data"


def shown_value(row: Mapping[str, object], categories: Mapping[tuple[str, str], str]) -> str:
    """The value as words: a number with its % sign, or the category's label from the indicator's table."""
    if row.get("type") == "continuous":
        return format_number(row.get("value"), str(row.get("unit") or ""))  # type: ignore[arg-type]
    code = row.get("value_label") if row.get("type") == "event" else None
    if code is None and _present(row.get("value")):
        code = format_code(row.get("value"))
    if not _present(code) or code == "not_known":
        return ""
    english = categories.get((str(row["indicator_id"]), str(code)))
    if english:
        return category_text(row["indicator_id"], str(code), english)
    return str(code).replace("_", " ").capitalize()


def band_text(row: Mapping[str, object]) -> str:
    """Quintile band among the countries with a score (continuous scored indicators only); never a rank."""
    rank, n = row.get("world_rank"), row.get("world_n")
    if row.get("type") != "continuous" or not row.get("scored") or not _present(rank) or not n:
        return ""
    band = rank_band(int(rank), int(n))  # type: ignore[call-overload]
    if band not in QUINTILES:
        return t("compare.not_banded", n=int(n))  # type: ignore[call-overload]
    return t("compare.band_of", band=t(f"compare.band.{QUINTILES.index(band)}"), n=int(n))  # type: ignore[call-overload]


def trend_text(row: Mapping[str, object]) -> str:
    trend = row.get("trend") or NOT_AVAILABLE
    if row.get("type") == "continuous" and row.get("scored"):
        words = t(f"trend.{trend}") if trend in TREND_ICONS else str(trend)
        return f"{TREND_ICONS.get(trend, '')} {words}".strip()  # type: ignore[call-overload]
    changed = row.get("changed_year")
    return t("tile.changed_in", year=int(changed)) if _present(changed) else ""  # type: ignore[call-overload]


def enrich(card: list[Row], categories: Mapping[tuple[str, str], str], themes: pd.DataFrame,
           codes: Sequence[str] = ()) -> list[Row]:  # fmt: skip
    """Scorecard rows + the words shown: level key and text, value text, band, trend; in display order (theme,
    scored first, title, then the countries in the order chosen). Plain rows: the words are per row anyway, and a
    frame cost more than the rest of the page; titles, units and level words are looked up once each."""
    return in_display_order(with_words(card, categories), theme_order(themes), codes)


def with_words(card: Sequence[Row], categories: Mapping[tuple[str, str], str], release: str | None = None) -> list[Row]:
    """Scorecard rows + the words shown, in the reader's language (the rows' order kept)."""
    local = names(release)
    titles, units = _Words(ind_text, "title"), _Words(unit_text)
    themes_, levels = _Words(theme_title), _Words(_level_text)
    out = []
    for r in card:
        key = level_key(r)
        out.append({**r, "title": titles(r["indicator_id"], r["title"]), "name": local.get(r["country"], r["name"]),
                    "theme_title": themes_(r["theme"], r["theme_title"]), "unit": units(r["unit"]), "level_key": key,
                    "level_text": levels(key), "shown": shown_value(r, categories), "band": band_text(r),
                    "trend_text": trend_text(r), "number": round(r["value"], 4) if _present(r["value"]) else None,
                    "flags_text": value_flags(r.get("source_id"), r.get("flags"))})  # fmt: skip
    return out


def theme_order(themes: pd.DataFrame) -> dict[str, int]:
    return {theme_id: i for i, theme_id in enumerate(ordered_themes(themes)["theme_id"])}


def in_display_order(rows: Sequence[Row], order: Mapping[str, int], codes: Sequence[str] = ()) -> list[Row]:
    """Theme (the framework's order), scored first, title, indicator, then the countries in the order chosen."""
    position = {c: i for i, c in enumerate(codes)}
    rank = len(order)
    return sorted(rows, key=lambda r: (order.get(r["theme"], rank), not r["scored"], r["title"], r["indicator_id"],
                                       position.get(r["country"], len(position))))  # fmt: skip


@memo(1024, by_language=True)
def _country_rows(release_id: str, code: str) -> tuple[Row, ...]:
    """One country's scorecard rows (every theme) with the words shown, kept per release and language: a compare of
    a new set of countries assembles its table and heat map from these instead of querying and wording again.
    Shared: never changed (table_rows hands out copies)."""
    return tuple(with_words(q.country_part(code, release_id).scorecard, q.categories(release_id), release_id))


@memo(8)
def _theme_order(release_id: str) -> dict[str, int]:
    return theme_order(q.themes(release_id))


class _Words:
    """A text function kept per argument for one page build (the same title or unit recurs once per country)."""

    def __init__(self, fn: Any, *fixed: str) -> None:
        self.fn, self.fixed = fn, fixed
        self.kept: dict[Any, Any] = {}

    def __call__(self, key: Any, *rest: Any) -> Any:
        if key not in self.kept:
            self.kept[key] = self.fn(key, *self.fixed, *rest)
        return self.kept[key]


def _level_text(key: str) -> str:
    style = style_for(key)
    return f"{style.icon} {style.label}"


def heat_rows(rows: list[Row], theme_scores: list[Row]) -> list[HeatRow]:
    """Per theme: the theme aggregate, then its indicators (scored first), one cell per country. `rows` are in
    display order (enrich)."""
    aggregates: dict[str, dict[str, HeatCell]] = {}
    for r in theme_scores:
        aggregates.setdefault(str(r["theme"]), {})[str(r["country"])] = _aggregate_cell(r)
    out: list[HeatRow] = []
    cells: dict[str, HeatCell] = {}
    theme = indicator = None
    label = t("compare.theme_aggregate")
    for r in rows:
        if r["theme"] != theme:
            theme = r["theme"]
            out.append(HeatRow(f"theme-{theme}", label, aggregates.get(str(theme), {}), html.Strong(label),
                               group=str(r["theme_title"]), kind="aggregate"))  # fmt: skip
        if r["indicator_id"] != indicator:
            indicator, cells = r["indicator_id"], {}
            header = [
                html.A(r["title"], href=href(f"/indicator/{indicator}")),
                html.Span(f" ({r['unit']})", className="heat-unit"),
            ]
            out.append(
                HeatRow(str(indicator), f"{r['title']} ({r['unit']})", cells, header, group=str(r["theme_title"]))
            )
        cells[str(r["country"])] = _cell(r)
    return out


def principle_rows(scores: list[Row], codes: list[str]) -> list[HeatRow]:
    """The MFLM principles x countries overview: one row per principle (number and title, linked to the framework
    page), one cell per country with the principle's level and score, or why it has none."""
    rows: dict[int, HeatRow] = {}
    for r in scores:
        n = int(r["principle"])
        if n not in rows:
            title = t("home.option.principle", n=n, title=principle_text(n, "title", r["title"]))
            rows[n] = HeatRow(f"principle-{n}", title, {}, html.A(title, href=href(f"/framework#principle-{n}")),
                              kind="aggregate")  # fmt: skip
        if r["country"] is not None:
            rows[n].cells[str(r["country"])] = _principle_cell(r)  # type: ignore[index]
    unmeasured = HeatCell("no_data", "", None, t("compare.not_measured"))
    return [replace(r, cells={c: r.cells.get(c, unmeasured) for c in codes}) for r in rows.values()]


def _principle_cell(r: Mapping[str, object]) -> HeatCell:
    """A principle's cell: its score and level, or why it has none (too little coverage, or a single indicator)."""
    if not _present(r["score"]) and _present(r["coverage"]) and float(r["coverage"]) >= 0.8:  # type: ignore[arg-type]
        return HeatCell("no_data", "", None, t("compare.single_indicator", n=int(r["n_with_data"] or 0)))  # type: ignore[call-overload]
    return _aggregate_cell(r)


def short_label(text: str) -> str:
    """A category label as a cell shows it: the words before any explanation ("Kept: no loss provision" -> "Kept");
    the full label is in the cell's tooltip and the table."""
    return text.split(" (")[0].split(": ")[0]


def _cell(row: Mapping[str, object]) -> HeatCell:
    shown = str(row["shown"])
    text = (
        ""
        if row["level_key"] in ("no_data", "not_known")
        else shown
        if row["type"] == "continuous"
        else short_label(shown)
    )
    year = int(row["year"]) if _present(row.get("year")) and text else None  # type: ignore[call-overload]
    return HeatCell(str(row["level_key"]), text, year, full=shown if text and text != shown else "")


def _aggregate_cell(r: Mapping[str, object]) -> HeatCell:
    return _aggregate_cell_of(r["score"], r["level"], r["coverage"])


@memo(4096, by_language=True)
def _aggregate_cell_of(score: object, level: object, coverage: object) -> HeatCell:
    """A theme's or principle's cell, kept per score, level, coverage and language (its words take a locale's
    percent format)."""
    covered = t("compare.coverage", pct=percent(float(coverage)))  # type: ignore[arg-type]
    if _present(score) and level != "no_data":
        return HeatCell(str(level), f"{float(score):.0f}/100", None, covered)  # type: ignore[arg-type]
    return HeatCell("no_data", "", None, t("compare.needs", coverage=covered, pct=percent(0.8)))


def no_scorecard(code: str, ref: q.Reference) -> str:
    """Why a code asked for has no column: an aggregate, an area without permanent population or a historical one."""
    if code in ref.aggregates:
        return t("compare.msg.aggregate", code=code, name=ref.aggregates[code])
    english, kind = ref.unscored[code]
    return t(f"compare.msg.{kind}", code=code, name=country_name(code, english))


def messages(selection: Selection, ref: q.Reference) -> list[html.P]:
    """What the reader should know about the selection: warnings (things set aside) first, then notes."""
    warnings = []
    if selection.unknown:
        warnings.append(t("compare.msg.unknown", codes=", ".join(selection.unknown)))
    warnings += [no_scorecard(c, ref) for c in selection.aggregates]
    warnings += list(selection.problems)
    notes: list[Any] = []
    if selection.default:
        notes.append(t("compare.msg.default"))
    if selection.group is not None:
        members = selection.group.members
        names = ", ".join(ref.names[c] for c in members[:12])
        notes.append(f"{group_label(selection.group)}: {names}" + ("…" if len(members) > 12 else ""))
        if selection.group.named is not None:
            notes.append(membership_source(selection.group))
    n = len(selection.members)
    if n > HEATMAP_MAX:
        notes.append(t("compare.msg.heatmap_max", max=HEATMAP_MAX, n=n, charts=CHART_MAX))
    elif n > CHART_MAX:
        notes.append(t("compare.msg.chart_max", max=CHART_MAX, n=n))
    if not n:
        warnings.append(t("compare.msg.pick"))
    return [html.P(t, className="notice") for t in warnings] + [html.P(t, className="note") for t in notes]


def membership_source(group: q.Group) -> html.Span:
    """Where a named group's members come from: the source, linked, the date its list holds for, and what is not
    counted (observers, withdrawn or suspended states, members the release does not hold)."""
    named = group.named
    assert named is not None
    text: list[Any] = [t("compare.group_source", n=len(group.members), date=date(named.as_of)), " ",
            html.A(named.source, href=named.source_url, id="compare-group-source", rel="noopener")]  # fmt: skip
    extra = [named.note(current_lang())] if named.notes else []
    extra += [t("compare.group_left_out", codes=", ".join(group.left_out))] if group.left_out else []
    return html.Span(text + [". " + " ".join(extra) if extra else "."])


def from_kept_parts(selection: Selection, release_id: str) -> bool:
    """Is the compare assembled from its countries' kept parts? Not when a theme is chosen and some of its countries
    are not kept yet: the theme's own queries are run then, and nothing is kept (keeping reads and words every
    theme, which made the first themed compare of new countries 1.5x slower at 50x scale than those queries)."""
    return selection.theme is None or q.all_kept(list(selection.members), release_id)


def table_rows(selection: Selection, release: str | None) -> list[Row]:
    """The scorecard of the selection, enriched, in display order: the same rows as `enrich` of the query's
    scorecard, assembled from each country's kept rows (a copy of each), or that itself (from_kept_parts)."""
    if not selection.members:
        return []
    theme, release_id = selection.theme, q.kept_release(release)
    if not from_kept_parts(selection, release_id):
        card = q.scorecard(list(selection.members), theme, release_id)
        return enrich(card, q.categories(release_id), q.themes(release_id), selection.members)
    q.country_parts(list(selection.members), release_id)  # those not kept yet read together
    rows = [r for c in selection.members for r in _country_rows(release_id, c) if theme is None or r["theme"] == theme]
    return [dict(r) for r in in_display_order(rows, _theme_order(release_id), selection.members)]


def table_frame(selection: Selection, release: str | None) -> pd.DataFrame:
    """table_rows as a frame (the table's columns at least, also when empty)."""
    rows = table_rows(selection, release)
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=[c.id for c in TABLE_COLUMNS])


def table_records(rows: pd.DataFrame | list[Row]) -> list[dict[str, object]]:
    return records(rows, TABLE_COLUMNS)  # ids only: the same in every language


def chart_frame(selection: Selection, release: str | None) -> pd.DataFrame:
    """What the charts draw, as a table (the chart-data download)."""
    codes = list(selection.members[:CHART_MAX])
    if not codes:
        return pd.DataFrame()
    series = _localised(_series(selection, codes, release))
    columns = ["indicator_id", "title", "unit", "country", "name", "year", "value", "source_id"]
    return pd.DataFrame(series, columns=columns)


def _series(selection: Selection, codes: list[str], release: str | None) -> list[Row]:
    """The charts' series: scored indicators only across all themes, every indicator of a chosen theme."""
    release_id, scored_only = q.kept_release(release), selection.theme is None
    if from_kept_parts(selection, release_id):
        return q.kept_series(codes, selection.theme, release_id, scored_only=scored_only)
    return q.series(codes, selection.theme, release_id, scored_only)


def _localised(series: list[Row]) -> list[Row]:
    """Series rows with titles, units and country names in the reader's language."""
    titles, units, local = _Words(ind_text, "title"), _Words(unit_text), names()
    return [{**r, "title": titles(r["indicator_id"], r["title"]), "unit": units(r["unit"]),
             "name": local.get(r["country"], r["name"])} for r in series]  # fmt: skip


def build(selection: Selection, ref: q.Reference, release: str | None, with_table: bool = True) -> Content:
    """Everything the page shows for a selection."""
    content = Content(messages=messages(selection, ref))
    if not selection.members:
        content.heatmap, content.figure = html.P(t("compare.nothing")), empty_figure(t("compare.pick_short"))
        return content
    kept = from_kept_parts(selection, q.kept_release(release))
    rows = table_rows(selection, release)
    scores = (q.kept_theme_scores if kept else q.theme_scores)(list(selection.members), selection.theme, release)
    shown = [(c, ref.names[c]) for c in selection.members[:HEATMAP_MAX]]
    columns = [(code, name, html.A(name, href=href(f"/country/{code}"))) for code, name in shown]
    caption = t("compare.heatmap_caption", year=int(rows[0]["status_year"]) if rows else "")
    codes = [c for c, _ in shown]
    principles = principle_rows((q.kept_principle_scores if kept else q.principle_scores)(codes, release), codes)
    content.heatmap = html.Div(
        [
            html.H3(t("compare.principles_title"), id="compare-principles-title"),
            html.P(t("compare.principles_note"), className="note"),
            heatmap(principles, columns, t("compare.principles_caption"), "compare-principles-table",
                    corner=t("compare.principle")),
            html.H3(t("compare.indicators_title")),
            heatmap(heat_rows(rows, scores), columns, caption, "compare-heatmap-table"),
        ]
    )  # fmt: skip
    content.figure, content.charts_note = _charts(selection, ref, release)
    if with_table:
        content.table = rows
    return content


def _charts(selection: Selection, ref: q.Reference, release: str | None) -> tuple[Figure, str]:
    """Scored indicators only across all themes (fewer charts to draw); a chosen theme adds its context series."""
    codes = list(selection.members[:CHART_MAX])
    series = _localised(_series(selection, codes, release))
    if not series:
        return empty_figure(t("compare.no_series")), ""
    which = t("compare.which_scored") if selection.theme is None else t("compare.which_all")
    note = t("compare.charts_note", which=which, more=t("compare.choose_theme") if selection.theme is None else "")
    title = t("compare.charts_title", names=", ".join(ref.names[c] for c in codes))
    return small_multiples(series, [(c, ref.names[c]) for c in codes], title), note
