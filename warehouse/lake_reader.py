"""The DuckLake backend's reader (the contract of connection.ReleaseReader): each served release is a small
in-memory database of views, one per table under its bare name, and each cursor starts with `USE` on it.

A view reads the release's Parquet files as the catalog lists them at its snapshot (immutable, so queries need no
catalog round trip), or the lake table `AT (VERSION => n)` where the files alone would not do (deletes, other
columns). Opening a release checks its id and its tables' row counts (its manifest); at most _MAX_OPEN stay open
per process, the least recently used closed first.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from contextlib import suppress

import duckdb

from warehouse import lake_setup as backend
from warehouse.errors import NoReleaseError
from warehouse.lake_catalog import META_TABLES, Pointer, lake_cursor, pointer, release_snapshots

log = logging.getLogger("warehouse.ducklake")  # the backend's one logger, whichever of its modules speaks
_MAX_OPEN = 7  # current + 2 retired (requests may still use them) + 4 pinned for ?release= citations


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
