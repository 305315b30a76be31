"""SQL of the corridor page (ORIGIN -> DESTINATION): bilateral migrant stocks (IAB 1980-2010 by sex for 20 OECD
destinations, KNOMAD 2021 for every pair, both sexes: a series break), remittances in both directions (KNOMAD 2021,
a third-party copy), agreements and recruitment costs between the two, each side's rules and each side's scorecard
(the read model of warehouse/scorecard.py) on the principles that matter to people moving along the corridor. Data
only (values, codes, levels, flags, English names); the page puts them into words (dashboard/pages/corridor.py and
its view modules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from dashboard.queries.country import CountryRef, Record, ReleaseTables, records, release_tables, tiles
from indicators.flags import flag_value
from warehouse.connection import cursor
from warehouse.memo import memo
from warehouse.scorecard import NoScorecard, kept_scorecard

STOCK_INDICATOR = "migrant_stock_corridor"
REMITTANCE_INDICATOR = "remittance_flow_corridor"
AGREEMENT_INDICATOR = "bssa_in_force"
RECRUITMENT_INDICATOR = "recruitment_cost_corridor"
IAB_SOURCE = "iab_brain_drain"  # 1980-2010, by sex, 20 OECD destinations
KNOMAD_SOURCE = "knomad_migration"  # 2021, every pair, both sexes
SUSPECT = "suspect="
# Each side's rules, scored per country: dual nationality first (the brief), then the migrant-worker instruments.
RULE_INDICATORS = (
    "dual_citizenship_acceptance",
    "dual_citizenship_emigrants",
    "naturalisation_renunciation",
    "ilo_c097",
    "ilo_c143",
    "un_icrmw",
)
# MFLM principles shown side by side: cooperation, equality of treatment (social security), recruitment, development.
PRINCIPLES = (2, 9, 13, 15)

_STOCK_SQL = """
SELECT year, sex, value, unit, source_id, flags FROM observations
WHERE indicator_id = $indicator AND country = $origin AND partner_country = $dest AND value IS NOT NULL
ORDER BY year, sex
"""
# Both directions: an agreement, a recruitment figure or a remittance flow may be recorded from either side.
_PAIR_OBSERVATIONS_SQL = """
SELECT indicator_id, country, partner_country, year, sex, value, value_label, unit, source_id, flags
FROM observations
WHERE indicator_id IN ($agreement, $recruitment, $remittance)
  AND ((country = $origin AND partner_country = $dest) OR (country = $dest AND partner_country = $origin))
ORDER BY indicator_id, country, year, sex
"""
_PAIR_EVENTS_SQL = """
SELECT indicator_id, country, partner_country, event_date, year, status, note, source_id FROM events
WHERE indicator_id = $agreement
  AND ((country = $origin AND partner_country = $dest) OR (country = $dest AND partner_country = $origin))
