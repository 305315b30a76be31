"""`/`: a view ("indicator:female_lfpr", "principle:13", "theme:women") in; per-country map frames, the selector's
options, the country list and headline coverage out (all from the release's score tables)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dashboard import queries
from dashboard.i18n import category_text, ind_text, percent, principle_text, t, theme_text, unit_text
from dashboard.i18n.names import localise_sorted, names, sort_key
from dashboard.queries.indicator import FRAME_COLUMNS, format_number, per_release
from indicators.registry import load_registry
from warehouse.connection import cursor
from warehouse.read import theme_coverage

DEFAULT_VIEW = "indicator:female_lfpr"
KINDS = ("indicator", "principle", "theme")


class View(NamedTuple):
    kind: str  # indicator / principle / theme
    key: str

    @property
    def text(self) -> str:
        return f"{self.kind}:{self.key}"


def parse_view(text: object) -> View | None:
    """'principle:13' -> View('principle', '13'); None when it is not of that shape."""
    if not isinstance(text, str) or ":" not in text:
        return None
    kind, _, key = text.partition(":")
    return View(kind, key.strip()) if kind in KINDS and key.strip() else None


@per_release
def view_options(release: str | None = None) -> list[dict[str, str]]:
    """Themes, then principles, then scored indicators, labelled for people."""
    _, cur = cursor(release)
    themes = cur.execute("SELECT theme_id, title FROM themes ORDER BY title").fetchall()
    principles = cur.execute("SELECT principle, title FROM principles ORDER BY principle").fetchall()
    indicators = cur.execute(
        "SELECT indicator_id, title FROM indicators WHERE direction <> 'context' ORDER BY title"
    ).fetchall()
    themes = sorted(((key, theme_text(key, "title", title)) for key, title in themes), key=lambda x: x[1])
    indicators = sorted(((key, ind_text(key, "title", title)) for key, title in indicators), key=lambda x: x[1])
    return (
        [{"label": t("home.option.theme", title=title), "value": f"theme:{key}"} for key, title in themes]
        + [
            {
                "label": t("home.option.principle", n=n, title=principle_text(n, "title", title)),
                "value": f"principle:{n}",
            }
            for n, title in principles
        ]
        + [{"label": t("home.option.indicator", title=title), "value": f"indicator:{key}"} for key, title in indicators]
    )


@per_release
def country_options(release: str | None = None) -> list[dict[str, str]]:
    """Every country (never an aggregate), by name, for searchable dropdowns."""
    _, cur = cursor(release)
    rows = cur.execute("SELECT iso3, name FROM countries WHERE NOT is_aggregate ORDER BY name").fetchall()
    local = names(release)
    rows = (
        sorted(((iso3, local.get(iso3, name)) for iso3, name in rows), key=lambda r: sort_key(r[1])) if local else rows
    )
    return [{"label": f"{name} ({iso3})", "value": iso3} for iso3, name in rows]


@per_release
def view_frame(view: View, release: str | None = None) -> tuple[pd.DataFrame, str]:
    """(one row per country in FRAME_COLUMNS plus `coverage`, title) of the view at the release's status year.

    Raises KeyError when the indicator, principle or theme is not in the release."""
    frame, title = (
        indicator_frame(view.key, release) if view.kind == "indicator" else group_frame(view.kind, view.key, release)
    )
    return localise_sorted(frame), title


_INDICATOR_SQL = """
SELECT c.iso3, c.name, s.value, s.year, s.changed_year AS since, s.source_id, i.unit,
       coalesce(cat.label, s.value_label) AS label, cat.code,
       CASE WHEN s.value_label = 'not_known' THEN 'not_known'
            WHEN s.out_of_date AND s.year IS NOT NULL THEN 'out_of_date'
            ELSE coalesce(s.level, 'no_data') END AS level,
       CASE WHEN s.value_label = 'not_known' THEN $not_known
            WHEN s.year IS NULL OR (s.value IS NULL AND s.value_label IS NULL) THEN $no_value
            WHEN s.out_of_date THEN replace(replace($old, '{year}', CAST(s.year AS VARCHAR)), '{window}',
                                            CAST(i.recency_window AS VARCHAR))
            ELSE '' END AS note
FROM indicator_scores s
JOIN countries c ON c.iso3 = s.country
JOIN indicators i ON i.indicator_id = s.indicator_id
LEFT JOIN categories cat ON cat.indicator_id = s.indicator_id
     AND (cat.code = s.value_label OR (s.value = round(s.value) AND cat.code = CAST(CAST(s.value AS BIGINT) AS VARCHAR)))
