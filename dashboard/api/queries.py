"""Every SQL the API runs beyond the shared exports of warehouse.read (parameters only, never user text in SQL)."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa

from indicators.levels import LEVELS, STATUS_LABELS
from warehouse import releases
from warehouse.read import _EVENTS_SQL, _OBSERVATIONS_SQL  # the SQL of `lmm export`, one copy

LIST_COLUMNS = ("principles", "source_ids", "guidelines", "gcm_objectives", "disaggregations")
PEER_KINDS = ("un_region", "income_group")


def country_names(cur: duckdb.DuckDBPyConnection, aggregates: bool = False) -> dict[str, str]:
    rows = cur.execute("SELECT iso3, name FROM countries WHERE $all OR NOT is_aggregate", {"all": aggregates})
    return dict(rows.fetchall())


def indicator_titles(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT indicator_id, title FROM indicators").fetchall())


def indicator_types(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT indicator_id, type FROM indicators").fetchall())


def observation_rows(
    cur: duckdb.DuckDBPyConnection, kind: str | None, filters: dict[str, object], limit: int, offset: int
) -> list[dict[str, object]]:
    """warehouse.read.export_rows as plain dicts (no DataFrame): the same SQL; numbers written as pandas' to_json
    writes them for `lmm export --format json` (json_number). dashboard/api/index.py answers the same from memory."""
    result = _observations(cur, kind, {**filters, "limit": limit, "offset": offset})
    names = [d[0] for d in result.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    for name in (d[0] for d in result.description or [] if d[1] in ("DOUBLE", "FLOAT")):
        for row in rows:  # the float columns (value): the others are written as they are
            row[name] = json_number(row[name])
    return rows


def observation_table(cur: duckdb.DuckDBPyConnection, kind: str | None, indicator: str) -> pa.Table:
    """Every row of one indicator, as observation_rows reads them (same SQL and order, no filter), in Arrow."""
    everything = {**dict.fromkeys(("country", "year_from", "year_to", "sex", "partner")), "limit": 2**62, "offset": 0}
    return _observations(cur, kind, {"indicator": indicator, **everything}).to_arrow_table()


def _observations(
    cur: duckdb.DuckDBPyConnection, kind: str | None, params: dict[str, object]
) -> duckdb.DuckDBPyConnection:
    return cur.execute(_EVENTS_SQL if kind == "event" else _OBSERVATIONS_SQL, params)


def json_number(value: object) -> object:
    """A float as pandas' to_json writes it (10 decimals; 10 significant digits below 1e-15 and from 1e16), NaN as
    null; any other value unchanged."""
    if not isinstance(value, float):
        return value
    if value != value:  # NaN: no value
        return None
    size = abs(value)
    return float(f"{value:.9e}") if size >= 1e16 or 0 < size < 1e-15 else round(value, 10)


def countries(cur: duckdb.DuckDBPyConnection, aggregates: bool) -> pd.DataFrame:
    return cur.execute(
        """SELECT iso3, iso2, m49, name, un_region, un_subregion, wb_region, income_group, is_aggregate, aggregate_kind,
                  area_kind, un_member, ilo_member, iso3166_3, successors
           FROM countries WHERE $aggregates OR NOT is_aggregate ORDER BY is_aggregate, iso3""",
        {"aggregates": aggregates},
    ).df()


def country(cur: duckdb.DuckDBPyConnection, iso3: str) -> dict[str, object]:
    frame = cur.execute(
        """SELECT iso3, name, un_region, un_subregion, wb_region, income_group, area_kind, un_member, ilo_member,
                  successors FROM countries WHERE iso3 = ?""",
        [iso3],
    ).df()
    return json.loads(frame.to_json(orient="records"))[0]


def indicators(cur: duckdb.DuckDBPyConnection, indicator_id: str | None = None) -> list[dict[str, object]]:
    """Indicator metadata with the methodology fields; comma lists as arrays, categories parsed."""
    frame = cur.execute(
        "SELECT * FROM indicators WHERE $id IS NULL OR indicator_id = $id ORDER BY theme, indicator_id",
        {"id": indicator_id},
    ).df()
    rows = json.loads(frame.to_json(orient="records"))
    for row in rows:
        for column in LIST_COLUMNS:
            items = [item.strip() for item in (row.get(column) or "").split(",") if item.strip()]
            row[column] = [int(i) for i in items] if column == "principles" else items
        row["categories"] = json.loads(row.pop("categories_json") or "[]")
        row["thresholds"] = {k: row.pop(k) for k in ("optimum", "green", "red", "lower_bound")}
    return rows


_SCORES_SQL = """
SELECT s.indicator_id, i.title, i.theme, i.unit, i.direction, s.value, s.value_label, s.year, s.out_of_date,
       s.score, s.level, s.trend, s.changed_year, s.source_id, s.flags
