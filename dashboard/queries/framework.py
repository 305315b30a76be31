"""SQL of `/framework`: areas, principles, guidelines and the indicators mapped to them; the coverage of every
country on every principle; the release's methodology (as stored, for download)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from warehouse.connection import cursor
from warehouse.memo import memo
from warehouse.practices import by_principle
from warehouse.read import release_info

_PRINCIPLES_SQL = """
SELECT p.principle, p.area, a.title AS area_title, a.position AS area_position, p.title, p.gist, p.verified,
       p.guidelines
FROM principles p JOIN areas a ON a.area = p.area
ORDER BY a.position, p.principle
"""

_GUIDELINES_SQL = "SELECT guideline, principle, gist, verified FROM guidelines ORDER BY principle, guideline"

_MAPPED_SQL = """
SELECT m.principle, i.indicator_id, i.title, i.theme, i.type, i.unit, i.scored
FROM indicator_principles m JOIN indicators i ON i.indicator_id = m.indicator_id
ORDER BY m.principle, i.scored DESC, i.title
"""

_THEMES_SQL = "SELECT theme_id, title, caveat, principles FROM themes"

# One row per country (never an aggregate) and principle that has scored indicators mapped (in no order: the page
# sorts the countries by their names in the reader's language).
# Principles the release's methodology declares not measured by public data are left out: their cells say so.
_COVERAGE_SQL = """
SELECT c.iso3 AS country, c.name, c.un_region, s.principle, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
FROM principle_scores s JOIN countries c ON c.iso3 = s.country
WHERE NOT c.is_aggregate AND ($region IS NULL OR c.un_region = $region) AND NOT list_contains($not_measured, s.principle)
"""

_REGIONS_SQL = """
SELECT DISTINCT un_region FROM countries WHERE NOT is_aggregate AND un_region IS NOT NULL ORDER BY un_region
"""

_METHODOLOGY_SQL = "SELECT value FROM release_info WHERE key = 'methodology'"


# A release never changes once published: its framework tables (a few hundred rows) are read once per release and
# worker, like the other release-wide tables (dashboard/queries/compare.py); frames are copied out.


def principles(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _PRINCIPLES_SQL).copy()


def guidelines(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _GUIDELINES_SQL).copy()


def mapped_indicators(release: str | None = None) -> pd.DataFrame:
    """principle, indicator_id, title, theme, type, unit, scored: every indicator under every principle it serves."""
    return _table(cursor(release)[0], _MAPPED_SQL).copy()


def themes(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _THEMES_SQL).copy()


@memo(32)
def _table(release_id: str, sql: str) -> pd.DataFrame:
    _, cur = cursor(release_id)
    return cur.execute(sql).df()


def practices(release: str | None = None) -> pd.DataFrame:
    """The practices that illustrate each principle (warehouse.practices.by_principle), read once per
    release like the framework's own tables."""
    return _practices(cursor(release)[0]).copy()


@memo(8)
def _practices(release_id: str) -> pd.DataFrame:
    return by_principle(release_id)


def coverage(region: str | None = None, release: str | None = None) -> dict[str, np.ndarray]:
    """Principle aggregates of every country (optionally of one UN region): coverage always, score and level
    only at or above the coverage threshold. Columns as arrays (NULL: masked), not a frame: the page reads them
    into plain rows, and pandas' string columns cost twice the query for 3,000 rows."""
    _, cur = cursor(release)
    method = release_info(cur).get("methodology") or {}
    not_measured = [int(n) for n in method.get("not_measured", [])] if isinstance(method, dict) else []
    return cur.execute(_COVERAGE_SQL, {"region": region, "not_measured": not_measured}).fetchnumpy()


def regions(release: str | None = None) -> list[str]:
    return list(_table(cursor(release)[0], _REGIONS_SQL)["un_region"])


def methodology_text(release: str | None = None) -> tuple[str, str]:
    """(release id, the methodology JSON exactly as the release stores it)."""
    release_id, _ = cursor(release)
    return release_id, _methodology_text(release_id)


@memo(8)
def _methodology_text(release_id: str) -> str:
    _, cur = cursor(release_id)
    rows = cur.execute(_METHODOLOGY_SQL).fetchall()
    return rows[0][0] if rows else "{}"


def methodology(release: str | None = None) -> dict[str, object]:
    return json.loads(methodology_text(release)[1])
