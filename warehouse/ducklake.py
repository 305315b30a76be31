"""The scale-out backend (LMM_BACKEND=ducklake): releases as DuckLake snapshots, catalog in PostgreSQL.

Publish: under a PostgreSQL advisory lock (one publisher across all hosts), every release table is replaced in ONE
DuckLake transaction, which also records `releases` (release id -> snapshot) and a `release_pointer` row, so a
release appears whole or not at all. `current` is the release of the newest pointer row; a rollback only appends a
pointer row and deletes nothing (old snapshots go only when pruned past LMM_KEEP_RELEASES).

Read: one DuckDB per process with the lake attached READ_ONLY. The pointer is checked at most once per request and,
in a server, at most once a second (one snapshot-id query; the pointer row is read only when a snapshot was added).
Each served release is a small in-memory database of views, one per table under its bare name, and each cursor
starts with `USE` on it. A view reads the release's Parquet files as the catalog lists them at its snapshot
(immutable, so queries need no catalog round trip), or the lake table `AT (VERSION => n)` where the files alone
would not do (deletes, other columns). Opening a release checks its id and its tables' row counts (its manifest).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from lmm.config import keep_releases
from warehouse import backend, releases
from warehouse.connection import NoReleaseError

if TYPE_CHECKING:
    from warehouse.build import BuildInputs, Progress

log = logging.getLogger(__name__)
META_TABLES = ("releases", "release_pointer")
LOCK_KEY = 0x4C4D4D5055424C  # "LMMPUBL": the advisory lock every publish, rollback and prune takes
_MAX_OPEN = 7  # current + 2 retired (requests may still use them) + 4 pinned for ?release= citations
_META_DDL = [
    "CREATE TABLE IF NOT EXISTS lake.releases (release_id VARCHAR, snapshot BIGINT, created_at VARCHAR,"
    " actor VARCHAR, summary VARCHAR)",
    "CREATE TABLE IF NOT EXISTS lake.release_pointer (seq BIGINT, release_id VARCHAR, action VARCHAR,"
    " snapshot BIGINT, at_utc VARCHAR, actor VARCHAR, summary VARCHAR, changes VARCHAR)",
]


@dataclass(frozen=True)
class Pointer:
    release_id: str
    snapshot: int  # the release's snapshot
    lake_snapshot: int  # the newest snapshot when the pointer was read


_process: tuple[int, duckdb.DuckDBPyConnection] | None = None
_process_lock = threading.Lock()
_last_pointer: Pointer | None = None
_checked_at = 0.0
POINTER_SECONDS = 1.0  # under load, one catalog round trip per second per worker instead of one per request


def lake_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this process's DuckDB (lake attached READ_ONLY), opened on first use and after a fork."""
    global _process
    with _process_lock:
        if _process is None or _process[0] != os.getpid():
            con = backend.open_duckdb()
            try:
                backend.attach_lake(con, read_only=True)
            except duckdb.Error as error:
                con.close()
                if "does not exist" in str(error):
                    raise NoReleaseError("no release has been published to the lake yet: run `lmm build`") from None
                raise NoReleaseError(f"the DuckLake catalog cannot be opened: {error}") from error
            _process = (os.getpid(), con)
        return _process[1].cursor()


def close() -> None:
    """Close this process's lake connection and forget what was served (tests; a clean shutdown)."""
    global _process, _last_pointer
    with _process_lock:
        if _process is not None and _process[0] == os.getpid():
            _process[1].close()
        _process, _last_pointer = None, None
    READER.__init__()  # type: ignore[misc]


def pointer() -> Pointer | None:
    """The current release and its snapshot. In an HTTP request: one answer for the whole request, read from the
    catalog at most once per POINTER_SECONDS per process (a publish is seen within that time); elsewhere (CLI,
    publisher) read on every call. While the catalog is unreachable the last pointer seen is served (the Parquet
    views need no catalog)."""
    global _last_pointer, _checked_at
    cache = _request_cache()
    if cache is not None:
        if "lmm_lake_pointer" in cache:
            return cache["lmm_lake_pointer"]
        if _last_pointer is not None and time.monotonic() - _checked_at < POINTER_SECONDS:
            cache["lmm_lake_pointer"] = _last_pointer
            return _last_pointer
    try:
        _last_pointer = _read_pointer(lake_cursor(), _last_pointer)
        _checked_at = time.monotonic()
    except (duckdb.Error, NoReleaseError) as error:
        if _last_pointer is None:
            raise NoReleaseError(str(error)) from error
        _checked_at = time.monotonic()  # retried once per POINTER_SECONDS, not by every request
        log.warning("DuckLake catalog unreadable (%s); serving release %s", error, _last_pointer.release_id)
    if cache is not None:
        cache["lmm_lake_pointer"] = _last_pointer
    return _last_pointer


