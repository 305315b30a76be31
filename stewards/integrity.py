"""The control database's health: an integrity check on first use in each process, a verified backup after every
change worth keeping, and a refusal (never a silent empty start) when the file is damaged, truncated or gone.

A damaged control database is refused, not repaired: the steward area answers 503 with the reason, `/api/v1/health`
shows it, the log says so once, and `lmm build` refuses too (building without the accepted submissions would drop
published figures). `lmm control restore` puts the last verified backup (`control.sqlite.bak`, written with SQLite's
online backup after each submission, review, publish, rollback and account change) in place and keeps the damaged
file beside it. The public pages and API never read this database and keep serving.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)
# Audit actions after which the backup is refreshed: a steward's confirmation, every review and publish, accounts.
# The backup is a full copy (its cost grows with the database), so not after each upload or sign-in: an upload's
# file is kept with its checksum anyway, and what a restore loses is only what was never confirmed.
DURABLE_ACTIONS = {
    "submit", "approve", "reject", "publish", "publish_failed", "publish_retry", "withdraw", "rollback", "user_add",
    "token_issue", "token_revoke", "control_restore",
}  # fmt: skip
_DAMAGED: dict[Path, tuple[tuple[int, int] | None, str]] = {}  # path -> (file version when found, why)
_CHECKED: dict[Path, tuple[object, str | None]] = {}  # path -> (file version, why) for health probes
_PENDING = threading.local()


class ControlDatabaseError(RuntimeError):
    """The control database is damaged, or lost while its backup exists; the message says what to do."""


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def problem_with(path: Path) -> str | None:
    """Why this database file cannot be used (None: it passes `PRAGMA quick_check`)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=15)
        try:
            rows = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        return f"{path.name} cannot be read ({error})"
    bad = [r for r in rows if r != "ok"]
    return f"{path.name} fails its integrity check ({'; '.join(bad[:3])})" if bad else None


def check(path: Path) -> str | None:
    """Why the control database must not be used: damaged, or missing/empty while a backup of it exists."""
    wal = path.with_name(path.name + "-wal")
    if _version(path) is None or (path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size)):
        if backup_path(path).exists():
            return (
                f"{path.name} is missing or empty, but its backup {backup_path(path).name} exists (lost or truncated)"
            )
        return None  # a new installation: the database is created
    return problem_with(path)


def message(why: str) -> str:
    return (f"The control database is damaged: {why}. The steward area is closed until an admin restores it "
            f"(`lmm control restore` puts back the last verified backup); nothing was changed.")  # fmt: skip


def mark_damaged(path: Path, why: str) -> ControlDatabaseError:
    if path not in _DAMAGED:
        log.error("control database %s refused: %s. Restore it with `lmm control restore`.", path, why)
    _DAMAGED[path] = (_version(path), why)
    return ControlDatabaseError(message(why))


def refuse_if_damaged(path: Path, ready: set[Path]) -> None:
    """Raise when the file is known damaged (until it changes); check it on its first use in this process."""
    known = _DAMAGED.get(path)
    if known is not None:
        if known[0] == _version(path):
            raise ControlDatabaseError(message(known[1]))
        _DAMAGED.pop(path, None)  # another thread may have dropped it first
        ready.discard(path)
    if path not in ready:
        why = check(path)
        if why:
            raise mark_damaged(path, why)


def is_corruption(error: BaseException) -> bool:
    return getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def warning(path: Path) -> str | None:
    """For /api/v1/health: why the control database is refused, or None (also when it does not exist yet).
    Checked again only when the file changes, so a health probe costs a stat."""
    known = _DAMAGED.get(path)
    if known is not None and known[0] == _version(path):
        return f"control database refused: {known[1]}"
    version = (_version(path), backup_path(path).exists())
    if _CHECKED.get(path, (None, None))[0] != version:
        _CHECKED[path] = (version, check(path) if path.exists() or version[1] else None)
    why = _CHECKED[path][1]
    if why:
        mark_damaged(path, why)
        return f"control database refused: {why}"
    return None


# --- backup --------------------------------------------------------------------------------------------------


def note_action(action: str) -> None:
    """Called for each audit entry of a transaction: a durable action refreshes the backup after the commit."""
    if action in DURABLE_ACTIONS:
        _PENDING.backup = True


