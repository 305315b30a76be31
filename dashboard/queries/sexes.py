"""Women's and men's values of one country, as data: for each indicator published for both sexes, the latest year
up to the status year in which both have a value (the profile's tiles show them with the gap)."""

from __future__ import annotations

from typing import NamedTuple

from warehouse.connection import cursor

_BOTH_SQL = """
WITH paired AS (
  SELECT indicator_id, year, avg(value) FILTER (WHERE sex = 'female') AS female,
         avg(value) FILTER (WHERE sex = 'male') AS male
  FROM observations
  WHERE country = $country AND partner_country = '' AND sex IN ('female', 'male') AND value IS NOT NULL
    AND year <= $year
  GROUP BY ALL HAVING female IS NOT NULL AND male IS NOT NULL
)
SELECT indicator_id, max(year) AS year, arg_max(female, year) AS female, arg_max(male, year) AS male
FROM paired GROUP BY indicator_id
"""


class Pair(NamedTuple):
    year: int
    female: float
    male: float


def women_and_men(iso3: str, year: int, release: str | None = None) -> dict[str, Pair]:
    """indicator id -> the latest (year, women's value, men's value) at or before `year` with both published."""
    _, cur = cursor(release)
    rows = cur.execute(_BOTH_SQL, {"country": iso3, "year": year}).fetchall()
    return {str(ind): Pair(int(y), float(f), float(m)) for ind, y, f, m in rows}
