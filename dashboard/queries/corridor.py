"""SQL of the corridor page (ORIGIN -> DESTINATION): bilateral migrant stocks by sex, agreements and recruitment
costs between the two, and each side's scores on the rules that matter to people moving along the corridor."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from dashboard.components.tile import status_key, value_text
from dashboard.queries.country import CountryRef, Record, ReleaseTables, records, release_tables, tiles

STOCK_INDICATOR = "migrant_stock_corridor"
AGREEMENT_INDICATOR = "bssa_in_force"
RECRUITMENT_INDICATOR = "recruitment_cost_corridor"
# Each side's rules, scored per country: dual nationality first (the brief), then the migrant-worker instruments.
RULE_INDICATORS = (
    "dual_citizenship_acceptance",
    "dual_citizenship_emigrants",
    "naturalisation_renunciation",
    "ilo_c097",
    "ilo_c143",
    "un_icrmw",
)

_STOCK_SQL = """
SELECT year, sex, value, unit, source_id, flags FROM observations
WHERE indicator_id = $indicator AND country = $origin AND partner_country = $dest AND value IS NOT NULL
ORDER BY year, sex
"""
# Both directions: an agreement or a recruitment figure may be recorded from either side.
_PAIR_OBSERVATIONS_SQL = """
SELECT indicator_id, country, partner_country, year, sex, value, value_label, unit, source_id, flags
FROM observations
WHERE indicator_id IN ($agreement, $recruitment)
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
GOOD, BAD = {"green", "yellow"}, {"orange", "red"}  # asymmetry: one side in GOOD, the other in BAD
_DESTINATIONS_SQL = "SELECT DISTINCT partner_country FROM observations WHERE indicator_id = $indicator"


@dataclass(frozen=True)
class Corridor:
    tables: ReleaseTables
    origin: CountryRef
    dest: CountryRef
    stock: list[Record]  # year, sex, value, unit, source_id, flags
    covered: list[str]  # destinations the stock source covers (ISO3, sorted by name)
    agreements: list[Record]  # bssa_in_force events and observations, either direction
    recruitment: list[Record]  # recruitment_cost_corridor observations, either direction
    rules: dict[str, list[Record]]  # iso3 -> tile rows of RULE_INDICATORS (registry order)

    @property
    def release_id(self) -> str:
        return self.tables.release_id


_COVERED: dict[str, list[str]] = {}
_COVERED_LOCK = threading.Lock()


def corridor(origin: str, dest: str, release: str | None = None) -> Corridor | None:
    """Both ends of the corridor; None when either code is not a country of the release."""
    tables, cur = release_tables(release)
    refs = [tables.countries.get(code) for code in (origin, dest)]
    if any(ref is None or ref.is_aggregate for ref in refs):
        return None
    o_ref, d_ref = refs[0], refs[1]
    assert o_ref is not None and d_ref is not None
    pair = {"origin": origin, "dest": dest}
    kinds = {"agreement": AGREEMENT_INDICATOR, "recruitment": RECRUITMENT_INDICATOR}
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
    )


def _rules(tables: ReleaseTables, ref: CountryRef, scores: list[Record]) -> list[Record]:
    own = {
        r["indicator_id"]: {k: v for k, v in r.items() if k != "country"} for r in scores if r["country"] == ref.iso3
    }
    rows = [row for row in tiles(tables, ref, own) if row["indicator_id"] in RULE_INDICATORS]
    return sorted(rows, key=lambda row: RULE_INDICATORS.index(row["indicator_id"]))


def covered_destinations(tables: ReleaseTables, cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Destinations with any bilateral stock in the release (read once per release and process)."""
    with _COVERED_LOCK:
        known = _COVERED.get(tables.release_id)
    if known is None:
        codes = [r[0] for r in cur.execute(_DESTINATIONS_SQL, {"indicator": STOCK_INDICATOR}).fetchall()]
        known = sorted(codes, key=lambda c: tables.countries[c].name if c in tables.countries else c)
        with _COVERED_LOCK:
            _COVERED[tables.release_id] = known
    return known


def country_options(tables: ReleaseTables) -> list[dict[str, str]]:
    """Dropdown options: every country (not aggregates) as "Name (ISO3)"."""
    return [{"label": f"{c.name} ({c.iso3})", "value": c.iso3} for c in tables.countries.values() if not c.is_aggregate]


def stock_table(stock: Sequence[Record]) -> list[Record]:
    """Year rows with total, female, male and women's share (%) from the long stock rows."""
    by_year: dict[int, Record] = {}
    for r in stock:
        by_year.setdefault(int(r["year"]), {"year": int(r["year"]), "total": None, "female": None, "male": None})[
            r["sex"]
        ] = r["value"]
    rows = [by_year[y] for y in sorted(by_year)]
    for row in rows:
        row["women_share"] = 100 * row["female"] / row["total"] if row["female"] and row["total"] else None
    return rows


def asymmetries(origin_rows: Sequence[Record], dest_rows: Sequence[Record]) -> list[tuple[Record, Record]]:
    """(origin row, destination row) of each indicator where one side is green/yellow and the other orange/red."""
    dest_by_id = {r["indicator_id"]: r for r in dest_rows}
    pairs = [(o, dest_by_id[o["indicator_id"]]) for o in origin_rows if o["indicator_id"] in dest_by_id]
    return [(o, d) for o, d in pairs if {status_key(o), status_key(d)} & GOOD and {status_key(o), status_key(d)} & BAD]


def corridor_frame(found: Corridor) -> pd.DataFrame:
    """Everything the page shows, long format: stock rows, agreements, recruitment, each side's rules."""
    o, d = found.origin.iso3, found.dest.iso3
    stock = [{"section": "migrant stock", "indicator": STOCK_INDICATOR, "country": o, "partner_country": d, **r}
             for r in found.stock]  # fmt: skip
    pair = [{"section": "agreements and recruitment", "indicator": r["indicator_id"], **r}
            for r in found.agreements + found.recruitment]  # fmt: skip
    rules = [
        {"section": "rules", "indicator": r["indicator_id"], "country": iso3, "year": r["year"], "value": r["value"],
         "value_shown": value_text(r), "level": status_key(r) or "context", "source_id": r["source_id"],
         "flags": r["flags"]}
        for iso3, rows in found.rules.items() for r in rows
    ]  # fmt: skip
    frame = pd.DataFrame(stock + pair + rules).drop(columns=["indicator_id"], errors="ignore")
    return frame.assign(release=found.release_id)
