"""Versioned, immutable release files and the atomic `current` pointer: the only code that writes the warehouse.

Layout under LMM_DATA_DIR/releases: `<id>.duckdb` (immutable once published), `<id>.sha256` (its checksum,
checked before a release is served), `current` (a symlink to the published file, swapped with os.replace),
`history.jsonl` (one line per publish/rollback: who, why, what changed). A build writes `.building-<id>.duckdb`
and only a complete, checkpointed, fsynced file is renamed into place, so a killed build publishes nothing.
With LMM_BACKEND=ducklake the public functions below hand over to warehouse/ducklake.py (releases as snapshots).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from lmm.config import data_dir, keep_releases

CURRENT = "current"


class ReleaseError(Exception):
    """A release cannot be published, read or rolled back; the message says why."""


def _lake() -> ModuleType | None:
    """The DuckLake backend module when LMM_BACKEND=ducklake, else None (the local files below)."""
    from warehouse import backend

    if not backend.is_ducklake():
        return None
    from warehouse import ducklake

    return ducklake


def releases_dir() -> Path:
    path = data_dir() / "releases"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_release_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"r{stamp[:-4]}Z"  # millisecond resolution keeps ids unique and sortable


def release_path(release_id: str) -> Path:
    if not release_id.replace("-", "").replace("_", "").isalnum():
        raise ReleaseError(f"not a release id: {release_id!r}")
    return releases_dir() / f"{release_id}.duckdb"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def publish_lock() -> Iterator[None]:
    """One publisher at a time, across processes (a killed holder releases the lock with its process)."""
    if lake := _lake():  # across hosts: a PostgreSQL advisory lock
        with lake.publish_lock():
            yield
        return
    with open(releases_dir() / ".publish.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal(building: Path, release_id: str) -> Path:
    """Rename a complete build into place with its checksum; both durable before the pointer moves."""
    final = release_path(release_id)
    fsync_path(building)
    checksum = file_sha256(building)
    sums = final.with_suffix(".sha256")
    tmp_sums = sums.with_name(f".{sums.name}.tmp")
    try:
        tmp_sums.write_text(f"{checksum}  {final.name}\n")
        fsync_path(tmp_sums)
        os.replace(building, final)
        os.replace(tmp_sums, sums)
    finally:
        tmp_sums.unlink(missing_ok=True)  # a disk-full write leaves no half checksum behind
    fsync_path(releases_dir())
    return final


def point_current_to(release_id: str) -> None:
    """Atomically repoint `current` (readers switch on their next request)."""
    target = release_path(release_id)
    if not verify(release_id):
        raise ReleaseError(f"release {release_id} is missing or fails its checksum; `current` not changed")
    for stale in releases_dir().glob(".current-*"):  # ours, or one left by a killed switch (callers hold the lock)
        stale.unlink(missing_ok=True)
    tmp = releases_dir() / f".current-{os.getpid()}"
    os.symlink(target.name, tmp)
    os.replace(tmp, releases_dir() / CURRENT)
    fsync_path(releases_dir())


def current_release_id() -> str | None:
    if lake := _lake():
        return lake.current_release_id()
    link = releases_dir() / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).stem


def verify(release_id: str) -> bool:
    """True when the release file exists and matches the checksum written when it was sealed."""
    if lake := _lake():
        return lake.verify(release_id)
    path = release_path(release_id)
    sums = path.with_suffix(".sha256")
    if not path.exists() or not sums.exists():
        return False
    expected = sums.read_text().split()[0] if sums.read_text().strip() else ""
    return file_sha256(path) == expected


def list_release_ids() -> list[str]:
    if lake := _lake():
        return lake.list_release_ids()
    return sorted(p.stem for p in releases_dir().glob("r*.duckdb"))


@dataclass
class HistoryEntry:
    release_id: str
    action: str  # publish / rollback
    actor: str
    at: str
    summary: str
    changes: dict[str, object]


def append_history(entry: HistoryEntry) -> None:
    path = releases_dir() / "history.jsonl"
    line = json.dumps(entry.__dict__, sort_keys=True) + "\n"
    with open(path, "ab+") as handle:
        cut = _last_line_cut(handle)  # a line cut by a crash or a full disk must not swallow this entry
        handle.write((("\n" if cut else "") + line).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def _last_line_cut(handle: BinaryIO) -> bool:
    end = handle.seek(0, os.SEEK_END)
    if end == 0:
        return False
    handle.seek(end - 1)
    return handle.read(1) != b"\n"


def read_history() -> list[HistoryEntry]:
    if lake := _lake():
        return lake.read_history()
    path = releases_dir() / "history.jsonl"
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(HistoryEntry(**json.loads(line)))
        except (ValueError, TypeError):
            continue  # a line cut by a crash mid-write is ignored, not fatal
    return entries


def withdrawn(history: list[HistoryEntry] | None = None) -> set[str]:
    """Releases a later rollback undid: published before the rollback and newer than the release it went back to."""
    history = read_history() if history is None else history
    undone: set[str] = set()
    for i, h in enumerate(history):  # by position, not by time: two entries can share a second
        if h.action == "rollback":
            undone |= {p.release_id for p in history[:i] if p.action == "publish" and p.release_id > h.release_id}
    return undone


def served_before() -> list[str]:
    """Releases that were published or rolled back to, the most recent first, less those a rollback withdrew: where
    a reader falls back when the current release fails its checksum (never to figures an admin took back)."""
    history = read_history()
    undone = withdrawn(history)
    return list(dict.fromkeys(h.release_id for h in reversed(history) if h.release_id not in undone))


def prune(keep: int | None = None) -> list[str]:
    """Remove the oldest releases beyond the kept number; never the current one."""
    if lake := _lake():
        return lake.prune(keep)
    keep = keep or keep_releases()
    current = current_release_id()
    removable = [r for r in list_release_ids() if r != current]
    doomed = removable[: max(0, len(removable) - (keep - 1))]
    for release_id in doomed:
        for suffix in (".duckdb", ".sha256"):
            release_path(release_id).with_suffix(suffix).unlink(missing_ok=True)
    for pattern in (".building-*", ".*.tmp"):  # left by a killed or failed build (we hold the publish lock)
        for stale in releases_dir().glob(pattern):
            stale.unlink(missing_ok=True)
    return doomed


def rollback(release_id: str, actor: str) -> None:
    if lake := _lake():
        return lake.rollback(release_id, actor)
    with publish_lock():
        previous = current_release_id()
        if not verify(release_id):
            raise ReleaseError(f"release {release_id} is missing or fails its checksum; `current` not changed")
        summary = f"rolled back from {previous} to {release_id}"
        # recorded before the switch: a rollback killed in between is on record (builds leave the withdrawn
        # submissions out) and is simply repeated; the other order could serve it with no record, undone later
        append_history(HistoryEntry(release_id, "rollback", actor, now_iso(), summary, {"from": previous}))
        point_current_to(release_id)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
