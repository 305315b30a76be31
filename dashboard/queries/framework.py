"""SQL of `/framework`: areas, principles, guidelines and the indicators mapped to them; the coverage of every
country on every principle; the release's methodology (as stored, for download)."""

from __future__ import annotations

import json

import pandas as pd

from warehouse.connection import cursor

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

# One row per country (never an aggregate) and principle that has scored indicators mapped.
_COVERAGE_SQL = """
SELECT c.iso3 AS country, c.name, c.un_region, s.principle, s.score, s.level, s.coverage, s.n_with_data, s.n_mapped
FROM principle_scores s JOIN countries c ON c.iso3 = s.country
WHERE NOT c.is_aggregate AND ($region IS NULL OR c.un_region = $region)
ORDER BY c.name, s.principle
"""

_REGIONS_SQL = """
SELECT DISTINCT un_region FROM countries WHERE NOT is_aggregate AND un_region IS NOT NULL ORDER BY un_region
"""

_METHODOLOGY_SQL = "SELECT value FROM release_info WHERE key = 'methodology'"


def principles(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_PRINCIPLES_SQL).df()


def guidelines(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_GUIDELINES_SQL).df()


def mapped_indicators(release: str | None = None) -> pd.DataFrame:
    """principle, indicator_id, title, theme, type, unit, scored: every indicator under every principle it serves."""
    _, cur = cursor(release)
    return cur.execute(_MAPPED_SQL).df()


def themes(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_THEMES_SQL).df()


def coverage(region: str | None = None, release: str | None = None) -> pd.DataFrame:
    """Principle aggregates of every country (optionally of one UN region): coverage always, score and level
    only at or above the coverage threshold."""
    _, cur = cursor(release)
    return cur.execute(_COVERAGE_SQL, {"region": region}).df()


def regions(release: str | None = None) -> list[str]:
    _, cur = cursor(release)
    return [r[0] for r in cur.execute(_REGIONS_SQL).fetchall()]


def methodology_text(release: str | None = None) -> tuple[str, str]:
    """(release id, the methodology JSON exactly as the release stores it)."""
    release_id, cur = cursor(release)
    rows = cur.execute(_METHODOLOGY_SQL).fetchall()
    return release_id, rows[0][0] if rows else "{}"


def methodology(release: str | None = None) -> dict[str, object]:
    return json.loads(methodology_text(release)[1])