def after_commit(db: sqlite3.Connection, path: Path) -> None:
    if getattr(_PENDING, "backup", False):
        _PENDING.backup = False
        backup(db, path)


def after_rollback() -> None:
    _PENDING.backup = False


def backup(db: sqlite3.Connection, path: Path) -> Path | None:
    """Copy the database (a consistent snapshot) to `<name>.bak`; replaced only by a copy that passes quick_check."""
    target = backup_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            ok = copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            copy.close()
        if not ok:
            log.error("control database backup skipped: the copy fails its integrity check")
            return None
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
        return target
    except OSError as error:  # a full disk must not fail the change the backup follows
        log.error("control database backup failed: %s", error)
        return None
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_copies(path: Path) -> list[str]:
    """Remove the temporary files (full-size copies of the database, problem lists being written) that a process
    killed halfway left behind: each carries its writer's pid in its name, and is removed once that pid is gone."""
    removed = []
    folders = [(path.parent, f".{path.name}*.tmp"), (path.parent / "uploads", "*.tmp")]
    for folder, pattern in folders:
        if not folder.is_dir():
            continue
        for stale in folder.glob(pattern):
            pid = _writer_pid(stale.name)
            if pid is not None and not _alive(pid):
                stale.unlink(missing_ok=True)
                removed.append(stale.name)
    if removed:
        log.warning("removed %d temporary file(s) left by killed processes: %s", len(removed), ", ".join(removed[:5]))
    return removed


def _writer_pid(name: str) -> int | None:
    """The pid written into a temporary file's name (`<...>.<pid>[.<thread>].tmp`), or None."""
    for part in reversed(name.split(".")[:-1]):
        if part.isdigit() and len(part) <= 7:  # a pid (a thread's ident beside it is longer)
            return int(part)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_backup(db: sqlite3.Connection, path: Path) -> None:
    """An installation from before backups existed gets its first one on first use."""
    if not backup_path(path).exists() and path.exists() and path.stat().st_size > 0:
        backup(db, path)


def restore(path: Path, force: bool = False) -> str:
    """Put the last verified backup in place; the damaged file (and its WAL) is kept as `<name>.damaged-<time>`."""
    source = backup_path(path)
    if not source.exists():
        raise ControlDatabaseError(f"there is no backup {source.name} to restore")
    if problem := problem_with(source):
        raise ControlDatabaseError(f"the backup cannot be used either: {problem}")
    why = check(path)
    if why is None and not force:
        raise ControlDatabaseError(
            f"{path.name} passes its integrity check; nothing restored (--force to do it anyway)"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            os.replace(old, kept.with_name(kept.name + suffix))
    tmp = path.with_name(f".{path.name}.restore.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    copy = sqlite3.connect(tmp, isolation_level=None)
    try:
        copy.execute("PRAGMA journal_mode = WAL")  # as the live database runs (the backup is a plain file)
    finally:
        copy.close()
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync(path.parent)
    _DAMAGED.pop(path, None)
    return f"restored {path.name} from {source.name}; the damaged file is kept as {kept.name}" + (
        f" ({why})" if why else ""
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def audit_against_backup(path: Path) -> list[str]:
    """What the hash chain alone cannot show: entries of the last verified backup that the live audit log no longer
    has (a removed tail) or has with another hash (a rewritten chain). Empty when they agree or there is no backup."""
    backup = backup_path(path)
    if not backup.exists() or not path.exists():
        return []

    def entries(source: Path) -> dict[int, str]:
        db = sqlite3.connect(f"file:{source}?mode=rw", uri=True)
        try:
            return dict(db.execute("SELECT seq, hash FROM audit").fetchall())
        except sqlite3.DatabaseError:
            return {}
        finally:
            db.close()

    saved, live = entries(backup), entries(path)
    problems = []
    if missing := sorted(set(saved) - set(live)):
        problems.append(f"entries {missing[0]} to {missing[-1]} are in the backup but no longer in the log (removed)")
    if changed := sorted(seq for seq in set(saved) & set(live) if saved[seq] != live[seq]):
        problems.append(f"entries {changed[0]} to {changed[-1]} differ from the backup (the chain was rewritten)")
    return problems
