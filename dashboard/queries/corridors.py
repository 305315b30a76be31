"""Queries of the corridor explorer (/corridors) and of the country profile's corridor sections: a country's
corridors as origin or destination ranked by the latest KNOMAD migrant stock and by remittances, its top corridors
both ways with its remittance sums, its tertiary emigration rates by sex (IAB) with the women's share of its
emigrants in IAB's OECD destinations.

Two queries per release and process read every corridor pair (~15,000) and every tertiary rate with IAB's emigrant
sums (~5,000 rows) into plain tuples (a few MB); each page then slices them (well under a millisecond), where a
query per country cost 5-15 ms of the profile's 50 ms budget. A published release never changes: keyed by its id,
the index can never serve stale figures."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

import duckdb

from dashboard.queries.corridor import IAB_SOURCE, KNOMAD_SOURCE, REMITTANCE_INDICATOR, STOCK_INDICATOR
from dashboard.queries.country import CountryRef, Record, ReleaseTables, release_tables
from warehouse.connection import cursor
from warehouse.memo import memo

ROLES = ("origin", "destination")
RATE_INDICATOR = "emigration_rate_tertiary"
TOP = 5  # corridors each way on the profile
KEPT = 2  # releases indexed per process (the current one and the one before a publish)
# Every pair with a KNOMAD stock or a remittance flow, the latest year of each (country = origin = the receiving side).
_PAIRS_SQL = """
WITH stock AS (
  SELECT country, partner_country, year, value, flags FROM observations
  WHERE indicator_id = $stock AND source_id = $source AND sex = 'total'
  QUALIFY row_number() OVER (PARTITION BY country, partner_country ORDER BY year DESC) = 1
), money AS (
  SELECT country, partner_country, year, value, flags FROM observations
  WHERE indicator_id = $remittance
  QUALIFY row_number() OVER (PARTITION BY country, partner_country ORDER BY year DESC) = 1
)
SELECT coalesce(s.country, m.country) AS origin, coalesce(s.partner_country, m.partner_country) AS dest,
       s.year, s.value, s.flags, m.year, m.value, m.flags
FROM stock s FULL OUTER JOIN money m ON m.country = s.country AND m.partner_country = s.partner_country
ORDER BY s.value DESC NULLS LAST, origin, dest
"""
# Tertiary emigration rates of women and men, and IAB's emigrant counts (women, all) summed over its destinations.
_WOMEN_SQL = """
SELECT 'rate' AS kind, country, year, sex, value, source_id, flags FROM observations
WHERE indicator_id = $rate AND partner_country = '' AND sex IN ('female', 'male')
UNION ALL
SELECT 'iab', country, year, sex, sum(value), any_value(source_id), NULL FROM observations
WHERE indicator_id = $stock AND source_id = $iab AND sex IN ('female', 'total')
GROUP BY country, year, sex
ORDER BY country, year, kind, sex
"""


class Pair(NamedTuple):
    """One corridor seen from one end: the other end, the stock and the remittance flow on it."""

    partner: str
    stock_year: int | None
    stock: float | None
    stock_flags: str | None
    money_year: int | None
    money: float | None
    money_flags: str | None


@dataclass(frozen=True)
class CorridorIndex:
    by_origin: dict[str, list[Pair]] = field(default_factory=dict)  # origin -> destinations, largest stock first
    by_dest: dict[str, list[Pair]] = field(default_factory=dict)  # destination -> origins, largest stock first
    women: dict[str, list[Record]] = field(default_factory=dict)  # origin -> year rows (see qualified_women)


@dataclass(frozen=True)
class Ranking:
    tables: ReleaseTables
    country: CountryRef
    role: str  # origin: its emigrants by destination; destination: its immigrants by origin
    rows: list[Record]  # partner, stock_year, stock, stock_flags, money_year, money, money_flags

    @property
    def release_id(self) -> str:
        return self.tables.release_id

    def by_stock(self) -> list[Record]:
        """Partners with a positive stock, largest first (a published 0 is no corridor to rank)."""
        return [r for r in self.rows if r["stock"] is not None and r["stock"] > 0]

    def by_money(self) -> list[Record]:
        """Partners with a remittance figure, largest first."""
        rows = [r for r in self.rows if r["money"] is not None]
        return sorted(rows, key=lambda r: (-r["money"], r["partner"]))


def corridor_index(tables: ReleaseTables, cur: duckdb.DuckDBPyConnection) -> CorridorIndex:
    """The release's corridors and qualified-women rows, read once per release and process (the one memo)."""
    return _index(tables.release_id)


