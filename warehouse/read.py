"""Queries shared by the CLI, the API and the pages: tidy exports and release facts. Parameters only, no SQL
built from user input."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

EXPORT_COLUMNS = [
    "indicator",
    "country",
    "year",
    "sex",
    "partner_country",
    "value",
    "value_label",
    "unit",
    "source_id",
    "flags",
]

_OBSERVATIONS_SQL = """
SELECT indicator_id AS indicator, country, year, sex, partner_country, value, value_label, unit, source_id, flags
FROM observations
WHERE indicator_id = $indicator
  AND ($country IS NULL OR country = $country)
  AND ($year_from IS NULL OR year >= $year_from) AND ($year_to IS NULL OR year <= $year_to)
  AND ($sex IS NULL OR sex = $sex) AND ($partner IS NULL OR partner_country = $partner)
ORDER BY country, year, sex, partner_country
LIMIT $limit OFFSET $offset
"""

# Events have no value: the status is the label, the note and date travel in flags.
_EVENTS_SQL = """
SELECT e.indicator_id AS indicator, e.country, e.year, 'total' AS sex, e.partner_country,
       CAST(NULL AS DOUBLE) AS value, e.status AS value_label, 'event' AS unit, e.source_id,
       concat_ws(';', CASE WHEN e.event_date IS NOT NULL THEN 'date=' || e.event_date END,
                 CASE WHEN e.note IS NOT NULL THEN 'note=' || replace(e.note, ';', ',') END) AS flags
FROM events e
WHERE e.indicator_id = $indicator
  AND ($country IS NULL OR e.country = $country)
  AND ($year_from IS NULL OR e.year >= $year_from) AND ($year_to IS NULL OR e.year <= $year_to)
  AND ($partner IS NULL OR e.partner_country = $partner)
  AND ($sex IS NULL OR $sex = 'total')
ORDER BY e.country, e.year NULLS FIRST, e.status
LIMIT $limit OFFSET $offset
"""


def indicator_type(cur: duckdb.DuckDBPyConnection, indicator_id: str) -> str | None:
    row = cur.execute("SELECT type FROM indicators WHERE indicator_id = ?", [indicator_id]).fetchall()
    return row[0][0] if row else None


def export_rows(
    cur: duckdb.DuckDBPyConnection,
    indicator: str,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    sex: str | None = None,
    partner: str | None = None,
    limit: int = 1_000_000,
    offset: int = 0,
) -> pd.DataFrame:
    """Tidy rows for one indicator (observations, or events for event indicators)."""
    sql = _EVENTS_SQL if indicator_type(cur, indicator) == "event" else _OBSERVATIONS_SQL
    params = {
        "indicator": indicator, "country": country, "year_from": year_from, "year_to": year_to,
        "sex": sex, "partner": partner, "limit": limit, "offset": offset,
    }  # fmt: skip
    return cur.execute(sql, params).df()[EXPORT_COLUMNS]


def release_info(cur: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return {key: json.loads(value) for key, value in cur.execute("SELECT key, value FROM release_info").fetchall()}


def table_counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
    return {name: cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in names}  # noqa: S608


_THEME_COVERAGE_SQL = """
WITH cells AS (
  SELECT i.theme, s.country, s.indicator_id, s.level <> 'no_data' AND NOT s.out_of_date AS current
  FROM indicator_scores s JOIN indicators i ON i.indicator_id = s.indicator_id
  WHERE i.direction <> 'context'
)
SELECT theme, count(DISTINCT indicator_id) AS indicators, count(DISTINCT country) AS countries,
       round(100.0 * avg(CASE WHEN current THEN 1 ELSE 0 END), 1) AS pct_cells_with_current_data,
       count(DISTINCT CASE WHEN current THEN country END) AS countries_with_any_data
FROM cells GROUP BY theme ORDER BY theme
"""


def theme_coverage(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(_THEME_COVERAGE_SQL).df()


_UN_COVERAGE_SQL = """
WITH members AS (SELECT iso3 FROM countries WHERE un_member),
groups AS (
  SELECT 'theme' AS kind, theme_id AS key, 0 AS ord FROM themes
  UNION ALL SELECT 'principle', CAST(principle AS VARCHAR), principle FROM principles
),
scored AS (
  SELECT 'theme' AS kind, theme AS key, count(score) AS n FROM theme_scores
  WHERE country IN (SELECT iso3 FROM members) GROUP BY ALL
  UNION ALL
  SELECT 'principle', CAST(principle AS VARCHAR), count(score) FROM principle_scores
  WHERE country IN (SELECT iso3 FROM members) GROUP BY ALL
)
SELECT g.kind, g.key, coalesce(s.n, 0) AS un_members_scored, (SELECT count(*) FROM members) AS un_members
FROM groups g LEFT JOIN scored s USING (kind, key) ORDER BY g.kind DESC, g.ord, g.key
"""
COVERAGE_TARGETS = {"theme": 0.9, "principle": 0.8}  # issue 14: themes for 90 % of UN members, principles 80 %


def un_member_coverage(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per theme and principle: UN member states with a score, the share, the target, and whether it is met (a
    principle the methodology declares not measured by public data meets it by declaration)."""
    frame = cur.execute(_UN_COVERAGE_SQL).df()
    method = release_info(cur).get("methodology") or {}
    not_measured = {str(n) for n in method.get("not_measured", [])} if isinstance(method, dict) else set()
    frame["pct"] = (100 * frame["un_members_scored"] / frame["un_members"].where(frame["un_members"] > 0)).round(1)
    frame["target_pct"] = frame["kind"].map(COVERAGE_TARGETS) * 100
    declared = (frame["kind"] == "principle") & frame["key"].isin(not_measured)
    frame["status"] = "below target"
    frame.loc[frame["pct"] >= frame["target_pct"], "status"] = "met"
    frame.loc[declared, "status"] = "declared not measured"
    return frame
