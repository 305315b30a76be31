"""SQL of the country profile: one query per section (series, timeline) for one country of one release, through
the kept-open read-only connection; small frames out, parameters only. Its scores and theme and principle
aggregates are sliced from the release's rows the scorecards are made of (warehouse/scorecard.py `kept_rows`).

The release-wide tables every profile needs (indicator facts, category labels, peer statistics, principles,
themes, sources, country groups) are read once per process and release: a release file never changes once
published, so keying by its path can never serve stale figures, in any worker.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from warehouse.connection import cursor
from warehouse.memo import memo
from warehouse.read import release_info
from warehouse.scorecard import country_row, kept_rows, kept_scorecard, no_scorecard_reason

_INDICATORS_SQL = """
SELECT i.indicator_id, i.theme, i.title, i.unit, i.type, i.direction, i.headline_sex, i.caveat, i.principles,
       i.direction <> 'context' AS scored, coalesce(x.index, false) AS index
FROM indicators i LEFT JOIN indicator_index x ON x.indicator_id = i.indicator_id
"""
_EVENT_LISTS_SQL = """
SELECT indicator_id, source_id, complete AS list_complete, as_of AS list_as_of, stated_total AS list_stated_total,
       "rows" AS list_rows
FROM event_lists
"""
_PRINCIPLES_SQL = """
SELECT p.principle, p.area, a.title AS area_title, p.title, p.gist, m.indicators
FROM principles p
LEFT JOIN areas a ON a.area = p.area
LEFT JOIN (SELECT principle, list(indicator_id ORDER BY indicator_id) AS indicators
           FROM indicator_principles GROUP BY principle) m ON m.principle = p.principle
ORDER BY p.principle
"""
_COUNTRIES_SQL = """
SELECT iso3, name, un_region, un_subregion, income_group, is_aggregate, aggregate_kind, area_kind, successors
FROM countries ORDER BY name
"""
# The values published for a historical area (latest per indicator, headline slice), for its successors' profiles.
_HISTORICAL_SQL = """
SELECT o.indicator_id, i.title, o.year, o.value, o.value_label, o.unit, o.source_id, o.flags, o.partner_country
FROM observations o JOIN indicators i USING (indicator_id)
WHERE o.country = $iso3 AND o.sex = i.headline_sex
QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.partner_country ORDER BY o.year DESC) = 1
ORDER BY o.indicator_id, o.partner_country
"""
UNSCORED = ("uninhabited", "historical")
SCORE_FIELDS = ("indicator_id", "value", "value_label", "year", "out_of_date", "score", "level", "trend",
                "changed_year", "source_id", "flags")  # fmt: skip
# Every national series of the country (a few hundred rows); the page keeps each indicator's headline sex.
_SERIES_SQL = """
SELECT indicator_id, year, sex, value, source_id FROM observations
WHERE country = $iso3 AND partner_country = '' AND value IS NOT NULL
"""
# Ratifications (dated events) and dual-citizenship reforms of one country.
_EVENTS_SQL = """
SELECT indicator_id, event_date, year, status, note, source_id FROM events
WHERE country = $iso3 AND partner_country = '' AND year IS NOT NULL
ORDER BY year, event_date NULLS LAST, indicator_id
"""
LIST_NONE = {"list_complete": None, "list_as_of": None, "list_stated_total": None, "list_rows": None}


@dataclass(frozen=True)
class CountryRef:
    iso3: str
    name: str
    un_region: str | None
    un_subregion: str | None
    income_group: str | None
    is_aggregate: bool
    aggregate_kind: str | None
    area_kind: str | None = None  # state / territory / uninhabited / historical (None: aggregates)
    successors: str | None = None  # historical areas: successor ISO3 codes, comma-separated


Record = dict[str, Any]


@dataclass(frozen=True)
class ReleaseTables:
    """Release-wide facts, read once per process and release (plain dicts: the page reads them per tile)."""

    release_id: str
    status_year: int
    methodology_version: str
    coverage_threshold: float  # below it a principle or theme shows its coverage, not a score
    countries: dict[str, CountryRef]
    indicators: list[Record]  # one per indicator, registry order
    event_lists: dict[tuple[str, str], Record]  # (indicator, source): completeness (partial: absence = not known)
    categories: dict[tuple[str, str], str]  # (indicator_id, code) -> label
    sources: dict[str, str]  # source_id -> title
    peers: dict[tuple[str, str, str], Record]  # (group_kind, group, indicator_id) -> median, q1, q3, n
    principles: list[Record]
    themes: list[Record]


@dataclass(frozen=True)
class Profile:
    """Everything the profile page draws for one country of one release."""

    tables: ReleaseTables
    country: CountryRef
    tiles: list[Record]  # one per non-corridor indicator, registry order (`tile_frame` for a DataFrame)
    series: dict[str, list[tuple[int, float]]]  # indicator -> (year, value) of its headline sex and source
    aggregates: dict[tuple[str, str], Record]  # ("theme", id) / ("principle", "13") -> score, level, coverage...
    events: list[Record]
    card: dict[str, Any]  # the scorecard read model (warehouse/scorecard.py): statuses, missing, what to submit

    def group(self, kind: str, key: str) -> dict[str, Any] | None:
        """The read model's theme or principle entry (status, missing, steward_could_submit)."""
        wanted = key if kind == "theme" else int(key)
        return next((g for g in self.card[f"{kind}s"] if g[kind] == wanted), None)

    @property
    def release_id(self) -> str:
        return self.tables.release_id

    def tile_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.tiles)


