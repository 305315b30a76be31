"""Releases as the rest of the project sees them, whatever the backend: which is current, which are kept, their
history, publish lock, rollback and pruning (each through warehouse/backend.py's chosen backend). The local file
layout (paths, checksums, the `current` symlink) is warehouse/local.py's; its names are re-exported here for the
tools and tests that work on local release files."""

from __future__ import annotations

from contextlib import AbstractContextManager

from warehouse import backend
from warehouse.errors import NoReleaseError, ReleaseError
from warehouse.local import (
    append_history,
    file_sha256,
    point_current_to,
    release_path,
    releases_dir,
    seal,
    served_before,
)
from warehouse.records import HistoryEntry, new_release_id, now_iso
from warehouse.records import withdrawn as _withdrawn

__all__ = [
    "HistoryEntry", "NoReleaseError", "ReleaseError", "append_history", "current_release_id", "file_sha256",
    "list_release_ids", "new_release_id", "now_iso", "point_current_to", "prune", "publish_lock", "read_history",
    "release_path", "releases_dir", "rollback", "seal", "served_before", "verify", "withdrawn",
]  # fmt: skip


def current_release_id() -> str | None:
    return backend.get().current_release_id()


def list_release_ids() -> list[str]:
    return backend.get().list_release_ids()


def verify(release_id: str) -> bool:
    return backend.get().verify(release_id)


def read_history() -> list[HistoryEntry]:
    return backend.get().read_history()


def withdrawn(history: list[HistoryEntry] | None = None) -> set[str]:
    """Releases a later rollback undid (see warehouse/records.py)."""
    return _withdrawn(read_history() if history is None else history)


def prune(keep: int | None = None) -> list[str]:
    return backend.get().prune(keep)


def rollback(release_id: str, actor: str) -> None:
    backend.get().rollback(release_id, actor)


def publish_lock() -> AbstractContextManager[None]:
    return backend.get().publish_lock()