WHERE s.indicator_id = $key AND NOT c.is_aggregate
QUALIFY row_number() OVER (PARTITION BY c.iso3 ORDER BY cat.code = s.value_label DESC) = 1
ORDER BY c.name
"""


def indicator_frame(indicator_id: str, release: str | None = None) -> tuple[pd.DataFrame, str]:
    _, cur = cursor(release)
    title = cur.execute("SELECT title FROM indicators WHERE indicator_id = ?", [indicator_id]).fetchall()
    if not title:
        raise KeyError(indicator_id)
    words = {
        "not_known": t("indicator.note.not_known", label=t("level.not_known")),
        "no_value": t("home.note.no_value"),
        "old": t("home.note.out_of_date"),  # {year} and {window} filled in by the query
    }
    rows = cur.execute(_INDICATOR_SQL, {"key": indicator_id, **words}).df()
    rows["label"] = [
        category_text(indicator_id, code, label) if isinstance(code, str) and isinstance(label, str) else label
        for code, label in zip(rows["code"], rows["label"], strict=True)
    ]
    rows["value_text"] = [
        _value_text(value, label, since, unit)
        for value, label, since, unit in zip(rows["value"], rows["label"], rows["since"], rows["unit"], strict=True)
    ]
    rows["coverage"] = None
    frame = rows.astype({"value": "Float64", "year": "Int64", "since": "Int64"})[[*FRAME_COLUMNS, "coverage"]]
    return frame, ind_text(indicator_id, "title", title[0][0])


def _value_text(value: object, label: object, since: object, unit: str) -> str:
    """'47.3 %', or the category with the year it last changed: 'Ratified, in force (since 2012)'."""
    if isinstance(label, str):
        return label + ("" if pd.isna(since) else t("indicator.since", year=int(since)))  # type: ignore[call-overload]
    if pd.isna(value):  # type: ignore[call-overload]
        return ""
    return f"{format_number(float(value))} {unit_text(unit)}".strip()  # type: ignore[arg-type]


# Every area with a scorecard, with its aggregate where the principle or theme has index indicators for it (a
# principle no public data measure has no rows: every area shows as not measured, never as missing).
_GROUP_SQL = {
    "principle": """
        SELECT c.iso3, c.name, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
        FROM countries c LEFT JOIN principle_scores s ON s.country = c.iso3 AND s.principle = TRY_CAST($key AS INTEGER)
        WHERE NOT c.is_aggregate AND c.iso3 IN (SELECT DISTINCT country FROM indicator_scores) ORDER BY c.name""",
    "theme": """
        SELECT c.iso3, c.name, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
        FROM countries c LEFT JOIN theme_scores s ON s.country = c.iso3 AND s.theme = $key
        WHERE NOT c.is_aggregate AND c.iso3 IN (SELECT DISTINCT country FROM indicator_scores) ORDER BY c.name""",
}
_GROUP_TITLE_SQL = {
    "principle": "SELECT principle, title FROM principles WHERE principle = TRY_CAST(? AS INTEGER)",
    "theme": "SELECT theme_id, title FROM themes WHERE theme_id = ?",
}


def _group_title(kind: str, key: object, title: str) -> str:
    if kind == "principle":
        return t("home.option.principle", n=key, title=principle_text(key, "title", title))
    return theme_text(key, "title", title)


def group_frame(kind: str, key: str, release: str | None = None) -> tuple[pd.DataFrame, str]:
    """A principle's or theme's aggregate per country: score 0-100 and level, or the coverage when too low."""
    _, cur = cursor(release)
    title = cur.execute(_GROUP_TITLE_SQL[kind], [key]).fetchall()
    if not title:
        raise KeyError(f"{kind}:{key}")
    rows = cur.execute(_GROUP_SQL[kind], {"key": key}).df()
    scored = rows["score"].notna()
    frame = pd.DataFrame(
        {
            "iso3": rows["iso3"], "name": rows["name"], "value": rows["score"].round(1), "label": None,
            "unit": unit_text("score 0-100"), "year": pd.NA, "since": pd.NA, "level": rows["level"].fillna("no_data"),
            "source_id": None,
            "coverage": [t("home.coverage_of", n=int(a), of=int(b)) if pd.notna(b) else ""
                         for a, b in zip(rows["n_with_data"], rows["n_mapped"], strict=True)],
        }
    )  # fmt: skip
    frame["value_text"] = [
        t("home.score_of", score=format_number(v)) if ok else "" for v, ok in zip(frame["value"], scored, strict=True)
    ]
    registry = load_registry()
    frame["note"] = [
        _group_note(ok, pct, n, m, registry.coverage_threshold, registry.min_index_indicators)
        for ok, pct, n, m in zip(scored, rows["coverage"], rows["n_with_data"], rows["n_mapped"], strict=True)
    ]
    shown = frame.astype({"value": "Float64", "year": "Int64", "since": "Int64"})[[*FRAME_COLUMNS, "coverage"]]
    return shown, _group_title(kind, title[0][0], title[0][1])


def _group_note(scored: bool, coverage: object, n: object, mapped: object, needed: float, minimum: int) -> str:
    """Why a country has no aggregate: not measured (no index indicator), a single indicator, or low coverage."""
    if scored:
        return ""
    if pd.isna(mapped):  # type: ignore[call-overload]
        return t("scorecard.status.not_measured")
    if int(n) < minimum and float(coverage) >= needed - 1e-9:  # type: ignore[call-overload, arg-type]
        return t("scorecard.status.single_indicator", n=int(n), minimum=minimum)  # type: ignore[call-overload]
    return t("home.note.not_scored", pct=percent(float(coverage)), needed=percent(needed))  # type: ignore[arg-type]


@per_release
def headline(release: str | None = None) -> dict[str, object]:
    """The release summary, the number of sources and the coverage per theme (one answer per release)."""
    return {
        "summary": queries.release_summary(release),
        "sources": len(queries.sources(release)),
        "coverage": headline_coverage(release),
    }


def headline_coverage(release: str | None = None) -> pd.DataFrame:
    """Per theme: theme title, scored indicators, countries with at least one current value, % of cells current."""
    _, cur = cursor(release)
    coverage = theme_coverage(cur)
    titles = {
        key: theme_text(key, "title", title)
        for key, title in cur.execute("SELECT theme_id, title FROM themes").fetchall()
    }
    return coverage.assign(title=coverage["theme"].map(titles))
