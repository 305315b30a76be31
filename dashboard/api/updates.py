"""Indicator metadata of /api/v1/indicators[/<id>] with when each source was last updated and when the next update
is expected (added fields; indicators/updates.py says where a date comes from)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dashboard.queries import updates as q
from indicators.registry import load_registry
from indicators.updates import next_expected


def with_updates(rows: list[dict], cur: Any) -> list[dict]:
    """Each row plus `updates` (per source: source_id, last_updated as the publisher states it, next_expected
    YYYY-MM-DD or null = not announced, basis 'schedule' | 'round' | null, detail), `last_updated` (the sources'
    dates, by source id) and `next_expected_update` (the soonest stated, or null)."""
    registry = load_registry()
    dates, rounds = q.source_dates(cur=cur), q.open_rounds()
    for row in rows:
        ind = registry.indicators.get(str(row.get("indicator_id")))
        found = q.indicator_updates(ind, dates=dates, rounds=rounds) if ind else []
        row["updates"] = [asdict(u) for u in found]
        row["last_updated"] = {u.source_id: u.last_updated for u in found if u.basis != "round"}
        soonest = next_expected(found)
        row["next_expected_update"] = soonest.next_expected if soonest else None
    return rows
