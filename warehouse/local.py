"""The local backend (LMM_BACKEND=local, the default): versioned, immutable release files and the atomic `current`
pointer.

Layout under LMM_DATA_DIR/releases: `<id>.duckdb` (immutable once published), `<id>.sha256` (its checksum,
checked before a release is served), `current` (a symlink to the published file, swapped with os.replace),
`history.jsonl` (one line per publish/rollback: who, why, what changed). A build writes `.building-<id>.duckdb`
and only a complete, checkpointed, fsynced file is renamed into place, so a killed build publishes nothing.
`LocalBackend` gathers them behind the interface warehouse/backend.py chooses from (the DuckLake one is
warehouse/ducklake.py); the reader of the published file is warehouse/local_reader.py.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import duckdb

from lmm.config import data_dir, keep_releases
from warehouse.errors import ReleaseError
from warehouse.records import HistoryEntry, new_release_id, now_iso, withdrawn
from warehouse.tables import BuildInputs, Progress, release_summary, write_release

CURRENT = "current"


def releases_dir() -> Path:
    path = data_dir() / "releases"
    if not path.is_dir():  # as data_dir(): one stat per call, mkdir only when missing
        path.mkdir(parents=True, exist_ok=True)
    return path


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
    link = releases_dir() / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).stem


def verify(release_id: str) -> bool:
    """True when the release file exists and matches the checksum written when it was sealed."""
    path = release_path(release_id)
    sums = path.with_suffix(".sha256")
    if not path.exists() or not sums.exists():
        return False
    expected = sums.read_text().split()[0] if sums.read_text().strip() else ""
    return file_sha256(path) == expected


def list_release_ids() -> list[str]:
    return sorted(p.stem for p in releases_dir().glob("r*.duckdb"))


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


def served_before() -> list[str]:
    """Releases that were published or rolled back to, the most recent first, less those a rollback withdrew: where
    a reader falls back when the current release fails its checksum (never to figures an admin took back)."""
    history = read_history()
    undone = withdrawn(history)
    return list(dict.fromkeys(h.release_id for h in reversed(history) if h.release_id not in undone))


def prune(keep: int | None = None) -> list[str]:
    """Remove the oldest releases beyond the kept number; never the current one."""
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
    with publish_lock():
        previous = current_release_id()
        if not verify(release_id):
            raise ReleaseError(f"release {release_id} is missing or fails its checksum; `current` not changed")
        summary = f"rolled back from {previous} to {release_id}"
        # recorded before the switch: a rollback killed in between is on record (builds leave the withdrawn
        # submissions out) and is simply repeated; the other order could serve it with no record, undone later
        append_history(HistoryEntry(release_id, "rollback", actor, now_iso(), summary, {"from": previous}))
        point_current_to(release_id)


def build_release(inputs: BuildInputs, progress: Progress = lambda _m: None) -> str:
    """Build, seal and publish a release; return its id. The whole build happens under the publish lock into a
    `.building-*` file; only a complete file is sealed and pointed to, so any error (or a killed process) leaves
    the current release as it was."""
    with publish_lock():
        release_id, parent = new_release_id(), current_release_id()
        building = releases_dir() / f".building-{release_id}.duckdb"
        try:
            changes = write_release(building, release_id, inputs, progress, parent)
            seal(building, release_id)
            summary = release_summary(inputs, changes)
            append_history(HistoryEntry(release_id, "publish", inputs.actor, now_iso(), summary, changes))
            point_current_to(release_id)  # after the history line: a served release always has one
        except (OSError, duckdb.Error) as error:
            if not _disk_full(error):
                raise
            raise ReleaseError(
                f"release {release_id} was abandoned: the disk is full or the file size limit was reached ({error}). "
                f"Nothing was published; release {parent} is still served. Free space, then build again."
            ) from error
        finally:
            for partial in (building, building.with_name(building.name + ".wal")):
                partial.unlink(missing_ok=True)
        prune()
    return release_id


def _disk_full(error: BaseException) -> bool:
    """ENOSPC / EFBIG / EDQUOT, raised by Python or reported in a DuckDB error's text."""
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    return any(text in str(error) for text in ("No space left on device", "File too large", "Disk quota exceeded"))
