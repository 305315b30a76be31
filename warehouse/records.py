"""What both warehouse backends record about releases: ids, the history entry, when, and which a rollback undid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def new_release_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"r{stamp[:-4]}Z"  # millisecond resolution keeps ids unique and sortable


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class HistoryEntry:
    release_id: str
    action: str  # publish / rollback
    actor: str
    at: str
    summary: str
    changes: dict[str, object]


def withdrawn(history: list[HistoryEntry]) -> set[str]:
    """Releases a later rollback undid: published before the rollback and newer than the release it went back to."""
    undone: set[str] = set()
    for i, h in enumerate(history):  # by position, not by time: two entries can share a second
        if h.action == "rollback":
            undone |= {p.release_id for p in history[:i] if p.action == "publish" and p.release_id > h.release_id}
    return undone
