"""Dated values in; the status value (latest within the recency window) and SDSN-style trend codes out (pure).

The trend rule (part of the published methodology; constants below):
- Only continuous, scored indicators with thresholds; categorical, ordinal, event and context indicators show
  "changed in YEAR" instead -> not_available.
- Points used: values in [status_year - trend_window, status_year]. The latest must be within the recency
  window (else the status is out of date and so is any trend) -> otherwise not_available.
- At least MIN_POINTS (2) observations whose first and last years are at least MIN_SPAN (3) years apart,
  otherwise not_available.
- Each value becomes its 0-100 score. Observed growth g = slope of the least-squares line of score on year
  (with two points: the straight line through them), in score points per year.
- Required growth r = (score of the green threshold - score of the earliest point) /
  (TARGET_YEAR (2030) - year of the earliest point), the linear pace that reaches green by 2030 from the start
  of the window (the denominator is at least 1 year).
- Classification, first match wins, with TOLERANCE t = 0.1 score points per year:
  1. g < -t                                    -> decreasing
  2. latest value is green (and g >= -t)       -> on_track ("maintaining achievement")
  3. g >= r and g > t                          -> on_track
  4. g > r / 2 and g > t                       -> moderately_improving
  5. otherwise (|g| <= t, or improving at no more than half the required pace) -> stagnating
The batch (score_release) also keeps only points from the latest value's source and after the latest series
break flagged `break=...`, so a trend never spans a change of source or methodology.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Generic, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from indicators.levels import level_array, normalise_array, scoreable
from indicators.model import Indicator

TARGET_YEAR = 2030
MIN_POINTS = 2
MIN_SPAN = 3
TOLERANCE = 0.1
NOT_AVAILABLE = "not_available"
TREND_LABELS = {
    "on_track": "On track or maintaining achievement",
    "moderately_improving": "Moderately improving",
    "stagnating": "Stagnating",
    "decreasing": "Decreasing",
    NOT_AVAILABLE: "Trend not available",
}
TREND_ICONS = {"on_track": "↑", "moderately_improving": "↗", "stagnating": "→", "decreasing": "↓", NOT_AVAILABLE: "·"}

V = TypeVar("V")


class Latest(NamedTuple, Generic[V]):
    year: int
    value: V
    out_of_date: bool  # older than status_year - window: shown with its year, never scored


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def latest_within_window(points: Sequence[tuple[int, V]], status_year: int, window: int) -> Latest[V] | None:
    """The latest value in or before `status_year`; flagged out_of_date when its year < status_year - window.

    An old value is returned (to be shown as "out of date" with its year), never silently carried forward as
    current. None when there is no value at all. Values after the status year are ignored.
    """
    usable = [(int(y), v) for y, v in points if int(y) <= status_year and _present(v)]
    if not usable:
        return None
    year, value = max(usable, key=lambda p: p[0])
    return Latest(year, value, year < status_year - window)


def ols_slope(n: np.ndarray, sx: np.ndarray, sy: np.ndarray, sxx: np.ndarray, sxy: np.ndarray) -> np.ndarray:
    """Least-squares slope from sums (x centred on the status year keeps them small)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (n * sxy - sx * sy) / (n * sxx - sx * sx)


def classify(
    slope: np.ndarray, first_score: np.ndarray, first_year: np.ndarray, green_score: np.ndarray,
    green_now: np.ndarray, target_year: int = TARGET_YEAR,
) -> np.ndarray:  # fmt: skip
    """Steps 1-5 of the module rule on arrays. The slope is rounded to 9 decimals first so a slope that is exactly
    on a boundary in decimal arithmetic is not pushed across it by binary floating point."""
    slope = np.round(slope, 9)
    required = (green_score - first_score) / np.maximum(target_year - first_year, 1)
    t = TOLERANCE
    conditions = [
        slope < -t,
        green_now,
        (slope >= required) & (slope > t),
        (slope > required / 2) & (slope > t),
    ]
    return np.select(conditions, ["decreasing", "on_track", "on_track", "moderately_improving"], "stagnating")


def trend(points: Sequence[tuple[int, float]], ind: Indicator, status_year: int, target_year: int = TARGET_YEAR) -> str:
    """Trend code of an indicator's (year, value) points for `status_year`; the rule is in the module docstring."""
    th = ind.thresholds
    if ind.type != "continuous" or not scoreable(ind) or th is None:
        return NOT_AVAILABLE
    low = status_year - ind.trend_window
    usable = sorted(
        ((int(y), float(v)) for y, v in points if low <= int(y) <= status_year and _present(v)), key=lambda p: p[0]
    )
    if len(usable) < MIN_POINTS or usable[-1][0] - usable[0][0] < MIN_SPAN:
        return NOT_AVAILABLE
    if usable[-1][0] < status_year - ind.recency_window:
        return NOT_AVAILABLE
    years = np.array([p[0] for p in usable], dtype=float)
    values = np.array([p[1] for p in usable])
    scores = normalise_array(values, th.optimum, th.lower_bound)
    x = years - status_year
    one = np.ones(1)
    slope = ols_slope(one * len(x), one * x.sum(), one * scores.sum(), one * (x * x).sum(), one * (x * scores).sum())
    green_score = normalise_array(np.array([th.green]), th.optimum, th.lower_bound)
    green_now = level_array(values[-1:], th.optimum, th.lower_bound, th.green, th.red) == "green"
    return str(classify(slope, scores[:1], years[:1], green_score, green_now, target_year)[0])


def batch_trends(
    points: pd.DataFrame, keys: list[str], status_year: int, target_year: int = TARGET_YEAR
) -> pd.DataFrame:
    """`trend` for many series at once. points: keys + year, value, optimum, lower_bound, green, red, already
    restricted to the trend window, finite values and one source; series whose latest value is out of date must
    be left out by the caller. Out: keys + trend.
    """
    p = points.sort_values([*keys, "year"], kind="stable")
    score = normalise_array(p["value"].to_numpy(float), p["optimum"].to_numpy(float), p["lower_bound"].to_numpy(float))
    x = p["year"].to_numpy(float) - status_year
    work = p[[*keys, "value", "optimum", "lower_bound", "green", "red"]].assign(x=x, s=score, xx=x * x, xs=x * score)
    agg = work.groupby(keys, sort=False).agg(
        n=("x", "size"), x0=("x", "min"), x1=("x", "max"), sx=("x", "sum"), ss=("s", "sum"), sxx=("xx", "sum"),
        sxs=("xs", "sum"), s0=("s", "first"), v1=("value", "last"), optimum=("optimum", "first"),
        lower_bound=("lower_bound", "first"), green=("green", "first"), red=("red", "first"),
    )  # fmt: skip
    cols = {c: agg[c].to_numpy(float) for c in agg.columns}
    slope = ols_slope(cols["n"], cols["sx"], cols["ss"], cols["sxx"], cols["sxs"])
    green_score = normalise_array(cols["green"], cols["optimum"], cols["lower_bound"])
    green_now = level_array(cols["v1"], cols["optimum"], cols["lower_bound"], cols["green"], cols["red"]) == "green"
    codes = classify(slope, cols["s0"], cols["x0"] + status_year, green_score, green_now, target_year)
    enough = (cols["n"] >= MIN_POINTS) & (cols["x1"] - cols["x0"] >= MIN_SPAN)
    return agg.index.to_frame(index=False).assign(trend=np.where(enough, codes, NOT_AVAILABLE))