def records(cur: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object] | None = None) -> list[Record]:
    """Rows as dicts (faster than a DataFrame for the few dozen rows a page draws)."""
    result = cur.execute(sql, dict(params or {}))
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def release_tables(release: str | None = None) -> tuple[ReleaseTables, duckdb.DuckDBPyConnection]:
    """(the release-wide tables, a cursor on the same release)."""
    release_id, cur = cursor(release)
    return _kept_tables(release_id), cur


@memo(4)
def _kept_tables(release_id: str) -> ReleaseTables:
    return _read_release_tables(release_id, cursor(release_id)[1])


def _read_release_tables(release_id: str, cur: duckdb.DuckDBPyConnection) -> ReleaseTables:
    countries = {row[0]: CountryRef(*row) for row in cur.execute(_COUNTRIES_SQL).fetchall()}
    cats = cur.execute("SELECT indicator_id, code, label FROM categories").fetchall()
    peers = records(cur, 'SELECT indicator_id, group_kind, "group", median, q1, q3, n FROM peer_stats')
    info = release_info(cur)
    methodology = info.get("methodology")
    threshold = methodology.get("coverage_threshold", 0.8) if isinstance(methodology, dict) else 0.8
    return ReleaseTables(
        release_id=release_id,
        status_year=int(info["status_year"]),  # type: ignore[call-overload]
        methodology_version=str(info.get("methodology_version", "")),
        coverage_threshold=float(threshold),
        countries=countries,
        indicators=_in_registry_order(records(cur, _INDICATORS_SQL)),
        event_lists={(r.pop("indicator_id"), r.pop("source_id")): r for r in records(cur, _EVENT_LISTS_SQL)},
        categories={(ind, code): label for ind, code, label in cats},
        sources=dict(cur.execute("SELECT source_id, title FROM sources").fetchall()),
        peers={(p["group_kind"], p["group"], p["indicator_id"]): p for p in peers},
        principles=records(cur, _PRINCIPLES_SQL),
        themes=records(cur, "SELECT theme_id AS theme, title, description, caveat FROM themes"),
    )


def _in_registry_order(indicators: list[Record]) -> list[Record]:
    from indicators.registry import load_registry

    order = {ind: pos for pos, ind in enumerate(load_registry().indicators)}
    return sorted(indicators, key=lambda r: (order.get(r["indicator_id"], len(order)), r["indicator_id"]))


def profile(iso3: str, release: str | None = None) -> Profile | None:
    """The profile of a country with a scorecard, or None when the release has no such code or the area has none
    (aggregates, uninhabited and historical areas: see `no_scorecard`)."""
    tables, cur = release_tables(release)
    ref = tables.countries.get(iso3)
    if ref is None or ref.is_aggregate or ref.area_kind in UNSCORED:
        return None
    params = {"iso3": iso3}
    scores = scores_of(tables.release_id, iso3)
    aggregates = kept_rows(tables.release_id).area_aggregates(iso3)
    return Profile(
        tables=tables,
        country=ref,
        tiles=tiles(tables, ref, scores),
        series=headline_series(cur.execute(_SERIES_SQL, params).fetchall(), tables.indicators, scores),
        aggregates=aggregates,
        events=records(cur, _EVENTS_SQL, params),
        card=kept_scorecard(iso3, tables.release_id),
    )


