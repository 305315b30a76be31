"""What /framework shows: areas and principles with their indicators, the coverage matrix (countries x principles)
and the methodology as tables. Builders over dashboard.queries.framework; the page module holds layout and callbacks."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from dash import html

from dashboard.components.datatable import Column
from dashboard.components.heatmap import CONTEXT
from dashboard.components.levels import level_badge, style_of
from dashboard.i18n import (
    area_text,
    category_text,
    current_lang,
    group_text,
    guideline_text,
    has,
    href,
    ind_text,
    note_text,
    principle_text,
    t,
    theme_text,
    use_lang,
)
from dashboard.i18n.names import names, sort_key
from dashboard.memo import memo
from dashboard.pages._practice_view import principle_block
from dashboard.queries import framework as q
from indicators import trend
from indicators.levels import COLOURED, STATUS_LABELS, TEXT_COLOUR
from warehouse.connection import cursor


def method_columns() -> list[Column]:
    """The methodology table's columns, headed in the reader's language."""
    return [
        Column("indicator_id", t("compare.col.indicator_id"), width="10rem"),
        Column("title", t("col.indicator"), width="16rem"),
        Column("theme", t("col.theme")),
        Column("type", t("indicator.type_label")),
        Column("direction", t("indicator.direction_label")),
        Column("unit", t("col.unit")),
        Column("threshold_basis", t("indicator.basis_label")),
        Column("optimum", t("framework.col.optimum"), numeric=True),
        Column("green", t("framework.col.green"), numeric=True),
        Column("red", t("framework.col.red"), numeric=True),
        Column("lower_bound", t("framework.col.lower_bound"), numeric=True),
        Column("categories", t("framework.col.categories"), width="18rem"),
        Column("weight", t("framework.col.weight"), numeric=True),
        Column("recency_window", t("framework.col.recency"), numeric=True),
        Column("trend_window", t("framework.col.trend"), numeric=True),
        Column("headline_sex", t("framework.col.sex")),
        Column("principles", t("indicator.principles_label")),
        Column("source_ids", t("indicator.sources_label")),
    ]


METHOD_COLUMNS = method_columns()  # English (import time); the page calls method_columns()
LEVEL_KEYS = (
    "green",
    "yellow",
    "orange",
    "red",
    "no_data",
    "out_of_date",
    "not_known",
    "not_applicable",
    "suspect",
    "context",
)  # levelmeaning.*


def no_indicator() -> str:
    """What a matrix cell says for a principle no scored indicator measures."""
    return t("framework.no_indicator")


def no_aggregate() -> str:
    return t("framework.no_aggregate")


def note_title(key: str) -> str:
    """The heading of a methodology note (recency, category_scores, events, entry_into_force)."""
    name = f"framework.note.{key}"
    return t(name) if has(name) else key.replace("_", " ").capitalize()


def _is_true(value: object) -> bool:
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def principle_sections(principles: pd.DataFrame, guidelines: pd.DataFrame, mapped: pd.DataFrame,
                       themes: pd.DataFrame, practices: pd.DataFrame | None = None) -> list[html.Section]:  # fmt: skip
    """One section per area, one block per principle: gist, verified flag, guidelines, reading notes, indicators,
    and the practices that illustrate it beside their country's score (dashboard/pages/_practice_view.py). The
    frames are split by principle once (plain rows), not filtered once per principle."""
    notes = _reading_notes(themes)
    refs, inds = _by_principle(guidelines), _by_principle(mapped)
    illustrated = set() if practices is None or practices.empty else {int(n) for n in practices["principle"]}
    areas: dict[tuple[str, str], list[html.Div]] = {}
    for p in principles.to_dict("records"):
        number = int(p["principle"])
        block = _principle(p, refs.get(number, []), inds.get(number, []), notes.get(number, []))
        block = _with_practices(block, number, practices if number in illustrated else None)
        areas.setdefault((str(p["area"]), str(p["area_title"])), []).append(block)
    return [html.Section([html.H3(f"{numeral}. {area_text(numeral, title)}"), *blocks], className="area")
            for (numeral, title), blocks in areas.items()]  # fmt: skip


def _by_principle(frame: pd.DataFrame) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in frame.to_dict("records"):
        out.setdefault(int(row["principle"]), []).append(row)
    return out


def _with_practices(block: html.Div, number: int, practices: pd.DataFrame | None) -> html.Div:
    extra = None if practices is None else principle_block(number, practices)
    if extra is not None:
        block.children.append(extra)  # type: ignore[union-attr]
    return block


def _reading_notes(themes: pd.DataFrame) -> dict[int, list[tuple[str, str]]]:
    """A theme's caveat (the dashboard's normative reading) goes under the theme's first principle."""
    notes: dict[int, list[tuple[str, str]]] = {}
    for row in themes.to_dict("records"):
        caveat, first = row.get("caveat"), str(row.get("principles") or "").split(",")[0]
        if isinstance(caveat, str) and caveat.strip() and first.strip().isdigit():
            notes.setdefault(int(first), []).append(
                (
                    theme_text(row.get("theme_id"), "title", str(row["title"])),
                    theme_text(row.get("theme_id"), "caveat", caveat),
                )
            )
    return notes