@memo(KEPT)
def _index(release_id: str) -> CorridorIndex:
    return _read_index(cursor(release_id)[1])


def _read_index(cur: duckdb.DuckDBPyConnection) -> CorridorIndex:
    index = CorridorIndex()
    params = {"stock": STOCK_INDICATOR, "source": KNOMAD_SOURCE, "remittance": REMITTANCE_INDICATOR}
    flags: dict[str | None, str | None] = {None: None}
    for origin, dest, s_year, stock, s_flags, m_year, money, m_flags in cur.execute(_PAIRS_SQL, params).fetchall():
        s_flags = flags.setdefault(s_flags, sys.intern(s_flags or "") or None)  # a handful of distinct strings
        m_flags = flags.setdefault(m_flags, sys.intern(m_flags or "") or None)
        index.by_origin.setdefault(origin, []).append(Pair(dest, s_year, stock, s_flags, m_year, money, m_flags))
        index.by_dest.setdefault(dest, []).append(Pair(origin, s_year, stock, s_flags, m_year, money, m_flags))
    params = {"rate": RATE_INDICATOR, "stock": STOCK_INDICATOR, "iab": IAB_SOURCE}
    for kind, country, year, sex, value, source, flag in cur.execute(_WOMEN_SQL, params).fetchall():
        rows = index.women.setdefault(country, [])
        if not rows or rows[-1]["year"] != year:
            rows.append({"year": int(year), "female": None, "male": None, "iab_female": None, "iab_total": None,
                         "source_id": None, "flags": ""})  # fmt: skip
        row = rows[-1]
        if kind == "rate":
            row[sex], row["source_id"] = value, source
            row["flags"] = ";".join(dict.fromkeys(f for f in (*row["flags"].split(";"), flag or "") if f))
        else:
            row[f"iab_{sex}"] = value
    return index


def ranking(iso3: str, role: str, release: str | None = None) -> Ranking | None:
    """A country's corridors as `role` (origin or destination); None for a code that is no area of the release."""
    tables, cur = release_tables(release)
    ref = tables.countries.get(iso3)
    if ref is None or ref.is_aggregate or role not in ROLES:
        return None
    index = corridor_index(tables, cur)
    pairs = (index.by_origin if role == "origin" else index.by_dest).get(iso3, [])
    return Ranking(tables, ref, role, [p._asdict() for p in pairs])


def main_corridors(iso3: str, release: str | None = None) -> dict[str, list[Record]]:
    """'destination' and 'origin': the TOP corridors each way by stock (partner, year, stock, money and flags);
    'received' and 'sent': the sum of the remittance flows into and out of the country (one row, or none)."""
    tables, cur = release_tables(release)
    index = corridor_index(tables, cur)
    out: dict[str, list[Record]] = {}
    for role, pairs, way in (("destination", index.by_origin, "received"), ("origin", index.by_dest, "sent")):
        mine = pairs.get(iso3, [])
        top = islice((p for p in mine if p.stock is not None and p.stock > 0), TOP)
        out[role] = [{**p._asdict(), "year": p.stock_year} for p in top]
        out[way] = _sum(mine)
    return out


def _sum(pairs: list[Pair]) -> list[Record]:
    flows = [p for p in pairs if p.money is not None]
    if not flows:
        return []
    flags = ";".join(dict.fromkeys(p.money_flags for p in flows if p.money_flags))
    year = max(p.money_year for p in flows if p.money_year is not None)
    return [{"year": year, "money": sum(p.money for p in flows if p.money is not None), "money_flags": flags,
             "n": len(flows)}]  # fmt: skip


def qualified_women(iso3: str, release: str | None = None) -> list[dict[str, Any]]:
    """Year rows: women's and men's tertiary emigration rates (%), the gap (points), the women's share (%) of
    emigrants counted by IAB, the rates' source and flags; missing values stay None."""
    tables, cur = release_tables(release)
    out = [dict(row) for row in corridor_index(tables, cur).women.get(iso3, [])]
    for row in out:
        both = row["female"] is not None and row["male"] is not None
        row["gap"] = row["female"] - row["male"] if both else None
        row["women_share"] = 100 * row["iab_female"] / row["iab_total"] if row["iab_total"] else None
    return out
