"""What /framework shows: areas and principles with their indicators, the coverage matrix (countries x principles)
and the methodology as tables. Builders over dashboard.queries.framework; the page module holds layout and callbacks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import html

from dashboard.components.datatable import Column
from dashboard.components.heatmap import CONTEXT
from dashboard.components.levels import level_badge, style_of
from indicators import trend
from indicators.levels import COLOURED, STATUS_LABELS, TEXT_COLOUR

METHOD_COLUMNS = [
    Column("indicator_id", "Indicator id", width="10rem"),
    Column("title", "Indicator", width="16rem"),
    Column("theme", "Theme"),
    Column("type", "Type"),
    Column("direction", "Direction"),
    Column("unit", "Unit"),
    Column("threshold_basis", "Threshold basis"),
    Column("optimum", "Optimum", numeric=True),
    Column("green", "Green from", numeric=True),
    Column("red", "Red beyond", numeric=True),
    Column("lower_bound", "Lower bound", numeric=True),
    Column("categories", "Categories (code = label: score, level)", width="18rem"),
    Column("weight", "Weight", numeric=True),
    Column("recency_window", "Recency window (years)", numeric=True),
    Column("trend_window", "Trend window (years)", numeric=True),
    Column("headline_sex", "Sex scored"),
    Column("principles", "MFLM principles"),
    Column("source_ids", "Sources"),
]
LEVEL_MEANINGS = {
    "green": "At or beyond the green threshold, or a category scored green.",
    "yellow": "Between the thresholds, in the half nearer green (the midpoint included).",
    "orange": "Between the thresholds, in the half nearer red.",
    "red": "Beyond the red threshold, or a category scored red.",
    "no_data": "No published value; for a principle or theme, coverage below the threshold.",
    "out_of_date": "The latest value is older than the recency window: shown with its year, not scored.",
    "not_known": "A ratification list is partial, so absence says nothing: no score, no colour.",
    "context": "A context indicator: shown beside the scores, never scored.",
}


def _is_true(value: object) -> bool:
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def principle_sections(principles: pd.DataFrame, guidelines: pd.DataFrame, mapped: pd.DataFrame,
                       themes: pd.DataFrame) -> list[html.Section]:  # fmt: skip
    """One section per area, one block per principle: gist, verified flag, guidelines, reading notes, indicators."""
    notes = _reading_notes(themes)
    sections = []
    for (numeral, area_title), part in principles.groupby(["area", "area_title"], sort=False):
        blocks = [
            _principle(p, guidelines, mapped, notes.get(int(p["principle"]), [])) for p in part.to_dict("records")
        ]
        sections.append(html.Section([html.H3(f"{numeral}. {area_title}"), *blocks], className="area"))
    return sections


def _reading_notes(themes: pd.DataFrame) -> dict[int, list[tuple[str, str]]]:
    """A theme's caveat (the dashboard's normative reading) goes under the theme's first principle."""
    notes: dict[int, list[tuple[str, str]]] = {}
    for row in themes.to_dict("records"):
        caveat, first = row.get("caveat"), str(row.get("principles") or "").split(",")[0]
        if isinstance(caveat, str) and caveat.strip() and first.strip().isdigit():
            notes.setdefault(int(first), []).append((str(row["title"]), caveat))
    return notes


def _flag(verified: object, what: str = "wording") -> html.Span:
    if _is_true(verified):
        return html.Span("verified", className="flag flag-verified")
    return html.Span(
        f"{what} to verify", className="flag flag-verify", title="Not yet checked against the ILO publication"
    )


def _principle(p: Mapping[str, object], guidelines: pd.DataFrame, mapped: pd.DataFrame,
               notes: list[tuple[str, str]]) -> html.Div:  # fmt: skip
    number = int(p["principle"])  # type: ignore[call-overload]
    refs = guidelines[guidelines["principle"] == number]
    inds = mapped[mapped["principle"] == number]
    parts: list[Any] = [
        html.H4([f"Principle {number}: {p['title']}", _flag(p["verified"])], id=f"principle-{number}"),
        html.P(str(p["gist"])),
    ]
    if len(refs):
        parts.append(html.Ul([html.Li([f"Guideline {g.guideline}", _flag(g.verified, "number"), f" {g.gist}"])
                              for g in refs.itertuples()], className="guidelines"))  # fmt: skip
    parts += [html.P([html.Strong(f"Reading note ({title}): "), text], className="caveat") for title, text in notes]
    if len(inds):
        items = [html.Li([html.A(r.title, href=f"/indicator/{r.indicator_id}"),
                          "" if r.scored else html.Span(" (context, not scored)", className="context-mark")])
                 for r in inds.itertuples()]  # fmt: skip
        parts += [html.P(f"Indicators mapped ({len(inds)}):"), html.Ul(items, className="indicator-list")]
    else:
        parts.append(html.P("No indicator is mapped to this principle yet: a gap in what the dashboard measures.",
                            className="notice"))  # fmt: skip
    return html.Div(parts, className="principle")


# --- Coverage matrix ---------------------------------------------------------------------------------------------
# A DataTable (sortable, filterable, paged): 251 countries x 15 principles as Dash html components were ~5,000
# components per draw. Cell texts start with the coverage right-aligned in 4 characters ("  0%", " 45%", "100%"), so
# sorting a principle's column as text sorts it by coverage; the words after it say whether an aggregate exists.

NO_INDICATOR = "no scored indicator"
MATRIX_FIXED = [
    Column("country_link", "Country", width="10rem", markdown=True),
    Column("country", "ISO3", width="4rem"),
    Column("un_region", "UN region", width="6rem"),
    Column("aggregates", "Principles with an aggregate", numeric=True, width="6.5rem",
           description="How many principles have enough data (80% coverage) for a score and a colour"),
    Column("mean_coverage", "Average coverage (%)", numeric=True, width="6rem"),
]  # fmt: skip


