"""Observations and the registry in; the same observations with suspect values flagged out (pure, no I/O).

A suspect value stays in the release and in every export, with `suspect=<reason>` in its flags; scoring, peer
medians and trends leave it out (indicators/release.py, indicators/peers.py). The rules, per indicator, come from
the registry: `bounds` (a value its definition does not allow) and `suspect_rules`:
- swapped_sexes: a female/male ratio above 100 whose reciprocal lies within SWAP_NEAR points of the median of the
  country's other values while the value itself lies more than SWAP_FAR points from it: the sexes were evidently
  swapped in the source (the Maldives' 2019 survey lists women at 77 % and men at 46 %).
- zero_not_counted: a 0 that means "none recorded", not a measured zero (a reported 0 injuries among migrants).
- zero_before_first_count: zeros of a series (country x partner x sex) before its first positive value, where the
  publisher fills cells it did not count with 0 (IAB corridor stocks).

A value superseded by a later reform (`later_change=<YYYY-MM-DD>`, set by a loader whose source records the reform
but not yet its coding) is out of date from the reform's year on: shown with its year, never scored as current.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from indicators.model import Indicator

SUSPECT = "suspect="
LATER_CHANGE = "later_change="
SWAP_NEAR, SWAP_FAR = 10.0, 30.0
REASONS = {
    "bounds": "outside its definition ({low:g}-{high:g})",
    "swapped_sexes": "female and male values evidently swapped in the source",
    "zero_not_counted": "a reported 0 read as not counted, not a measured zero",
    "zero_before_first_count": "0 before the series' first count: not counted",
}


def is_suspect(flags: pd.Series) -> pd.Series:
    return flags.fillna("").str.contains(SUSPECT, regex=False)


def later_change_dates(flags: pd.Series) -> pd.Series:
    """The date (YYYY-MM-DD) of the later reform each row's flags record, NaN where none."""
    return flags.fillna("").astype(str).str.extract(LATER_CHANGE + r"(\d{4}-\d{2}-\d{2})", expand=False)


def superseded(flags: pd.Series, status_year: int) -> pd.Series:
    """True where a later reform recorded in the flags is in force by the status year."""
    years = later_change_dates(flags).str.slice(0, 4)
    return pd.to_numeric(years, errors="coerce").le(status_year).fillna(False).astype(bool)


def flag_suspect(observations: pd.DataFrame, indicators: Iterable[Indicator]) -> pd.DataFrame:
    """Observations with `suspect=<reason>` appended to the flags of every suspect value (others unchanged)."""
    reasons = pd.Series("", index=observations.index, dtype=object)
    for ind in indicators:
        rows = observations["indicator_id"] == ind.id
        if not rows.any() or not (ind.bounds or ind.suspect_rules):
            continue
        part = observations.loc[rows]
        for reason, mask in _checks(part, ind):
            reasons.loc[mask[mask].index] = reason
    suspect = reasons != ""
    if not suspect.any():
        return observations
    out = observations.copy()
    old = out.loc[suspect, "flags"].fillna("")
    out.loc[suspect, "flags"] = old.where(old == "", old + ";") + SUSPECT + reasons[suspect]
    return out


def _checks(part: pd.DataFrame, ind: Indicator) -> list[tuple[str, pd.Series]]:
    value = part["value"].astype(float)
    found = []
    if ind.bounds:
        low, high = ind.bounds
        found.append((REASONS["bounds"].format(low=low, high=high), (value < low) | (value > high)))
    if "zero_not_counted" in ind.suspect_rules:
        found.append((REASONS["zero_not_counted"], value == 0))
    if "zero_before_first_count" in ind.suspect_rules:
        found.append((REASONS["zero_before_first_count"], _zeros_before_first_count(part)))
    if "swapped_sexes" in ind.suspect_rules:
        found.append((REASONS["swapped_sexes"], _swapped(part)))
    return found


def _zeros_before_first_count(part: pd.DataFrame) -> pd.Series:
    ordered = part.sort_values("year", kind="stable")
    positive = (ordered["value"].astype(float) > 0).astype(int)
    seen = positive.groupby([ordered["country"], ordered["partner_country"], ordered["sex"]]).cummax()
    return ((ordered["value"].astype(float) == 0) & (seen == 0)).reindex(part.index)


def _swapped(part: pd.DataFrame) -> pd.Series:
    """Ratios x100 above 100 whose reciprocal matches the median of the same country's other values."""
    value = part["value"].astype(float)
    out = pd.Series(False, index=part.index)
    for _, group in part.groupby(["country", "sex", "partner_country"]):
        values = group["value"].astype(float)
        for idx, x in values[values > 100].items():
            others = values.drop(index=idx).dropna()
            if len(others) == 0:
                continue
            median = float(np.median(others))
            out[idx] = abs(1e4 / x - median) <= SWAP_NEAR and abs(x - median) > SWAP_FAR
    return out & value.notna()
