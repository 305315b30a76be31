"""When an indicator's sources were last updated and when the next update is expected (pure, no I/O): the
publisher's date of each copy read (source_files.release_date, as stated), and a next date only where one is stated:
the publisher's yearly release day (sources.yaml `updated_yearly_on`) or an open steward reporting round's deadline.
Anything else is "not announced" (None), never guessed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from indicators.model import Source

SCHEDULE, ROUND = "schedule", "round"  # why a next date is expected (words: indicator.update.*)


@dataclass(frozen=True)
class SourceUpdate:
    source_id: str
    last_updated: str | None  # the publisher's date of the copy read, as stated ("2025-03-24", "2020 revision")
    next_expected: str | None  # YYYY-MM-DD, or None: not announced
    basis: str | None  # SCHEDULE or ROUND (None when not announced)
    detail: str | None  # the stated pattern (SCHEDULE) or the round's name (ROUND)


def next_yearly(month_day: str, today: date) -> date:
    """The next `MM-DD` on or after today ("07-01", 2026-12-06 -> 2027-07-01)."""
    month, day = (int(x) for x in month_day.split("-"))
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def source_updates(source_ids: Iterable[str], sources: Mapping[str, Source], dates: Mapping[str, str],
                   rounds: Iterable[tuple[str, str]], today: date) -> list[SourceUpdate]:  # fmt: skip
    """One entry per source of the indicator, plus the stewards' when an open round (name, deadline) expects values."""
    out = []
    for sid in source_ids:
        src = sources.get(sid)
        if src is not None and src.updated_yearly_on:
            when = next_yearly(src.updated_yearly_on, today).isoformat()
            out.append(SourceUpdate(sid, dates.get(sid), when, SCHEDULE, src.update_pattern))
        elif sid != "steward":
            out.append(SourceUpdate(sid, dates.get(sid), None, None, None))
    for name, deadline in sorted(rounds, key=lambda r: r[1]):
        out.append(SourceUpdate("steward", None, deadline, ROUND, name))
    if "steward" in source_ids and not any(u.source_id == "steward" for u in out):
        out.append(SourceUpdate("steward", None, None, None, None))
    return out


def next_expected(updates: Iterable[SourceUpdate]) -> SourceUpdate | None:
    """The soonest stated next update of any source (None: not announced by any)."""
    stated = [u for u in updates if u.next_expected]
    return min(stated, key=lambda u: str(u.next_expected)) if stated else None