ORDER BY year, event_date
"""
_RULE_SCORES_SQL = """
SELECT country, indicator_id, value, value_label, year, out_of_date, score, level, trend, changed_year, source_id, flags
FROM indicator_scores
WHERE country IN ($origin, $dest) AND list_contains($indicators, indicator_id)
"""
_DESTINATIONS_SQL = (
    "SELECT DISTINCT partner_country FROM observations WHERE indicator_id = $indicator AND source_id = $source"
)


@dataclass(frozen=True)
class Corridor:
    tables: ReleaseTables
    origin: CountryRef
    dest: CountryRef
    stock: list[Record]  # year, sex, value, unit, source_id, flags (IAB by sex, then KNOMAD 2021 total)
    covered: list[str]  # destinations IAB covers (ISO3, sorted by name)
    agreements: list[Record]  # bssa_in_force events and observations, either direction
    recruitment: list[Record]  # recruitment_cost_corridor observations, either direction
    rules: dict[str, list[Record]]  # iso3 -> tile rows of RULE_INDICATORS (registry order)
    remittances: list[Record]  # remittance_flow_corridor rows, either direction (country = the receiving side)
    cards: dict[str, dict[str, Any]]  # iso3 -> scorecard read model, or {"no_scorecard": reason, "country": {...}}

    @property
    def release_id(self) -> str:
        return self.tables.release_id

    @property
    def iab(self) -> list[Record]:
        return [r for r in self.stock if r["source_id"] == IAB_SOURCE]

    @property
    def latest(self) -> Record | None:
        """The KNOMAD 2021 stock (both sexes) of the pair; None when the matrix has no figure for it."""
        rows = [r for r in self.stock if r["source_id"] == KNOMAD_SOURCE and r["sex"] == "total"]
        return rows[-1] if rows else None

    def received(self, iso3: str) -> Record | None:
        """The remittance flow received by `iso3` from the other end; None when there is no figure."""
        return next((r for r in self.remittances if r["country"] == iso3), None)


CARDS_KEPT = 64  # a release never changes: a card is kept per (release, country), the oldest dropped


def corridor(origin: str, dest: str, release: str | None = None) -> Corridor | None:
    """Both ends of the corridor; None when either code is not an area of the release or is an aggregate."""
    tables, cur = release_tables(release)
    refs = [tables.countries.get(code) for code in (origin, dest)]
    if any(ref is None or ref.is_aggregate for ref in refs):
        return None
    o_ref, d_ref = refs[0], refs[1]
    assert o_ref is not None and d_ref is not None
    pair = {"origin": origin, "dest": dest}
    kinds = {"agreement": AGREEMENT_INDICATOR, "recruitment": RECRUITMENT_INDICATOR, "remittance": REMITTANCE_INDICATOR}
    observed = records(cur, _PAIR_OBSERVATIONS_SQL, {**pair, **kinds})
    events = records(cur, _PAIR_EVENTS_SQL, {**pair, "agreement": AGREEMENT_INDICATOR})
    scores = records(cur, _RULE_SCORES_SQL, {**pair, "indicators": list(RULE_INDICATORS)})
    return Corridor(
        tables=tables,
        origin=o_ref,
        dest=d_ref,
        stock=records(cur, _STOCK_SQL, {**pair, "indicator": STOCK_INDICATOR}),
        covered=covered_destinations(tables, cur),
        agreements=events + [r for r in observed if r["indicator_id"] == AGREEMENT_INDICATOR],
        recruitment=[r for r in observed if r["indicator_id"] == RECRUITMENT_INDICATOR],
        rules={ref.iso3: _rules(tables, ref, scores) for ref in (o_ref, d_ref)},
        remittances=[r for r in observed if r["indicator_id"] == REMITTANCE_INDICATOR],
        cards={ref.iso3: scorecard(tables, cur, ref.iso3) for ref in (o_ref, d_ref)},
    )


def scorecard(tables: ReleaseTables, cur: duckdb.DuckDBPyConnection, iso3: str) -> dict[str, Any]:
    """The scorecard read model of one side (kept per release and country by the one memo); for an area without a
    scorecard (historical, uninhabited) {"no_scorecard": why, "country": its row}."""
    return _card(tables.release_id, iso3)


@memo(CARDS_KEPT)
def _card(release_id: str, iso3: str) -> dict[str, Any]:
    try:
        return kept_scorecard(iso3, release_id)
    except NoScorecard as none:
        return {"no_scorecard": none.reason, "country": none.country}


def principles(card: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The card's entries of PRINCIPLES (status, score, level, missing index indicators with their reasons)."""
    return {g["principle"]: g for g in card.get("principles", []) if g["principle"] in PRINCIPLES}


def _rules(tables: ReleaseTables, ref: CountryRef, scores: list[Record]) -> list[Record]:
    own = {
        r["indicator_id"]: {k: v for k, v in r.items() if k != "country"} for r in scores if r["country"] == ref.iso3
    }
    rows = [row for row in tiles(tables, ref, own) if row["indicator_id"] in RULE_INDICATORS]
    return sorted(rows, key=lambda row: RULE_INDICATORS.index(row["indicator_id"]))


def covered_destinations(tables: ReleaseTables, cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Destinations of the IAB series (by sex, 1980-2010) in the release (read once per release and process)."""
    return _covered(tables.release_id, tuple(sorted((c.iso3, c.name) for c in tables.countries.values())))


@memo(4)
def _covered(release_id: str, names: tuple[tuple[str, str], ...]) -> list[str]:
    known = dict(names)
    params = {"indicator": STOCK_INDICATOR, "source": IAB_SOURCE}
    codes = [r[0] for r in cursor(release_id)[1].execute(_DESTINATIONS_SQL, params).fetchall()]
    return sorted(codes, key=lambda c: known.get(c, c))


def counted(row: Record) -> float | None:
    """The value of a stock row, or None when the release flags it as suspect (a 0 the publisher wrote for a cell
    it did not count): missing is no data, never 0."""
    return None if flag_value(row, SUSPECT) is not None else row["value"]


def stock_table(stock: Sequence[Record]) -> list[Record]:
    """Year rows with total, female, male, women's share (%), source and flags from the long stock rows; a year
    with two sources keeps both rows apart (never happens: IAB ends in 2010, KNOMAD is 2021)."""
    by_key: dict[tuple[int, str], Record] = {}
    for r in stock:
        key = (int(r["year"]), r["source_id"])
        row = by_key.setdefault(key, {"year": key[0], "source_id": key[1], "total": None, "female": None,
                                      "male": None, "flags": {}})  # fmt: skip
        row[r["sex"]] = counted(r)
        row["flags"][r["sex"]] = r["flags"] or ""
    rows = [by_key[k] for k in sorted(by_key)]
    for row in rows:
        row["women_share"] = 100 * row["female"] / row["total"] if row["female"] and row["total"] else None
    return rows
