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

This module is the DuckLake side of the one backend interface (warehouse/backend.py): it publishes, rolls back and
prunes. The process's catalog connection and the pointer are in warehouse/lake_catalog.py, the reader in
warehouse/lake_reader.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb
import pandas as pd

from lmm.config import keep_releases
from warehouse import lake_setup as backend
from warehouse.errors import NoReleaseError, ReleaseError

# lake_cursor, pointer, release_snapshots, META_TABLES and READER stay importable from here (connection.py, tests).
from warehouse.lake_catalog import (
    META_TABLES,
    close_connection,
    forget_pointer,
    lake_cursor,
    pointer,
    read_pointer,
    release_snapshots,
)
from warehouse.lake_reader import READER
from warehouse.records import HistoryEntry, new_release_id, now_iso
from warehouse.tables import BuildInputs, Progress, release_summary, release_tables, sort_keys

LOCK_KEY = 0x4C4D4D5055424C  # "LMMPUBL": the advisory lock every publish, rollback and prune takes
_META_DDL = [
    "CREATE TABLE IF NOT EXISTS lake.releases (release_id VARCHAR, snapshot BIGINT, created_at VARCHAR,"
    " actor VARCHAR, summary VARCHAR)",
    "CREATE TABLE IF NOT EXISTS lake.release_pointer (seq BIGINT, release_id VARCHAR, action VARCHAR,"
    " snapshot BIGINT, at_utc VARCHAR, actor VARCHAR, summary VARCHAR, changes VARCHAR)",
]


def close() -> None:
    """Close this process's lake connection and forget what was served (tests; a clean shutdown)."""
    close_connection()
    READER.__init__()  # type: ignore[misc]


# ---------------------------------------------------------------- the backend interface (warehouse/backend.py)


def current_release_id() -> str | None:
    try:
        found = pointer()
    except NoReleaseError:
        return None
    return found.release_id if found else None


def list_release_ids() -> list[str]:
    return sorted(release_snapshots())


def verify(release_id: str) -> bool:
    return release_id in release_snapshots()


def read_history() -> list[HistoryEntry]:
    sql = "SELECT release_id, action, actor, at_utc, summary, changes FROM lake.release_pointer ORDER BY seq"
    try:
        rows = lake_cursor().execute(sql).fetchall()
    except (duckdb.CatalogException, NoReleaseError):
        return []
    return [HistoryEntry(r, a, who, at, s, json.loads(c or "{}")) for r, a, who, at, s, c in rows]


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
        forget_pointer()


@contextmanager
def publish_lock() -> Iterator[None]:
    with locked_writer():
        yield


def build_release(inputs: BuildInputs, progress: Progress = lambda _m: None) -> str:
    """Build the tables exactly as the local backend does, then publish them as one snapshot."""
    with locked_writer() as cur:
        release_id, parent = new_release_id(), read_pointer(cur, None)
        tables, changes = release_tables(release_id, inputs, progress, parent.release_id if parent else None)
        progress("writing the release to the lake")
        publish(cur, release_id, tables, release_summary(inputs, changes), inputs.actor, changes)
        _prune(cur, keep_releases())
    return release_id


def publish(cur, release_id: str, tables: dict[str, pd.DataFrame], summary: str, actor: str, changes: dict) -> int:
    """Replace every release table, record the release and point to it, in one transaction; returns its snapshot."""
    if set(tables) & set(META_TABLES):
        raise ReleaseError(f"a release table may not be called {' or '.join(META_TABLES)}")
    expected = cur.execute("SELECT * FROM lake.current_snapshot()").fetchall()[0][0] + 1  # the lock: no other writer
    stale = set(_lake_tables(cur)) - set(tables) - set(META_TABLES)
    cur.execute("BEGIN")
    for name, frame in tables.items():
        cur.register("frame_in", frame)
        order = sort_keys(frame)
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
            raise ReleaseError(f"release {release_id} is not in the lake or was pruned; `current` not changed")
        previous = read_pointer(cur, None)
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
        raise ReleaseError(f"{message}: committed as snapshot {got[0][0]} but recorded as {expected}")


def _now() -> str:
    return now_iso()


def prune(keep: int | None = None) -> list[str]:
    with locked_writer() as cur:
        return _prune(cur, keep or keep_releases())


def _prune(cur: duckdb.DuckDBPyConnection, keep: int) -> list[str]:
    """Expire every snapshot but the kept releases' and the newest (never the current release's); files no
    snapshot needs any more are deleted by a prune an hour later or more, so requests reading them finish first."""
    snapshots, current = release_snapshots(cur), read_pointer(cur, None)
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


def _lake_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    sql = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'main'"
    return [row[0] for row in cur.execute(sql).fetchall()]