def matrix_columns(principles: pd.DataFrame) -> list[Column]:
    return MATRIX_FIXED + [
        Column(f"p{int(p.principle)}", f"P{int(p.principle)} {p.title}", width="7.5rem",
               description=f"Principle {int(p.principle)}: {p.title}. Coverage of its scored indicators, and its aggregate")
        for p in principles.itertuples()
    ]  # fmt: skip


def cell_text(coverage: float, score: object, level: object) -> str:
    words = "no aggregate"
    if score is not None and not pd.isna(score) and level in COLOURED:  # type: ignore[call-overload]
        style = style_of(str(level))
        words = f"{style.icon} {style.label}"
    return f"{coverage:>4.0%} · {words}"


def matrix_frame(coverage: pd.DataFrame, principles: pd.DataFrame) -> pd.DataFrame:
    """One row per country (never an aggregate) and one text column pN per principle, sorted by name."""
    cells = coverage.assign(text=[cell_text(c, s, lv) for c, s, lv in
                                  zip(coverage["coverage"], coverage["score"], coverage["level"], strict=True)])  # fmt: skip
    wide = cells.pivot(index=["country", "name", "un_region"], columns="principle", values="text")
    wide.columns = [f"p{int(p)}" for p in wide.columns]
    wide = wide.reset_index()
    for n in principles["principle"]:
        if f"p{int(n)}" not in wide.columns:
            wide[f"p{int(n)}"] = NO_INDICATOR
    has = coverage.assign(has=coverage["score"].notna() & coverage["level"].isin(COLOURED))
    per_country = has.groupby("country").agg(aggregates=("has", "sum"), mean_coverage=("coverage", "mean"))
    wide = wide.merge(per_country, left_on="country", right_index=True, how="left")
    wide["mean_coverage"] = (100 * wide["mean_coverage"]).round(0)
    wide["country_link"] = "[" + wide["name"].str.replace("]", "", regex=False) + "](/country/" + wide["country"] + ")"
    return wide.sort_values("name", kind="stable")


def matrix_styles(principles: pd.DataFrame) -> list[dict[str, object]]:
    """Cell fills from the level words in the cell (the colour repeats what the text says)."""
    styles: list[dict[str, object]] = []
    for n in principles["principle"]:
        col = f"p{int(n)}"
        styles += [{"if": {"column_id": col, "filter_query": f'{{{col}}} contains "{style_of(lv).label}"'},
                    "backgroundColor": style_of(lv).colour, "color": TEXT_COLOUR} for lv in COLOURED]  # fmt: skip
        styles.append({"if": {"column_id": col, "filter_query": f'{{{col}}} contains "no aggregate"'},
                       "backgroundImage": GAP_PATTERN})  # fmt: skip
        styles.append({"if": {"column_id": col, "filter_query": f'{{{col}}} = "{NO_INDICATOR}"'}, "color": "#4D4D4D"})
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
    if "Country" in out:
        out["Country"] = out["Country"].astype(str).str.replace(r"^\[(.*)\]\(.*\)$", r"\1", regex=True)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].str.strip()
    return out


# --- Methodology -------------------------------------------------------------------------------------------------


def _categories_text(categories: list[dict[str, object]]) -> str:
    return "; ".join(f"{c['code']} = {c['label']}: {c['score'] if c['score'] is not None else '-'}, {c['level']}"
                     for c in categories)  # fmt: skip


def method_frame(methodology: Mapping[str, object]) -> pd.DataFrame:
    """One row per indicator: thresholds, categories, weights, windows, principles, sources."""
    rows = []
    for ind_id, ind in dict(methodology.get("indicators") or {}).items():  # type: ignore[call-overload]
        th = ind.get("thresholds") or {}
        rows.append({"indicator_id": ind_id, **{k: ind.get(k) for k in ("title", "theme", "type", "direction", "unit",
                     "threshold_basis", "weight", "recency_window", "trend_window", "headline_sex")},
                     **{k: th.get(k) for k in ("optimum", "green", "red", "lower_bound")},
                     "categories": _categories_text(ind.get("categories") or []),
                     "principles": ", ".join(map(str, ind.get("principles") or [])),
                     "source_ids": ", ".join(ind.get("source_ids") or []), "scored": ind.get("scored")})  # fmt: skip
    return pd.DataFrame(rows, columns=[c.id for c in METHOD_COLUMNS] + ["scored"])


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
    rows = [html.Tr([html.Td(level_badge(k) if k != "context" else _context_badge()), html.Td(LEVEL_MEANINGS[k])])
            for k in keys]  # fmt: skip
    head = html.Thead(html.Tr([html.Th("Level, icon and label", scope="col"), html.Th("Meaning", scope="col")]))
    return html.Table([head, html.Tbody(rows)], className="data-table levels-table")


def _context_badge() -> html.Span:
    return html.Span(f"{CONTEXT.icon} {CONTEXT.label}", className="level-badge level-context",
                     style={"backgroundColor": CONTEXT.colour, "color": TEXT_COLOUR})  # fmt: skip


def trend_rule() -> str:
    """The trend rule as the code applies it (indicators.trend's docstring, the published rule)."""
    doc = trend.__doc__ or ""
    return doc[doc.find("The trend rule") :].strip() if "The trend rule" in doc else doc.strip()


def trend_labels() -> html.Ul:
    return html.Ul([html.Li(f"{trend.TREND_ICONS[k]} {label}") for k, label in trend.TREND_LABELS.items()])
