"""The read model of the good-practice library: SQL of the practice pages (/practices, /practices/<id>, the country
profile's and the framework's practice lists), of /api/v1/practices and of the steward's practice diff: small frames
of one release, parameters only. A release built before the practice library existed has no practice tables: every
function then answers "no practices" instead of failing."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from warehouse.connection import cursor

_LIST_SQL = """
SELECT practice_id, name, name_en, institution, start_year, end_year, activity, status_as_of, summary, evidence,
       themes, principles, gcm_objectives, submitted_by, submitted_role, source_id
FROM practices ORDER BY name
"""
_COUNTRIES_SQL = """
SELECT pc.practice_id, pc.country, pc.role, pc.position, c.name, c.un_region
FROM practice_countries pc LEFT JOIN countries c ON c.iso3 = pc.country
ORDER BY pc.practice_id, pc.position
"""
_ONE_SQL = "SELECT * FROM practices WHERE practice_id = $id"
_PRINCIPLES_SQL = """
SELECT pp.principle, p.title FROM practice_principles pp LEFT JOIN principles p ON p.principle = pp.principle
WHERE pp.practice_id = $id ORDER BY pp.principle
"""
_THEMES_SQL = """
SELECT pt.theme, t.title FROM practice_themes pt LEFT JOIN themes t ON t.theme_id = pt.theme
WHERE pt.practice_id = $id ORDER BY t.title
"""
_INDICATORS_SQL = """
SELECT pi.indicator_id, pi.relation, pi.why, pi.ref, i.title, i.unit, i.type, i.headline_sex
FROM practice_indicators pi LEFT JOIN indicators i ON i.indicator_id = pi.indicator_id
WHERE pi.practice_id = $id ORDER BY pi.relation, i.title
"""
_SOURCES_SQL = """
SELECT ref, position, kind, title, publisher, url, accessed, supports FROM practice_sources
WHERE practice_id = $id ORDER BY position
"""
_SERIES_SQL = """
SELECT year, value, value_label, sex FROM observations
WHERE indicator_id = $indicator AND country = $country AND partner_country = '' AND sex = $sex
ORDER BY year
"""
_EVENTS_SQL = """
SELECT year, event_date, status, note FROM events
WHERE indicator_id = $indicator AND country = $country AND partner_country = '' ORDER BY year, event_date
"""
_OF_COUNTRY_SQL = """
SELECT p.practice_id, p.name, p.institution, p.start_year, p.end_year, p.activity, p.status_as_of, pc.role
FROM practice_countries pc JOIN practices p ON p.practice_id = pc.practice_id
WHERE pc.country = $iso3 ORDER BY p.start_year NULLS LAST, p.name
"""
# Each practice under each of its principles, for each of its countries, beside that country's principle score.
_BY_PRINCIPLE_SQL = """
SELECT pp.principle, p.practice_id, p.name, pc.country, c.name AS country_name, s.score, s.level, s.coverage
FROM practice_principles pp
JOIN practices p ON p.practice_id = pp.practice_id
JOIN practice_countries pc ON pc.practice_id = p.practice_id
LEFT JOIN countries c ON c.iso3 = pc.country
LEFT JOIN principle_scores s ON s.country = pc.country AND s.principle = pp.principle
ORDER BY pp.principle, p.name, pc.position
"""
_OPTIONS_SQL = {
    "themes": "SELECT theme_id AS value, title AS label FROM themes ORDER BY title",
    "principles": "SELECT principle AS value, title AS label FROM principles ORDER BY principle",
}


def has_practices(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the release has the practice library (names resolved like every query: release file or lake views)."""
    try:
        cur.execute("SELECT 1 FROM practices LIMIT 0")
    except (duckdb.CatalogException, duckdb.InvalidInputException):  # missing (or a Python name)
        return False
    return True