def _read_pointer(cur: duckdb.DuckDBPyConnection, previous: Pointer | None) -> Pointer | None:
    newest = cur.execute("SELECT * FROM lake.current_snapshot()").fetchall()[0][0]
    if previous is not None and previous.lake_snapshot == newest:
        return previous
    try:
        row = cur.execute("SELECT release_id, snapshot FROM lake.release_pointer ORDER BY seq DESC LIMIT 1").fetchall()
    except duckdb.CatalogException:
        return None  # a lake without any release yet
    return Pointer(row[0][0], row[0][1], newest) if row else None


def _forget_pointer() -> None:
    """After this process wrote to the lake, its next look at the pointer goes to the catalog."""
    global _checked_at
    _checked_at = 0.0
    cache = _request_cache()
    if cache is not None:
        cache.pop("lmm_lake_pointer", None)


def _request_cache() -> dict | None:
    """Flask's per-request namespace when inside a request (Dash callbacks and the API are Flask views)."""
    from flask import g, has_request_context

    return g.__dict__ if has_request_context() else None


# ---------------------------------------------------------------- what warehouse/releases.py hands over


def current_release_id() -> str | None:
    try:
        found = pointer()
    except NoReleaseError:
        return None
    return found.release_id if found else None


def release_snapshots(cur: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Release id -> snapshot, for every release whose snapshot has not been pruned."""
    sql = """SELECT release_id, snapshot FROM lake.releases
             WHERE snapshot IN (SELECT snapshot_id FROM lake.snapshots()) ORDER BY release_id"""
    try:
        return dict((cur or lake_cursor()).execute(sql).fetchall())
    except (duckdb.CatalogException, NoReleaseError):
        return {}


def list_release_ids() -> list[str]:
    return sorted(release_snapshots())


def verify(release_id: str) -> bool:
    return release_id in release_snapshots()


def read_history() -> list[releases.HistoryEntry]:
    sql = "SELECT release_id, action, actor, at_utc, summary, changes FROM lake.release_pointer ORDER BY seq"
    try:
        rows = lake_cursor().execute(sql).fetchall()
    except (duckdb.CatalogException, NoReleaseError):
        return []
    return [releases.HistoryEntry(r, a, who, at, s, json.loads(c or "{}")) for r, a, who, at, s, c in rows]


@contextmanager
def locked_writer() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor writing to the lake, held under the advisory lock: one publisher across every host. The lock is
    transaction-scoped, so it goes with the PostgreSQL session if the process dies."""
    con = backend.open_duckdb()
    lock = con.cursor()
    try:
        con.execute(f"ATTACH {backend.quote(backend.lake_dsn())} AS lock_db (TYPE postgres)")
        lock.execute("BEGIN")
        lock.execute("SELECT * FROM postgres_query('lock_db', ?)", [f"SELECT pg_advisory_xact_lock({LOCK_KEY})"])
        lock.fetchall()
        backend.attach_lake(con, read_only=False)
        yield con.cursor()
    finally:
        with suppress(duckdb.Error):
            lock.execute("ROLLBACK")  # ends the lock's transaction: the lock is released
        lock.close()
        con.close()
        _forget_pointer()


@contextmanager
def publish_lock() -> Iterator[None]:
    with locked_writer():
        yield


def build_release(inputs: BuildInputs, progress: Progress) -> str:
    """Build the tables exactly as the local backend does, then publish them as one snapshot."""
    from warehouse import build

    with locked_writer() as cur:
        release_id = releases.new_release_id()
        tables, changes = build.release_tables(release_id, inputs, progress)
        progress("writing the release to the lake")
        publish(cur, release_id, tables, build.release_summary(inputs, changes), inputs.actor, changes)
        _prune(cur, keep_releases())
    return release_id


def publish(cur, release_id: str, tables: dict[str, pd.DataFrame], summary: str, actor: str, changes: dict) -> int:
    """Replace every release table, record the release and point to it, in one transaction; returns its snapshot."""
    from warehouse.build import _sort_keys

    if set(tables) & set(META_TABLES):
        raise releases.ReleaseError(f"a release table may not be called {' or '.join(META_TABLES)}")
    expected = cur.execute("SELECT * FROM lake.current_snapshot()").fetchall()[0][0] + 1  # the lock: no other writer
    stale = set(_lake_tables(cur)) - set(tables) - set(META_TABLES)
    cur.execute("BEGIN")
    for name, frame in tables.items():
        cur.register("frame_in", frame)
        order = _sort_keys(frame)
        cur.execute(f'CREATE OR REPLACE TABLE lake."{name}" AS SELECT * FROM frame_in {order}')  # noqa: S608
        cur.unregister("frame_in")
    for name in stale:
        cur.execute(f'DROP TABLE lake."{name}"')
    for ddl in _META_DDL:
        cur.execute(ddl)
    cur.execute("INSERT INTO lake.releases VALUES (?, ?, ?, ?, ?)", [release_id, expected, _now(), actor, summary])
    _append_pointer(cur, release_id, "publish", expected, actor, summary, changes)
    _commit(cur, f"publish {release_id}", expected)
    return expected


def rollback(release_id: str, actor: str) -> None:
    """Point `current` back to an earlier release: one appended pointer row (its own small snapshot)."""
    with locked_writer() as cur:
        snapshot = release_snapshots(cur).get(release_id)
        if snapshot is None:
            raise releases.ReleaseError(f"release {release_id} is not in the lake or was pruned; `current` not changed")
        previous = _read_pointer(cur, None)
        summary = f"rolled back from {previous.release_id if previous else None} to {release_id}"
        cur.execute("BEGIN")
        changes = {"from": previous.release_id if previous else None}
        _append_pointer(cur, release_id, "rollback", snapshot, actor, summary, changes)
        _commit(cur, f"rollback to {release_id}", None)


def _append_pointer(cur, release_id: str, action: str, snapshot: int, actor: str, summary: str, changes: dict) -> None:
    sql = """INSERT INTO lake.release_pointer
             SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM lake.release_pointer"""
    cur.execute(sql, [release_id, action, snapshot, _now(), actor, summary, json.dumps(changes)])


def _commit(cur: duckdb.DuckDBPyConnection, message: str, expected: int | None) -> None:
    cur.execute("CALL lake.set_commit_message('lmm', ?)", [message])
    cur.execute("COMMIT")
    got = cur.execute("SELECT max(snapshot_id) FROM lake.snapshots() WHERE commit_message = ?", [message]).fetchall()
    if expected is not None and got[0][0] != expected:  # only a writer bypassing the lock could cause this
        raise releases.ReleaseError(f"{message}: committed as snapshot {got[0][0]} but recorded as {expected}")


def _now() -> str:
    return releases.now_iso()


def prune(keep: int | None = None) -> list[str]:
    with locked_writer() as cur:
        return _prune(cur, keep or keep_releases())


def _prune(cur: duckdb.DuckDBPyConnection, keep: int) -> list[str]:
    """Expire every snapshot but the kept releases' and the newest (never the current release's); files no
    snapshot needs any more are deleted by a prune an hour later or more, so requests reading them finish first."""
    snapshots, current = release_snapshots(cur), _read_pointer(cur, None)
    removable = [r for r in sorted(snapshots) if not current or r != current.release_id]
    doomed = removable[: max(0, len(removable) - (keep - 1))]
    kept = {s for r, s in snapshots.items() if r not in doomed}
    newest = cur.execute("SELECT * FROM lake.current_snapshot()").fetchall()[0][0]
    expire = [s for (s,) in cur.execute("SELECT snapshot_id FROM lake.snapshots()").fetchall() if s not in kept]
    expire = [int(s) for s in expire if s != newest]
    if doomed and expire:
        cur.execute(f"CALL ducklake_expire_snapshots('lake', versions => {expire})")
    cur.execute("CALL ducklake_cleanup_old_files('lake', older_than => now() - INTERVAL 1 HOUR)")
    return doomed


# ---------------------------------------------------------------- readers


def attach_release(cur: duckdb.DuckDBPyConnection, release_id: str, snapshot: int) -> str:
    """An in-memory database holding the release's tables as views (see the module docstring); its name."""
    alias = f"release_{int(snapshot)}"
    cur.execute(f"DETACH DATABASE IF EXISTS {alias}")
    cur.execute(f"ATTACH ':memory:' AS {alias}")
    try:
        cur.execute("BEGIN")  # one catalog transaction for all the listings
        sql = f"SELECT key, value FROM lake.release_info AT (VERSION => {int(snapshot)})"  # noqa: S608
        info = cur.execute(sql).fetchall()
        facts = {key: json.loads(value) for key, value in info if key in ("release_id", "row_counts")}
        if facts.get("release_id") != release_id:
            raise NoReleaseError(f"snapshot {snapshot} does not hold release {release_id}")
        counts: dict[str, int] = facts["row_counts"]  # the release's manifest, written by warehouse/build.py
        for name in dict.fromkeys([*counts, "release_info", *META_TABLES]):
            cur.execute(f'CREATE VIEW {alias}.main."{name}" AS {_table_source(cur, name, int(snapshot))}')
        for name, expected in counts.items():
            if cur.execute(f'SELECT count(*) FROM {alias}.main."{name}"').fetchall()[0][0] != expected:  # noqa: S608
                raise NoReleaseError(f"release {release_id}: table {name} does not hold its {expected} rows")
        cur.execute("COMMIT")
    except Exception:
        with suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        cur.execute(f"DETACH DATABASE IF EXISTS {alias}")
        raise
    return alias


def _lake_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    sql = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'main'"
    return [row[0] for row in cur.execute(sql).fetchall()]


def _table_source(cur: duckdb.DuckDBPyConnection, name: str, snapshot: int) -> str:
    """The release's Parquet files when they alone are the table (same columns, no deletes), else the lake table."""
    lake_table = f'SELECT * FROM lake."{name}" AT (VERSION => {snapshot})'  # noqa: S608 (names from the release)
    sql = "SELECT data_file, delete_file FROM ducklake_list_files('lake', ?, snapshot_version => ?)"
    files = cur.execute(sql, [name, snapshot]).fetchall()
    if not files or any(delete is not None for _, delete in files):
        return lake_table
    parquet = f"SELECT * FROM read_parquet([{', '.join(backend.quote(f) for f, _ in files)}])"  # noqa: S608
    lake_cols, file_cols = (cur.execute(f"DESCRIBE {q}").fetchall() for q in (lake_table, parquet))
    return parquet if [c[:2] for c in lake_cols] == [c[:2] for c in file_cols] else lake_table


class LakeReader:
    """Per-process reader with the contract of connection.ReleaseReader (thread-safe, reset after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, str] = {}  # release id -> database name, least recently used first
        self._lake_snapshot: int | None = None
        self._pid = os.getpid()

    def cursor(self, release_id: str | None = None) -> tuple[str, duckdb.DuckDBPyConnection]:
        """(release id, cursor) for the current release, or for the given earlier one."""
        with self._lock:
            if os.getpid() != self._pid:
                self.__init__()  # type: ignore[misc]
            current = pointer()
            if current is not None and current.lake_snapshot != self._lake_snapshot:
                self._forget_pruned(current.lake_snapshot)
            wanted = release_id or (current.release_id if current else None)
            if wanted is None:
                raise NoReleaseError("no release has been published to the lake yet: run `lmm build`")
            try:
                alias = self._opened(wanted, current)
            except Exception as error:
                if release_id or not self._open:
                    raise
                wanted, alias = list(self._open.items())[-1]  # the release served last
                log.warning("current release cannot be opened (%s); serving %s", error, wanted)
        cur = lake_cursor()
        cur.execute(f"USE {alias}")
        return wanted, cur

    def _forget_pruned(self, lake_snapshot: int) -> None:
        """After a publish, close the releases whose snapshots were pruned (their files go an hour later)."""
        try:
            available = release_snapshots(lake_cursor())
        except duckdb.Error:
            return  # try again on the next request
        for release_id in [r for r in self._open if r not in available]:
            lake_cursor().execute(f"DETACH DATABASE IF EXISTS {self._open.pop(release_id)}")
        self._lake_snapshot = lake_snapshot

    def _opened(self, release_id: str, current: Pointer | None) -> str:
        alias = self._open.pop(release_id, None)
        if alias is None:
            cur = lake_cursor()
            known = current.snapshot if current and current.release_id == release_id else None
            snapshot = known if known is not None else release_snapshots(cur).get(release_id)
            if snapshot is None:
                raise NoReleaseError(f"release {release_id!r} is not available")
            alias = attach_release(cur, release_id, snapshot)
            if len(self._open) >= _MAX_OPEN:
                cur.execute(f"DETACH DATABASE IF EXISTS {self._open.pop(next(iter(self._open)))}")
        self._open[release_id] = alias
        return alias


READER = LakeReader()
