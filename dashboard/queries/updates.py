"""An indicator's sources' last and next expected updates, as data (indicators/updates.py): the publisher's dates of
the copies a release read (its source_files table) and the open steward reporting rounds that expect its values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from indicators.model import Indicator
from indicators.registry import load_registry
from indicators.updates import SourceUpdate, source_updates
from stewards.rounds import Round, list_rounds
from warehouse.connection import cursor


def source_dates(release: str | None = None, cur: Any = None) -> dict[str, str]:
    """source id -> the publisher's date of the copy read (the latest stated, where a source has several files)."""
    if cur is None:
        _, cur = cursor(release)
    rows = cur.execute(
        "SELECT source_id, max(release_date) FROM source_files WHERE release_date IS NOT NULL GROUP BY 1"
    ).fetchall()
    return {str(sid): str(when) for sid, when in rows}


def open_rounds() -> list[Round]:
    return [r for r in list_rounds() if r.is_open()]


def indicator_updates(ind: Indicator, release: str | None = None, dates: dict[str, str] | None = None,
                      rounds: list[Round] | None = None) -> list[SourceUpdate]:  # fmt: skip
    """Each source's last update and stated next one, plus the open rounds (name, deadline) expecting its values."""
    today = datetime.now(UTC).date()
    found = source_dates(release) if dates is None else dates
    expecting = [(r.name, r.deadline) for r in (open_rounds() if rounds is None else rounds) if ind.id in r.indicators]
    return source_updates(ind.source_ids, load_registry().sources, found, expecting, today)
