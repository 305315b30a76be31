"""The scoring methodology's public API: values, events and the registry in; scores, levels, trends, aggregates out.

Pure functions (no I/O, no global state), re-exported from the modules that implement them:
- levels:    LEVELS, STATUS_LABELS, normalise, continuous_level, category_result (SDSN bounds, MIPEX-style tables)
- events:    event_status (a country's status for one instrument in a year, "changed in YEAR")
- trend:     latest_within_window (recency: out of date, never carried forward), trend (SDSN-style arrows)
- aggregate: aggregate (mean, two-worst colour, 80% coverage rule), peer_stats, rank_band
- release:   score_release (the release build's batch)
"""

from __future__ import annotations

from indicators.aggregate import (
    COVERAGE_THRESHOLD,
    RANK_CAVEAT,
    Aggregate,
    PeerStats,
    aggregate,
    peer_stats,
    rank_band,
    second_worst,
)
from indicators.events import EventStatus, event_status, is_un_style
from indicators.levels import (
    COLOURED,
    LEVELS,
    STATUS_LABELS,
    TEXT_COLOUR,
    LevelStyle,
    category_result,
    continuous_level,
    normalise,
    scoreable,
)
from indicators.release import SCORE_COLUMNS, score_release
from indicators.trend import TARGET_YEAR, TREND_ICONS, TREND_LABELS, Latest, latest_within_window, trend

__all__ = [
    "COLOURED", "COVERAGE_THRESHOLD", "LEVELS", "RANK_CAVEAT", "SCORE_COLUMNS", "STATUS_LABELS", "TARGET_YEAR",
    "TEXT_COLOUR", "TREND_ICONS", "TREND_LABELS", "Aggregate", "EventStatus", "Latest", "LevelStyle", "PeerStats",
    "aggregate", "category_result", "continuous_level", "event_status", "is_un_style", "latest_within_window",
    "normalise", "peer_stats", "rank_band", "score_release", "scoreable", "second_worst", "trend",
]  # fmt: skip
