"""Tidy observations, events, event lists, countries and the registry in; the release's score tables out (pure).

`score_release` is the batch the release build calls; it applies exactly the rules of the scalar functions
(levels, events, trend, aggregate) with vectorised pandas.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from indicators.events import NOT_APPLICABLE, NOT_KNOWN, Scope, event_rows
from indicators.index import index_table
from indicators.levels import (
    category_result,
    check_thresholds,
    find_category,
    level_array,
    may_be_corridor,
    normalise_array,
    scoreable,
)
from indicators.model import Indicator, Registry
from indicators.peers import aggregate_tables, peer_table
from indicators.quality import is_suspect, superseded
from indicators.trend import NOT_AVAILABLE, batch_trends

KEY = ["indicator_id", "country"]
SCORE_COLUMNS = [
    "country", "indicator_id", "status_year", "value", "value_label", "year", "out_of_date", "score", "level",
    "trend", "changed_year", "source_id", "flags", "methodology_version",
]  # fmt: skip
BREAK_FLAG = "break="  # a loader marks the first value of a new series (methodology break) with flag break=...


def score_release(
    observations: pd.DataFrame,
    events: pd.DataFrame,
    event_lists: pd.DataFrame,
    countries: pd.DataFrame,
    registry: Registry,
    status_year: int,
    groups: dict[str, list[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Score every non-aggregate country x indicator for `status_year`.

    Out: indicator_scores (one row per country x indicator that is not corridor-shaped, no-data rows included:
    level no_data; context and unscored indicators with a value: score and level null), principle_scores and
    theme_scores (below the registry's coverage threshold: no score, level no_data, coverage still given) and
    peer_stats (UN region, UN sub-region, income group and each custom group: median and quartiles of current
    values of continuous and ordinal indicators; null below 3 values).
    Corridor-shaped: a partner-country disaggregation and no country-level rows (partner_country '').
    Values: the headline sex slice, partner '' only, latest in or before the status year; older than the
    recency window -> out_of_date, shown but not scored (no score, level no_data, no trend).
    Event indicators: one row per country with the derived status (events.event_status) as value_label, scored
    through the category table (not_known: no score, no colour); `year` is the year the status is valid for:
    min(status year, the lists' as_of year), or a newer event's year. Trends: see trend.py; points from another
    source than the latest value, or before a value flagged `break=...`, are left out.
    A category code missing from an indicator's table raises ValueError (never a silent colour).
    """
    iso3 = scored_areas(countries)
    indicators = _country_level(registry.indicators.values(), observations, events)
    _check_registry(indicators)
    scopes = event_scopes(indicators, event_lists, countries, registry)
    scores = _indicator_scores(observations, events, event_lists, indicators, iso3, status_year, scopes)
    scores["methodology_version"] = registry.methodology_version
    index = index_table(scores, indicators, countries, registry.index_share)
    principle_scores, theme_scores = aggregate_tables(
        scores, indicators, registry.coverage_threshold, set(index.loc[index["index"], "indicator_id"]),
        registry.min_index_indicators,
    )  # fmt: skip
    return {
        "indicator_scores": scores,
        "principle_scores": principle_scores,
        "theme_scores": theme_scores,
        "peer_stats": peer_table(scores, indicators, countries, groups or {}),
        "indicator_index": index,
    }


# Areas with no scorecard: no permanent population, or no longer existing (shown in their successors' profiles).
UNSCORED_KINDS = ("uninhabited", "historical")


def scored_areas(countries: pd.DataFrame) -> list[str]:
    """ISO3 of every area that gets a scorecard: not an aggregate, not uninhabited, not historical."""
    keep = ~countries["is_aggregate"].fillna(False).astype(bool)
    if "area_kind" in countries.columns:
        keep &= ~countries["area_kind"].isin(UNSCORED_KINDS)
    return sorted(countries.loc[keep, "iso3"].astype(str).unique())


def event_scopes(
    indicators: list[Indicator], event_lists: pd.DataFrame, countries: pd.DataFrame, registry: Registry
) -> dict[str, Scope]:
    """Per event indicator: its universe's members (UN or ILO member States) and its lists' absence tolerance."""
    members = {
        universe: frozenset(countries.loc[countries[column].fillna(False).astype(bool), "iso3"].astype(str))
        for universe, column in (("un_members", "un_member"), ("ilo_members", "ilo_member"))
        if column in countries.columns
    }
    tolerance = registry.absence_tolerance
    scopes = {}
    for ind in (i for i in indicators if i.type == "event"):
        sources = sorted(set(event_lists.loc[event_lists["indicator_id"] == ind.id, "source_id"].astype(str)))
        years = [tolerance.get(s, tolerance.get("default")) for s in sources] or [tolerance.get("default")]
        known = [y for y in years if y is not None]
        scopes[ind.id] = Scope(members.get(ind.universe or ""), min(known) if known else None)
    return scopes


