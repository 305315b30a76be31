"""Indicator scores, the registry and the country table in; which indicators enter aggregates (index) out (pure).

SDSN SDG Index practice: an indicator counts in theme and principle aggregates only when its public data give a
current, scored value for at least `Registry.index_share` of the UN member states; the others are supplementary
(shown, coloured, not aggregated). A combined code (`built_from`) is supplementary whenever one of the indicators
it is built from is an index indicator, so the two never count together.
"""

from __future__ import annotations

import pandas as pd

from indicators.levels import scoreable
from indicators.model import Indicator

INDEX_COLUMNS = ["indicator_id", "un_members_scored", "un_members", "share", "index", "reason"]


def un_members(countries: pd.DataFrame) -> set[str]:
    """ISO3 of the UN member states (the countries table's un_member column; empty when the seed predates it)."""
    if "un_member" not in countries.columns:
        return set()
    return set(countries.loc[countries["un_member"].fillna(False).astype(bool), "iso3"].astype(str))


def index_table(
    scores: pd.DataFrame, indicators: list[Indicator], countries: pd.DataFrame, share: float
) -> pd.DataFrame:
    """One row per scoreable indicator: UN members with a current score, the share, index or not, and why."""
    members = un_members(countries)
    scored = scores[scores["score"].notna() & scores["country"].isin(members)]
    counts = scored.groupby("indicator_id")["country"].nunique()
    rows = []
    for ind in (i for i in indicators if scoreable(i)):
        n = int(counts.get(ind.id, 0))
        ratio = n / len(members) if members else 0.0
        rows.append([ind.id, n, len(members), ratio, ratio >= share - 1e-9, ""])
    table = pd.DataFrame(rows, columns=INDEX_COLUMNS)
    return _reasons(table, indicators, share)


def _reasons(table: pd.DataFrame, indicators: list[Indicator], share: float) -> pd.DataFrame:
    by_id = {ind.id: ind for ind in indicators}
    index = dict(zip(table["indicator_id"], table["index"], strict=True))
    reasons = []
    for ind_id, ok, n, total in zip(table["indicator_id"], table["index"], table["un_members_scored"],
                                    table["un_members"], strict=True):  # fmt: skip
        parts = [p for p in by_id[ind_id].built_from if index.get(p)]
        if ok and parts:
            index[ind_id] = False
            reasons.append(f"supplementary: built from {', '.join(parts)}, which count instead")
        elif ok:
            reasons.append(f"index: current for {n} of {total} UN member states (at least {share:.0%})")
        else:
            reasons.append(f"supplementary: current for {n} of {total} UN member states (below {share:.0%})")
    return table.assign(index=[index[i] for i in table["indicator_id"]], reason=reasons)
