"""Indicator scores in; principle/theme aggregates, peer-group statistics and rank bands out (pure)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators.levels import COLOURED, LEVEL_RANK
from indicators.model import Level

COVERAGE_THRESHOLD = 0.8
MIN_PEERS = 3
RANK_CAVEAT = "Ranks a few places apart are not significantly different; bands are shown instead of ranks."
_EPS = 1e-9


@dataclass(frozen=True)
class Aggregate:
    score: float | None  # None below the coverage threshold (or with no data)
    level: Level  # no_data below the coverage threshold
    coverage: float  # n_with_data / n_mapped, always reported
    n_with_data: int
    n_mapped: int


def two_worst_rank(worst: float, next_worst: float) -> int:
    """Rank (0 green .. 3 red) from the two worst ranks: their mean rounded towards the worse, except that red
    needs both worst red (SDSN: green only if both are green, red only if both are red)."""
    rank = math.ceil((worst + next_worst) / 2 - _EPS)
    return min(rank, 2) if min(worst, next_worst) < 3 else 3


def second_worst(levels: Iterable[str]) -> Level:
    """The colour of a group from its two worst indicators (SDSN two-worst rule, see `two_worst_rank`).

    green+green -> green; green+yellow -> yellow; green+red -> orange; orange+red -> orange; red+red -> red;
    a single indicator -> its own level; no coloured level -> no_data.
    """
    ranks = sorted((LEVEL_RANK[lv] for lv in levels if lv in LEVEL_RANK), reverse=True)
    if not ranks:
        return "no_data"
    return COLOURED[two_worst_rank(ranks[0], ranks[1] if len(ranks) > 1 else ranks[0])]


def _has_score(score: float | None) -> bool:
    return score is not None and not math.isnan(score)


def aggregate(
    indicator_scores: Sequence[tuple[float | None, str]],
    n_mapped: int,
    threshold: float = COVERAGE_THRESHOLD,
    weights: Sequence[float] | None = None,
    min_indicators: int = 1,
) -> Aggregate:
    """Aggregate of the (score, level) pairs of the indicators mapped to a principle or theme for one country.

    coverage = indicators with a score / n_mapped (the indicators mapped, with or without data). Below
    `threshold` (SDSN: 80%) there is no score and the level is no_data; the coverage is still reported.
    Otherwise score = the (weighted, default equal) mean of the available scores and level = `second_worst`.
    Fewer than `min_indicators` indicators with data: no score either (one indicator alone is shown as itself).
    """
    if weights is not None and len(weights) != len(indicator_scores):
        raise ValueError(f"{len(weights)} weights for {len(indicator_scores)} indicator scores")
    weights = weights if weights is not None else [1.0] * len(indicator_scores)
    present = [(s, lv, w) for (s, lv), w in zip(indicator_scores, weights, strict=True) if _has_score(s)]
    if len(present) > n_mapped:
        raise ValueError(f"{len(present)} indicators with data but only {n_mapped} mapped")
    coverage = len(present) / n_mapped if n_mapped else 0.0
    if len(present) < max(min_indicators, 1) or coverage < threshold - _EPS:
        return Aggregate(None, "no_data", coverage, len(present), n_mapped)
    total = sum(w for _, _, w in present)
    score = sum(float(s) * w for s, _, w in present if s is not None) / total
    return Aggregate(score, second_worst(lv for _, lv, _ in present), coverage, len(present), n_mapped)


def batch_aggregate(
    scores: pd.DataFrame, mapping: pd.DataFrame, key: str, threshold: float, min_indicators: int = 1
) -> pd.DataFrame:
    """`aggregate` for every country x key, with at least `min_indicators` indicators with data. scores: country,
    indicator_id, score, level (one row per country and mapped indicator, no-data rows included); mapping:
    indicator_id, key, weight. Out: country, key, score, level, coverage, n_with_data, n_mapped.
    """
    rows = scores.merge(mapping, on="indicator_id")
    has = rows["score"].notna()
    rows = rows.assign(w=rows["weight"].where(has, 0.0), ws=(rows["score"] * rows["weight"]).where(has, 0.0))
    out = rows.groupby(["country", key], sort=True).agg(
        n_mapped=("indicator_id", "size"), n_with_data=("score", "count"), w=("w", "sum"), ws=("ws", "sum")
    )
    scored = rows.loc[has, ["country", key, "level"]].assign(rank=lambda f: f["level"].map(LEVEL_RANK).astype(float))
    scored = scored.sort_values("rank", ascending=False, kind="stable")
    two_worst = scored[scored.groupby(["country", key]).cumcount() < 2]
    pair = two_worst.groupby(["country", key])["rank"].agg(["max", "min"])
    rank = pd.Series([two_worst_rank(a, b) for a, b in zip(pair["max"], pair["min"], strict=True)], index=pair.index)
    out = out.join(rank.rename("rank"))
    out["coverage"] = out["n_with_data"] / out["n_mapped"]
    ok = (out["coverage"] >= threshold - _EPS) & (out["n_with_data"] >= max(min_indicators, 1))
    out["score"] = (out["ws"] / out["w"]).where(ok)
    levels = np.asarray(COLOURED, dtype=object)[out["rank"].fillna(0).astype(int).to_numpy()]
    out["level"] = np.where(ok, levels, "no_data")
    columns = ["score", "level", "coverage", "n_with_data", "n_mapped"]
    return out[columns].reset_index()


class PeerStats(NamedTuple):
    median: float | None
    q1: float | None
    q3: float | None
    n: int


def peer_stats(values: Iterable[float | None]) -> PeerStats:
    """Median and quartiles (linear interpolation, numpy's default) of a peer group's values; NaN/None ignored.

    With fewer than MIN_PEERS (3) values the statistics are None (n is still given): a "median" of one or two
    countries would just disclose their values, and quartiles of so few say nothing about a group.
    """
    data = np.array([float(v) for v in values if v is not None and not math.isnan(float(v))])
    if len(data) < MIN_PEERS:
        return PeerStats(None, None, None, len(data))
    q1, median, q3 = np.quantile(data, [0.25, 0.5, 0.75])
    return PeerStats(float(median), float(q1), float(q3), len(data))


QUINTILES = ("top 20%", "20-40%", "40-60%", "60-80%", "bottom 20%")


def rank_band(rank: int, n: int) -> str:
    """Quintile band of a rank (1 = best) among n, as text: never a bare integer (see RANK_CAVEAT).

    Band = floor(5 x (rank - 1) / n): rank 1 is always "top 20%", rank n of n >= 5 always "bottom 20%".
    With fewer than 5 countries bands mean nothing and the text says so.
    """
    if not 1 <= rank <= n:
        raise ValueError(f"rank {rank} is not between 1 and {n}")
    if n < len(QUINTILES):
        return f"not banded (only {n} countries)"
    return QUINTILES[(len(QUINTILES) * (rank - 1)) // n]