def _country_level(
    indicators: Iterable[Indicator], observations: pd.DataFrame, events: pd.DataFrame
) -> list[Indicator]:
    """Registry indicators minus the corridor-shaped ones."""
    present = set(observations.loc[observations["partner_country"].fillna("") == "", "indicator_id"].unique())
    present |= set(events.loc[events["partner_country"].fillna("") == "", "indicator_id"].unique())
    return [ind for ind in indicators if not may_be_corridor(ind) or ind.id in present]


def _check_registry(indicators: list[Indicator]) -> None:
    for ind in indicators:
        if ind.type == "continuous" and scoreable(ind) and ind.thresholds is not None:
            check_thresholds(ind.thresholds, name=f"indicator {ind.id!r}")


def _meta(indicators: list[Indicator]) -> pd.DataFrame:
    rows = []
    for ind in indicators:
        th = ind.thresholds
        bounds = (th.optimum, th.lower_bound, th.green, th.red) if th is not None else (np.nan,) * 4
        rows.append((ind.id, ind.type, scoreable(ind), *bounds, ind.recency_window, ind.trend_window, ind.headline_sex))
    columns = ["indicator_id", "type", "scoreable", "optimum", "lower_bound", "green", "red", "recency_window",
               "trend_window", "headline_sex"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _indicator_scores(
    observations: pd.DataFrame, events: pd.DataFrame, event_lists: pd.DataFrame, indicators: list[Indicator],
    iso3: list[str], status_year: int, scopes: dict[str, Scope],
) -> pd.DataFrame:  # fmt: skip
    meta = _meta(indicators)
    by_id = {ind.id: ind for ind in indicators}
    value_ids = [ind.id for ind in indicators if ind.type != "event"]
    obs = _usable(observations, meta[meta["indicator_id"].isin(value_ids)], iso3, status_year)
    values = _value_rows(obs, by_id, status_year)
    event_inds = [ind for ind in indicators if ind.type == "event"]
    found = pd.concat(
        [values, _event_scores(events, event_lists, event_inds, iso3, status_year, scopes)], ignore_index=True
    )
    grid = pd.MultiIndex.from_product([meta["indicator_id"], iso3], names=KEY).to_frame(index=False)
    out = grid.merge(found, on=KEY, how="left")
    out["status_year"] = status_year
    out["out_of_date"] = out["out_of_date"].fillna(False).astype(bool)
    out["level"] = out["level"].where(out["has_value"].fillna(False).astype(bool), "no_data")
    out["trend"] = out["trend"].fillna(NOT_AVAILABLE)
    out = out.astype({"value": "Float64", "score": "Float64", "year": "Int64", "changed_year": "Int64", "level": "str"})
    return out.sort_values(["country", "indicator_id"], ignore_index=True).reindex(columns=SCORE_COLUMNS)


def _usable(observations: pd.DataFrame, meta: pd.DataFrame, iso3: list[str], status_year: int) -> pd.DataFrame:
    """Rows that can be a status value: known indicator and country, no partner, headline sex, not in the future."""
    obs = observations
    mask = obs["indicator_id"].isin(meta["indicator_id"]) & obs["country"].isin(iso3)
    mask &= (obs["partner_country"].fillna("") == "") & (obs["year"] <= status_year)
    obs = obs.loc[mask].merge(meta, on="indicator_id")
    continuous = obs["type"] == "continuous"
    has = obs["value"].notna() | (~continuous & obs["value_label"].notna())
    obs = obs[has & (obs["sex"] == obs["headline_sex"])]
    return obs.sort_values([*KEY, "year"], kind="stable", ignore_index=True)


def _value_rows(obs: pd.DataFrame, by_id: dict[str, Indicator], status_year: int) -> pd.DataFrame:
    latest = obs.drop_duplicates(KEY, keep="last").reset_index(drop=True)
    too_old = latest["year"] < status_year - latest["recency_window"]
    latest["out_of_date"] = too_old | superseded(latest["flags"], status_year)
    latest["has_value"] = True
    suspect = is_suspect(latest["flags"])
    scored = latest["scoreable"] & ~latest["out_of_date"] & ~suspect
    continuous = latest["type"] == "continuous"
    bounds = [_floats(latest[c]) for c in ("optimum", "lower_bound", "green", "red")]
    value = _floats(latest["value"])
    latest["score"] = np.where(scored & continuous, normalise_array(value, bounds[0], bounds[1]), np.nan)
    latest["level"] = pd.Series(level_array(value, *bounds), dtype=object).where(continuous, None)
    latest = _categorical_results(latest, obs, by_id, scored & ~continuous)
    latest.loc[~latest["scoreable"], "level"] = None
    latest.loc[latest["scoreable"] & (latest["out_of_date"] | suspect), "level"] = "no_data"
    latest.loc[suspect, "score"] = np.nan
    trends = _trends(obs[(obs["type"] == "continuous") & ~is_suspect(obs["flags"])], latest[scored & continuous],
                     status_year)  # fmt: skip
    latest = latest.merge(trends, on=KEY, how="left")
    return latest[[*KEY, "value", "value_label", "year", "out_of_date", "score", "level", "trend", "changed_year",
                   "source_id", "flags", "has_value"]]  # fmt: skip


def _floats(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=float, na_value=np.nan)


def _resolve_code(ind: Indicator, label: object, value: object) -> str:
    """The table code of a published category: its label (as code, then as label), else its numeric value."""
    candidates = [c for c in (label, value) if c is not None and not pd.isna(c)]  # type: ignore[call-overload]
    for candidate in candidates:
        category = find_category(candidate, ind)
        if category is not None:
            return category.code
    if not ind.categories:
        return str(candidates[0])
    category_result(candidates[0], ind)  # raises ValueError naming the indicator and the code
    raise AssertionError("unreachable")


def _categorical_results(
    latest: pd.DataFrame, obs: pd.DataFrame, by_id: dict[str, Indicator], scored: pd.Series
) -> pd.DataFrame:
    """Score and level through the category tables, and the year the category last changed."""
    rows = obs[obs["type"] != "continuous"]
    pairs = rows[["indicator_id", "value_label", "value"]].drop_duplicates()
    codes = [_resolve_code(by_id[i], lab, val) for i, lab, val in pairs.itertuples(index=False)]
    pairs["code"] = pd.Series(codes, index=pairs.index, dtype="str")
    rows = rows.merge(pairs, on=["indicator_id", "value_label", "value"], how="left")
    previous = rows.groupby(KEY)["code"].shift(1)
    changes = rows[previous.notna() & (rows["code"] != previous)]
    changed = changes.groupby(KEY)["year"].max().rename("changed_year").reset_index()
    latest = latest.merge(changed, on=KEY, how="left")
    last_codes = rows.drop_duplicates(KEY, keep="last")[[*KEY, "code"]]
    latest = latest.merge(last_codes, on=KEY, how="left").merge(
        _category_table(by_id), on=["indicator_id", "code"], how="left"
    )
    latest["score"] = latest["score"].where(~scored.to_numpy(), latest["cat_score"])
    latest["level"] = latest["level"].where(~scored.to_numpy(), latest["cat_level"])
    return latest.drop(columns=["code", "cat_score", "cat_level"])


def _category_table(by_id: dict[str, Indicator]) -> pd.DataFrame:
    rows = [
        (i, c.code, np.nan if c.score is None else c.score, c.level) for i, ind in by_id.items() for c in ind.categories
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "code", "cat_score", "cat_level"]).astype(
        {"code": "str", "cat_score": float}
    )