def no_scorecard(iso3: str, release: str | None = None) -> tuple[dict[str, Any], str, list[Record]] | None:
    """(the area, why it has no scorecard, its historical values) for uninhabited and historical areas; else None."""
    tables, cur = release_tables(release)
    ref = tables.countries.get(iso3)
    if ref is None or ref.area_kind not in UNSCORED:
        return None
    area = country_row(cur, iso3) or {}
    values = records(cur, _HISTORICAL_SQL, {"iso3": iso3})
    return area, no_scorecard_reason(area) or "", values


def historical_areas(iso3: str, release: str | None = None) -> list[tuple[CountryRef, list[Record]]]:
    """The historical areas this country succeeds (e.g. Serbia and Montenegro for Serbia), each with its values."""
    tables, cur = release_tables(release)
    out = []
    for ref in tables.countries.values():
        if ref.area_kind == "historical" and iso3 in (ref.successors or "").split(","):
            out.append((ref, records(cur, _HISTORICAL_SQL, {"iso3": ref.iso3})))
    return out


def scores_of(release_id: str, iso3: str) -> dict[str, Record]:
    """indicator -> the area's row of indicator_scores (SCORE_FIELDS), from the rows kept per release for every
    area's scorecard."""
    rows = kept_rows(release_id).area_scores(iso3)
    return {r["indicator_id"]: {k: r[k] for k in SCORE_FIELDS} for r in rows}


def tiles(tables: ReleaseTables, ref: CountryRef, scores: dict[str, Record]) -> list[Record]:
    """Scores + indicator facts + category label + region and income-group peer statistics, registry order."""
    groups = {"region": ("un_region", ref.un_region), "income": ("income_group", ref.income_group)}
    out = []
    for ind in tables.indicators:
        score = scores.get(ind["indicator_id"])
        if score is None:  # corridor indicators have no country row
            continue
        row = {**ind, **score, "source_title": tables.sources.get(score["source_id"] or "")}
        code = _category_code(ind["type"], score["value"], score["value_label"])
        row["category_label"] = tables.categories.get((ind["indicator_id"], code or ""), score["value_label"])
        for prefix, (kind, group) in groups.items():
            peer = tables.peers.get((kind, group or "", ind["indicator_id"])) or {}
            row.update({f"{prefix}_{k}": peer.get(k) for k in ("group", "median", "q1", "q3", "n")})
        row.update(tables.event_lists.get((ind["indicator_id"], score["source_id"] or ""), LIST_NONE))
        out.append(row)
    return out


def _category_code(kind: str, value: float | None, label: str | None) -> str | None:
    """The table code of a value: the status of an event, the integer code of a category."""
    if kind == "event":
        return label
    if value is None or value != value:  # None or NaN
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def headline_series(
    rows: list[tuple[str, int, str, float, str]], indicators: list[Record], scores: dict[str, Record]
) -> dict[str, list[tuple[int, float]]]:
    """indicator -> sorted (year, value) of each continuous indicator's headline sex, from its current source."""
    wanted = {
        ind["indicator_id"]: (ind["headline_sex"], scores[ind["indicator_id"]]["source_id"])
        for ind in indicators
        if ind["type"] == "continuous" and ind["indicator_id"] in scores
    }
    out: dict[str, list[tuple[int, float]]] = {}
    for indicator, year, sex, value, source in rows:
        if wanted.get(indicator) == (sex, source):
            out.setdefault(indicator, []).append((int(year), float(value)))
    return {k: sorted(v) for k, v in out.items()}


def lookup(code: str, release: str | None = None) -> tuple[CountryRef | None, list[CountryRef]]:
    """(the country or aggregate with this code, else None; close matches among countries by code and name)."""
    return find(release_tables(release)[0], code)


def find(tables: ReleaseTables, code: str) -> tuple[CountryRef | None, list[CountryRef]]:
    """`lookup` in tables already read."""
    ref = tables.countries.get(code.strip().upper())
    if ref is not None:
        return ref, []
    return None, close_matches(code, [c for c in tables.countries.values() if not c.is_aggregate])


def close_matches(text: str, countries: list[CountryRef], limit: int = 6) -> list[CountryRef]:
    """Countries whose code or name is near `text` (name prefix first, then fuzzy matches of code and name)."""
    wanted = text.strip().casefold()
    by_name = {c.name.casefold(): c for c in countries}
    by_code = {c.iso3.casefold(): c for c in countries}
    found = [c for c in countries if wanted and c.name.casefold().startswith(wanted)]
    found += [by_code[k] for k in difflib.get_close_matches(wanted, by_code, n=limit, cutoff=0.6)]
    found += [by_name[k] for k in difflib.get_close_matches(wanted, by_name, n=limit, cutoff=0.6)]
    return list(dict.fromkeys(found))[:limit]
