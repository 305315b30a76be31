"""A release cursor and a country code in; that country's scorecard out: one read model for the CLI, the API, the
profile page and the briefing, so that they cannot disagree.

The scorecard is data (values, codes, levels, reasons), JSON-ready. Each theme and principle carries its status
(`scored`, `single_indicator`, `below_coverage`, `not_measured`), the index indicators it rests on, and `missing`:
every index indicator without a current score for this country with the reason (no public source covers it,
the source is out of date, not known from a partial or stale list, a suspect value) and whether a data steward
could submit it. English sentences for these codes are in warehouse/scorecard_words.py; the pages translate codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from indicators.events import DERIVED_FLAG, DERIVED_NOTE, NOT_APPLICABLE, NOT_KNOWN, STALE_FLAG
from indicators.quality import LATER_CHANGE, SUSPECT
from warehouse.connection import cursor
from warehouse.memo import memo

Card = dict[str, Any]
UNSCORED_KINDS = {"uninhabited": "uninhabited", "historical": "historical"}
_SCORES_SQL = """
SELECT s.indicator_id, i.title, i.theme, i.type, i.direction, i.unit, i.principles, i.steward_uploadable,
       s.value, s.value_label, s.year, s.out_of_date, s.score, s.level, s.trend, s.changed_year, s.source_id,
       s.flags, c.label AS category_label, coalesce(x.index, false) AS index
FROM indicator_scores s JOIN indicators i ON i.indicator_id = s.indicator_id
LEFT JOIN categories c ON c.indicator_id = s.indicator_id AND i.type <> 'continuous'
     AND c.code = CASE WHEN i.type = 'event' THEN s.value_label
                       ELSE coalesce(CAST(CAST(s.value AS BIGINT) AS VARCHAR), s.value_label) END
LEFT JOIN indicator_index x ON x.indicator_id = s.indicator_id
WHERE s.country = $iso3 ORDER BY i.theme, s.indicator_id
"""
_PEERS_SQL = """
SELECT indicator_id, group_kind, median, n FROM peer_stats
WHERE (group_kind = 'un_region' AND "group" = CAST($un_region AS VARCHAR))
   OR (group_kind = 'income_group' AND "group" = CAST($income AS VARCHAR))
