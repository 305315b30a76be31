"""SQL of `/sources` (named source_list, not sources: `dashboard.queries.sources` is the shared function in
__init__.py, and a submodule of that name would replace it on import): every source with its licence and citation,
its files (checksums, release dates), the indicators it feeds, how many values it gives, and the names and codes
kept apart from the countries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from warehouse.connection import cursor
from warehouse.memo import memo

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


# A release never changes once published: its source tables (a few hundred rows) are read once per release and
# worker, like the usage counts below; frames are copied out.


def sources(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _SOURCES_SQL).copy()


def files(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _FILES_SQL).copy()


def indicators(release: str | None = None) -> pd.DataFrame:
    """Indicators with their source ids as a list (source_ids is comma-separated in the warehouse)."""
    frame = _table(cursor(release)[0], _INDICATORS_SQL).copy()
    frame["source_list"] = frame["source_ids"].fillna("").str.split(",")
    return frame


@memo(16)
def _table(release_id: str, sql: str) -> pd.DataFrame:
    _, cur = cursor(release_id)
    return cur.execute(sql).df()


def feeds_by_source(indicators_frame: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    """source id -> the indicators whose source_ids include it (rows, in the frame's order), in one pass."""
    out: dict[str, list[dict[str, object]]] = {}
    for row in indicators_frame.to_dict("records"):
        for source_id in dict.fromkeys(i.strip() for i in row["source_list"]):
            out.setdefault(source_id, []).append(row)
    return out


def unmatched(release: str | None = None) -> pd.DataFrame:
    return _table(cursor(release)[0], _UNMATCHED_SQL).copy()


def usage(release: str | None = None) -> pd.DataFrame:
    """Values, countries and years per source; counted once per release (a published release never changes)."""
    return _usage(cursor(release)[0]).copy()


@memo(4)
def _usage(release_id: str) -> pd.DataFrame:
    _, cur = cursor(release_id)
    return cur.execute(_USAGE_SQL).df()


def release_id(release: str | None = None) -> str:
    return cursor(release)[0]


@dataclass(frozen=True)
class SourceParts:
    """One source and what the page says about it, split out of the page's frames in one pass."""

    row: dict[str, Any]
    files: list[dict[str, Any]]
    feeds: list[dict[str, Any]]  # the indicators it feeds, by title
    unmatched: list[dict[str, Any]]
    usage: dict[str, Any] | None  # values, countries, first and last year in this release

    @property
    def sid(self) -> str:
        return str(self.row["source_id"])


def per_source(data: Mapping[str, pd.DataFrame]) -> list[SourceParts]:
    """The sources in title order with their files, indicators, names kept apart and usage (plain rows: filtering
    the frames once per source cost more than the rest of the page)."""
    files, unmatched = _by_source(data["files"]), _by_source(data["unmatched"])
    used = {r["source_id"]: r for r in data["usage"].to_dict("records")}
    feeds = feeds_by_source(data["indicators"])
    parts = []
    for r in data["sources"].to_dict("records"):
        sid = str(r["source_id"])
        parts.append(SourceParts(r, files.get(sid, []), feeds.get(sid, []), unmatched.get(sid, []), used.get(sid)))
    return parts


def _by_source(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in frame.to_dict("records"):
        out.setdefault(str(r["source_id"]), []).append(r)
    return out
