"""Indicator score rows in; principle/theme aggregates and peer-group statistics tables out (pure, vectorised)."""

from __future__ import annotations

import pandas as pd

from indicators.aggregate import MIN_PEERS, batch_aggregate
from indicators.events import NOT_APPLICABLE
from indicators.levels import scoreable
from indicators.model import Indicator
from indicators.quality import is_suspect

GROUP_KINDS = ("un_region", "un_subregion", "income_group")
PEER_COLUMNS = ["indicator_id", "group_kind", "group", "median", "q1", "q3", "n"]


def aggregate_tables(
    scores: pd.DataFrame,
    indicators: list[Indicator],
    threshold: float,
    index: set[str] | None = None,
    min_indicators: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """principle_scores and theme_scores: every country x principle (theme) with at least one index indicator
    applicable to the country.

    n_mapped counts the index indicators mapped (indicators/index.py; supplementary, context and unscored ones never
    count) that apply to the country: a status 'not_applicable' (outside a list's universe) is neither data nor
    missing. A score needs coverage >= threshold and at least `min_indicators` indicators with data. Weights from
    the registry (default equal).
    """
    mapped = [ind for ind in indicators if scoreable(ind) and (index is None or ind.id in index)]
    principles = pd.DataFrame(
        [(ind.id, p, ind.weight) for ind in mapped for p in ind.principles],
        columns=["indicator_id", "principle", "weight"],
    )
    themes = pd.DataFrame(
        [(ind.id, ind.theme, ind.weight) for ind in mapped], columns=["indicator_id", "theme", "weight"]
    )
    applies = scores["value_label"].astype(object).ne(NOT_APPLICABLE)
    rows = scores.loc[applies, ["country", "indicator_id", "score", "level"]].astype({"score": float})
    by_principle = batch_aggregate(rows, principles, "principle", threshold, min_indicators)
    return by_principle.astype({"principle": int}), batch_aggregate(rows, themes, "theme", threshold, min_indicators)


def _memberships(countries: pd.DataFrame, groups: dict[str, list[str]], iso3: set[str]) -> pd.DataFrame:
    """country, group_kind, group for every regional/income group and custom group of a non-aggregate country."""
    own = countries[countries["iso3"].isin(iso3)]
    parts = [
        pd.DataFrame({"country": own["iso3"], "group_kind": kind, "group": own[kind]}).dropna(subset=["group"])
        for kind in GROUP_KINDS
    ]
    custom = [(c, f"custom:{name}", name) for name, members in groups.items() for c in members if c in iso3]
    parts.append(pd.DataFrame(custom, columns=["country", "group_kind", "group"]))
    return pd.concat(parts, ignore_index=True).drop_duplicates().astype(str)


def peer_table(
    scores: pd.DataFrame, indicators: list[Indicator], countries: pd.DataFrame, groups: dict[str, list[str]]
) -> pd.DataFrame:
    """peer_stats: median, quartiles and n of current values, per continuous/ordinal indicator x peer group.

    One row for every indicator x group (n may be 0); statistics null below MIN_PEERS values (see
    `aggregate.peer_stats`). Out-of-date values are not current and are left out; so are suspect values
    (indicators/quality.py).
    """
    ids = [ind.id for ind in indicators if ind.type in ("continuous", "ordinal")]
    keep = scores["indicator_id"].isin(ids) & scores["value"].notna() & ~scores["out_of_date"]
    keep &= ~is_suspect(scores["flags"].astype(object))
    values = scores.loc[keep, ["indicator_id", "country", "value"]].astype({"value": float})
    members = _memberships(countries, groups, set(scores["country"]))
    joined = values.merge(members, on="country")
    keys = ["indicator_id", "group_kind", "group"]
    grouped = joined.groupby(keys)["value"]
    stats = pd.DataFrame({"median": grouped.median(), "q1": grouped.quantile(0.25), "q3": grouped.quantile(0.75)})
    stats["n"] = grouped.size()
    kinds = members[["group_kind", "group"]].drop_duplicates()
    grid = pd.DataFrame({"indicator_id": pd.Series(ids, dtype=str)}).merge(kinds, how="cross")  # str: ids may be none
    out = grid.merge(stats.reset_index(), on=keys, how="left")
    out["n"] = out["n"].fillna(0).astype(int)
    few = out["n"] < MIN_PEERS
    for column in ("median", "q1", "q3"):
        out[column] = out[column].astype("Float64").mask(few)
    return out.sort_values(keys, ignore_index=True)[PEER_COLUMNS]
