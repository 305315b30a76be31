"""`/`: a view ("indicator:female_lfpr", "principle:13", "theme:women") in; per-country map frames, the selector's
choices, the country list and headline coverage out, as data (all from the release's score tables): values, codes,
levels, years, source ids and English names; the page puts them into words (dashboard/pages/_home_view.py)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dashboard import queries
from dashboard.queries.kept import per_release
from indicators.registry import load_registry
from warehouse.connection import cursor
from warehouse.read import theme_coverage

DEFAULT_VIEW = "indicator:female_lfpr"
KINDS = ("indicator", "principle", "theme")
# An indicator view's rows: `code` and `label` are the category's code and English label (the published value
# label without a category); `note` says why a value is not scored, as a code (not_known, no_value, out_of_date;
# '' when it is); `window` is the recency window in years.
INDICATOR_COLUMNS = ["iso3", "name", "value", "code", "label", "unit", "year", "since", "level", "source_id", "note",
                     "window"]  # fmt: skip
# A principle's or theme's rows: the score (0-100, one decimal), its level, why there is none as a code
# (not_measured, single_indicator, not_scored; '' when there is one) and the indicators behind it.
GROUP_COLUMNS = ["iso3", "name", "value", "level", "note", "coverage", "n_with_data", "n_mapped"]


class View(NamedTuple):
    kind: str  # indicator / principle / theme
    key: str

    @property
    def text(self) -> str:
        return f"{self.kind}:{self.key}"


class ViewFrame(NamedTuple):
    frame: pd.DataFrame  # one row per country, by English name: INDICATOR_COLUMNS or GROUP_COLUMNS
    key: object  # the indicator id, principle number or theme id as the release holds it
    title: str  # its English title


class Choices(NamedTuple):
    """What the view selector offers, as (key, English title): themes and scored indicators by title, principles by
    number."""

    themes: list[tuple[str, str]]
    principles: list[tuple[int, str]]
    indicators: list[tuple[str, str]]


def parse_view(text: object) -> View | None:
    """'principle:13' -> View('principle', '13'); None when it is not of that shape."""
    if not isinstance(text, str) or ":" not in text:
        return None
    kind, _, key = text.partition(":")
    return View(kind, key.strip()) if kind in KINDS and key.strip() else None


@per_release
def view_choices(release: str | None = None) -> Choices:
    """Themes, principles and scored indicators (context series are not scored: not offered)."""
    _, cur = cursor(release)
    return Choices(
        cur.execute("SELECT theme_id, title FROM themes ORDER BY title").fetchall(),
        cur.execute("SELECT principle, title FROM principles ORDER BY principle").fetchall(),
        cur.execute(
            "SELECT indicator_id, title FROM indicators WHERE direction <> 'context' ORDER BY title"
        ).fetchall(),
    )


@per_release
def countries(release: str | None = None) -> list[tuple[str, str]]:
    """Every country (never an aggregate) as (iso3, English name), by name."""
    _, cur = cursor(release)
    return cur.execute("SELECT iso3, name FROM countries WHERE NOT is_aggregate ORDER BY name").fetchall()


@per_release
def view_frame(view: View, release: str | None = None) -> ViewFrame:
    """The view's rows per country at the release's status year, with its key and English title.

    Raises KeyError when the indicator, principle or theme is not in the release."""
    if view.kind == "indicator":
        return indicator_frame(view.key, release)
    return group_frame(view.kind, view.key, release)


_INDICATOR_SQL = """
SELECT c.iso3, c.name, s.value, cat.code, coalesce(cat.label, s.value_label) AS label, i.unit, s.year,
       s.changed_year AS since,
       CASE WHEN s.value_label = 'not_known' THEN 'not_known'
            WHEN s.out_of_date AND s.year IS NOT NULL THEN 'out_of_date'
            ELSE coalesce(s.level, 'no_data') END AS level,
       s.source_id,
       CASE WHEN s.value_label = 'not_known' THEN 'not_known'
            WHEN s.year IS NULL OR (s.value IS NULL AND s.value_label IS NULL) THEN 'no_value'
            WHEN s.out_of_date THEN 'out_of_date'
            ELSE '' END AS note,
       i.recency_window AS "window"
FROM indicator_scores s
JOIN countries c ON c.iso3 = s.country
JOIN indicators i ON i.indicator_id = s.indicator_id
LEFT JOIN categories cat ON cat.indicator_id = s.indicator_id
     AND (cat.code = s.value_label OR (s.value = round(s.value) AND cat.code = CAST(CAST(s.value AS BIGINT) AS VARCHAR)))
WHERE s.indicator_id = $key AND NOT c.is_aggregate
QUALIFY row_number() OVER (PARTITION BY c.iso3 ORDER BY cat.code = s.value_label DESC) = 1
ORDER BY c.name
"""


def indicator_frame(indicator_id: str, release: str | None = None) -> ViewFrame:
    _, cur = cursor(release)
    title = cur.execute("SELECT title FROM indicators WHERE indicator_id = ?", [indicator_id]).fetchall()
    if not title:
        raise KeyError(indicator_id)
    rows = cur.execute(_INDICATOR_SQL, {"key": indicator_id}).df()
    frame = rows.astype({"value": "Float64", "year": "Int64", "since": "Int64"})[INDICATOR_COLUMNS]
    return ViewFrame(frame, indicator_id, title[0][0])


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


def group_frame(kind: str, key: str, release: str | None = None) -> ViewFrame:
    """A principle's or theme's aggregate per country: score 0-100 and level, or why there is none (`note`)."""
    _, cur = cursor(release)
    title = cur.execute(_GROUP_TITLE_SQL[kind], [key]).fetchall()
    if not title:
        raise KeyError(f"{kind}:{key}")
    rows = cur.execute(_GROUP_SQL[kind], {"key": key}).df()
    registry = load_registry()
    notes = [
        _group_note(score, coverage, n, mapped, registry.coverage_threshold, registry.min_index_indicators)
        for score, coverage, n, mapped in zip(*(rows[c] for c in ("score", "coverage", "n_with_data", "n_mapped")),
                                              strict=True)
    ]  # fmt: skip
    frame = rows.assign(value=rows["score"].round(1).astype("Float64"), level=rows["level"].fillna("no_data"),
                        note=notes)  # fmt: skip
    return ViewFrame(frame[GROUP_COLUMNS], title[0][0], title[0][1])


def _group_note(score: object, coverage: object, n: object, mapped: object, needed: float, minimum: int) -> str:
    """Why a country has no aggregate: not_measured (no index indicator), single_indicator, or not_scored (low
    coverage); '' when it has one."""
    if pd.notna(score):  # type: ignore[call-overload]
        return ""
    if pd.isna(mapped):  # type: ignore[call-overload]
        return "not_measured"
    if int(n) < minimum and float(coverage) >= needed - 1e-9:  # type: ignore[call-overload, arg-type]
        return "single_indicator"
    return "not_scored"


@per_release
def headline(release: str | None = None) -> dict[str, object]:
    """The release summary, the number of sources and the coverage per theme (one answer per release)."""
    return {
        "summary": queries.release_summary(release),
        "sources": len(queries.sources(release)),
        "coverage": headline_coverage(release),
    }


def headline_coverage(release: str | None = None) -> pd.DataFrame:
    """Per theme: theme id and English title, scored indicators, countries with at least one current value, % of
    cells current."""
    _, cur = cursor(release)
    coverage = theme_coverage(cur)
    titles = dict(cur.execute("SELECT theme_id, title FROM themes").fetchall())
    return coverage.assign(title=coverage["theme"].map(titles))