def _trends(obs: pd.DataFrame, latest: pd.DataFrame, status_year: int) -> pd.DataFrame:
    """Trend codes for current, scored continuous series: same source as the latest value, after any break."""
    ref = latest[[*KEY, "year", "source_id"]].rename(columns={"year": "last_year", "source_id": "last_source"})
    pts = obs.merge(ref, on=KEY)
    pts = pts[(pts["source_id"] == pts["last_source"]) & (pts["year"] >= status_year - pts["trend_window"])]
    breaks = pts[pts["flags"].fillna("").str.contains(BREAK_FLAG, regex=False)].groupby(KEY)["year"].max()
    pts = pts.merge(breaks.rename("break_year").reset_index(), on=KEY, how="left")
    pts = pts[pts["break_year"].isna() | (pts["year"] >= pts["break_year"])]
    return batch_trends(pts, KEY, status_year)


def _event_scores(
    events: pd.DataFrame, event_lists: pd.DataFrame, indicators: list[Indicator], iso3: list[str], status_year: int,
    scopes: dict[str, Scope],
) -> pd.DataFrame:  # fmt: skip
    """Derived statuses (value_label) scored through each indicator's table; not_known and not_applicable are never
    coloured. Never out of date: a ratification is durable, and an absence past its list's tolerance is already
    not_known (events.event_rows)."""
    rows = event_rows(events, event_lists, indicators, iso3, status_year, scopes)
    by_id = {ind.id: ind for ind in indicators}
    pairs = list(zip(rows["indicator_id"], rows["value_label"], strict=True))
    results = {pair: _event_result(by_id[pair[0]], pair[1]) for pair in set(pairs)}
    rows["score"] = [np.nan if results[p][0] is None else results[p][0] for p in pairs]
    rows["level"] = [results[p][1] for p in pairs]
    return rows.assign(value=np.nan, out_of_date=False, has_value=True)


def _event_result(ind: Indicator, status: str) -> tuple[float | None, str | None]:
    unknown = status in (NOT_KNOWN, NOT_APPLICABLE)
    if not scoreable(ind):
        return None, "no_data" if unknown else None
    if unknown and find_category(status, ind) is None:
        return None, "no_data"
    return category_result(status, ind)  # raises when the table lacks a status the events produce