def _flag(verified: object, citation: object = None) -> html.Span | str:
    """A "verified" badge (its citation as the title) where the entry was checked; nothing otherwise: unverified
    entries are listed in the methodology, not flagged as an editorial to-do on the public page."""
    if not _is_true(verified):
        return ""
    return html.Span(t("framework.verified"), className="flag flag-verified", title=str(citation or ""))


def _principle(p: Mapping[str, object], refs: list[dict[str, Any]], inds: list[dict[str, Any]],
               notes: list[tuple[str, str]]) -> html.Div:  # fmt: skip
    number = int(p["principle"])  # type: ignore[call-overload]
    parts: list[Any] = [
        html.H4([t("home.option.principle", n=number, title=principle_text(number, "title", p["title"])),
                 _flag(p["verified"], p.get("citation"))], id=f"principle-{number}"),
        html.P(str(principle_text(number, "gist", p["gist"]))),
    ]  # fmt: skip
    if refs:
        parts.append(html.Ul([html.Li([t("framework.guideline", n=g["guideline"]), _flag(g["verified"], g.get("citation")),
                                       f" {guideline_text(g['guideline'], g['gist'])}"])
                              for g in refs], className="guidelines"))  # fmt: skip
    parts += [html.P([html.Strong(t("framework.reading_note", title=title)), text], className="caveat")
              for title, text in notes]  # fmt: skip
    if inds:
        context = t("framework.context_mark")
        items = [html.Li([html.A(ind_text(r["indicator_id"], "title", r["title"]), href=href(f"/indicator/{r['indicator_id']}")),
                          "" if r["scored"] else html.Span(context, className="context-mark")])
                 for r in inds]  # fmt: skip
        parts += [html.P(t("framework.mapped", n=len(inds))), html.Ul(items, className="indicator-list")]
    else:
        parts.append(html.P(t("framework.gap"), className="notice"))
    return html.Div(parts, className="principle")


# --- Coverage matrix ---------------------------------------------------------------------------------------------
# A DataTable (sortable, filterable, paged): 251 countries x 15 principles as Dash html components were ~5,000
# components per draw. Cell texts start with the coverage right-aligned in 4 characters ("  0%", " 45%", "100%"), so
# sorting a principle's column as text sorts it by coverage; the words after it say whether an aggregate exists.

NO_INDICATOR = "not measured by public data"  # English; cells say no_indicator() in the reader's language


def matrix_fixed() -> list[Column]:
    return [
        Column("country_link", t("col.country"), width="10rem", markdown=True),
        Column("country", t("col.iso3"), width="4rem"),
        Column("un_region", t("col.un_region"), width="6rem"),
        Column("aggregates", t("framework.col.aggregates"), numeric=True, width="6.5rem",
               description=t("framework.col.aggregates_help")),
        Column("mean_coverage", t("framework.col.mean_coverage"), numeric=True, width="6rem"),
    ]  # fmt: skip


def matrix_columns(principles: pd.DataFrame) -> list[Column]:
    titles = [(int(n), principle_text(n, "title", x)) for n, x in zip(principles["principle"].tolist(),
                                                                       principles["title"].tolist(), strict=True)]  # fmt: skip
    return matrix_fixed() + [
        Column(f"p{n}", f"P{n} {title}", width="7.5rem",
               description=t("framework.col.principle_help", n=n, title=title))
        for n, title in titles
    ]  # fmt: skip


def cell_text(coverage: float, score: object, level: object) -> str:
    words = no_aggregate()
    if score is not None and not pd.isna(score) and level in COLOURED:  # type: ignore[call-overload]
        style = style_of(str(level))
        words = f"{style.icon} {style.label}"
    return f"{coverage:>4.0%} · {words}"


