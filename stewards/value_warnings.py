"""A submission's rows and the current release in; the warnings that need a justification before submit out.

Two rules, both robust z-scores on the median absolute deviation (MAD), z = 0.6745 * (x - median) / MAD:
- `history`: a value far from the same series' published values of earlier years (at least 3 of them):
  |z| > 3.5, or (when those values never vary, MAD = 0) more than 50% away from their median;
- `peers`: a value outside the range of other countries the same year (at least 5 of them): |z| > 7.
Categories and index codes are never compared. A warning does not block the upload; submit needs a reason for each.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from stewards import store
from stewards.diff import ROBUST_Z, release_rows

HISTORY_MIN, PEERS_MIN, PEERS_Z = 3, 5, ROBUST_Z * 2
RULES = {
    "history": f"robust z-score above {ROBUST_Z:g} against the series' own published values of earlier years "
    f"(at least {HISTORY_MIN}), or more than 50% from their median when they never vary",
    "peers": f"robust z-score above {PEERS_Z:g} against other countries' published values the same year "
    f"(at least {PEERS_MIN} countries)",
}


def warnings_for(sub: store.Submission) -> list[dict[str, object]]:
    """The submission's warnings (id, row, column, rule, message, numbers), in row order; none for events,
    categories or practice files."""
    rows = store.submission_rows(sub.id)
    values = rows[(rows["kind"] == "observation") & rows["value_label"].isna() & rows["value"].notna()].copy()
    if not len(values):
        return []
    _, old, _ = release_rows(sorted(values["indicator_id"].unique()))
    history = old[old["value_label"].isna() & old["value"].notna()].copy()
    for frame in (values, history):
        frame["partner_country"] = frame["partner_country"].fillna("")
        frame["sex"] = frame["sex"].fillna("")
        frame["year"] = frame["year"].astype(int)
        frame["value"] = frame["value"].astype(float)
    found = [*_against_history(values, history), *_against_peers(values, history)]
    return sorted(found, key=lambda w: (w["row"], w["rule"]))


def _mad(s: pd.Series) -> float:
    return float((s - s.median()).abs().median())


def _z(x: float, median: float, mad: float) -> float | None:
    return None if mad <= 0 else 0.6745 * (x - median) / mad


def _stats(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per submitted row (`row`): median, n, MAD, min and max of the compared published values (`other`)."""
    grouped = pairs.groupby("row")["other"]
    return pd.DataFrame({"median": grouped.median(), "n": grouped.size(), "mad": grouped.agg(_mad),
                         "low": grouped.min(), "high": grouped.max()}).reset_index()  # fmt: skip


def _against_history(values: pd.DataFrame, history: pd.DataFrame) -> list[dict[str, object]]:
    key = ["indicator_id", "country", "partner_country", "sex"]
    earlier = history[[*key, "year", "value"]].rename(columns={"year": "other_year", "value": "other"})
    pairs = values[[*key, "row", "year"]].merge(earlier, on=key)
    pairs = pairs[pairs["other_year"] < pairs["year"]]
    out = []
    for r in values.merge(_stats(pairs), on="row").itertuples(index=False):
        if r.n < HISTORY_MIN:
            continue
        z = _z(r.value, r.median, r.mad)
        if abs(z) > ROBUST_Z if z is not None else abs(r.value - r.median) > 0.5 * abs(r.median):
            out.append(_warning("history", r, median=float(r.median), n=int(r.n), z=z))
    return out


def _against_peers(values: pd.DataFrame, history: pd.DataFrame) -> list[dict[str, object]]:
    key = ["indicator_id", "partner_country", "sex", "year"]
    others = history[[*key, "country", "value"]].rename(columns={"country": "other_country", "value": "other"})
    pairs = values[[*key, "row", "country"]].merge(others, on=key)
    pairs = pairs[pairs["other_country"] != pairs["country"]]
    out = []
    for r in values.merge(_stats(pairs), on="row").itertuples(index=False):
        if r.n < PEERS_MIN:
            continue
        z = _z(r.value, r.median, r.mad)
        if z is not None and abs(z) > PEERS_Z:
            out.append(_warning("peers", r, median=float(r.median), n=int(r.n), z=z, low=float(r.low),
                                high=float(r.high)))  # fmt: skip
    return out


def _warning(rule: str, r, **numbers: float | int | None) -> dict[str, object]:
    digest = hashlib.sha1(f"{rule}|{r.indicator_id}|{r.country}|{r.partner_country}|{r.year}|{r.sex}|{r.value!r}"
                          .encode(), usedforsecurity=False).hexdigest()  # fmt: skip
    n, median = numbers["n"], numbers["median"]
    if rule == "history":
        message = f"{r.value:g} is far from this series' own history: median {median:g} over {n} earlier years"
    else:
        message = (f"{r.value:g} is outside the range of {n} other countries in {r.year}: median {median:g}, "
                   f"{numbers['low']:g} to {numbers['high']:g}")  # fmt: skip
    z = numbers.get("z")
    return {
        "id": f"w{digest[:10]}", "row": int(r.row), "column": "value", "rule": rule, "rule_text": RULES[rule],
        "message": message, "indicator_id": r.indicator_id, "country": r.country, "year": int(r.year),
        "value": float(r.value), "median": median, "n": n, "z": None if z is None else round(float(z), 1),
        "low": numbers.get("low"), "high": numbers.get("high"),
    }  # fmt: skip


def with_justifications(warnings: list[dict[str, object]], given: dict[str, str]) -> list[dict[str, object]]:
    """Each warning with the justification given for it (None until one is)."""
    return [w | {"justification": given.get(str(w["id"]))} for w in warnings]


def missing(warnings: list[dict[str, object]], given: dict[str, str]) -> list[str]:
    """Ids of the warnings without a (non-blank) justification."""
    return [str(w["id"]) for w in warnings if not str(given.get(str(w["id"])) or "").strip()]