"""
_AGGREGATES_SQL = """
SELECT 'theme' AS kind, theme AS key, score, level, coverage, n_with_data, n_mapped FROM theme_scores
WHERE country = $iso3
UNION ALL
SELECT 'principle', CAST(principle AS VARCHAR), score, level, coverage, n_with_data, n_mapped FROM principle_scores
WHERE country = $iso3
"""
_ALL_SCORES_SQL = _SCORES_SQL.replace("SELECT s.indicator_id", "SELECT s.country, s.indicator_id").replace(
    "WHERE s.country = $iso3 ORDER BY", "WHERE list_contains($codes, s.country) ORDER BY s.country,"
)
_ALL_PEERS_SQL = """
SELECT indicator_id, group_kind, "group", median, n FROM peer_stats WHERE group_kind IN ('un_region', 'income_group')
"""
_ALL_AGGREGATES_SQL = """
SELECT country, 'theme' AS kind, theme AS key, score, level, coverage, n_with_data, n_mapped FROM theme_scores
WHERE list_contains($codes, country)
UNION ALL
SELECT country, 'principle', CAST(principle AS VARCHAR), score, level, coverage, n_with_data, n_mapped
FROM principle_scores WHERE list_contains($codes, country)
"""
COUNTRY_FIELDS = ("iso3", "name", "un_region", "un_subregion", "income_group", "area_kind", "un_member",
                  "ilo_member", "iso3166_3", "successors", "years")  # fmt: skip
ENTRY_FIELDS = ("indicator_id", "title", "type", "direction", "unit", "value", "value_label", "category_label",
                "year", "out_of_date", "score", "level", "trend", "changed_year", "source_id", "flags", "index")  # fmt: skip


class NoScorecard(LookupError):
    """The area exists but has no scorecard (aggregate, uninhabited or historical); the message says why."""

    def __init__(self, country: dict[str, Any], reason: str):
        self.country, self.reason = country, reason
        super().__init__(reason)


def plain(value: Any) -> Any:
    """JSON-ready: NA -> None, numpy scalars -> Python, arrays -> lists."""
    if isinstance(value, str | bool | int | float) or value is None:
        return None if isinstance(value, float) and value != value else value
    if hasattr(value, "tolist"):
        return value.tolist()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def records(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description or []]
    return [{k: plain(v) for k, v in zip(names, row, strict=True)} for row in result.fetchall()]


def country_row(cur: duckdb.DuckDBPyConnection, iso3: str) -> dict[str, Any] | None:
    rows = records(cur, "SELECT * FROM countries WHERE iso3 = $iso3", {"iso3": iso3})
    return rows[0] if rows else None


def no_scorecard_reason(country: dict[str, Any]) -> str | None:
    """Why an area has no scorecard, in words; None when it has one."""
    name = f"{country['name']} ({country['iso3']})"
    if country.get("is_aggregate"):
        return f"{name} is an aggregate of countries: scorecards are per country"
    if country.get("area_kind") == "uninhabited":
        return f"{name} has no permanent population: no government policy to score, so no scorecard"
    if country.get("area_kind") == "historical":
        successors = country.get("successors") or "-"
        return (f"{name} is a historical area ({country.get('years') or 'dissolved'}, ISO 3166-3 "
                f"{country.get('iso3166_3') or '-'}): its values are shown in its successors' profiles ({successors})")  # fmt: skip
    return None


def read_scorecard(cur: duckdb.DuckDBPyConnection, iso3: str, release_id: str) -> Card:
    """The scorecard of one area of one release; NoScorecard for aggregates, uninhabited and historical areas;
    LookupError when the release has no such code."""
    country = country_row(cur, iso3)
    if country is None:
        raise LookupError(f"no area with code {iso3!r} in release {release_id}")
    reason = no_scorecard_reason(country)
    if reason:
        raise NoScorecard(country, reason)
    entries = _entries(cur, country)
    aggregates = {(r["kind"], r["key"]): r for r in records(cur, _AGGREGATES_SQL, {"iso3": iso3})}
    return _card(release_id, country, entries, aggregates)


def read_scorecards(cur: duckdb.DuckDBPyConnection, codes: list[str], release_id: str) -> dict[str, Card]:
    """The scorecards of many areas (those of `codes` that have one) read in one pass: four queries for all the
    areas rather than four per area (the briefings' render-ahead job). Each card is the one read_scorecard gives."""
    rows = AreaRows.read(cur, codes)
    return {iso3: _card_of(rows, country, release_id) for iso3, country in rows.countries.items()
            if no_scorecard_reason(country) is None}  # fmt: skip


def kept_scorecard(iso3: str, release_id: str) -> Card:
    """read_scorecard's card made from the release's rows kept in this process (read once per release, four
    queries for all areas; ~1 ms a card rather than ~14 ms of queries): the pages' and the API's read path."""
    rows = kept_rows(release_id)
    country = rows.countries.get(iso3)
    if country is None:
        raise LookupError(f"no area with code {iso3!r} in release {release_id}")
    reason = no_scorecard_reason(country)
    if reason:
        raise NoScorecard(country, reason)
    return _card_of(rows, country, release_id)


@dataclass(frozen=True)
class AreaRows:
    """What scorecards are made of, for many areas, as read by the _ALL_ queries: the areas' rows; the peer medians
    by group; each area's scores and theme and principle aggregates, as Arrow tables sorted by area with each
    area's span (~4 MB for the bundled seed, where as dicts they took ~40 MB)."""

    countries: dict[str, dict[str, Any]]
    peers: dict[tuple[str, str | None], list[dict[str, Any]]]
    scores: pa.Table
    score_spans: dict[str, tuple[int, int]]
    aggregates: pa.Table
    aggregate_spans: dict[str, tuple[int, int]]

    @classmethod
    def read(cls, cur: duckdb.DuckDBPyConnection, codes: list[str] | None = None) -> AreaRows:
        """The rows of the areas of `codes` (None: every area of the release)."""
        countries = {c["iso3"]: c for c in records(cur, "SELECT * FROM countries", {})}
        if codes is not None:
            asked = set(codes)
            countries = {iso3: c for iso3, c in countries.items() if iso3 in asked}
        wanted = sorted(countries)
        peers: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        for row in records(cur, _ALL_PEERS_SQL, {}):
            peers.setdefault((row["group_kind"], row["group"]), []).append(row)
        scores = cur.execute(_ALL_SCORES_SQL, {"codes": wanted}).to_arrow_table()
        aggregates = cur.execute(_ALL_AGGREGATES_SQL + " ORDER BY country", {"codes": wanted}).to_arrow_table()
        return cls(
            countries=countries,
            peers=peers,
            scores=scores,
            score_spans=_spans(scores),
            aggregates=aggregates,
            aggregate_spans=_spans(aggregates),
        )

    def area_scores(self, iso3: str) -> list[dict[str, Any]]:
        return _slice(self.scores, self.score_spans, iso3)

    def area_aggregates(self, iso3: str) -> dict[tuple[str, str], dict[str, Any]]:
        return {(r["kind"], r["key"]): r for r in _slice(self.aggregates, self.aggregate_spans, iso3)}


def _spans(table: pa.Table) -> dict[str, tuple[int, int]]:
    """Each area's rows [start, stop) in a table sorted by area (`country`)."""
    spans: dict[str, tuple[int, int]] = {}
    for position, iso3 in enumerate(table.column("country").to_pylist()):
        start, _ = spans.get(iso3, (position, position))
        spans[iso3] = (start, position + 1)
    return spans


def _slice(table: pa.Table, spans: dict[str, tuple[int, int]], iso3: str) -> list[dict[str, Any]]:
    """The area's rows as dicts, without the `country` column (the area asked for)."""
    start, stop = spans.get(iso3, (0, 0))
    rows = table.slice(start, stop - start).drop_columns(["country"]).to_pylist()
    return [{k: plain(v) for k, v in row.items()} for row in rows]


@memo(4)  # as many releases as the pages' other release-wide tables (dashboard/queries/country.py)
def kept_rows(release_id: str) -> AreaRows:
    """Every area's scorecard rows of a release, read once per process (the profile reads its scores from them too)."""
    return AreaRows.read(cursor(release_id)[1])


def _card_of(rows: AreaRows, country: dict[str, Any], release_id: str) -> Card:
    mine = [*rows.peers.get(("un_region", _text(country.get("un_region"))), []),
            *rows.peers.get(("income_group", _text(country.get("income_group"))), [])]  # fmt: skip
    entries = _entries_of(rows.area_scores(country["iso3"]), _medians(mine))
    return _card(release_id, country, entries, rows.area_aggregates(country["iso3"]))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _card(release_id: str, country: dict[str, Any], entries: list[dict[str, Any]], aggregates: dict) -> Card:
    facts = release_facts(release_id)
    info, method = facts.info, facts.method
    events = _stale_events(entries)
    return {
        "release": release_id,
        "status_year": int(info["status_year"]),
        "methodology_version": info.get("methodology_version"),
        "coverage_threshold": float(method.get("coverage_threshold", 0.8)),
        "min_indicators": int((method.get("index_rule") or {}).get("min_indicators", 1)),
        "country": {k: country.get(k) for k in COUNTRY_FIELDS},
        "themes": _groups(facts.themes, "theme", entries, aggregates, method, events),
        "principles": _groups(facts.principles, "principle", entries, aggregates, method, events),
        "sources": _sources(facts.sources, entries),
    }


def _entries(cur: duckdb.DuckDBPyConnection, country: dict[str, Any]) -> list[dict[str, Any]]:
    groups = {"un_region": country.get("un_region"), "income": country.get("income_group")}
    medians = _medians(records(cur, _PEERS_SQL, groups))
    return _entries_of(records(cur, _SCORES_SQL, {"iso3": country["iso3"]}), medians)


def _medians(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    medians: dict[str, dict[str, Any]] = {}
    for row in rows:
        medians.setdefault(row["indicator_id"], {})[row["group_kind"]] = {"median": row["median"], "n": row["n"]}
    return medians


def _entries_of(rows: list[dict[str, Any]], medians: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        entry = {k: row[k] for k in ENTRY_FIELDS}
        entry["theme"] = row["theme"]
        entry["principles"] = [int(p) for p in str(row["principles"] or "").split(",") if p.strip()]
        entry["steward_uploadable"] = bool(row["steward_uploadable"])
        entry["context"] = row["direction"] == "context"
        entry["peer_medians"] = {k: medians.get(row["indicator_id"], {}).get(k) for k in ("un_region", "income_group")}
        entry["status"] = indicator_status(entry)
        out.append(entry)
    for entry in out:
        entry["note"] = DERIVED_NOTE if DERIVED_FLAG in (entry["flags"] or "") else None
    return out


def indicator_status(entry: dict[str, Any]) -> str:
    """What the tile says, as a code: scored, context, no_data, out_of_date, suspect, not_known, not_known_since,
    not_applicable, not_scored (a category without a score, e.g. no residence-based naturalisation)."""
    flags = entry.get("flags") or ""
    if entry["value_label"] == NOT_APPLICABLE:
        return "not_applicable"
    if entry["value_label"] == NOT_KNOWN:
        return "not_known_since" if STALE_FLAG in flags else "not_known"
    if entry["value"] is None and entry["value_label"] is None:
        return "no_data"
    if SUSPECT in flags:
        return "suspect"
    if entry["out_of_date"]:
        return "out_of_date"
    if entry["context"]:
        return "context"
    return "scored" if entry["score"] is not None else "not_scored"


def _stale_events(entries: list[dict[str, Any]]) -> dict[str, str]:
    """indicator -> the list date a stale absence refers to (flag not_known_since=...)."""
    out = {}
    for entry in entries:
        for part in (entry.get("flags") or "").split(";"):
            if part.startswith(STALE_FLAG + "="):
                out[entry["indicator_id"]] = part.split("=", 1)[1]
    return out


def _groups(
    titles: list[tuple[str, str]], kind: str, entries: list[dict[str, Any]], aggregates: dict, method: dict,
    stale: dict[str, str],
) -> list[dict[str, Any]]:  # fmt: skip
    not_measured = {str(n) for n in method.get("not_measured", [])}
    out = []
    for key, title in titles:
        mine = [e for e in entries if (e["theme"] == key if kind == "theme" else int(key) in e["principles"])]
        aggregate = aggregates.get((kind, key))
        group = {kind: key if kind == "theme" else int(key), "title": title,
                 **aggregate_fields(aggregate), **_status(aggregate, key in not_measured)}  # fmt: skip
        group["indicators"] = mine if kind == "theme" else [e["indicator_id"] for e in mine]
        group["index_indicators"] = [e["indicator_id"] for e in mine if e["index"]]
        group["missing"] = [_missing(e, stale) for e in mine if e["index"] and e["status"] != "scored"
                            and e["status"] != "not_applicable"]  # fmt: skip
        group["steward_could_submit"] = [e["indicator_id"] for e in mine if e["steward_uploadable"]
                                         and e["status"] in ("no_data", "not_known", "not_known_since", "out_of_date")]  # fmt: skip
        if kind == "principle" and key in not_measured:
            reasons = (method.get("not_measured_reasons") or {}).get(key) or {}
            group["would_measure"] = reasons.get("would_measure") or ""
        out.append(group)
    return out


def aggregate_fields(row: dict[str, Any] | None) -> dict[str, Any]:
    keys = ("score", "level", "coverage", "n_with_data", "n_mapped")
    return {k: (row or {}).get(k) for k in keys} | ({"n_with_data": 0, "n_mapped": 0} if row is None else {})


def _status(row: dict[str, Any] | None, not_measured: bool) -> dict[str, str]:
    if row is not None and row.get("score") is not None:
        return {"status": "scored"}
    if not_measured or row is None:
        return {"status": "not_measured"}
    if (row.get("n_with_data") or 0) < 2 and (row.get("coverage") or 0) >= 0.8 - 1e-9:
        return {"status": "single_indicator"}
    return {"status": "below_coverage"}


def _missing(entry: dict[str, Any], stale: dict[str, str]) -> dict[str, Any]:
    """An index indicator without a current score for this country, and why."""
    reason = {"no_data": "no_public_source" if _steward_only(entry) else "no_data"}.get(
        entry["status"], entry["status"]
    )
    since = stale.get(entry["indicator_id"])
    later = _later_change(entry)
    if reason == "out_of_date" and later:
        reason, since = "superseded", later
    return {
        "indicator_id": entry["indicator_id"], "title": entry["title"], "reason": reason,
        "year": entry["year"], "since": since, "steward": entry["steward_uploadable"],
        "category_label": entry["category_label"] or entry["value_label"],
    }  # fmt: skip


def _later_change(entry: dict[str, Any]) -> str | None:
    """The date of a later reform the source records (flag later_change=YYYY-MM-DD), if any."""
    for part in (entry.get("flags") or "").split(";"):
        if part.startswith(LATER_CHANGE):
            return part[len(LATER_CHANGE) :]
    return None


def _steward_only(entry: dict[str, Any]) -> bool:
    return entry["steward_uploadable"] and entry["source_id"] in (None, "", "steward")


def _sources(titles: dict[str, str], entries: list[dict[str, Any]]) -> dict[str, str]:
    ids = sorted({s for e in entries for s in str(e["source_id"] or "").split(";") if s})
    return {sid: titles[sid] for sid in ids if sid in titles}


@dataclass(frozen=True)
class ReleaseFacts:
    """What every scorecard of a release shares: release_info, its methodology, the titles of themes, principles and
    sources (read once per process and release: a release never changes)."""

    info: dict[str, Any]
    method: dict[str, Any]
    themes: list[tuple[str, str]]
    principles: list[tuple[str, str]]
    sources: dict[str, str]


@memo(8)
def release_facts(release_id: str) -> ReleaseFacts:
    cur = cursor(release_id)[1]
    info = {k: json.loads(v) for k, v in cur.execute("SELECT key, value FROM release_info").fetchall()}
    rows = cur.execute("SELECT source_id, title, publisher FROM sources").fetchall()
    return ReleaseFacts(
        info, info.get("methodology") or {},
        cur.execute("SELECT theme_id, title FROM themes").fetchall(),
        cur.execute("SELECT CAST(principle AS VARCHAR), title FROM principles ORDER BY principle").fetchall(),
        {sid: f"{title} ({publisher})" for sid, title, publisher in rows},
    )  # fmt: skip
