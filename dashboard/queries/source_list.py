"""SQL of `/sources` (named source_list, not sources: `dashboard.queries.sources` is the shared function in
__init__.py, and a submodule of that name would replace it on import): every source with its licence and citation,
its files (checksums, release dates), the indicators it feeds, how many values it gives, and the names and codes
kept apart from the countries."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from warehouse.connection import cursor

_SOURCES_SQL = """
SELECT source_id, title, publisher, url, licence, citation, folder, licence_verified, note
FROM sources ORDER BY title
"""

_FILES_SQL = "SELECT source_id, file, sha256, release_date FROM source_files ORDER BY source_id, file"

_INDICATORS_SQL = "SELECT indicator_id, title, theme, scored, source_ids FROM indicators ORDER BY title"

_UNMATCHED_SQL = """
SELECT source_id, reason, key, file FROM unmatched ORDER BY source_id, reason, key, file
"""

# Values each source gives in this release (country level, aggregates apart, and dated events).
_USAGE_SQL = """
SELECT source_id, sum(n) AS "values", max(countries) AS countries, min(first_year) AS first_year,
       max(last_year) AS last_year
FROM (
  SELECT source_id, count(*) AS n, count(DISTINCT country) AS countries, min(year) AS first_year,
         max(year) AS last_year
  FROM observations GROUP BY source_id
  UNION ALL
  SELECT source_id, count(*), count(DISTINCT country), min(year), max(year) FROM events GROUP BY source_id
) GROUP BY source_id
"""


def sources(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_SOURCES_SQL).df()


def files(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_FILES_SQL).df()


def indicators(release: str | None = None) -> pd.DataFrame:
    """Indicators with their source ids as a list (source_ids is comma-separated in the warehouse)."""
    _, cur = cursor(release)
    frame = cur.execute(_INDICATORS_SQL).df()
    frame["source_list"] = frame["source_ids"].fillna("").str.split(",")
    return frame


def feeds(source_id: str, indicators_frame: pd.DataFrame) -> pd.DataFrame:
    """The indicators whose source_ids include the source."""
    keep = indicators_frame["source_list"].map(lambda ids: source_id in [i.strip() for i in ids])
    return indicators_frame[keep]


def unmatched(release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return cur.execute(_UNMATCHED_SQL).df()


def usage(release: str | None = None) -> pd.DataFrame:
    """Values, countries and years per source; counted once per release (a published release never changes)."""
    return _usage(cursor(release)[0]).copy()


@lru_cache(maxsize=4)
def _usage(release_id: str) -> pd.DataFrame:
    _, cur = cursor(release_id)
    return cur.execute(_USAGE_SQL).df()


def release_id(release: str | None = None) -> str:
    return cursor(release)[0]