def matrix_rows(coverage: Mapping[str, Any], principles: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per country (never an aggregate) and one text pN per principle, sorted by name: plain rows built in
    one pass over the coverage columns (queries.framework.coverage; a pandas pivot, merge and a text per cell cost
    ~40 ms for 250 x 15 cells)."""
    local, gap, texts = names(), no_indicator(), _cell_texts()
    wanted = dict.fromkeys(f"p{int(n)}" for n in principles["principle"])
    regions: dict[object, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    sums: dict[str, list[float]] = {}
    columns = ("country", "name", "un_region", "principle", "score", "level", "coverage")
    for country, name, region, principle, score, level, share in zip(
        *(coverage[c].tolist() for c in columns), strict=True
    ):
        row = rows.get(country)
        if row is None:
            if region not in regions:
                regions[region] = group_text(region)
            row = rows[country] = {"country": country, "name": local.get(country, name), "un_region": regions[region],
                                   **dict.fromkeys(wanted, gap)}  # fmt: skip
            sums[country] = [0, 0.0, 0]
        has = score is not None and not math.isnan(score) and level in COLOURED
        row[f"p{int(principle)}"] = texts(share, level if has else None)
        acc = sums[country]  # aggregates, sum of coverage, principles
        acc[0], acc[1], acc[2] = acc[0] + has, acc[1] + share, acc[2] + 1
    path, _, query = href("/country/XXX").replace("XXX", "").partition("?")  # with ?lang= when not in English
    suffix = "?" + query if query else ""
    for country, row in rows.items():
        aggregates, total, n = sums[country]
        row["aggregates"], row["mean_coverage"] = int(aggregates), round(100 * total / n, 0)
        row["country_link"] = f"[{str(row['name']).replace(']', '')}]({path}{country}{suffix})"
    order = (lambda r: sort_key(r["name"])) if local else (lambda r: str(r["name"]))
    return sorted(rows.values(), key=order)


def matrix(region: str | None, release: str | None) -> list[dict[str, Any]]:
    """matrix_rows of the release (or of one UN region), the same for every reader: kept per release, language and
    region (a view frame, like the home page's). Shared rows: callers copy what they change (records() does)."""
    return _matrix(cursor(release)[0], current_lang(), region)


@memo(32)
def _matrix(release_id: str, lang: str, region: str | None) -> list[dict[str, Any]]:
    with use_lang(lang):
        return matrix_rows(q.coverage(region, release_id), q.principles(release_id))


def matrix_frame(coverage: Mapping[str, Any], principles: pd.DataFrame) -> pd.DataFrame:
    """matrix_rows as a frame (tests, downloads)."""
    return pd.DataFrame(matrix_rows(coverage, principles))


def _cell_texts() -> Callable[[float, str | None], str]:
    """cell_text for (coverage, level of an aggregate or None), each distinct pair written once per table."""
    words: dict[str, str] = {lv: f"{style_of(lv).icon} {style_of(lv).label}" for lv in COLOURED}
    gap = no_aggregate()
    kept: dict[tuple[float, str | None], str] = {}

    def text(coverage: float, level: str | None) -> str:
        key = (coverage, level)
        if key not in kept:
            kept[key] = f"{coverage:>4.0%} · {words[level] if level is not None else gap}"
        return kept[key]

    return text


def matrix_styles(principles: pd.DataFrame) -> list[dict[str, object]]:
    """Cell fills from the level words in the cell (the colour repeats what the text says)."""
    fills = [(style_of(lv).label, style_of(lv).colour) for lv in COLOURED]
    gap, none = no_aggregate(), no_indicator()
    styles: list[dict[str, object]] = []
    for n in principles["principle"]:
        col = f"p{int(n)}"
        styles += [{"if": {"column_id": col, "filter_query": f'{{{col}}} contains "{label}"'},
                    "backgroundColor": colour, "color": TEXT_COLOUR} for label, colour in fills]  # fmt: skip
        styles.append({"if": {"column_id": col, "filter_query": f'{{{col}}} contains "{gap}"'},
                       "backgroundImage": GAP_PATTERN})  # fmt: skip
        styles.append({"if": {"column_id": col, "filter_query": f'{{{col}}} = "{none}"'}, "color": "#4D4D4D"})
    return styles


GAP_PATTERN = "repeating-linear-gradient(135deg, #FFFFFF 0 6px, #E3E3E3 6px 8px)"


def sort_by(sort: str | None, columns: list[Column]) -> list[dict[str, str]]:
    """?sort=p9 (ascending: gaps first), ?sort=-aggregates (descending), ?sort=-aggregates,p9 as the table's sort_by;
    unknown columns are ignored."""
    known = {c.id for c in columns}
    out = []
    for part in (sort or "").split(","):
        column = part.strip().lstrip("-")
        if column in known:
            out.append({"column_id": column, "direction": "desc" if part.strip().startswith("-") else "asc"})
    return out


def sort_param(sort: list[dict[str, str]] | None) -> str | None:
    """The table's sort columns as ?sort= text."""
    parts = [("-" if s.get("direction") == "desc" else "") + str(s.get("column_id")) for s in sort or []]
    return ",".join(parts) or None


def matrix_csv_frame(shown: pd.DataFrame) -> pd.DataFrame:
    """The table as shown with plain texts: the country's name instead of its link, cells without padding."""
    out = shown.copy()
    country = t("col.country")
    if country in out:
        out[country] = out[country].astype(str).str.replace(r"^\[(.*)\]\(.*\)$", r"\1", regex=True)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].str.strip()
    return out


# --- Methodology -------------------------------------------------------------------------------------------------


def _categories_text(indicator_id: str, categories: list[dict[str, object]]) -> str:
    return "; ".join(f"{c['code']} = {category_text(indicator_id, str(c['code']), str(c['label']))}: "
                     f"{c['score'] if c['score'] is not None else '-'}, {c['level']}"
                     for c in categories)  # fmt: skip


def method_frame(methodology: Mapping[str, object]) -> pd.DataFrame:
    """One row per indicator: thresholds, categories, weights, windows, principles, sources."""
    rows = []
    for ind_id, ind in dict(methodology.get("indicators") or {}).items():  # type: ignore[call-overload]
        th = ind.get("thresholds") or {}
        rows.append({"indicator_id": ind_id, **{k: ind.get(k) for k in ("title", "theme", "type", "direction", "unit",
                     "threshold_basis", "weight", "recency_window", "trend_window", "headline_sex")},
                     **{k: th.get(k) for k in ("optimum", "green", "red", "lower_bound")},
                     "categories": _categories_text(ind_id, ind.get("categories") or []),
                     "principles": ", ".join(map(str, ind.get("principles") or [])),
                     "source_ids": ", ".join(ind.get("source_ids") or []), "scored": ind.get("scored")})  # fmt: skip
    frame = pd.DataFrame(rows, columns=[c.id for c in METHOD_COLUMNS] + ["scored"])
    frame["title"] = [ind_text(i, "title", x) for i, x in zip(frame["indicator_id"], frame["title"], strict=True)]
    return frame


def method_csv_frame(methodology: Mapping[str, object]) -> pd.DataFrame:
    """The methodology flattened: one row per indicator, or per category for category tables."""
    rows = []
    for ind_id, ind in dict(methodology.get("indicators") or {}).items():  # type: ignore[call-overload]
        base = {"methodology_version": methodology.get("methodology_version"), "indicator_id": ind_id,
                **{k: v for k, v in ind.items() if k not in ("thresholds", "categories", "caveat")},
                **(ind.get("thresholds") or {}), "coverage_threshold": methodology.get("coverage_threshold")}  # fmt: skip
        for key in ("principles", "source_ids"):
            base[key] = ",".join(map(str, base.get(key) or []))
        for cat in ind.get("categories") or [{}]:
            rows.append({**base, **{f"category_{k}": v for k, v in cat.items()}})
    return pd.DataFrame(rows)


def levels_table() -> html.Table:
    keys = [*COLOURED, "no_data", *STATUS_LABELS, "context"]
    rows = [html.Tr([html.Td(level_badge(k) if k != "context" else _context_badge()), html.Td(t(f"levelmeaning.{k}"))])
            for k in keys]  # fmt: skip
    head = html.Thead(html.Tr([html.Th(t("framework.level_head"), scope="col"),
                               html.Th(t("framework.meaning"), scope="col")]))  # fmt: skip
    return html.Table([head, html.Tbody(rows)], className="data-table levels-table")


def _context_badge() -> html.Span:
    return html.Span(f"{CONTEXT.icon} {t('level.context')}", className="level-badge level-context",
                     style={"backgroundColor": CONTEXT.colour, "color": TEXT_COLOUR})  # fmt: skip


def trend_rule() -> str:
    """The trend rule as the code applies it (indicators.trend's docstring, the published rule)."""
    doc = trend.__doc__ or ""
    rule = doc[doc.find("The trend rule") :].strip() if "The trend rule" in doc else doc.strip()
    return str(note_text("trend_rule", rule))


def trend_labels() -> html.Ul:
    return html.Ul([html.Li(f"{trend.TREND_ICONS[k]} {t(f'trend.{k}')}") for k in trend.TREND_LABELS])
