"""A valid submission's rows and the current release in; what they would change (for the steward to confirm) out.

Changed values, new series, series present the year before but missing now, events new to the release, and
outliers against the series' own history and against other countries (robust z-score on the median absolute
deviation: a categorical or index value is never compared as a relative change).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stewards.store import series_key
from warehouse.connection import cursor

OBS_KEY = ["indicator_id", "country", "partner_country", "year", "sex"]
SERIES = ["indicator_id", "country", "partner_country"]
SHOWN = 500  # rows per table in the page; the counts are always complete
ROBUST_Z = 3.5


def release_rows(indicators: list[str]) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(release id, observations, events) of the given indicators in the current release."""
    release_id, cur = cursor()
    marks = ", ".join("?" * len(indicators)) or "NULL"
    obs = cur.execute(
        f"SELECT indicator_id, country, partner_country, year, sex, value, value_label, source_id "  # noqa: S608
        f"FROM observations WHERE indicator_id IN ({marks})",
        indicators,
    ).df()
    events = cur.execute(
        f"SELECT indicator_id, country, partner_country, year, status, event_date, source_id "  # noqa: S608
        f"FROM events WHERE indicator_id IN ({marks})",
        indicators,
    ).df()
    return release_id, obs, events


def compute_diff(rows: pd.DataFrame, scope: tuple[str, ...] | None) -> dict:
    indicators = sorted(rows["indicator_id"].unique())
    release_id, old, old_events = release_rows(indicators)
    new = rows[rows["kind"] == "observation"].copy()
    new["year"] = new["year"].astype(int)
    old["partner_country"] = old["partner_country"].fillna("")
    countries = list(scope) if scope else sorted(rows["country"].unique())
    parts = {
        "changed": _changed(new, old),
        "new_series": _new_series(rows, old, old_events),
        "missing_now": _missing_now(new, old, countries),
        "outliers": _outliers(new, old),
        "new_events": _new_events(rows[rows["kind"] == "event"], old_events),
    }
    counts = {name: len(frame) for name, frame in parts.items()}
    counts["rows"] = len(rows)
    counts["unchanged"] = _unchanged(new, old)
    return {
        "release": release_id,
        "counts": counts,
        **{name: _records(frame.head(SHOWN)) for name, frame in parts.items()},
        "series": _records(_series(rows, old, old_events)),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()} for r in clean.to_dict("records")]


