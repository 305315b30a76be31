"""Values and thresholds in; 0-100 scores and the four colours plus "no data" out (pure, no I/O).

The colours are fills for a label and an icon, never used alone: Okabe-Ito hues (distinguishable with the common
colour-vision deficiencies), each with black text at WCAG AA contrast (>= 4.5:1). The icons are distinct shapes
so print in black and white still reads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from indicators.model import Category, Indicator, Level, Thresholds


class LevelStyle(NamedTuple):
    label: str
    icon: str
    colour: str  # fill; text on it is TEXT_COLOUR


TEXT_COLOUR = "#000000"
LEVELS: Mapping[Level, LevelStyle] = MappingProxyType(
    {
        "green": LevelStyle("Achieved", "✓", "#009E73"),
        "yellow": LevelStyle("Challenges remain", "!", "#F0E442"),
        "orange": LevelStyle("Significant challenges", "!!", "#E69F00"),
        "red": LevelStyle("Major challenges", "✗", "#D55E00"),
        "no_data": LevelStyle("No data", "○", "#D9D9D9"),
    }
)
# States shown instead of a colour: a value older than the recency window; an event status that cannot be derived.
STATUS_LABELS: Mapping[str, LevelStyle] = MappingProxyType(
    {
        "out_of_date": LevelStyle("Out of date", "◷", "#BDBDBD"),
        "not_known": LevelStyle("Not known", "?", "#EEEEEE"),
        "not_applicable": LevelStyle("Not applicable", "–", "#F5F5F5"),
        "suspect": LevelStyle("Suspect value, not scored", "⚠", "#E4D7F5"),
    }
)
COLOURED: tuple[Level, ...] = ("green", "yellow", "orange", "red")
LEVEL_RANK: Mapping[str, int] = MappingProxyType({level: rank for rank, level in enumerate(COLOURED)})


def check_thresholds(th: Thresholds, name: str = "thresholds") -> None:
    """Refuse bounds that cannot score: optimum equal to the lower bound, or green beyond red the wrong way."""
    span = th.optimum - th.lower_bound
    if span == 0 or any(math.isnan(v) for v in (th.optimum, th.green, th.red, th.lower_bound)):
        raise ValueError(f"{name}: optimum {th.optimum} and lower bound {th.lower_bound} must differ (and be numbers)")
    if (th.green - th.red) * span < 0:
        raise ValueError(f"{name}: green {th.green} must be nearer the optimum {th.optimum} than red {th.red}")


def normalise_array(x: np.ndarray, optimum: np.ndarray | float, lower: np.ndarray | float) -> np.ndarray:
    """Vectorised `normalise`: NaN stays NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip(100.0 * (np.asarray(x, dtype=float) - lower) / (np.asarray(optimum) - lower), 0.0, 100.0)


def level_array(
    x: np.ndarray,
    optimum: np.ndarray | float,
    lower: np.ndarray | float,
    green: np.ndarray | float,
    red: np.ndarray | float,
) -> np.ndarray:
    """Vectorised `continuous_level`; the direction comes from the bounds (optimum above or below lower bound)."""
    x = np.asarray(x, dtype=float)
    sign = np.where(np.asarray(optimum) > np.asarray(lower), 1.0, -1.0)
    sx, sg, sr = sign * x, sign * np.asarray(green), sign * np.asarray(red)
    mid = (sg + sr) / 2.0
    with np.errstate(invalid="ignore"):
        conditions = [np.isnan(x), sx >= sg, sx < sr, sx >= mid]
    return np.select(conditions, ["no_data", "green", "red", "yellow"], default="orange")


def normalise(value: float, th: Thresholds) -> float:
    """Score 0-100 = 100 x (x - lower_bound) / (optimum - lower_bound), clipped to [0, 100] (SDSN).

    Works for lower-is-better indicators too (optimum below the lower bound). NaN in, NaN out.
    """
    check_thresholds(th)
    return float(normalise_array(np.array([value], dtype=float), th.optimum, th.lower_bound)[0])


def continuous_level(value: float, th: Thresholds) -> Level:
    """SDSN colour of a value: green at or beyond the green threshold; red strictly beyond the red threshold;
    between them the band is split at its midpoint: the midpoint itself and the half nearer green are yellow,
    the half nearer red is orange. NaN -> no_data. Direction comes from the bounds (lower-is-better works).
    """
    check_thresholds(th)
    return level_array(np.array([value], dtype=float), th.optimum, th.lower_bound, th.green, th.red)[0].item()


def format_code(code: object) -> str:
    """A published category as a table code: 3.0 -> "3", " full " -> "full"."""
    if isinstance(code, float | np.floating) and float(code).is_integer():
        return str(int(code))
    return str(code).strip()


def find_category(code: object, ind: Indicator) -> Category | None:
    """The table row for a code (exact code first, then the label, case-insensitive); None when absent."""
    text = format_code(code)
    for category in ind.categories:
        if category.code == text:
            return category
    folded = text.casefold()
    return next((c for c in ind.categories if c.label.casefold() == folded), None)


def category_result(code: object, ind: Indicator) -> tuple[float | None, Level]:
    """Score and level of a categorical, ordinal or event value through the indicator's explicit table (MIPEX).

    An unknown code raises ValueError naming the indicator and the code: a value never silently gets a colour.
    """
    category = find_category(code, ind)
    if category is None:
        codes = [c.code for c in ind.categories]
        raise ValueError(f"indicator {ind.id!r}: category code {format_code(code)!r} is not in its table {codes}")
    return category.score, category.level


def scoreable(ind: Indicator) -> bool:
    """Whether the indicator gets a score and a colour: not context, and with thresholds or a category table."""
    if ind.direction == "context":
        return False
    return ind.thresholds is not None if ind.type == "continuous" else bool(ind.categories)


def may_be_corridor(ind: Indicator) -> bool:
    """Indicators disaggregated by partner country; corridor-shaped when they also have no country-level rows."""
    return "partner_country" in ind.disaggregations