FROM indicator_scores s JOIN indicators i USING (indicator_id)
WHERE s.country = $country ORDER BY i.theme, s.indicator_id
"""


def indicator_scores(cur: duckdb.DuckDBPyConnection, iso3: str, groups: dict[str, object]) -> list[dict]:
    rows = json.loads(cur.execute(_SCORES_SQL, {"country": iso3}).df().to_json(orient="records"))
    peers = cur.execute(
        """SELECT indicator_id, group_kind, "group", median, q1, q3, n FROM peer_stats
           WHERE (group_kind = 'un_region' AND "group" = $un_region)
              OR (group_kind = 'income_group' AND "group" = $income_group)""",
        {"un_region": groups.get("un_region"), "income_group": groups.get("income_group")},
    ).df()
    by_indicator: dict[str, dict[str, object]] = {}
    for peer in json.loads(peers.to_json(orient="records")):
        kind = peer.pop("group_kind")
        by_indicator.setdefault(peer.pop("indicator_id"), {})[kind] = peer
    for row in rows:
        style = level_style(row["level"], row["out_of_date"], row["value_label"])
        row["level_label"], row["level_icon"] = (style.label, style.icon) if style else (None, None)
        row["peer_medians"] = {kind: by_indicator.get(row["indicator_id"], {}).get(kind) for kind in PEER_KINDS}
    return rows


def level_style(level: str | None, out_of_date: bool | None = False, value_label: str | None = None):
    """The label and icon shown for a score: out of date and not known are states, not colours."""
    if out_of_date:
        return STATUS_LABELS["out_of_date"]
    if value_label in ("not_known", "not_applicable") and level == "no_data":
        return STATUS_LABELS[value_label]
    return LEVELS.get(level) if level else None  # type: ignore[call-overload]


def aggregate_scores(cur: duckdb.DuckDBPyConnection, iso3: str) -> dict[str, list[dict]]:
    principles = cur.execute(
        """SELECT p.principle, pr.title, p.score, p.level, p.coverage, p.n_with_data, p.n_mapped
           FROM principle_scores p JOIN principles pr USING (principle) WHERE p.country = ? ORDER BY p.principle""",
        [iso3],
    ).df()
    themes = cur.execute(
        """SELECT t.theme, th.title, t.score, t.level, t.coverage, t.n_with_data, t.n_mapped
           FROM theme_scores t JOIN themes th ON th.theme_id = t.theme WHERE t.country = ? ORDER BY t.theme""",
        [iso3],
    ).df()
    out = {"principle_scores": principles, "theme_scores": themes}
    return {name: json.loads(frame.to_json(orient="records")) for name, frame in out.items()}


_CORRIDOR_OBS_SQL = """
SELECT indicator_id AS indicator, country, year, sex, partner_country, value, value_label, unit, source_id, flags
FROM observations
WHERE (country = $a AND partner_country = $b) OR (country = $b AND partner_country = $a)
ORDER BY indicator_id, country, year, sex
"""
_CORRIDOR_EVENTS_SQL = """
SELECT indicator_id AS indicator, country, partner_country, event_date, year, status, note, source_id
FROM events
WHERE (country = $a AND partner_country = $b) OR (country = $b AND partner_country = $a)
ORDER BY indicator_id, country, year NULLS FIRST, status
"""
_SIDE_SQL = """
SELECT s.indicator_id, i.title, s.value, s.value_label, s.year, s.out_of_date, s.score, s.level, s.source_id
FROM indicator_scores s JOIN indicators i USING (indicator_id)
WHERE s.country = $country AND i.theme = 'dual_nationality' ORDER BY s.indicator_id
"""


def corridor(cur: duckdb.DuckDBPyConnection, origin: str, destination: str) -> dict[str, object]:
    params = {"a": origin, "b": destination}
    observations = json.loads(cur.execute(_CORRIDOR_OBS_SQL, params).df().to_json(orient="records"))
    events = json.loads(cur.execute(_CORRIDOR_EVENTS_SQL, params).df().to_json(orient="records"))
    sides = {
        side: json.loads(cur.execute(_SIDE_SQL, {"country": code}).df().to_json(orient="records"))
        for side, code in (("origin", origin), ("destination", destination))
    }
    return {"observations": observations, "events": events, "dual_nationality": sides}


def release_list() -> list[dict[str, object]]:
    """Every release still held (newest first) and every one in the history, with when, who and why."""
    available = set(releases.list_release_ids())
    current = releases.current_release_id()
    history = releases.read_history()
    published = {h.release_id: h for h in history if h.action == "publish"}
    ids = sorted(available | set(published), reverse=True)
    rows = []
    for release_id in ids:
        entry = published.get(release_id)
        rows.append(
            {
                "release_id": release_id,
                "current": release_id == current,
                "available": release_id in available,
                "published_at": entry.at if entry else None,
                "actor": entry.actor if entry else None,
                "summary": entry.summary if entry else None,
                "changes": entry.changes if entry else None,
            }
        )
    return rows


def rollbacks() -> list[dict[str, object]]:
    return [
        {"release_id": h.release_id, "at": h.at, "actor": h.actor, "summary": h.summary}
        for h in releases.read_history()
        if h.action == "rollback"
    ]