def _frame(cur: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return cur.execute(sql, params or {}).df()


def list_frame(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every practice with its countries (codes, names, UN regions) as lists; empty for an older release."""
    if not has_practices(cur):
        return pd.DataFrame(columns=["practice_id", "name", "countries", "country_names", "regions"])
    frame = _frame(cur, _LIST_SQL)
    places = _frame(cur, _COUNTRIES_SQL)
    grouped = places.groupby("practice_id", sort=False)
    frame["countries"] = frame["practice_id"].map(grouped["country"].agg(list)).apply(_as_list)
    frame["country_names"] = frame["practice_id"].map(grouped["name"].agg(list)).apply(_as_list)
    frame["regions"] = frame["practice_id"].map(grouped["un_region"].agg(lambda s: sorted(set(s.dropna()))))
    frame["regions"] = frame["regions"].apply(_as_list)
    return frame


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, list | tuple) else []


def practices(release: str | None = None) -> tuple[str, pd.DataFrame]:
    release_id, cur = cursor(release)
    return release_id, list_frame(cur)


def options(release: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Choices of the list's filters: every theme and principle, and the countries and regions that have practices."""
    _, cur = cursor(release)
    found = {key: _frame(cur, sql).to_dict("records") for key, sql in _OPTIONS_SQL.items()}
    places = (
        _frame(cur, _COUNTRIES_SQL) if has_practices(cur) else pd.DataFrame(columns=["country", "name", "un_region"])
    )
    countries = places.drop_duplicates("country").sort_values("name")
    found["countries"] = [
        {"value": c, "label": f"{n} ({c})"} for c, n in zip(countries["country"], countries["name"], strict=True)
    ]
    found["regions"] = [{"value": r, "label": r} for r in sorted(set(places["un_region"].dropna()))]
    return found


def record(cur: duckdb.DuckDBPyConnection, practice_id: str) -> dict[str, Any] | None:
    """One practice with its countries, principles, themes, indicator links and sources; None when unknown."""
    if not has_practices(cur):
        return None
    rows = _frame(cur, _ONE_SQL, {"id": practice_id})
    if rows.empty:
        return None
    out: dict[str, Any] = rows.iloc[0].to_dict()
    params = {"id": practice_id}
    places = _frame(cur, _COUNTRIES_SQL)
    out["country_list"] = places[places["practice_id"] == practice_id].drop(columns="practice_id").to_dict("records")
    out["principle_list"] = _frame(cur, _PRINCIPLES_SQL, params).to_dict("records")
    out["theme_list"] = _frame(cur, _THEMES_SQL, params).to_dict("records")
    out["indicator_list"] = _frame(cur, _INDICATORS_SQL, params).to_dict("records")
    out["source_list"] = _frame(cur, _SOURCES_SQL, params).to_dict("records")
    return out


def practice(practice_id: str, release: str | None = None) -> tuple[str, dict[str, Any] | None]:
    release_id, cur = cursor(release)
    return release_id, record(cur, practice_id)


def series(indicator_id: str, country: str, sex: str | None, release: str | None = None) -> pd.DataFrame:
    """One national series (year, value, value_label) in the indicator's headline sex."""
    _, cur = cursor(release)
    params = {"indicator": indicator_id, "country": country, "sex": sex or "total"}
    return _frame(cur, _SERIES_SQL, params)


def events(indicator_id: str, country: str, release: str | None = None) -> pd.DataFrame:
    _, cur = cursor(release)
    return _frame(cur, _EVENTS_SQL, {"indicator": indicator_id, "country": country})


def of_country(iso3: str, release: str | None = None) -> pd.DataFrame:
    """The practices a country runs or hosts, oldest first."""
    _, cur = cursor(release)
    if not has_practices(cur):
        return pd.DataFrame(columns=["practice_id", "name", "start_year", "end_year", "activity", "role"])
    return _frame(cur, _OF_COUNTRY_SQL, {"iso3": iso3})


def by_principle(release: str | None = None) -> pd.DataFrame:
    """principle, practice_id, name, country, country_name, score, level, coverage: for the framework page."""
    _, cur = cursor(release)
    if not has_practices(cur):
        return pd.DataFrame(
            columns=["principle", "practice_id", "name", "country", "country_name", "score", "level", "coverage"]
        )
    return _frame(cur, _BY_PRINCIPLE_SQL)


def filter_practices(
    frame: pd.DataFrame,
    search: str | None = None,
    theme: str | None = None,
    principle: str | None = None,
    country: str | None = None,
    region: str | None = None,
) -> pd.DataFrame:
    """Rows matching every given filter; the search looks in names, institution, texts and country names."""
    if frame.empty:
        return frame
    keep = pd.Series(True, index=frame.index)
    if theme:
        keep &= frame["themes"].fillna("").str.split(",").apply(lambda items: theme in items)
    if principle:
        keep &= frame["principles"].fillna("").str.split(",").apply(lambda items: str(principle) in items)
    if country:
        keep &= frame["countries"].apply(lambda items: country in items)
    if region:
        keep &= frame["regions"].apply(lambda items: region in items)
    if search and search.strip():
        words = search.casefold().split()
        text = (
            frame[["name", "name_en", "institution", "summary", "evidence"]]
            .fillna("")
            .astype(str)
            .agg(" ".join, axis=1)
            + " "
            + frame["country_names"].apply(lambda names: " ".join(map(str, names)))
        )
        folded = text.str.casefold()
        keep &= folded.apply(lambda t: all(w in t for w in words))
    return frame[keep]


# --- JSON of /api/v1/practices ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready: NaN/NA -> None, numpy scalars -> Python."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _split(text: Any, as_int: bool = False) -> list:
    items = [x for x in str(_plain(text) or "").split(",") if x]
    return [int(x) for x in items] if as_int else items


SUMMARY_FIELDS = (
    "practice_id",
    "name",
    "name_en",
    "institution",
    "start_year",
    "end_year",
    "activity",
    "status_as_of",
    "summary",
    "submitted_by",
    "submitted_role",
)


def summary_json(row: dict[str, Any]) -> dict[str, Any]:
    """One practice of the list (texts keep their [ref] citation markers; the record lists the sources)."""
    out = {k: _plain(row.get(k)) for k in SUMMARY_FIELDS}
    return out | {
        "countries": list(row["countries"]),
        "themes": _split(row["themes"]),
        "principles": _split(row["principles"], as_int=True),
        "gcm_objectives": _split(row["gcm_objectives"], True),
        "page": f"/practices/{row['practice_id']}",
        "api": f"/api/v1/practices/{row['practice_id']}",
    }


def record_json(rec: dict[str, Any]) -> dict[str, Any]:
    """One practice in full: fields, countries, principles, themes, indicator links, sources, provenance."""
    fields = [*SUMMARY_FIELDS, "evidence", "success_factors", "transfer_limits", "notes", "source_id", "provenance"]
    out = {k: _plain(rec.get(k)) for k in fields}
    clean = [{k: _plain(v) for k, v in item.items()} for item in rec["source_list"]]
    return out | {
        "countries": [
            {"iso3": c["country"], "name": _plain(c["name"]), "role": c["role"]} for c in rec["country_list"]
        ],
        "themes": [{"theme": t["theme"], "title": _plain(t["title"])} for t in rec["theme_list"]],
        "principles": [{"principle": int(p["principle"]), "title": _plain(p["title"])} for p in rec["principle_list"]],
        "gcm_objectives": _split(rec.get("gcm_objectives"), as_int=True),
        "indicators": [
            {k: _plain(i[k]) for k in ("indicator_id", "title", "relation", "why", "ref")}
            for i in rec["indicator_list"]
        ],
        "sources": [c | {"supports": _split(c["supports"])} for c in clean],
        "left_out": [x for x in str(_plain(rec.get("left_out")) or "").split("; ") if x],
        "page": f"/practices/{rec['practice_id']}",
    }


def countries_of(cur: duckdb.DuckDBPyConnection, practice_id: str) -> list[str]:
    """The countries of a published practice ([] when the release has no such practice)."""
    if not has_practices(cur):
        return []
    sql = "SELECT country FROM practice_countries WHERE practice_id = $id ORDER BY position"
    return [r[0] for r in cur.execute(sql, {"id": practice_id}).fetchall()]


def practice_names(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not has_practices(cur):
        return {}
    return dict(cur.execute("SELECT practice_id, name FROM practices").fetchall())


def theme_ids(cur: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in cur.execute("SELECT theme_id FROM themes ORDER BY theme_id").fetchall()]


def regions(cur: duckdb.DuckDBPyConnection) -> list[str]:
    sql = "SELECT DISTINCT un_region FROM countries WHERE NOT is_aggregate AND un_region IS NOT NULL ORDER BY 1"
    return [r[0] for r in cur.execute(sql).fetchall()]