def _matched(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    return new.merge(old, on=OBS_KEY, how="inner", suffixes=("", "_old"))


def _differs(m: pd.DataFrame) -> pd.Series:
    numbers = ~np.isclose(m["value"].astype(float), m["value_old"].astype(float), rtol=1e-9, atol=1e-12, equal_nan=True)
    new_label = m["value_label"].fillna("").astype(str).str.casefold()
    old_label = m["value_label_old"].fillna("").astype(str).str.casefold()
    return pd.Series(numbers, index=m.index) | (m["value_label"].notna() & (new_label != old_label))


def _changed(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    m = _matched(new, old)
    m = m[_differs(m)]
    change = (m["value"] - m["value_old"]) / m["value_old"].abs().where(m["value_old"] != 0) * 100
    out = m[[*OBS_KEY, "value_old", "value", "value_label_old", "value_label", "source_id"]].copy()
    out["change_pct"] = change.round(1)
    return out.rename(columns={"source_id": "old_source"})


def _unchanged(new: pd.DataFrame, old: pd.DataFrame) -> int:
    m = _matched(new, old)
    return int((~_differs(m)).sum())


def _has_key(frame: pd.DataFrame, keys: set[tuple]) -> pd.Series:
    """True where the row's series key (indicator, country, partner) is in `keys`."""
    return pd.Series([tuple(k) in keys for k in frame[SERIES].to_numpy()], index=frame.index, dtype=bool)


def _new_series(rows: pd.DataFrame, old: pd.DataFrame, old_events: pd.DataFrame) -> pd.DataFrame:
    known = set(map(tuple, old[SERIES].drop_duplicates().to_numpy())) | set(
        map(tuple, old_events[SERIES].fillna("").drop_duplicates().to_numpy())
    )
    grouped = rows.groupby(SERIES, as_index=False).agg(rows=("row", "size"), first_year=("year", "min"),
                                                       last_year=("year", "max"))  # fmt: skip
    return grouped[~_has_key(grouped, known)]


def _missing_now(new: pd.DataFrame, old: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Series of the submitted indicators with a value the year before the file's latest year, absent from it."""
    latest = new.groupby("indicator_id")["year"].max().rename("file_year").reset_index()
    prior = old[old["country"].isin(countries)].merge(latest, on="indicator_id")
    prior = prior[prior["year"] == prior["file_year"] - 1]
    present = new.merge(latest, on="indicator_id")
    present = set(map(tuple, present[present["year"] == present["file_year"]][SERIES].to_numpy()))
    prior = prior[~_has_key(prior, present)].sort_values(["indicator_id", "country", "sex"])
    return prior.drop_duplicates(SERIES)[[*SERIES, "year", "sex", "value", "value_label", "file_year"]]


def _robust_z(x: pd.Series, median: pd.Series, mad: pd.Series) -> pd.Series:
    return 0.6745 * (x - median) / mad.where(mad > 0)


WHY = ["why", "rule", "median", "n"]  # the English words, and what the page words in the reader's language


def _outliers(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    values = new[new["value_label"].isna() & new["value"].notna()]
    history = old[old["value_label"].isna() & old["value"].notna()]
    own = _against_history(values, history)
    peers = _against_peers(values, history)
    return pd.concat([own, peers], ignore_index=True).sort_values([*OBS_KEY])


def _against_history(values: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    key = ["indicator_id", "country", "partner_country", "sex"]
    m = values.merge(history, on=key, suffixes=("", "_h"))
    m = m[m["year_h"] < m["year"]]
    stats = m.groupby([*key, "year"]).agg(median=("value_h", "median"), n=("value_h", "size"),
                                          mad=("value_h", lambda s: (s - s.median()).abs().median()))  # fmt: skip
    merged = values.merge(stats.reset_index(), on=[*key, "year"])
    merged = merged[merged["n"] >= 3]
    z = _robust_z(merged["value"], merged["median"], merged["mad"]).abs()
    jump = (merged["mad"] == 0) & ((merged["value"] - merged["median"]).abs() > 0.5 * merged["median"].abs())
    flagged = merged[(z > ROBUST_Z) | jump].copy()
    flagged["why"] = [f"far from this series' own history (median {m:g} over {n} earlier years)"
                      for m, n in zip(flagged["median"], flagged["n"], strict=True)]  # fmt: skip
    return flagged.assign(rule="history")[[*OBS_KEY, "value", *WHY]]


def _against_peers(values: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    key = ["indicator_id", "partner_country", "sex", "year"]
    others = history.rename(columns={"country": "peer", "value": "peer_value"})[[*key, "peer", "peer_value"]]
    m = values.merge(others, on=key)
    m = m[m["peer"] != m["country"]]
    stats = m.groupby([*key, "country"]).agg(
        median=("peer_value", "median"),
        n=("peer_value", "size"),
        mad=("peer_value", lambda s: (s - s.median()).abs().median()),
    )
    merged = values.merge(stats.reset_index(), on=[*key, "country"])
    merged = merged[merged["n"] >= 5]
    z = _robust_z(merged["value"], merged["median"], merged["mad"]).abs()
    flagged = merged[z > ROBUST_Z * 2].copy()  # countries differ far more than a series from itself
    flagged["why"] = [
        f"unusual among {n} other countries in {int(y)} (median {m:g})"
        for n, y, m in zip(flagged["n"], flagged["year"], flagged["median"], strict=True)
    ]
    return flagged.assign(rule="peers")[[*OBS_KEY, "value", *WHY]]  # fmt: skip


def _new_events(events: pd.DataFrame, old_events: pd.DataFrame) -> pd.DataFrame:
    key = ["indicator_id", "country", "partner_country", "status", "year"]
    old = old_events.assign(partner_country=old_events["partner_country"].fillna(""), known=True)[[*key, "known"]]
    merged = events.assign(year=events["year"].astype("Int64")).merge(
        old.assign(year=old["year"].astype("Int64")).drop_duplicates(key), on=key, how="left"
    )
    return merged[merged["known"].isna()][[*key, "event_date", "note"]]


def _series(rows: pd.DataFrame, old: pd.DataFrame, old_events: pd.DataFrame) -> pd.DataFrame:
    """Each series in the file with how many rows the release holds for it (what 'replace' would remove)."""
    file = rows.groupby(SERIES, as_index=False).agg(rows_in_file=("row", "size"), first_year=("year", "min"),
                                                    last_year=("year", "max"))  # fmt: skip
    both = pd.concat([old[SERIES], old_events[SERIES].fillna("")], ignore_index=True)
    in_release = both.groupby(SERIES, as_index=False).size().rename(columns={"size": "rows_in_release"})
    out = file.merge(in_release, on=SERIES, how="left").fillna({"rows_in_release": 0})
    out["rows_in_release"] = out["rows_in_release"].astype(int)
    out["key"] = [series_key(*k) for k in out[SERIES].to_numpy()]
    return out
