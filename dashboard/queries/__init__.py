"""Every SQL the pages run (one module per page beside this one; shared queries here), through the per-process
read-only connection to the published release. The read model returns data: values, codes, levels (from the
registry where the release has none), years, flags, source ids and the release's English names; the pages put them
into words (dashboard/pages/ and its view modules), so a query's answer and its memo key hold no language
(kept.py; tests/test_layers.py checks that nothing here imports the catalogue, components or pages)."""

from __future__ import annotations

import pandas as pd

from warehouse.connection import cursor
from warehouse.read import release_info


def release_summary(release: str | None = None) -> dict[str, object]:
    release_id, cur = cursor(release)
    info = release_info(cur)
    countries = cur.execute("SELECT count(*) FROM countries WHERE NOT is_aggregate").fetchall()[0][0]
    with_data = cur.execute(
        "SELECT count(DISTINCT country) FROM observations o JOIN countries c ON c.iso3 = o.country WHERE NOT c.is_aggregate"
    ).fetchall()[0][0]
    return {
        "release_id": release_id,
        "created_at": info["created_at"],
        "status_year": info["status_year"],
        "methodology_version": info["methodology_version"],
        "countries": countries,
        "countries_with_data": with_data,
    }


def indicators_per_theme(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(
        """SELECT t.title AS theme, count(*) AS indicators,
                  count(*) FILTER (WHERE i.direction <> 'context') AS scored
           FROM indicators i JOIN themes t ON t.theme_id = i.theme GROUP BY t.title ORDER BY t.title"""
    ).df()


def sources(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(
        """SELECT s.source_id AS id, s.title, s.publisher, s.licence, s.citation, s.url, max(f.release_date) AS release_date
           FROM sources s LEFT JOIN source_files f ON f.source_id = s.source_id
           GROUP BY ALL ORDER BY s.title"""
    ).df()
